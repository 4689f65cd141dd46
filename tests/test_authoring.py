"""Generating stubs and notebooks from the solution module: what the markers become, and drift."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from exercises.conv_layer import PACK
from grader import authoring
from grader.catalog.model import Pack
from grader.errors import ExerciseDefinitionError
from tests.pack_support import ROOT

SOURCE = textwrap.dedent('''\
    # %% [markdown]
    # # A title
    #
    # Some *text*.

    # %%
    import torch


    def double(x):
        """Twice x."""
        # BEGIN SOLUTION
        return 2 * x
        # END SOLUTION


    class Layer:
        def forward(self, x):
            y = x
            # BEGIN SOLUTION
            y = double(y)
            # END SOLUTION
            return y


    # %% demo
    double(torch.ones(2))

    # %%
    # BEGIN SOLUTION (stub: answer = "")
    answer = """Because."""
    # END SOLUTION
    ''')


def small_pack(root: Path) -> Pack:
    """A pack whose solution module is SOURCE, all its files under ``root``."""
    (root / "solution.py").write_text(SOURCE)
    return Pack(id="small", title="Small", exercises=(), checks_module="x",
                root=root, stub_notebook=root / "stub.ipynb", stub_module=root / "stub.py",
                solution_notebook=root / "solution.ipynb", solution_module=root / "solution.py")


def test_when_the_committed_files_are_checked_then_they_are_what_the_generator_makes(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert authoring.main(["--pack", "conv_layer", "--check"]) == 0, capsys.readouterr().err


def test_when_authoring_runs_as_a_module_then_the_documented_command_checks_the_pack() -> None:
    done = subprocess.run([sys.executable, "-m", "grader.authoring", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_when_a_function_region_is_stubbed_then_it_raises_at_the_region_indentation() -> None:
    stub = authoring.stub_source(SOURCE)
    assert '    """Twice x."""\n    raise NotImplementedError("double: your code here")\n' in stub
    assert "return 2 * x" not in stub and "SOLUTION" not in stub


def test_when_a_method_region_is_stubbed_then_code_around_it_stays_and_the_message_names_both() -> None:
    stub = authoring.stub_source(SOURCE)
    assert ('        y = x\n        raise NotImplementedError("Layer.forward: your code here")\n'
            '        return y\n') in stub


def test_when_a_top_level_region_names_its_stub_then_that_line_replaces_it() -> None:
    stub = authoring.stub_source(SOURCE)
    assert '# %%\nanswer = ""\n' in stub and "Because" not in stub


def test_when_a_demo_cell_is_stubbed_then_it_is_commented_out_after_a_note_naming_the_slots() -> None:
    stub = authoring.stub_source(SOURCE)
    assert "# %% demo\n# Uncomment to try double once it works:\n# double(torch.ones(2))\n" in stub


def test_when_the_stub_is_run_then_nothing_raises_until_a_slot_is_called() -> None:
    namespace: dict[str, object] = {}
    exec(compile(authoring.stub_source(SOURCE), "<stub>", "exec"), namespace)
    assert namespace["answer"] == ""
    with pytest.raises(NotImplementedError, match="double: your code here"):
        namespace["double"](1)  # type: ignore[operator]


def test_when_the_solution_is_rendered_then_only_the_markers_are_gone() -> None:
    solution = authoring.solution_source(SOURCE)
    kept = [line for line in SOURCE.splitlines(keepends=True) if "SOLUTION" not in line]
    assert solution == "".join(kept)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("# %%\nx = 1\n# END SOLUTION\n", "line 3: END SOLUTION without BEGIN"),
        ("# %%\ndef f():\n    # BEGIN SOLUTION\n    pass\n", "line 3: BEGIN SOLUTION has no END"),
        ("# %%\ndef f():\n    # BEGIN SOLUTION\n    pass\n# END SOLUTION\n", "line 5: END SOLUTION is"),
        ("# %%\ndef f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n", "line 4: BEGIN SOLUTION inside"),
        ("# %%\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "line 2: a region outside any function"),
        ("# %% demo\ndef f():\n    # BEGIN SOLUTION\n    pass\n    # END SOLUTION\n",
         "line 3: a demo cell cannot"),
        ("# %%\ndef f():\n    # BEGIN SOLUTION\n    pass\n# %%\n    # END SOLUTION\n",
         "line 3: BEGIN SOLUTION has no END"),
    ],
)
def test_when_the_markers_are_malformed_then_the_error_names_file_and_line(source: str, problem: str) -> None:
    with pytest.raises(ExerciseDefinitionError, match="solution.py, " + problem):
        authoring.stub_source(source, filename="solution.py")


def test_when_a_notebook_is_generated_then_it_is_valid_deterministic_and_has_no_outputs() -> None:
    first = authoring.to_notebook(authoring.stub_source(SOURCE), pack_id="small", source="s.py")
    assert first == authoring.to_notebook(authoring.stub_source(SOURCE), pack_id="small",
                                          source="s.py")
    notebook = nbformat.reads(first, as_version=4)
    nbformat.validate(notebook)
    assert [c.cell_type for c in notebook.cells] == ["markdown", "code", "code", "code"]
    assert [c.id for c in notebook.cells] == ["cell-00", "cell-01", "cell-02", "cell-03"]
    assert notebook.cells[0].source == "# A title\n\nSome *text*."
    assert notebook.cells[2].metadata == {"tags": ["demo"]}
    assert all(c.outputs == [] and c.execution_count is None
               for c in notebook.cells if c.cell_type == "code")
    assert notebook.metadata.kernelspec.name == "python3"


def test_when_a_generated_file_is_stale_then_check_exits_1_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = small_pack(tmp_path)
    monkeypatch.setattr("grader.catalog.registry.load_pack", lambda name=None: pack)
    assert authoring.main(["--check"]) == 1
    assert authoring.main([]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "solution.ipynb", "solution.py", "stub.ipynb", "stub.py"]
    assert authoring.main(["--check"]) == 0
    pack.stub_module.write_text(pack.stub_module.read_text() + "# edited by hand\n")
    capsys.readouterr()
    assert authoring.main(["--check"]) == 1
    assert str(pack.stub_module) in capsys.readouterr().err


CHECKED = SOURCE + "\n# %% [check] double\n\n# %% [markdown]\n# The end.\n"


def test_when_a_check_marker_is_generated_then_only_the_stub_notebook_gets_a_check_cell() -> None:
    text = authoring.stub_source(CHECKED, notebook=True)
    assert '# %% [check] double\ngrader.check("double")\n' in text
    assert text.index("import grader\n") < text.index("import torch\n")
    notebook = nbformat.reads(authoring.to_notebook(text, pack_id="small", source="s.py"), as_version=4)
    assert [c.source for c in notebook.cells if c.metadata.get("tags") == ["check"]] == [
        'grader.check("double")']
    assert [c.cell_type for c in notebook.cells][:3] == ["markdown", "code", "code"]
    assert notebook.cells[1].source.endswith("import grader")
    assert authoring.stub_source(CHECKED) == authoring.stub_source(SOURCE) + "\n# %% [markdown]\n# The end.\n"
    assert "check" not in authoring.solution_source(CHECKED)
    assert authoring.check_ids(CHECKED) == ["double"]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("# %% [check] triple\n", "[check] triple names no exercise of pack 'small'"),
        ("# %% [check] double\n\n# %% [check] double\n", "[check] double is given twice"),
        ("# %%\nx = 1\n# %% [check] double\nx = 2\n", "line 3: a [check] cell must be empty"),
    ],
)
def test_when_a_check_marker_is_wrong_then_generating_names_it(
    tmp_path: Path, source: str, problem: str
) -> None:
    from grader.catalog.model import Check, Exercise

    pack = small_pack(tmp_path)
    pack = Pack(**{**vars(pack), "exercises": (
        Exercise("double", "Double", (Check("works", "Works", 1, "double_works"),)),)})
    pack.solution_module.write_text(source)
    with pytest.raises(ExerciseDefinitionError, match=re.escape(problem)):
        authoring.generate(pack)


def test_when_the_pack_is_generated_then_demo_cells_are_tagged_in_both_notebooks() -> None:
    for path in (PACK.stub_notebook, PACK.solution_notebook):
        cells = json.loads(path.read_text())["cells"]
        demos = [c for c in cells if c["metadata"].get("tags") == ["demo"]]
        assert demos and all(c["cell_type"] == "code" for c in demos)
    stub_demos = [c for c in json.loads(PACK.stub_notebook.read_text())["cells"]
                  if c["metadata"].get("tags") == ["demo"]]
    assert all(line.startswith("#") for c in stub_demos for line in c["source"] if line.strip())


@pytest.mark.kernel
@pytest.mark.parametrize("path", [PACK.stub_notebook, PACK.solution_notebook],
                         ids=["stub", "solution"])
def test_when_a_generated_notebook_runs_in_a_kernel_then_no_cell_raises(path: Path) -> None:
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
