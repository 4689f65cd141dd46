"""Grading the conv_layer pack's fixtures in-process, shared by every pack test module.

Submissions here are trusted fixtures graded with ``InProcessRunner``: the same probe and wire
format as a real kernel, in milliseconds. A wrong variant (``tests/fixtures/variants/[SECTION/]NAME.py``)
holds only its mistake and is appended to the solution's code cells by the ``variant`` fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from exercises.conv_layer import PACK
from grader.checking.context import CheckContext
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.results import CheckResult, Exhibit, SubmissionResult, as_tensor
from grader.submission import Submission

if TYPE_CHECKING:
    import torch

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
VARIANTS = FIXTURES / "variants"
ALTERNATIVES = FIXTURES / "alternatives"
#: What every "not implemented" verdict contains, for functions and for unanswered choices alike.
NOT_IMPLEMENTED = "is not implemented yet"


def grade_here(path: Path, *, seed: int = 0, device: str = "cpu") -> SubmissionResult:
    """Grade a trusted fixture in this process."""
    return grade(path, pack=PACK, runner=lambda options: InProcessRunner(),
                 options=GradeOptions(device=device, seed=seed))


def not_passed(result: SubmissionResult) -> dict[str, CheckResult]:
    return {c.item_id: c for c in result.checks if c.status not in ("passed", "skipped")}


def lost_in(result: SubmissionResult, *exercises: str) -> dict[str, CheckResult]:
    """The checks not passed, among these exercises only."""
    return {k: c for k, c in not_passed(result).items() if c.exercise in exercises}


def assert_full_marks(result: SubmissionResult) -> None:
    assert {k: c.message for k, c in not_passed(result).items()} == {}
    assert result.points >= result.max_points > 0
    assert {c.device for c in result.checks if c.status == "passed"} == {"cpu", "meta"}
    assert all(c.status == "skipped" for c in result.checks if c.device == "cuda")


def exhibited(exhibit: Exhibit) -> torch.Tensor:
    """The tensor an exhibit shows, rebuilt from its values (ValueError if it shows no tensor)."""
    import torch

    return torch.tensor(as_tensor(exhibit["value"])["values"])


def check_context(seed: int = 0) -> CheckContext:
    """A check's context, to compute a check's inputs and truths with in this process: nothing is
    called through it, so its submission is empty."""
    return CheckContext(channel=InProcessRunner(), device="cpu", seed=seed,
                        submission=Submission(Path("unused.py"), sha256="", kind="module", cells=()),
                        call_timeout=1.0, max_result_bytes=2**20)


def solution_code_cells() -> str:
    """The solution's code cells in percent format, without its demo cells: what a variant
    fixture is appended to (later definitions win, so a variant holds only its mistake)."""
    from grader.submission import split_percent

    return "".join(
        f"# %%\n{cell.source}" for cell in split_percent(PACK.solution_module.read_text())
        if cell.kind == "code" and cell.header != "demo"
    )


def variant_names(section: str) -> list[str]:
    """The variant fixtures of one section folder, as names the ``variant`` fixture takes."""
    return sorted(f"{section}/{p.stem}" for p in (VARIANTS / section).glob("*.py"))


def explains(check: CheckResult, text: str | None) -> bool:
    """Whether a check explains the misconception with ``text``: as its hint, or, for a structured
    answer (whose hint must not state the answer), at the end of its solution (full feedback)."""
    if check.hint == text:
        return True
    return text is not None and check.solution is not None and check.solution.endswith(text)


def explanations(lost: dict[str, CheckResult], expected: dict[str, str | None]) -> dict[str, str | None]:
    """``expected`` where each check explains its misconception as expected; the hint otherwise,
    so a failing comparison shows what was said instead."""
    return {k: expected.get(k) if explains(c, expected.get(k)) else c.hint for k, c in lost.items()}
