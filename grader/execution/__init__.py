"""Running untrusted code: a workspace per submission, launchers that start kernels in it, the
runner that executes the submission's cells and carries probe requests, and reading replies
defensively. Nothing outside this package knows how a kernel came to be.
"""
