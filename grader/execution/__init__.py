"""Running untrusted code: a workspace per kernel, launchers that start kernels in it, the
runner that executes the submission's cells and carries probe requests, and reading replies
defensively. Nothing outside this package knows how a kernel came to be.

- ``runner``: the ``Runner`` protocol grading uses, and the in-process runner for tests
- ``kernel``: ``KernelRunner``, the policy (restarts, cells replayed without the ones that hung,
  when to stop calling: the restart limit, a silenced probe, the submission's time budget)
- ``connection``: talking to one kernel (ready, probe, requests and capped replies)
- ``cells``: running the cells through nbclient
- ``launchers``: the ``Launcher`` seam and the local launcher
- ``workspace``, ``environment``, ``cleanup``: what a kernel is given, and removing it after
- ``replies``: decoding what the kernel sends; ``loop``: the private asyncio loop
"""
