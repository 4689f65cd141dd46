"""Where a failure is, as the student finds it, through the console scripts a student runs.

A notebook with markdown between its code cells (and an empty cell) is graded with `grader check`;
every location (a check's, a cell's error, each traceback frame) names the cell by its `In [n]`
prompt of a top-to-bottom run and its first line, never by its position among all cells. The same
answers as a percent-format module are placed by the file's line numbers. The saved result is then
replayed with `pytest --grade ... --grade-from result.json`, exactly as the README shows it, from
the folder the student works in, and refused once the notebook has changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.frontends.pytest_plugin import messages
from grader.submission import places

pytestmark = pytest.mark.kernel

BIN = Path(sys.executable).parent
WINDOW = "def window(X, i, j, h, w):\n    return X[i:i + h, j:j + w] * undefined_scale\n"
CORR2D = "def corr2d(X, K):\n    h, w = K.shape\n    return window(X, 0, 0, h, w)\n"
FAILING = "print('trying it')\n1 / 0\n"
EDGE = "def edge_image():\n    raise NotImplementedError\n"

#: Cells 1, 6, 8 and 10 of the file; Jupyter runs them as In [1] to In [4].
NOTEBOOK = (
    new_markdown_cell("# Convolutions for Images"),
    new_code_cell("import torch"),
    new_markdown_cell("## 1. corr2d"),
    new_markdown_cell("Write `corr2d` below."),
    new_code_cell(""),
    new_code_cell(WINDOW + "\n\n" + CORR2D),
    new_markdown_cell("## A cell that fails"),
    new_code_cell(FAILING),
    new_markdown_cell("## 2. The edge image"),
    new_code_cell(EDGE),
)
#: The same answers as a percent-format module: window's failing line is line 9 of the file,
#: corr2d's call of it line 14, 1 / 0 line 17, edge_image's raise line 22.
MODULE = (
    "import torch\n"
    "# %% [markdown]\n# ## 1. corr2d\n# Write `corr2d` below.\n"
    "# %%\n\n\n" + WINDOW + "\n\n" + CORR2D
    + "# %% A cell that fails\n" + FAILING
    + "# %% [markdown]\n# ## 2. The edge image\n# %%\n" + EDGE
)


def notebook_at(number: int, first_line: str, line: int | None) -> str:
    """How the grader must name ``line`` of the cell ``In [number]`` starting with ``first_line``."""
    cell = places.NOTEBOOK_CELL.format(prompt=places.PROMPT.format(number=number), first_line=first_line)
    return cell if line is None else places.AT_LINE.format(cell=cell, line=line)


def run(command: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A console script (``grader``, ``pytest``) as the student runs it, in their folder."""
    return subprocess.run([str(BIN / command), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def checks(result: Mapping[str, Any], exercise: str) -> list[Mapping[str, Any]]:
    """The checks of ``exercise`` that ran (those of a device not asked for are skipped)."""
    ran = [c for e in result["exercises"] if e["id"] == exercise for c in e["checks"]
           if c["status"] != "skipped"]
    assert ran, exercise
    return ran


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The student's folder after ``grader check nb.ipynb --json result.json``, and that run."""
    folder = tmp_path_factory.mktemp("student")
    nbformat.write(new_notebook(cells=list(NOTEBOOK)), folder / "nb.ipynb")
    done = run("grader", "check", "nb.ipynb", "--json", "result.json", "--device", "cpu",
               "--no-color", cwd=folder)
    assert done.returncode == 1, done.stderr
    return folder, done


def test_when_markdown_sits_between_code_cells_then_checks_name_the_in_prompt_and_first_line(
    graded: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    folder, _ = graded
    result = json.loads((folder / "result.json").read_text())
    window = notebook_at(2, "def window(X, i, j, h, w):", 2)
    for check in checks(result, "corr2d"):
        # The line is window's, though the check called corr2d: attributed to the function it is in.
        assert check["location"] == window + ", in window", check["id"]
        assert check["traceback"].splitlines()[::2] == [
            notebook_at(2, "def window(X, i, j, h, w):", 7) + ", in corr2d",
            window + ", in window",
        ]
    assert {c["location"] for c in checks(result, "edge_detection") if c["id"] == "edge_image_is_books"} \
        == {notebook_at(4, "def edge_image():", 2) + ", in edge_image"}


def test_when_a_cell_raises_then_the_notebook_section_names_it_the_same_way(
    graded: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    folder, done = graded
    (error,) = json.loads((folder / "result.json").read_text())["execution"]["cell_errors"]
    assert (error["cell"], error["line"]) == (3, 2)
    assert error["location"] == notebook_at(3, "print('trying it')", 2)
    assert error["location"] in done.stdout
    assert "at " + notebook_at(2, "def window(X, i, j, h, w):", 2) in done.stdout
    assert "cell 6" not in done.stdout and "cell 8" not in done.stdout


def test_when_the_same_answers_are_a_module_then_locations_are_lines_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "answers.py").write_text(MODULE)
    done = run("grader", "check", "answers.py", "--json", "result.json", "--device", "cpu",
               "--no-color", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    result = json.loads((tmp_path / "result.json").read_text())
    corr2d = checks(result, "corr2d")[0]
    assert corr2d["location"] == places.MODULE_LINE.format(line=9) + ", in window"
    assert corr2d["traceback"].splitlines()[::2] == ["line 14, in corr2d", "line 9, in window"]
    (error,) = result["execution"]["cell_errors"]
    assert error["location"] == places.MODULE_LINE.format(line=17)
    edge = next(c for c in checks(result, "edge_detection") if c["id"] == "edge_image_is_books")
    assert edge["location"] == places.MODULE_LINE.format(line=22) + ", in edge_image"


def test_when_pytest_replays_the_saved_result_as_the_readme_shows_then_items_carry_its_verdicts(
    graded: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    folder, _ = graded
    done = run("pytest", "--grade", "nb.ipynb", "--grade-from", "result.json", cwd=folder)
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout + done.stderr
    assert "corr2d::book_example[cpu]" in done.stdout
    assert "at " + notebook_at(2, "def window(X, i, j, h, w):", 2) in done.stdout
    assert "grade: nb.ipynb" in done.stdout


def test_when_the_notebook_changed_after_its_result_was_saved_then_pytest_refuses_the_result(
    graded: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path,
) -> None:
    folder, _ = graded
    shutil.copy(folder / "result.json", tmp_path / "result.json")
    notebook = nbformat.read(folder / "nb.ipynb", as_version=4)
    notebook.cells[9].source = "def edge_image():\n    return torch.zeros(6, 8)\n"  # fixed since
    nbformat.write(notebook, tmp_path / "nb.ipynb")
    done = run("pytest", "--grade", "nb.ipynb", "--grade-from", "result.json", cwd=tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    saved = hashlib.sha256((folder / "nb.ipynb").read_bytes()).hexdigest()
    now = hashlib.sha256((tmp_path / "nb.ipynb").read_bytes()).hexdigest()
    assert done.stderr.strip() == "ERROR: " + messages.GRADE_FROM_CHANGED.format(
        result="result.json", submission="nb.ipynb", saved=saved[:12], actual=now[:12],
        command=messages.REGRADE_COMMAND.format(submission="nb.ipynb", result="result.json"))
