"""Loading, validating and sanitizing submissions: notebooks and percent-format modules."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

import grader.submission.loading as submission_module
from grader.errors import SubmissionError
from grader.submission import load_submission, places, split_percent, top_level_names


def write_notebook(path: Path, *cells: nbformat.NotebookNode) -> Path:
    nbformat.write(new_notebook(cells=list(cells)), path)
    return path


def submission_error(path: Path) -> str:
    """Load ``path`` expecting a SubmissionError; return its message after checking it is one line."""
    with pytest.raises(SubmissionError) as info:
        load_submission(path)
    message = info.value.message
    assert message.strip(), "a SubmissionError must say something"
    assert "\n" not in message, f"message is not one line: {message!r}"
    return message


# -- bad input: one line that says what is wrong --------------------------------------------------


def test_when_file_is_missing_then_error_names_the_path(tmp_path: Path) -> None:
    message = submission_error(tmp_path / "nowhere.ipynb")
    assert "nowhere.ipynb" in message
    assert "no such file" in message


def test_when_path_is_a_directory_then_error_says_it_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.ipynb"
    folder.mkdir()
    assert "not a file" in submission_error(folder)


def test_when_extension_is_wrong_then_error_asks_for_ipynb_or_py(tmp_path: Path) -> None:
    path = tmp_path / "answers.txt"
    path.write_text("x = 1\n")
    message = submission_error(path)
    assert ".ipynb" in message
    assert ".py" in message


def test_when_notebook_is_invalid_json_then_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text('{\n  "cells": [\n    oops\n  ]\n}\n')
    message = submission_error(path)
    assert "line 3" in message
    assert "column 5" in message


def test_when_notebook_is_nbformat_3_then_error_asks_for_version_4(tmp_path: Path) -> None:
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps({
        "metadata": {"name": "old"}, "nbformat": 3, "nbformat_minor": 0,
        "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1", "language": "python",
                                   "outputs": []}], "metadata": {}}],
    }))
    message = submission_error(path)
    assert "nbformat 3" in message
    assert "version 4" in message


@pytest.mark.parametrize("content", ['{"name": "not a notebook"}', "[1, 2, 3]", '"cells"'])
def test_when_json_is_not_a_notebook_then_error_says_so(tmp_path: Path, content: str) -> None:
    path = tmp_path / "data.ipynb"
    path.write_text(content)
    assert "not a Jupyter notebook" in submission_error(path)


@pytest.mark.parametrize("suffix", [".ipynb", ".py"])
def test_when_bytes_are_not_utf8_then_error_names_the_byte_and_offset(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"latin1{suffix}"
    path.write_bytes(b"x = 'caf\xe9'\n")
    message = submission_error(path)
    assert "UTF-8" in message
    assert "0xe9" in message
    assert "offset 8" in message


def test_when_notebook_has_no_cells_then_error_says_no_code(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "empty.ipynb")
    assert "no code cells" in submission_error(path)


def test_when_notebook_has_only_markdown_and_blank_code_then_error_says_no_code(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "blank.ipynb",
        new_markdown_cell("# Exercise 1"), new_code_cell(""), new_code_cell("   \n\n"),
        new_raw_cell("x = 1"),
    )
    assert "no code cells" in submission_error(path)


def test_when_notebook_is_structurally_invalid_then_error_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "invalid.ipynb"
    path.write_text(json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "outputs": []}],  # no source
    }))
    assert "not a valid notebook" in submission_error(path)


def test_when_py_has_syntax_error_then_error_gives_the_line_number(tmp_path: Path) -> None:
    path = tmp_path / "answer.py"
    path.write_text("import torch\n\ndef f(x):\n    return x +\n")
    message = submission_error(path)
    assert "line 4" in message
    assert "SyntaxError" in message


def test_when_py_has_syntax_error_then_suggested_command_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "answer.py"
    path.write_text("def f(:\n")
    message = submission_error(path)
    assert "{name}" not in message
    assert "python answer.py" in message


def test_when_py_starts_with_utf8_bom_then_it_loads_like_python_runs_it(tmp_path: Path) -> None:
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbfx = 1\n")
    assert load_submission(path).cells[0].source == "x = 1\n"


@pytest.mark.parametrize("content", ["", "\n\n   \n"])
def test_when_py_is_empty_then_error_says_it_is_empty(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.py"
    path.write_text(content)
    assert "is empty" in submission_error(path)


def test_when_py_has_only_markdown_chunks_then_error_says_no_code(tmp_path: Path) -> None:
    path = tmp_path / "prose.py"
    path.write_text("# %% [markdown]\n# Just prose\n# %%\n\n# %% [md]\n# more prose\n")
    assert "no code" in submission_error(path)


def test_when_py_has_only_comments_then_error_says_no_code(tmp_path: Path) -> None:
    path = tmp_path / "comments.py"
    path.write_text("# %% [markdown]\n# Just prose\n# %%\n# a comment\n")
    assert "no code" in submission_error(path)


def test_when_file_is_over_the_size_cap_then_error_asks_to_clear_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(submission_module, "MAX_SUBMISSION_BYTES", 2**20)
    path = tmp_path / "huge.py"
    path.write_text("x = 1\n" + "#" * (3 * 2**20) + "\n")
    message = submission_error(path)
    assert "3.0 MiB" in message
    assert "1 MiB limit" in message


def test_when_file_is_at_the_size_cap_then_it_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "edge.py"
    path.write_text("x = 1\n")
    monkeypatch.setattr(submission_module, "MAX_SUBMISSION_BYTES", path.stat().st_size)
    assert load_submission(path).cells


# -- sanitizing notebooks --------------------------------------------------------------------------


def test_when_notebook_has_outputs_then_cells_carry_source_only(tmp_path: Path) -> None:
    code = new_code_cell("y = 2", execution_count=7)
    code.outputs = [new_output("stream", name="stdout", text="forged: all tests passed\n")]
    path = write_notebook(tmp_path / "outputs.ipynb", code)
    loaded = load_submission(path)
    assert [(c.number, c.source) for c in loaded.cells] == [(1, "y = 2")]
    assert set(vars(loaded.cells[0])) == {"number", "source", "first_line"}


def test_when_notebook_mixes_cells_then_numbers_are_the_in_prompts_of_a_top_to_bottom_run(
    tmp_path: Path,
) -> None:
    path = write_notebook(
        tmp_path / "mixed.ipynb",
        new_markdown_cell("# Title"),
        new_code_cell("import torch"),
        new_markdown_cell("x = 'not code'"),
        new_raw_cell("raw"),
        new_code_cell("  \n"),  # Jupyter does not run an empty cell: it gets no prompt
        new_code_cell("def f(x):\n    return x"),
    )
    loaded = load_submission(path)
    assert loaded.kind == "notebook"
    assert [(c.number, c.source) for c in loaded.cells] == [
        (1, "import torch"), (2, "def f(x):\n    return x"),
    ]


def test_when_cell_source_is_a_list_of_lines_then_it_is_joined(tmp_path: Path) -> None:
    path = tmp_path / "lines.ipynb"
    notebook = new_notebook(cells=[new_code_cell("")])
    data = json.loads(nbformat.writes(notebook))
    data["cells"][0]["source"] = ["a = 1\n", "b = 2\n"]
    path.write_text(json.dumps(data))
    assert load_submission(path).cells[0].source == "a = 1\nb = 2\n"


def test_when_loaded_then_sha256_is_of_the_raw_bytes(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "hash.ipynb", new_code_cell("x = 1"))
    loaded = load_submission(path)
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert loaded.name == "hash.ipynb"
    assert loaded.path == path.resolve()


#: A notebook as students write them: markdown between the code cells, an empty cell left over.
PROMPTED = (
    new_markdown_cell("# Convolutions"),
    new_code_cell("import torch"),
    new_markdown_cell("## 1. corr2d"),
    new_markdown_cell("Write corr2d."),
    new_code_cell(""),
    new_code_cell("\n\ndef corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:\n    h, w = K.shape\n"),
    new_markdown_cell("## 2. Try it"),
    new_code_cell("corr2d(torch.ones(3, 3), torch.ones(2, 2))"),
)


def test_when_markdown_cells_sit_between_code_cells_then_where_names_the_in_prompt_and_first_line(
    tmp_path: Path,
) -> None:
    loaded = load_submission(write_notebook(tmp_path / "w.ipynb", *PROMPTED))
    # The 6th cell of the file, and the 2nd that Jupyter runs: In [2], as its prompt shows.
    assert loaded.where(2, 4) == 'In [2] "def corr2d(X: torch.Tensor, K: torc\u2026", line 4'
    assert loaded.where(3, None) == 'In [3] "corr2d(torch.ones(3, 3), torch.ones\u2026"'
    assert loaded.where(1, 1) == places.AT_LINE.format(
        cell=places.NOTEBOOK_CELL.format(prompt="In [1]", first_line="import torch"), line=1)


def test_when_a_cell_is_unknown_then_where_names_its_prompt_alone(tmp_path: Path) -> None:
    loaded = load_submission(write_notebook(tmp_path / "w.ipynb", *PROMPTED))
    assert loaded.where(9, 2) == "In [9], line 2"


@pytest.mark.parametrize(("line", "shown"), [
    ("x = 1", "x = 1"),
    ("   \t# indented comment  ", "# indented comment"),
    ("s = 'a\x00b'", "s = 'a\\x00b'"),  # a NUL shows as its escape, on one line
    ("y = " + "1 + " * 20 + "1", "y = 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 +\u2026"),
])
def test_when_a_cell_is_named_then_its_first_line_is_shortened_to_one_printable_line(
    line: str, shown: str,
) -> None:
    assert places.first_line("\n" + line + "\nmore = 2\n") == shown
    assert len(places.first_line(line)) <= places.FIRST_LINE_CHARS


# -- modules in percent format ---------------------------------------------------------------------


MODULE = """\
import torch
# %% [markdown]
# # Exercise 1
# def not_code(): pass
# %%


def corr2d(X, K):
    return X
# %% Exercise 2
x = corr2d(1, 2)
"""


def test_when_py_has_percent_markers_then_it_splits_into_code_cells(tmp_path: Path) -> None:
    path = tmp_path / "answer.py"
    path.write_text(MODULE)
    loaded = load_submission(path)
    assert loaded.kind == "module"
    assert [(c.number, c.first_line, c.source) for c in loaded.cells] == [
        (1, 1, "import torch\n"),
        (2, 8, "def corr2d(X, K):\n    return X\n"),
        (3, 11, "x = corr2d(1, 2)\n"),
    ]


def test_when_py_has_markdown_chunks_then_they_are_not_executed(tmp_path: Path) -> None:
    path = tmp_path / "answer.py"
    path.write_text(MODULE)
    assert not any("not_code" in c.source for c in load_submission(path).cells)
    kinds = [c.kind for c in split_percent(MODULE)]
    assert kinds == ["code", "markdown", "code", "code"]
    assert split_percent(MODULE)[1].source == "# Exercise 1\ndef not_code(): pass"


def test_when_py_has_no_markers_then_it_is_one_cell_from_line_1(tmp_path: Path) -> None:
    path = tmp_path / "plain.py"
    path.write_text("a = 1\nb = 2\n")
    loaded = load_submission(path)
    assert [(c.number, c.first_line, c.source) for c in loaded.cells] == [(1, 1, "a = 1\nb = 2\n")]


def test_when_py_uses_crlf_then_markers_still_split(tmp_path: Path) -> None:
    path = tmp_path / "crlf.py"
    path.write_bytes(b"a = 1\r\n# %%\r\nb = 2\r\n")
    loaded = load_submission(path)
    assert [(c.first_line, c.source.strip()) for c in loaded.cells] == [(1, "a = 1"), (3, "b = 2")]


def test_when_module_line_is_given_then_where_gives_the_file_line(tmp_path: Path) -> None:
    path = tmp_path / "answer.py"
    path.write_text(MODULE)
    loaded = load_submission(path)
    assert loaded.where(2, 2) == "line 9"
    assert loaded.where(3, 1) == "line 11"
    assert loaded.where(2, None) == "the cell at line 8"  # where its code starts, after the marker


# -- finding the cell that defines a name ----------------------------------------------------------


def test_when_name_is_defined_then_defining_cell_finds_the_last_definition(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "defs.ipynb",
        new_code_cell("def corr2d(X, K):\n    raise NotImplementedError"),
        new_code_cell("y = 1"),
        new_code_cell("def corr2d(X, K):\n    return X"),
    )
    loaded = load_submission(path)
    cell = loaded.defining_cell("corr2d")
    assert cell is not None and cell.number == 3
    assert loaded.defining_cell("y") is loaded.cell(2)
    assert loaded.defining_cell("undefined") is None


def test_when_cell_has_ipython_magics_then_defining_cell_still_finds_the_name(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "magic.ipynb",
        new_code_cell("import torch"),
        new_code_cell("%matplotlib inline\n!pip list\nclass Conv2D:\n    pass\nkernel: int = 3"),
    )
    loaded = load_submission(path)
    assert loaded.defining_cell("Conv2D") is loaded.cell(2)
    assert loaded.defining_cell("kernel") is loaded.cell(2)


def test_when_cell_binds_names_then_top_level_names_lists_them() -> None:
    source = (
        "import torch.nn as nn\nimport numpy\nfrom math import sqrt as root\n"
        "async def a(): pass\nclass B: pass\nc = 1\nd: int = 2\n"
        "def outer():\n    inner = 1\n"
    )
    assert top_level_names(source) == {"nn", "numpy", "root", "a", "B", "c", "d", "outer"}


def test_when_cell_unpacks_a_tuple_then_both_names_are_top_level() -> None:
    assert {"corr2d", "conv"} <= top_level_names("corr2d, conv = (lambda x: x), None\n")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("deep.ipynb", "[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ("deeper.ipynb", '{"nbformat": 4, "cells": ' + "[" * 200_000 + "]" * 200_000 + "}",
         "nested too deeply"),
        ("sum.py", "x = " + "1+" * 300_000 + "1\n", "too deeply nested"),
        ("signs.py", "x = " + "-" * 100_000 + "1\n", "too deeply nested"),
        ("null.py", "x = 1\x00\n", "null bytes"),
        ("quoted.ipynb", '{"nbformat": "4", "nbformat_minor": 5, "metadata": {}, "cells": []}', "(a string)"),
    ],
)
def test_when_input_is_pathological_then_it_is_one_line_not_a_crash(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    message = submission_error(path)
    assert expected in message and "None" not in message


@pytest.mark.parametrize("ids", [None, ["same", "same", "same"], ["bad id!", "a", "b"]],
                         ids=["missing", "repeated", "invalid"])
def test_when_cell_ids_are_missing_repeated_or_invalid_then_the_notebook_loads_without_a_warning(
    tmp_path: Path, ids: list[str] | None,
) -> None:
    notebook = new_notebook(cells=[new_code_cell("a = 1"), new_markdown_cell("text"), new_code_cell("b = 2")])
    data = json.loads(nbformat.writes(notebook))
    for n, cell in enumerate(data["cells"]):
        cell.pop("id", None)
        if ids is not None:
            cell["id"] = ids[n]
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(data))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nbformat's repairs would warn on the instructor's terminal
        submission = load_submission(path)
    assert [cell.source for cell in submission.cells] == ["a = 1", "b = 2"]
