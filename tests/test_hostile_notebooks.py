"""Hostile but legal submissions never crash the grader nor cost an honest answer.

Three classes, several members each: NUL bytes (in the source, in a string, in an answer),
requests to end the kernel from a cell (``exit()``, ``quit()``, ``sys.exit()``, ``raise SystemExit``,
``os._exit``), and cells or calls that silence the probe's comm. The time budget of a whole
submission bounds whatever is left. Tests that need a kernel are marked ``kernel``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import messages
from grader.catalog.registry import load_pack
from grader.errors import SubmissionError
from grader.frontends.cli import main
from grader.grading.pipeline import GradeOptions, grade
from grader.results.model import SubmissionResult
from grader.submission import load_submission, split_percent, top_level_names

PACK = load_pack("conv_layer")
#: Where a hostile cell goes in the solution notebook: after the first free-text answer, with
#: correct code on both sides of it. It becomes cell 22.
MIDDLE = 21
HOSTILE_CELL = MIDDLE + 1
DIED = "os._exit, a crash or out of memory"


def solution_notebook_with(tmp_path: Path, source: str, name: str = "hostile.ipynb") -> Path:
    notebook = nbformat.read(PACK.solution_notebook, as_version=4)
    notebook.cells.insert(MIDDLE, nbformat.v4.new_code_cell(source))
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def solution_module_with(tmp_path: Path, extra: str, name: str = "hostile.py") -> Path:
    """The solution's code cells (no demo cells) with ``extra`` appended as one more cell."""
    code = "".join(f"# %%\n{cell.source}" for cell in split_percent(PACK.solution_module.read_text())
                   if cell.kind == "code" and cell.header != "demo")
    path = tmp_path / name
    path.write_text(code + "# %%\n" + extra)
    return path


def lost(result: SubmissionResult) -> dict[str, str]:
    return {c.item_id: c.message for c in result.checks if c.status not in ("passed", "skipped")}


def check_cli(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["check", str(path), "--pack", "conv_layer", "--device", "cpu", "--no-color", *extra])
    captured = capsys.readouterr()
    return code, captured.err


# === NUL bytes ====================================================================================


def nul_notebook(tmp_path: Path, *cells: nbformat.NotebookNode) -> Path:
    path = tmp_path / "nul.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=list(cells)), path)
    return path


#: A NUL byte where Python refuses it: the file's name, its content, and where the message says it is.
NUL_SOURCES = {
    "a .py module": ("nul.py", "import torch\n\ndef corr2d(X, K):\x00\n", "nul.py, line 3"),
    "a comment of a module": ("nul.py", "# \x00\nx = 1\n", "nul.py, line 1"),
    "a notebook code cell": ("nul.ipynb", ["# Title", "x = 1\ny = 2 \x00 + 3"],
                             "nul.ipynb, cell 2, line 2"),
    "a string literal": ("nul.ipynb", ["def corr2d(X, K):\n    return 'a\x00b'"],
                         "nul.ipynb, cell 1, line 2"),
}


@pytest.mark.parametrize("case", list(NUL_SOURCES))
def test_when_the_source_holds_a_nul_byte_then_the_cli_says_where_in_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str,
) -> None:
    name, content, where = NUL_SOURCES[case]
    if isinstance(content, str):
        path = _write(tmp_path / name, content)
    else:  # the first of several cells is markdown
        cells = [nbformat.v4.new_markdown_cell(content[0])] if len(content) > 1 else []
        path = nul_notebook(tmp_path, *cells, nbformat.v4.new_code_cell(content[-1]))
    expected = messages.NUL_BYTE.format(where=where)
    with pytest.raises(SubmissionError) as raised:
        load_submission(path)
    assert raised.value.message == expected
    code, err = check_cli(path, capsys, "--json", str(tmp_path / "r.json"))
    assert code == 2
    assert err.strip().splitlines() == [f"error: {expected}"]
    result = SubmissionResult.read(tmp_path / "r.json")
    assert result.error == expected and all(c.status == "error" and not c.internal for c in result.checks)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_when_a_markdown_cell_holds_a_nul_byte_then_it_is_harmless(tmp_path: Path) -> None:
    path = nul_notebook(tmp_path, nbformat.v4.new_markdown_cell("copied from a PDF: \x00"),
                        nbformat.v4.new_code_cell("x = '\\x00'"))  # an escape, not the byte itself
    submission = load_submission(path)
    assert [(c.number, c.source) for c in submission.cells] == [(2, "x = '\\x00'")]


def test_when_python_refuses_nul_with_value_error_then_it_is_still_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Python 3.11.2 (Debian 12) raises ValueError, not SyntaxError, from ast.parse and compile.
    def refuse(*args: object, **kwargs: object) -> ast.Module:
        raise ValueError("source code string cannot contain null bytes")

    path = _write(tmp_path / "sub.py", "def corr2d(X, K):\n    return X\n")
    monkeypatch.setattr(ast, "parse", refuse)
    with pytest.raises(SubmissionError, match=r"sub\.py: SyntaxError: source code string cannot"):
        load_submission(path)
    assert top_level_names("def corr2d(X, K):\n    return X\nK = 1\n") == {"corr2d", "K"}


NUL_ANSWERS = '''\
why_blur = "to smooth\\x00 noise"
answer_apply_K = "one_line\\x00"

def learn_kernel(X, Y, kernel_size, lr=3e-2, steps=10):
    raise ValueError("no\\x00pe")
'''


@pytest.mark.kernel
def test_when_answers_and_messages_hold_nul_bytes_then_grading_and_every_report_go_on(
    tmp_path: Path,
) -> None:
    path = solution_module_with(tmp_path, NUL_ANSWERS)
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(path), "--device", "cpu", "--no-color",
         "--json", str(tmp_path / "r.json"), "--report", str(tmp_path / "r.html")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # checks failed; no error, no crash
    assert "Traceback" not in done.stdout + done.stderr
    result = SubmissionResult.read(tmp_path / "r.json")
    assert result.error is None and not any(c.internal for c in result.checks)
    answers = {a.id: a.text for a in result.answers}
    assert answers["why_blur"] == "to smooth\x00 noise"
    failed = lost(result)
    assert {c.split("::")[0] for c in failed} == {"learn_kernel", "diagonal_edge"}, failed
    assert any("no\x00pe" in message for message in failed.values())
    assert json.loads((tmp_path / "r.json").read_text())["error"] is None
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    for name in ("r.md", "r.txt"):
        assert main(["report", str(tmp_path / "r.json"), "-o", str(tmp_path / name)]) == 0


# === exit requests in a cell =======================================================================

EXITS = {
    "exit()": ("died", "SystemExit", messages.CELL_EXITED),
    "quit()": ("died", "SystemExit", messages.CELL_EXITED),
    "import sys\nsys.exit(0)": ("raised", "SystemExit", messages.CELL_SYSTEM_EXIT),
    "raise SystemExit": ("raised", "SystemExit", messages.CELL_SYSTEM_EXIT),
    "import os\nos._exit(0)": ("died", "DeadKernelError", messages.CELL_DIED),
}


@pytest.mark.kernel
@pytest.mark.parametrize(
    ("source", "runs"),
    [("exit()", 2), ("quit()", 2), ("import sys\nsys.exit(0)", 1), ("raise SystemExit", 1),
     ("import os\nos._exit(0)", 1)],
)
def test_when_a_cell_asks_the_kernel_to_exit_then_that_cell_is_named_and_every_right_answer_scores(
    tmp_path: Path, source: str, runs: int,
) -> None:
    path = solution_notebook_with(tmp_path, source)
    kind, ename, sentence = EXITS[source]
    for _ in range(runs):  # exit() ends the kernel a moment later: the same verdicts every time
        result = grade(path, options=GradeOptions(device="cpu"))
        assert result.error is None
        assert lost(result) == {}
        assert result.points >= result.max_points > 0
        (error,) = result.execution.cell_errors
        assert (error.cell, error.kind, error.ename) == (HOSTILE_CELL, kind, ename)
        assert error.location == f"cell {HOSTILE_CELL}"
        assert error.evalue == sentence.format(where=error.location, detail=DIED)
        assert "asked the kernel to exit" in error.evalue or sentence is messages.CELL_DIED
        assert result.execution.kernel_restarts == (1 if kind == "died" else 0)
        assert all(a.text for a in result.answers)
