"""Described values: what the writers tag them with (``describe``, a check's ``Evidence``), and how
the readers dispatch on the tag instead of guessing from keys."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checking import answers
from grader.checking.evidence import Evidence
from grader.checking.tensors import FULL_LIMIT, describe
from grader.errors import CheckFailed, NotImplementedYet, WrongReturn
from grader.probe.wire import TensorValue
from grader.reports import tensor_grid
from grader.reports.text import readable
from grader.results import as_mapping, as_tensor, kind_of


def test_when_a_tensor_is_described_then_it_is_tagged_with_its_values() -> None:
    assert describe(torch.tensor([[1.0, math.nan]])) == {
        "kind": "tensor", "dtype": "float32", "shape": [1, 2], "device": "cpu", "values": [[1.0, "nan"]],
    }


def test_when_a_value_comes_from_the_kernel_then_its_device_and_exact_type_are_kept() -> None:
    data = torch.ones(2, dtype=torch.int64)
    assert describe(TensorValue(data, "int64", (2,), "cuda:0", "torch.Tensor")) == {
        "kind": "tensor", "dtype": "int64", "shape": [2], "device": "cuda:0", "type": "torch.Tensor",
        "values": [1, 1],
    }
    meta = describe(TensorValue(None, "float32", (3, 3), "meta", "torch.Tensor"))
    assert meta == {"kind": "tensor", "dtype": "float32", "shape": [3, 3], "device": "meta",
                    "type": "torch.Tensor", "values": None}


def test_when_a_tensor_is_large_then_its_summary_spells_nan_out_like_its_values() -> None:
    large = torch.zeros(FULL_LIMIT + 1)
    large[0] = math.nan
    described = as_tensor(describe(large))
    assert described["values"] is None
    assert described.get("summary") == {"min": "nan", "max": "nan", "mean": "nan", "std": "nan"}


def test_when_a_check_states_a_shape_dtype_or_device_then_it_is_a_property() -> None:
    assert describe({"shape": (1, 2)}) == {"kind": "property", "shape": [1, 2]}
    assert describe({"dtype": "float32", "device": "cpu"}) == {"kind": "property", "dtype": "float32",
                                                              "device": "cpu"}
    assert describe({"shape": [1], "values": [1.0]}) == {"shape": [1], "values": [1.0]}  # a mapping


def test_when_a_mapping_has_a_kind_of_its_own_then_it_is_wrapped_and_cannot_pass_for_a_payload() -> None:
    assert describe({"kind": "tensor", "n": 1}) == {"kind": "mapping", "items": {"kind": "tensor", "n": 1}}
    assert describe({"losses": {"1": 0.5}}) == {"losses": {"1": 0.5}}


@pytest.mark.parametrize("value", [torch.eye(2), {"shape": [2]}, {"kind": "x"}, [torch.ones(1), 2],
                                   {"a": torch.zeros(1)}, "text", None])
def test_when_a_description_is_described_again_then_it_is_unchanged(value: object) -> None:
    once = describe(value)
    assert describe(once) == once


def test_when_a_value_is_no_data_then_it_is_described_by_its_repr() -> None:
    assert str(describe(object())).startswith("<object object")
    assert describe(math.inf) == "inf"


def test_when_a_check_passes_then_its_evidence_is_its_exhibits_last_answer_and_details() -> None:
    evidence = Evidence()
    evidence.exhibit("your X", torch.eye(2), "a note")
    evidence.detail("ops", {"8 x 8": 3})
    assert evidence.record_answer("q1", "a", "b", ("a", "b")) is False
    assert evidence.record_answer("q2", 3, 3) is True
    shown = evidence.payloads()
    assert shown["exhibits"] == ({"label": "your X", "value": describe(torch.eye(2)), "note": "a note"},)
    assert shown["answer"] == {"question": "q2", "given": 3, "truth": 3, "choices": [], "correct": True}
    assert shown["details"] == {"ops": {"8 x 8": 3}}
    assert (shown["input"], shown["expected"], shown["actual"], shown["mismatch"]) == (None,) * 4


def test_when_a_check_fails_then_what_it_raised_is_described_beside_its_evidence() -> None:
    evidence = Evidence()
    evidence.detail("ops", 9)
    failed = CheckFailed("wrong", input={"X": torch.ones(1), "device": "cuda"}, expected=torch.zeros(1),
                         actual={"shape": [2]}, details={"seconds": 0.5})
    shown = evidence.payloads(failed)
    # Input names stay names: an input called "device" is not a property description.
    assert shown["input"] == {"X": describe(torch.ones(1)), "device": "cuda"}
    assert kind_of(shown["expected"]) == "tensor" and kind_of(shown["actual"]) == "property"
    assert shown["details"] == {"ops": 9, "seconds": 0.5}


def test_when_a_structured_answer_is_read_then_none_is_unanswered_and_other_kinds_are_named() -> None:
    assert answers.choice(" Changes ", "answer_x", ("unchanged", "changes")) == "changes"
    with pytest.raises(NotImplementedYet):
        answers.choice(None, "answer_x", ("unchanged", "changes"))
    with pytest.raises(WrongReturn, match="answer_n is a list"):
        answers.value_answer([3], "answer_n", (int,), "an int")
    with pytest.raises(WrongReturn, match="answer_n is True"):
        answers.value_answer(True, "answer_n", (int,), "an int")


def test_when_a_reader_meets_a_value_then_the_kind_alone_says_whether_it_is_a_tensor() -> None:
    untagged = {"dtype": "float32", "shape": [2], "values": [1.0, 2.0]}
    assert tensor_grid.described(untagged) is None and tensor_grid.grid(untagged) is None
    assert readable(untagged) == "dtype: float32, shape: [2], values: [1, 2]"
    assert readable(describe(torch.tensor([1.0, 2.0]))) == "tensor 2 float32"
    assert readable({"kind": "property", "shape": [3, 2]}) == "tensor 3 \u00d7 2"
    wrapped = describe({"kind": "x", "n": 1})
    assert readable(wrapped) == readable({"kind": "x", "n": 1}) == "kind: x, n: 1"


def test_when_a_consumer_knows_what_a_value_is_then_it_takes_it_typed_or_is_told_it_is_not() -> None:
    assert as_tensor(describe(torch.ones(2)))["values"] == [1.0, 1.0]
    assert as_mapping(describe({"losses": {"1": 0.5}})) == {"losses": {"1": 0.5}}
    assert as_mapping(describe({"kind": "x", "n": 1})) == {"kind": "x", "n": 1}
    for wrong, take in (({"kind": "property", "shape": [2]}, as_tensor), ([1.0], as_tensor),
                        (describe(torch.ones(2)), as_mapping), ("text", as_mapping)):
        with pytest.raises(ValueError, match=r"^not a"):
            take(wrong)


@pytest.mark.parametrize(("type_name", "said"), [
    ("torch.Tensor", "a torch.Tensor"),
    ("torch.nn.parameter.Parameter", "a torch.Tensor"),
    ("__main__.Mine", "a __main__.Mine (a subclass of torch.Tensor)"),
])
def test_when_a_returned_tensor_is_named_then_only_a_subclass_is_called_one(
    type_name: str, said: str
) -> None:
    value = TensorValue(data=None, dtype="torch.float32", shape=(2,), device="cpu", type_name=type_name)
    assert answers.describe_kind(value) == said
