"""The wheel students pip-install: built from this checkout, it holds the grader and the pack
(checks, stubs, templates, schema, probe) and nothing of ``solutions/``; installed into a fresh
virtual environment outside the checkout, its ``grader`` command grades as the checkout does.

Slow by nature: one wheel build, one virtual environment with torch (about a minute on the course
machines, where pip takes torch and the dependencies from local indexes), then real kernels. So
the whole module is marked ``kernel`` (the wheel's listing starts none, but shares the build), and
the wheel and the environment are made once for it. ``pytest -s`` shows how long each step took.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest

from exercises.conv_layer import PACK
from grader import GradeOptions, grade
from grader.results.model import SubmissionResult
from tests.pack_support import ROOT, assert_full_marks

pytestmark = pytest.mark.kernel

#: The checkout's own torch release (the README's pin): some truths are computed from the
#: installed torch (the error autograd raises), so the two installations must grade on the same one.
TORCH = "torch==" + version("torch").split("+")[0]
#: What the wheel must ship, as globs over the copy it was built from (each must match something).
SHIPPED = (
    "exercises/conv_layer/stub.ipynb", "exercises/conv_layer/stub.py",
    "exercises/conv_layer/checks/*.py", "grader/reports/templates/*", "grader/results/schema/*.json",
    "grader/probe/*.py",
)
#: Variables through which the checkout (or another installation) could reach the new environment.
LEAKS = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV")


@dataclass(frozen=True)
class Built:
    """The wheel, and the copy of the checkout it was built from."""

    wheel: Path
    source: Path


@dataclass(frozen=True)
class Installed:
    """A virtual environment outside the checkout with the wheel installed, and how to run it."""

    python: Path
    grader: Path
    site_packages: Path
    env: dict[str, str]

    def run(self, *argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run a command in ``cwd`` with this environment's variables (not the checkout's)."""
        assert not cwd.resolve().is_relative_to(ROOT)
        return subprocess.run([str(a) for a in argv], cwd=cwd, env=self.env, capture_output=True,
                              text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build the wheel from a copy of the files git sees: setuptools writes ``build/`` and
    ``*.egg-info`` into the folder it builds and ships what an old ``build/`` still holds, so a copy
    builds what a fresh clone would, and leaves this working tree alone."""
    source = tmp_path_factory.mktemp("checkout")
    for name in _checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    started = time.monotonic()
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source)
    print(f"\nbuild the wheel: {time.monotonic() - started:.1f} s")
    (wheel,) = dist.glob("*.whl")
    return Built(wheel, source)


@pytest.fixture(scope="module")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """A fresh virtual environment outside the checkout: the torch pin first, then the wheel with
    its dependencies, as a student installs it. Removed afterwards: it is over a gigabyte, and
    pytest keeps its last three temporary folders."""
    venv = tmp_path_factory.mktemp("venv")
    assert not venv.resolve().is_relative_to(ROOT)
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep)
            if p and not Path(p).resolve().is_relative_to(ROOT)]
    env = {k: v for k, v in os.environ.items() if k not in LEAKS}
    env.update(PATH=os.pathsep.join([str(venv / "bin"), *path]), PYTHONNOUSERSITE="1")
    python = venv / "bin" / "python"
    steps: dict[str, list[str | Path]] = {
        "create the environment": [sys.executable, "-m", "venv", venv],
        f"install {TORCH}": [python, "-m", "pip", "install", "--quiet", TORCH],
        "install the wheel and its dependencies": [python, "-m", "pip", "install", "--quiet", built.wheel],
    }
    for step, argv in steps.items():
        started = time.monotonic()
        _run(*argv, env=env)
        print(f"{step}: {time.monotonic() - started:.1f} s")
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", env=env)
    yield Installed(python, venv / "bin" / "grader", Path(purelib.strip()).resolve(), env)
    shutil.rmtree(venv, ignore_errors=True)


def test_when_the_wheel_is_built_then_it_ships_the_grader_and_the_pack_and_nothing_of_solutions(
    built: Built,
) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
        digests = {hashlib.sha256(wheel.read(name)).hexdigest(): name for name in names}
    for pattern in SHIPPED:
        wanted = {p.relative_to(built.source).as_posix() for p in built.source.glob(pattern)}
        assert wanted and wanted <= names, pattern
    packages = {p.relative_to(built.source).as_posix() for top in ("grader", "exercises")
                for p in (built.source / top).rglob("*") if p.is_file()}
    assert packages <= names, "a file of grader/ or exercises/ does not ship"
    assert {n for n in names - packages if not n.split("/")[0].endswith(".dist-info")} == set()
    assert [n for n in names if "solutions" in n.split("/")] == []
    solutions = {hashlib.sha256(p.read_bytes()).hexdigest(): p
                 for p in (ROOT / "solutions").rglob("*") if p.is_file() and p.suffix != ".pyc"}
    assert len(solutions) >= 2
    assert {digests[d]: solutions[d].name for d in digests.keys() & solutions.keys()} == {}


def test_when_installed_then_grader_and_the_pack_come_from_the_new_environment_and_solutions_do_not(
    installed: Installed, tmp_path: Path,
) -> None:
    code = (
        "import grader, exercises, pathlib; from grader.catalog.registry import load_pack\n"
        "for path in (grader.__file__, exercises.__file__, load_pack().stub_notebook):\n"
        "    print(pathlib.Path(path).resolve())\n"
    )
    done = installed.run(installed.python, "-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    places = [Path(line) for line in done.stdout.splitlines()]
    assert len(places) == 3
    assert all(p.is_relative_to(installed.site_packages) for p in places), places
    refused = installed.run(installed.python, "-c", "import solutions", cwd=tmp_path)
    assert refused.returncode == 1 and "No module named 'solutions'" in refused.stderr


def test_when_the_installed_grader_checks_a_correct_notebook_then_full_marks_as_the_checkout_says(
    installed: Installed, tmp_path: Path,
) -> None:
    notebook = tmp_path / "correct.ipynb"
    shutil.copyfile(PACK.solution_notebook, notebook)
    code, result = _installed_check(installed, notebook)
    assert code == 0 and result.error is None
    assert_full_marks(result)
    assert _verdicts(result) == _verdicts(_checkout_grade(notebook))


def test_when_the_installed_grader_writes_the_stub_then_it_is_the_packs_and_grades_to_zero(
    built: Built, installed: Installed, tmp_path: Path,
) -> None:
    stubs = built.source / "exercises" / "conv_layer"  # the stubs as the wheel was built
    wrote = installed.run(installed.grader, "stub", cwd=tmp_path)
    assert wrote.returncode == 0, wrote.stderr
    notebook = tmp_path / "conv_layer.ipynb"
    assert notebook.read_bytes() == (stubs / "stub.ipynb").read_bytes()
    again = installed.run(installed.grader, "stub", cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "--force" in again.stderr
    assert installed.run(installed.grader, "stub", "--module", cwd=tmp_path).returncode == 0
    assert (tmp_path / "conv_layer.py").read_bytes() == (stubs / "stub.py").read_bytes()

    code, result = _installed_check(installed, notebook)
    assert code == 1 and result.error is None
    assert result.points == 0 and result.max_points > 0
    assert {c.status for c in result.checks} == {"unanswered", "skipped"}
    assert _verdicts(result) == _verdicts(_checkout_grade(notebook))


def _installed_check(installed: Installed, notebook: Path) -> tuple[int, SubmissionResult]:
    """``grader check NOTEBOOK --json ... --device cpu`` with the installed command, in its folder."""
    out = notebook.with_suffix(".result.json")
    done = installed.run(installed.grader, "check", notebook.name, "--json", out.name, "--device", "cpu",
                         cwd=notebook.parent)
    assert out.exists(), done.stderr
    return done.returncode, SubmissionResult.read(out)


def _checkout_grade(notebook: Path) -> SubmissionResult:
    """The same file graded by this checkout's grader, in this process (a real kernel too)."""
    return grade(notebook, pack=PACK, options=GradeOptions(device="cpu"))


def _verdicts(result: SubmissionResult) -> dict[str, str]:
    """Status per check item (``corr2d::matches_conv2d[cpu]``)."""
    return {check.item_id: str(check.status) for check in result.checks}


def _checkout_files() -> list[str]:
    """The checkout's files as git sees them: tracked (unless deleted) and untracked not ignored."""
    listed = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def _run(*argv: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """Run a setup step; its output is the failure message if it fails."""
    done = subprocess.run([str(a) for a in argv], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{' '.join(map(str, argv))}\n{done.stdout}\n{done.stderr}"
    return done.stdout
