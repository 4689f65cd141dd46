"""``grade()`` as the gradebook will call it: the submission id travels with the result, and the
result file is written safely."""

from __future__ import annotations

from pathlib import Path

from exercises.conv_layer import PACK
from grader.execution.runner import InProcessRunner
from grader.grading import GradeOptions, grade
from grader.results import SubmissionResult


def grade_stub(path: Path, submission_id: str | None) -> SubmissionResult:
    return grade(path, pack=PACK, runner=lambda options: InProcessRunner(),
                 options=GradeOptions(device="cpu"), submission_id=submission_id)


def test_when_a_submission_id_is_given_then_the_result_and_its_json_carry_it(tmp_path: Path) -> None:
    result = grade_stub(PACK.stub_module, "alice@example.edu/attempt-2")
    assert result.submission.id == "alice@example.edu/attempt-2"
    result.write(tmp_path / "result.json")
    assert SubmissionResult.read(tmp_path / "result.json").submission.id == result.submission.id


def test_when_the_submission_cannot_be_read_then_its_result_still_carries_the_id(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    result = grade_stub(broken, "bob")
    assert result.error is not None
    assert result.submission.id == "bob"


def test_when_no_id_is_given_then_the_result_has_none() -> None:
    assert grade_stub(PACK.stub_module, None).submission.id is None


def test_when_a_link_is_planted_at_the_result_path_then_write_replaces_it(tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("keep me")
    target = tmp_path / "result.json"
    target.symlink_to(canary)
    grade_stub(PACK.stub_module, None).write(target)
    assert canary.read_text() == "keep me"
    assert not target.is_symlink()
    assert SubmissionResult.read(target).pack == PACK.id


def test_when_a_function_returns_a_complex_tensor_then_the_result_is_still_valid_json(
    tmp_path: Path,
) -> None:
    path = tmp_path / "complex.py"
    path.write_text(PACK.stub_module.read_text() + "\n\ndef corr2d(X, K):\n"
                    "    h, w = K.shape\n"
                    "    return torch.zeros(X.shape[0] - h + 1, X.shape[1] - w + 1,"
                    " dtype=torch.complex64)\n")
    result = grade_stub(path, None)
    failed = [c for c in result.checks if c.exercise == "corr2d" and c.status == "failed"]
    assert failed and any("complex64" in c.message for c in failed)
    result.write(tmp_path / "result.json")
    assert SubmissionResult.read(tmp_path / "result.json").points == result.points


def test_when_frames_name_a_function_then_only_a_plausible_name_is_attributed(tmp_path: Path) -> None:
    """Frames are the kernel's data: a place says 'in window' for a real name, and nothing for a
    forged one (not an identifier, or megabytes long)."""
    from grader.checking.tracebacks import MAX_FUNCTION_NAME, innermost_function
    from grader.submission import load_submission

    path = tmp_path / "answers.py"
    path.write_text("# %%\ndef window(X):\n    return X[0]\n")
    submission = load_submission(path)
    (cell,) = submission.cells

    def frame(name: object) -> dict[str, object]:
        return {"filename": f"<cell {cell.number}>", "lineno": 2, "name": name, "line": "return X[0]"}

    outside = {"filename": "/usr/lib/python3/torch.py", "lineno": 1, "name": "inner", "line": "x"}
    assert innermost_function(submission, [frame("corr2d"), frame("window"), outside]) == "window"
    for forged in ("<module>", "a b", "x" * (MAX_FUNCTION_NAME + 1), None, 3):
        assert innermost_function(submission, [frame(forged)]) is None, forged
    assert innermost_function(submission, [outside]) is None  # no frame of theirs: no function
