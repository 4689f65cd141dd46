"""A student's folder cannot put its code into the grader's process by naming it like ours.

A student repository holds ``exercises/conv_layer/`` (exactly what the course hands out), and may
hold a ``grader/`` package or a ``torch.py``. Each file here records the process it ran in; graded
through every front end, from inside that folder, none of them may run in the grader's process,
and the grade must be the installed pack's. ``python -m grader`` with a ``grader/`` folder beside
it is Python's own doing before any of our code runs: the README says to use ``grader`` or
``python -P -m grader`` there, and those are tested instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exercises.conv_layer import PACK

pytestmark = pytest.mark.kernel

#: Planted beside the submission: each writes RAN-<name>-<pid> when imported, then defines things
#: that would fool a grader that used it (a pack whose checks always pass, a broken torch).
SHADOWS = {
    "exercises/__init__.py": "",
    "exercises/conv_layer/__init__.py": "PACK = None\n",
    "exercises/conv_layer/checks.py": "",
    "grader/__init__.py": "",
    "grader/__main__.py": "",
    "torch.py": "def tensor(*a, **k):\n    raise SystemExit('shadow torch')\n",
}
MARKER = (
    "import os as _os, pathlib as _pathlib\n"
    "_pathlib.Path({folder!r}, f'RAN-{name}-{{_os.getpid()}}').write_text('')\n"
)


def plant(folder: Path, *, with_grader: bool) -> Path:
    """The stub notebook in ``folder``, with the shadowing files beside it."""
    for relative, body in SHADOWS.items():
        if relative.startswith("grader/") and not with_grader:
            continue
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        name = relative.replace("/", ".").removesuffix(".py")
        path.write_text(MARKER.format(folder=str(folder), name=name) + body)
    submission = folder / "sub.ipynb"
    shutil.copy(PACK.stub_notebook, submission)
    return submission


def ran_in(folder: Path, pid: int) -> list[str]:
    """The planted files that ran in the process ``pid``."""
    return sorted(p.name for p in folder.glob(f"RAN-*-{pid}"))


def run(command: list[str], folder: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run a front end from inside the student's folder; return it and its process id."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(command, process.returncode, out, err), process.pid


def bin_script(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def required_points() -> float:
    """What the pack's required checks are worth on a machine without CUDA (bonus left out)."""
    from exercises.conv_layer import PACK
    from grader.checking.devices import points_policy

    return sum(points_policy(check, device, count_cuda=False)[1]
               for exercise in PACK.exercises for check in exercise.checks if not check.bonus
               for device in check.devices)


@pytest.mark.parametrize(
    ("command", "with_grader"),
    [
        ([bin_script("grader"), "check", "sub.ipynb"], True),
        ([sys.executable, "-P", "-m", "grader", "check", "sub.ipynb"], True),
        ([sys.executable, "-m", "grader", "check", "sub.ipynb"], False),
        ([bin_script("pytest"), "-p", "no:cacheprovider", "--grade", "sub.ipynb"], True),
        ([sys.executable, "-P", "-m", "pytest", "-p", "no:cacheprovider", "--grade", "sub.ipynb"], True),
        ([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--grade", "sub.ipynb"], False),
    ],
    ids=["grader", "python-P-m-grader", "python-m-grader",
         "pytest", "python-P-m-pytest", "python-m-pytest"],
)
def test_when_the_student_folder_shadows_our_names_then_no_front_end_runs_any_of_it(
    tmp_path: Path, command: list[str], with_grader: bool
) -> None:
    plant(tmp_path, with_grader=with_grader)
    done, pid = run(command, tmp_path)
    assert ran_in(tmp_path, pid) == []
    # The stub fails every check (exit 1) against the installed pack's points: graded for real.
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"0/{required_points():g}" in done.stdout


def test_when_the_student_folder_has_a_pytest_ini_then_pytest_with_the_course_config_ignores_it(
    tmp_path: Path,
) -> None:
    # pytest reads the ini file of the folder it runs in: a student's could load their own plugin
    # before ours. The README says to name the course's configuration with -c; this is that.
    student = tmp_path / "student"
    student.mkdir()
    plant(student, with_grader=False)
    (student / "pytest.ini").write_text("[pytest]\naddopts = -p evilplugin\n")
    (student / "evilplugin.py").write_text(MARKER.format(folder=str(student), name="evilplugin"))
    course = tmp_path / "course.ini"
    course.write_text("[pytest]\n")
    done, pid = run([sys.executable, "-m", "pytest", "-c", str(course), "-p", "no:cacheprovider",
                     "--grade", "sub.ipynb"], student)
    assert ran_in(student, pid) == []
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"0/{required_points():g}" in done.stdout
