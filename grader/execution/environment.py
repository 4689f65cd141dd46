"""The kernel's environment: built from an allow-list, never copied from the grader's.

The grader's environment may hold tokens (CI secrets, cloud credentials), a ``PYTHONPATH`` that
reaches the checkout (and so the worked solutions), ``JPY_PARENT_PID`` (which makes an ipykernel
exit when its parent looks gone, as it does inside a sandbox) and pytest's own variables. A
kernel gets none of it: only what it needs to run, its private directories, and the probe's path.
"""

from __future__ import annotations

from collections.abc import Mapping

from grader.execution.workspace import Workspace

#: Taken from the grader when set, each for a reason a kernel needs it:
#: PATH to find programs (``shutil.which``, torch's compiler probes); LD_LIBRARY_PATH where CUDA
#: or MKL libraries live outside the default search path; CUDA_VISIBLE_DEVICES and
#: CUDA_DEVICE_ORDER so the kernel sees the devices the grader planned for; the thread counts so
#: a pool running kernels side by side can keep each to one thread; the locale and time zone so
#: text and time behave as on the student's own machine.
INHERITED = (
    "PATH",
    "LD_LIBRARY_PATH",
    "CUDA_VISIBLE_DEVICES",
    "CUDA_DEVICE_ORDER",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "LANG",
    "LANGUAGE",
    "TZ",
)
#: Inherited by prefix: every locale category (LC_ALL, LC_CTYPE, ...).
INHERITED_PREFIXES = ("LC_",)
#: Says to code in the kernel that it runs to be graded: ``grader.check(...)`` cells (the student's
#: self-checks, ``grader.frontends.notebook``) then do nothing. A student who sets it in their own
#: kernel only turns off their own self-checks.
GRADING = "CONV_GRADER_GRADING"
#: Set for every kernel whatever the grader has: figures render off-screen (no display, no
#: inline backend); user site-packages are ignored, so what the kernel imports does not depend on
#: what a student's code installs into its home; the grading marker.
FIXED = {"MPLBACKEND": "agg", "PYTHONNOUSERSITE": "1", GRADING: "1"}


def inherits(name: str) -> bool:
    """Whether a variable of this name passes from the grader to a kernel."""
    return name in INHERITED or name.startswith(INHERITED_PREFIXES)


def kernel_environment(
    workspace: Workspace, grader_environment: Mapping[str, str], probe: Mapping[str, str]
) -> dict[str, str]:
    """The whole environment of a kernel started in ``workspace``.

    ``probe`` names the variables that tell the kernel where the probe is.
    """
    home = workspace.home
    private = {
        "HOME": home,
        "IPYTHONDIR": workspace.ipython_dir,
        "TMPDIR": workspace.tmp,
        "TMP": workspace.tmp,
        "TEMP": workspace.tmp,
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "MPLCONFIGDIR": home / ".config" / "matplotlib",
        "JUPYTER_CONFIG_DIR": home / ".jupyter",
        "JUPYTER_DATA_DIR": home / ".local" / "share" / "jupyter",
        "JUPYTER_RUNTIME_DIR": home / ".local" / "share" / "jupyter" / "runtime",
    }
    environment = {name: value for name, value in grader_environment.items() if inherits(name)}
    environment.update({name: str(path) for name, path in private.items()})
    environment.update(FIXED)
    environment.update(probe)
    return environment
