"""Exercise packs: what students get (stubs) and the checks that grade them."""
