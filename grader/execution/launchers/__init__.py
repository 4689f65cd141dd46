"""How kernels come to be: each launcher takes a workspace and hands back a kernel it can clean up."""
