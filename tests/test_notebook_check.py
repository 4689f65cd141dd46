"""``grader.check``: a student's self-check from their notebook, against their kernel's namespace.

The verdicts must be the ones ``grader check`` gives for the same code (same checks, same
``Session``), the output must draw the report's cards inline without restyling the notebook, and
a notebook being graded must not run its check cells at all.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
import pytest

import grader
from exercises.conv_layer import PACK
from exercises.conv_layer.hints import HINT_FLIPPED_KERNEL
from grader import messages
from grader.authoring import stub_source
from grader.execution.environment import FIXED, GRADING, kernel_environment
from grader.execution.runner import InProcessRunner
from grader.execution.workspace import Workspace
from grader.frontends.notebook import (
    NOT_A_SESSION,
    SKIPPED_WHILE_GRADING,
    Note,
    SelfCheck,
    SelfCheckUsageError,
    check,
)
from grader.grading.live import check_namespace
from grader.options import GradeOptions
from grader.reports.html import SCOPE, render_html_fragment, scope_css
from grader.results.model import SubmissionResult
from grader.submission import load_submission, split_percent
from tests.pack_support import VARIANTS, grade_here, solution_code_cells

CPU = GradeOptions(device="cpu")
#: The solution's cells that define these names, then one variant's mistake: correct corr2d,
#: a Conv2D that forgets its bias.
CORR2D_RIGHT_CONV2D_WRONG = ["import torch\nfrom torch import nn\n", "corr2d",
                             (VARIANTS / "conv2d_no_bias.py").read_text()]
Verdicts = dict[str, list[Any]]


def solution_cell(name: str) -> str:
    """The solution's code cell that defines ``name``."""
    return next(cell.source for cell in split_percent(PACK.solution_module.read_text())
                if cell.kind == "code" and re.search(rf"^(def|class) {name}\b", cell.source, re.M))


def module(folder: Path, cells: list[str]) -> Path:
    """A percent-format module of these cells (a bare name stands for its solution cell)."""
    path = folder / "submission.py"
    path.write_text("".join(f"# %%\n{solution_cell(c) if c.isidentifier() else c}\n" for c in cells))
    return path


def verdicts(result: SubmissionResult, *exercises: str) -> Verdicts:
    """What a student sees of each check of these exercises: status, points, message, hint."""
    return {c.item_id: [c.status, c.points, c.message, c.hint]
            for c in result.checks if c.exercise in exercises}


def statuses(result: SubmissionResult, *exercises: str) -> dict[str, str]:
    return {c.item_id: c.status for c in result.checks if c.exercise in exercises}


def namespace_of(path: Path) -> dict[str, Any]:
    """The namespace a kernel would have after running the trusted fixture ``path``."""
    runner = InProcessRunner()
    runner.start(load_submission(path))
    return runner.namespace


# -- the verdicts are grade()'s ---------------------------------------------------------------------
def test_when_a_namespace_holds_a_right_and_a_wrong_answer_then_the_verdicts_are_grades(
    tmp_path: Path,
) -> None:
    path = module(tmp_path, CORR2D_RIGHT_CONV2D_WRONG)
    live = check_namespace(namespace_of(path), ["corr2d", "conv2d_layer"], CPU, PACK,
                           submission=load_submission(path))
    graded = grade_here(path)
    assert [e.id for e in live.exercises] == ["corr2d", "conv2d_layer"]
    assert {e.id: e.status for e in live.exercises} == {"corr2d": "passed", "conv2d_layer": "failed"}
    assert verdicts(live, "corr2d", "conv2d_layer") == verdicts(graded, "corr2d", "conv2d_layer")
    assert live.max_points == sum(e.max_points for e in graded.exercises
                                  if e.id in ("corr2d", "conv2d_layer"))


def test_when_one_question_is_asked_then_only_its_checks_run(tmp_path: Path) -> None:
    path = module(tmp_path, CORR2D_RIGHT_CONV2D_WRONG)
    live = check_namespace(namespace_of(path), ["corr2d"], CPU, PACK)
    assert {c.exercise for c in live.checks} == {"corr2d"}
    assert live.points == live.max_points > 0
    assert [a.id for a in live.answers] == ["why_cross_correlation"]


def test_when_a_slot_is_unfilled_then_the_namespace_check_says_not_implemented_like_grade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stub.py"
    path.write_text(stub_source(PACK.solution_module.read_text()))
    live = check_namespace(namespace_of(path), ["learn_kernel"], CPU, PACK,
                           submission=load_submission(path))
    assert verdicts(live, "learn_kernel") == verdicts(grade_here(path), "learn_kernel")
    assert all("is not implemented yet" in c.message for c in live.checks if c.device == "cpu")


def test_when_an_id_is_not_a_question_then_the_error_is_one_line_naming_the_questions() -> None:
    with pytest.raises(SelfCheckUsageError) as raised:
        check_at_top_level("grader.check('corr2')")
    message = raised.value.message
    assert "'corr2' is not a question" in message and "\n" not in message
    assert all(exercise.id in message for exercise in PACK.exercises)
    assert raised.value._render_traceback_() == [f"SelfCheckUsageError: {message}"]


def test_when_a_function_hangs_then_it_times_out_once_and_is_not_called_again() -> None:
    namespace: dict[str, Any] = {}
    exec("def corr2d(X, K):\n    while True:\n        pass\n", namespace)
    started = time.perf_counter()
    live = check_namespace(namespace, ["corr2d"], GradeOptions(device="cpu", call_timeout=0.3), PACK)
    assert time.perf_counter() - started < 10
    ran = [c for c in live.checks if c.status != "skipped"]
    assert ran[0].status == "timeout"
    assert ran[0].message == messages.CALL_TIMEOUT.format(name="corr2d", seconds=0.3)
    assert all("was not called again" in c.message for c in ran[1:])


def test_when_the_students_code_prints_then_the_check_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str],
) -> None:
    namespace = namespace_of(module(tmp_path, ["import torch\n", "corr2d"]))
    right = namespace["corr2d"]
    namespace["corr2d"] = lambda X, K: print("debugging", X.shape) or right(X, K)
    live = check_namespace(namespace, ["corr2d"], CPU, PACK)
    assert live.points == live.max_points
    assert capfd.readouterr().out == ""


# -- where grader.check runs, and where it does not ----------------------------------------------------
def check_at_top_level(source: str) -> Any:
    """Evaluate ``source`` with ``__main__``'s globals, as a script's top level runs."""
    main = sys.modules["__main__"]
    return eval(compile(source, "<script>", "eval"), vars(main), {"grader": grader})


def test_when_the_notebook_is_being_graded_then_check_does_nothing_at_once(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(GRADING, "1")
    started = time.perf_counter()
    note = grader.check("corr2d")
    assert time.perf_counter() - started < 0.5
    assert isinstance(note, Note) and repr(note) == SKIPPED_WHILE_GRADING
    assert capfd.readouterr() == ("", "")


def test_when_a_kernel_is_started_to_grade_then_its_environment_carries_the_marker(tmp_path: Path) -> None:
    (tmp_path / "s.py").write_text("x = 1\n")
    (tmp_path / "ws").mkdir()
    with Workspace.create(tmp_path / "s.py", base=tmp_path / "ws") as workspace:
        environment = kernel_environment(workspace, {GRADING: "0"}, {})
    assert environment[GRADING] == FIXED[GRADING] == "1"


def test_when_code_runs_in_a_namespace_of_its_own_then_nothing_is_checked() -> None:
    namespace: dict[str, Any] = {"check": check}
    exec("result = check('corr2d')", namespace)
    assert isinstance(namespace["result"], Note) and namespace["result"].text == NOT_A_SESSION


def test_when_a_script_checks_itself_then_it_prints_the_summary_and_knows_its_lines(
    tmp_path: Path,
) -> None:
    script = tmp_path / "mine.py"
    script.write_text("import torch\n\nimport grader\n\n\n" + solution_cell("corr2d") + textwrap.dedent("""


        def learn_kernel(X, Y, kernel_size, lr, steps):
            raise NotImplementedError("learn_kernel: your code here")


        ok = grader.check("corr2d")
        todo = grader.check("learn_kernel")
        print(repr(ok))
        print(ok.passed, ok.points, todo.passed, todo.points)
        print(todo)
        """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "mine.py: 7/7" in done.stdout and "True 7.0 False 0.0" in done.stdout
    line = next(n for n, text in enumerate(script.read_text().splitlines(), 1) if "raise Not" in text)
    assert "learn_kernel is not implemented yet" in done.stdout and f"at line {line}" in done.stdout


# -- what is shown ------------------------------------------------------------------------------------
def test_when_a_check_fails_then_the_fragment_has_score_status_verdict_hint_and_heatmaps(
    tmp_path: Path,
) -> None:
    path = module(tmp_path, ["import torch\n", (VARIANTS / "corr2d_flipped_kernel.py").read_text()])
    shown = SelfCheck(check_namespace(namespace_of(path), ["corr2d"], CPU, PACK))
    html = shown._repr_html_()
    assert html.startswith(f'<div class="{SCOPE}">') and html.rstrip().endswith("</div>")
    points = shown.result.exercises[0].points
    assert points < 7  # a flipped kernel loses the value checks and what counts only with them
    assert f"The cross-correlation operation: corr2d(X, K)</b>: {points:g} / 7 points" in html
    assert 'class="status s-failed"' in html and HINT_FLIPPED_KERNEL.split(";")[0] in html
    assert "Expected, yours and the difference" in html and '<svg class="hm"' in html
    assert shown.passed is False and shown.points == points and shown.max_points == 7
    assert repr(shown).startswith(f"namespace: {points:g}/7") and f"Total: {points:g}/7 points" in repr(shown)


@pytest.fixture(scope="module")
def solution() -> SubmissionResult:
    return grade_here(PACK.solution_module)


def test_when_the_fragment_is_styled_then_every_rule_applies_inside_it_only(
    solution: SubmissionResult,
) -> None:
    style = render_html_fragment(solution, ["corr2d"]).split("<style>")[1]
    style = style.split("</style>")[0]
    selectors = re.findall(r"(?:^|})\s*([^{}@]+)\{", style)
    assert selectors and all(s.strip().startswith("." + SCOPE) for part in selectors
                             for s in part.split(","))
    assert scope_css(":root{--a:1}\nh2,.x>y{b:2}\n@media (w){body{c:3}}", ".s") == \
        ".s{--a:1}\n.s h2,.s .x>y{b:2}\n@media (w){.s{c:3}}"


def test_when_every_question_is_asked_then_the_fragment_lists_each_with_its_points(
    solution: SubmissionResult,
) -> None:
    html = render_html_fragment(solution)
    assert f"{len(PACK.exercises)} questions</b>" in html
    assert all(e.title in html for e in PACK.exercises)


# -- in a real kernel ------------------------------------------------------------------------------------
def live_notebook(checks: bool) -> nbformat.NotebookNode:
    """Solution code, then a corr2d that flips its kernel; with ``checks``, the stub's check cells."""
    cells = [nbformat.v4.new_code_cell("import grader")]
    cells += [nbformat.v4.new_code_cell(c.source) for c in split_percent(solution_code_cells())]
    cells.append(nbformat.v4.new_code_cell((VARIANTS / "corr2d_flipped_kernel.py").read_text()))
    if checks:
        cells += [nbformat.v4.new_code_cell('grader.check("corr2d")'),
                  nbformat.v4.new_code_cell('grader.check("conv2d_layer")')]
    notebook: nbformat.NotebookNode = nbformat.v4.new_notebook(cells=cells)
    return notebook


def executed(notebook: nbformat.NotebookNode) -> list[list[Mapping[str, Any]]]:
    """Run the notebook as Jupyter would; each cell's outputs."""
    from nbclient import NotebookClient

    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    return [cell.outputs for cell in notebook.cells]


def html_of(outputs: list[Mapping[str, Any]]) -> str:
    (html,) = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    return str(html)


def shown_statuses(html: str) -> dict[str, str]:
    """Each check's status as the fragment's table of every check shows it."""
    rows = re.findall(r'<tr><td><span class="status s-(\w+)">.*?</td><td class="mono">([\w:]+)</td>'
                      r"<td>(\w+)</td>", html)
    return {f"{item}[{device}]": status for status, item, device in rows}


@pytest.mark.kernel
def test_when_a_notebook_checks_questions_then_its_outputs_show_grades_verdicts(tmp_path: Path) -> None:
    outputs = executed(live_notebook(checks=True))
    corr2d, layer = (html_of(out) for out in outputs[-2:])
    path = tmp_path / "live.ipynb"
    nbformat.write(live_notebook(checks=True), path)
    graded = grader.grade(path, pack=PACK)
    points = next(e.points for e in graded.exercises if e.id == "corr2d")
    assert f"corr2d(X, K)</b>: {points:g} / 7 points" in corr2d
    assert HINT_FLIPPED_KERNEL.split(";")[0] in corr2d
    assert shown_statuses(corr2d) == statuses(graded, "corr2d")
    assert shown_statuses(layer) == statuses(graded, "conv2d_layer")
    assert "failed" in shown_statuses(corr2d).values()


@pytest.mark.kernel
def test_when_a_notebook_with_check_cells_is_graded_then_they_change_and_print_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_checks, without = tmp_path / "with.ipynb", tmp_path / "without.ipynb"
    nbformat.write(live_notebook(checks=True), with_checks)
    nbformat.write(live_notebook(checks=False), without)
    graded = grader.grade(with_checks, pack=PACK)
    plain = grader.grade(without, pack=PACK)
    assert verdicts(graded, *(e.id for e in PACK.exercises)) == \
        verdicts(plain, *(e.id for e in PACK.exercises))
    assert graded.execution.cell_errors == () and graded.execution.kernel_restarts == 0
    monkeypatch.setenv(GRADING, "1")  # as a grading kernel's environment has it
    outputs = executed(live_notebook(checks=True))
    for out in outputs[-2:]:
        assert [o["output_type"] for o in out] == ["execute_result"]
        assert out[0]["data"] == {"text/plain": SKIPPED_WHILE_GRADING}


def test_when_the_stub_notebook_is_generated_then_every_question_ends_with_its_check_cell() -> None:
    notebook = nbformat.read(PACK.stub_notebook, as_version=4)
    checks = [c.source for c in notebook.cells if c.metadata.get("tags") == ["check"]]
    assert checks == [f'grader.check("{e.id}")' for e in PACK.exercises]
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert first_code.source.endswith("import grader")
    assert "import grader" not in PACK.stub_module.read_text()
    assert "grader.check" not in PACK.stub_module.read_text()


def test_when_a_student_checks_a_wrong_choice_then_the_feedback_setting_decides_what_is_shown(
    tmp_path: Path,
) -> None:
    script = tmp_path / "mine.py"
    script.write_text(solution_code_cells() + textwrap.dedent("""
        # %%
        answer_apply_K = "two_lines"  # the triangle's response is one line: a wrong choice

        import pathlib

        import grader

        for shown in (grader.check("diagonal_edge"), grader.check("diagonal_edge", feedback="full")):
            print("=== text", repr(shown), "=== html", shown._repr_html_(), sep="\\n")
        pathlib.Path("grader.toml").write_text('feedback = "verdicts"\\n')  # the course's choice
        print("=== course", repr(grader.check("diagonal_edge")), sep="\\n")
        """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shown, course = done.stdout.split("=== course")
    _, hints, full = shown.split("=== text")
    message = "answer_apply_K is 'two_lines', which is not what happens on your image"
    assert message in hints and message in full
    hints_text = hints.split("=== html")[0]
    assert "one_line" not in hints_text and "The answer:" not in hints  # a chip lists it, unmarked
    assert "chip truth" not in hints and "(right)" not in hints and "chip truth" in full
    assert "on your image the answer is 'one_line'" in full and "The answer:" in full
    assert "verdicts only" in course and message not in course


@pytest.mark.kernel
def test_when_a_check_fails_in_a_kernel_then_it_points_at_the_prompt_the_student_sees() -> None:
    cells = ["import grader\nimport torch", "x = 1",
             'def learn_kernel(X, Y, kernel_size, lr, steps):\n    raise NotImplementedError("mine")',
             'shown = grader.check("learn_kernel")\nprint(shown.result.checks[0].location)\nshown']
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    outputs = executed(notebook)[-1]
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    # The cell's prompt, as the notebook shows it, with its first line, and the function the line is in.
    from grader.messages import IN_FUNCTION
    from grader.submission import places

    where = IN_FUNCTION.format(where=places.notebook_place(3, cells[2], 2), function="learn_kernel")
    assert printed.strip() == where
    assert where in html.unescape(html_of(outputs))
