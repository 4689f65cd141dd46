"""The versioned result model: JSON round trips, versions read and refused, derived totals."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from grader.results import SCHEMA
from grader.results.model import (
    STATUSES,
    CellError,
    CheckResult,
    DeviceInfo,
    ExecutionInfo,
    ExerciseResult,
    FreeTextAnswer,
    Status,
    SubmissionInfo,
    SubmissionResult,
    as_status,
)
from grader.results.versions import SCHEMA_1, SCHEMA_2


def check(status: Status, points: float = 0.0, max_points: float = 1.0, *, exercise: str = "corr2d",
          id: str = "matches", device: str = "cpu", **details: Any) -> CheckResult:
    return CheckResult(id=id, title=id.replace("_", " "), exercise=exercise, device=device,
                       status=status, points=points, max_points=max_points, **details)


def exercise(*statuses: Status) -> ExerciseResult:
    return ExerciseResult("corr2d", "Cross-correlation",
                          tuple(check(s, id=f"check_{i}") for i, s in enumerate(statuses)))


def full_result() -> SubmissionResult:
    """A result that uses every status and every optional field."""
    checks = (
        check("passed", 2.0, 2.0, duration=0.25),
        check("failed", 0.0, 1.0, id="keeps_dtype", message="corr2d returned float64; expected float32",
              hint="use X.dtype", input={"X": {"kind": "tensor", "dtype": "float32", "shape": [2, 2],
                                                "device": "cpu", "values": [[1.0, "nan"], ["inf", 0.0]]},
                                          "stride": 1},
              expected={"kind": "property", "dtype": "float32"},
              actual={"kind": "property", "dtype": "float64"}, cell=4, line=2),
        check("failed", 0.0, 1.0, id="matches_conv2d", message="corr2d(X, K) is wrong",
              expected={"kind": "tensor", "dtype": "float64", "shape": [2], "device": "cpu",
                        "values": [1.0, 2.0]},
              actual={"kind": "tensor", "dtype": "float32", "shape": [2], "device": "cpu",
                      "type": "torch.Tensor", "values": [1.0, 3.0]},
              mismatch={"count": 1, "total": 2, "share": 0.5, "max_abs_diff": 1.0, "max_index": [1],
                        "first_index": [1], "rtol": 1e-5, "atol": 1e-5, "mask": [0, 1]}),
        check("error", 0.0, 1.0, id="runs", message="corr2d raised ValueError: no",
              traceback="Traceback ...\nValueError: no", cell=4, line=3),
        check("timeout", 0.0, 1.0, id="fast", message="corr2d did not finish within 10 s"),
        check("skipped", 0.0, 0.0, id="matches", device="cuda", counts=False,
              message="CUDA is not available on this machine"),
        check("passed", 1.0, 1.0, id="secret", hidden=True),
        check("failed", 0.0, 1.0, id="transpose_x", message="the answer does not match",
              exhibits=({"label": "your X", "value": {"kind": "tensor", "dtype": "int64",
                                                      "shape": [2, 2], "device": "cpu",
                                                      "values": [[1, 0], [1, 1]]}, "note": ""},),
              answer={"question": "What happens?", "given": "unchanged", "truth": "moves",
                      "choices": ["unchanged", "moves"], "correct": False},
              details={"ops_small": 9, "ops_large": 9,
                       "reply": {"kind": "mapping", "items": {"kind": "a student's", "n": 1}}}),
        check("unanswered", 0.0, 1.0, id="defined", message="corr2d is not defined"),
    )
    return SubmissionResult(
        submission=SubmissionInfo(path="/subs/ana.ipynb", name="ana.ipynb", sha256="ab" * 32,
                                  kind="notebook", id="lms-4711"),
        pack="conv_layer", grader_version="0.1.0", torch_version="2.13.0", seed=3,
        devices=(DeviceInfo("cpu", True, True), DeviceInfo("meta", True, True),
                 DeviceInfo("cuda", False, False, "CUDA is not available on this machine")),
        exercises=(ExerciseResult("corr2d", "Cross-correlation", checks),
                   ExerciseResult("edges", "Edge detection",
                                  (check("skipped", 0.0, 0.0, exercise="edges", counts=False),))),
        started="2026-01-01T00:00:00+00:00", finished="2026-01-01T00:00:04+00:00",
        answers=(FreeTextAnswer("why_flip", "corr2d", "Why is it not a convolution?",
                                "Parce que le noyau n'est pas retourné ✓"),
                 FreeTextAnswer("why_pad", "edges", "Why pad?", None)),
        execution=ExecutionInfo(cells=7, kernel_restarts=1, duration=2.5, cell_errors=(
            CellError(5, "raised", "NameError", "name 'x' is not defined", line=2,
                      traceback="NameError ...", location="cell 5, line 2"),
            CellError(6, "timeout", "CellTimeoutError", "", location="cell 6"),
            CellError(7, "died", "DeadKernelError", "os._exit"),
        )),
        error=None,
    )


# -- JSON round trips ------------------------------------------------------------------------------


def test_when_result_goes_through_json_then_it_comes_back_equal() -> None:
    result = full_result()
    assert SubmissionResult.from_json(result.to_json()) == result


def test_when_result_has_a_submission_error_then_it_round_trips() -> None:
    result = dataclasses.replace(full_result(), error="ana.ipynb is not UTF-8 text")
    assert SubmissionResult.from_json(result.to_json(indent=None)) == result


def test_when_result_is_written_then_read_gives_it_back(tmp_path: Path) -> None:
    result = full_result()
    result.write(tmp_path / "result.json")
    assert SubmissionResult.read(tmp_path / "result.json") == result
    assert "retourné ✓" in (tmp_path / "result.json").read_text(encoding="utf-8")


def test_when_schema_is_another_version_then_from_dict_raises_value_error() -> None:
    data = full_result().to_dict()
    data["schema"] = "grader.result/9"
    with pytest.raises(ValueError, match=re.escape("grader.result/9")) as info:
        SubmissionResult.from_dict(data)
    assert SCHEMA in str(info.value) and SCHEMA_1 in str(info.value)


def test_when_schema_is_missing_then_from_dict_raises_value_error() -> None:
    data = full_result().to_dict()
    del data["schema"]
    with pytest.raises(ValueError, match="schema"):
        SubmissionResult.from_dict(data)


def test_when_a_newer_writer_adds_fields_then_from_dict_ignores_them() -> None:
    data = json.loads(full_result().to_json())
    data["exercises"][0]["checks"][0]["flaky"] = True
    data["submission"]["student"] = "ana"
    assert SubmissionResult.from_dict(data) == full_result()


def test_when_a_check_has_an_unknown_status_then_from_dict_raises_value_error() -> None:
    data = json.loads(full_result().to_json())
    data["exercises"][0]["checks"][0]["status"] = "passd"
    with pytest.raises(ValueError, match="unknown check status 'passd'"):
        SubmissionResult.from_dict(data)


def test_when_a_status_is_read_then_only_the_known_ones_are_statuses() -> None:
    known = ("passed", "failed", "error", "timeout", "skipped", "unanswered")
    assert [as_status(s) for s in known] == list(STATUSES)
    with pytest.raises(ValueError, match="a status is one of passed, failed"):
        as_status("not answered")


def test_when_a_submission_has_an_id_then_it_is_written_and_read_back() -> None:
    data = json.loads(full_result().to_json())
    assert data["submission"]["id"] == "lms-4711"
    del data["submission"]["id"]  # written by a grader that did not know it
    assert SubmissionResult.from_dict(data).submission.id is None
    assert SubmissionInfo("a.py", "a.py", "0" * 64, "module").id is None


def test_when_result_is_a_dataclass_then_it_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        full_result().pack = "other"  # type: ignore[misc]


# -- derived totals --------------------------------------------------------------------------------


def test_when_checks_have_points_then_totals_sum_them() -> None:
    result = full_result()
    assert result.points == 3.0
    assert result.max_points == 9.0
    assert result.exercises[0].points == 3.0
    assert result.exercises[0].max_points == 9.0
    assert len(result.checks) == 10


def test_when_points_are_fractions_then_totals_are_rounded() -> None:
    ex = ExerciseResult("e", "E", (check("passed", 0.1, 0.1), check("passed", 0.2, 0.2, id="b")))
    assert ex.points == 0.3


def test_when_to_dict_is_called_then_derived_totals_are_written() -> None:
    result = full_result()
    data = result.to_dict()
    assert (data["points"], data["max_points"], data["complete"]) == (3.0, 9.0, True)
    assert (data["bonus_points"], data["bonus_max_points"]) == (0.0, 0.0)
    assert data["schema"] == SCHEMA
    assert [(e["points"], e["max_points"], e["bonus"], e["status"]) for e in data["exercises"]] == [
        (3.0, 9.0, False, "failed"), (0.0, 0.0, False, "skipped"),
    ]


@pytest.mark.parametrize(("statuses", "expected"), [
    (("passed", "failed", "timeout", "error"), "failed"),
    (("timeout", "error", "passed"), "timeout"),
    (("passed", "error", "unanswered"), "error"),
    (("unanswered", "failed", "passed"), "failed"),
    (("unanswered", "passed"), "unanswered"),
    (("passed", "failed", "skipped"), "failed"),
    (("passed", "skipped"), "passed"),
    (("skipped", "skipped"), "skipped"),
    ((), "skipped"),
])
def test_when_checks_have_mixed_statuses_then_exercise_status_is_the_most_telling(
    statuses: tuple[Status, ...], expected: Status
) -> None:
    assert exercise(*statuses).status == expected


def test_when_the_grader_itself_broke_a_check_then_the_question_reads_error() -> None:
    broken = check("error", 0.0, 1.0, id="b", internal=True, message="internal error")
    mixed = ExerciseResult("corr2d", "C", (check("failed", 0.0, 1.0), broken))
    assert mixed.status == "error"


def bonus_result(*bonus_statuses: Status) -> SubmissionResult:
    """One required check passed (2 points) and a bonus question of the given statuses (2 each)."""
    bonus = tuple(check(s, 2.0 if s == "passed" else 0.0, 2.0, exercise="extra", id=f"b{i}",
                        bonus=True) for i, s in enumerate(bonus_statuses))
    return dataclasses.replace(full_result(), exercises=(
        ExerciseResult("corr2d", "C", (check("passed", 2.0, 2.0),)),
        ExerciseResult("extra", "Bonus", bonus),
    ))


def test_when_a_bonus_is_earned_then_it_stays_out_of_the_required_total() -> None:
    result = bonus_result("passed")
    assert (result.points, result.max_points) == (2.0, 2.0)
    assert (result.bonus_points, result.bonus_max_points) == (2.0, 2.0)
    assert result.percent == 100.0
    bonus = result.exercises[1]
    assert bonus.bonus and (bonus.points, bonus.max_points, bonus.bonus_points) == (0.0, 0.0, 2.0)
    data = result.to_dict()
    assert (data["points"], data["max_points"], data["bonus_points"]) == (2.0, 2.0, 2.0)
    assert SubmissionResult.from_json(result.to_json()) == result


@pytest.mark.parametrize("bonus_status", ["unanswered", "failed", "passed"])
def test_when_every_required_check_passed_then_a_bonus_never_fails_the_submission(
    bonus_status: Status,
) -> None:
    from grader.frontends.cli import EXIT_OK, exit_code

    result = bonus_result(bonus_status)
    assert result.all_required_passed
    assert exit_code(result) == EXIT_OK


def test_when_a_required_check_is_not_answered_then_the_exit_code_says_fix_it() -> None:
    from grader.frontends.cli import EXIT_FAILED, exit_code

    result = bonus_result("passed")
    unanswered = ExerciseResult("corr2d", "C", (check("unanswered", 0.0, 2.0),))
    result = dataclasses.replace(result, exercises=(unanswered, result.exercises[1]))
    assert not result.all_required_passed and exit_code(result) == EXIT_FAILED


def test_when_every_status_is_used_then_each_is_a_known_status() -> None:
    assert {c.status for c in full_result().checks} == set(STATUSES)


def test_when_an_exercise_has_a_failure_then_first_failure_is_it() -> None:
    ex = exercise("passed", "skipped", "timeout", "failed")
    first = ex.first_failure
    assert first is not None and first.id == "check_2"
    assert exercise("passed", "skipped").first_failure is None


def test_when_a_counting_check_is_skipped_then_the_result_is_incomplete() -> None:
    result = full_result()
    assert result.complete
    counted_skip = ExerciseResult("gpu", "GPU", (check("skipped", device="cuda", counts=True),))
    assert not result.with_exercises((*result.exercises, counted_skip)).complete


def test_when_with_exercises_is_called_then_only_exercises_change() -> None:
    result = full_result()
    changed = result.with_exercises(())
    assert changed.exercises == ()
    assert changed.submission == result.submission
    assert result.exercises != ()


def test_when_check_has_device_then_item_id_is_exercise_check_and_device() -> None:
    assert check("passed", exercise="conv_layer", id="matches_conv2d", device="cuda").item_id == (
        "conv_layer::matches_conv2d[cuda]"
    )


# -- grader.result/1, read by upgrading it -----------------------------------------------------------


def as_version_1(data: Any) -> Any:
    """What a grader.result/1 writer made of the same result: no kind tags, no submission id."""
    def untagged(value: Any) -> Any:
        if isinstance(value, list):
            return [untagged(v) for v in value]
        if not isinstance(value, dict):
            return value
        if value.get("kind") == "mapping":
            return {k: untagged(v) for k, v in value["items"].items()}
        return {k: untagged(v) for k, v in value.items() if not (k == "kind" and v in ("tensor", "property"))}

    old = untagged(data)
    old["schema"] = SCHEMA_1
    del old["submission"]["id"]
    return old


def test_when_a_version_1_result_is_read_then_it_equals_the_result_it_was_written_from() -> None:
    result = dataclasses.replace(full_result(), submission=dataclasses.replace(full_result().submission,
                                                                              id=None))
    old = as_version_1(json.loads(result.to_json()))
    assert "kind" not in json.dumps(old["exercises"][0]["checks"][1]["input"])
    assert SubmissionResult.from_dict(old) == result


def test_when_a_version_1_value_only_looked_like_a_tensor_then_it_is_read_as_1_readers_read_it() -> None:
    old = as_version_1(json.loads(full_result().to_json()))
    first = old["exercises"][0]["checks"][0]
    first["expected"] = {"shape": [3], "device": "cpu"}  # a property, as /1 readers took it
    first["actual"] = {"type": "RuntimeError", "message": "no"}  # "type" alone: a plain mapping
    first["details"] = {"answer": {"kind": "student", "values": [1]}}
    check = SubmissionResult.from_dict(old).checks[0]
    assert check.expected == {"kind": "property", "shape": [3], "device": "cpu"}
    assert check.actual == {"type": "RuntimeError", "message": "no"}
    assert check.details == {"answer": {"kind": "mapping", "items": {"kind": "student", "values": [1]}}}


# -- grader.result/2, read as it is ------------------------------------------------------------------


def test_when_a_version_2_result_with_a_bonus_is_read_then_the_bonus_is_kept_apart() -> None:
    """/2 wrote the bonus into ``points`` (a full solution read 53/51); its checks say which are a
    bonus, so the totals come back apart."""
    result = bonus_result("passed")
    old = json.loads(result.to_json())
    old["schema"] = SCHEMA_2
    old["points"], old["max_points"] = 4.0, 2.0
    for key in ("bonus_points", "bonus_max_points"):
        del old[key]
    read = SubmissionResult.from_dict(old)
    assert (read.points, read.max_points, read.bonus_points) == (2.0, 2.0, 2.0)
    assert read.schema == SCHEMA and read == result
