"""The JSON Schema of the result: published beside its version, loadable from code, true of every
kind of result the grader makes (real gradings of the solution, the stub and wrong variants, the
front ends' fixtures, an unusable submission, hand-made reports' cases) and false of results that
break the contract. ``jsonschema``, the reference validator, judges."""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from exercises.conv_layer import PACK
from grader.results import SCHEMA, SubmissionResult, json_schema
from tests.pack_support import ROOT, grade_here
from tests.test_report_cases import everything, graded_once, result, shapes_checks
from tests.test_results import full_result

VALIDATOR = jsonschema.Draft202012Validator(json_schema())
#: Wrong variants whose results hold every kind of payload: property checks of shape, dtype and
#: device (some stating shapes in words), value mismatches, a wrong return, exhibits, answers,
#: a check's own mappings (losses; an error's type and message) and details (op counts, times).
VARIANTS = [
    "corr2d_book", "corr2d_always_float64", "corr2d_off_by_one", "corr2d_flipped_kernel",
    "corr2d_numpy", "edge_kernel_vector", "learn_kernel_no_update", "conv2d_no_bias",
    "autograd/error_mxnet_in_place", "diagonal/triangle_unchanged_by_transpose",
    "diagonal/not_square", "kernels/edge_vector", "kernels/second_strongest_step",
    "kernels/integral_box", "matmul/im2col_loop",
]


def problems(data: Any) -> list[str]:
    return [f"{error.json_path}: {error.message[:200]}" for error in VALIDATOR.iter_errors(data)]


def as_json(graded: SubmissionResult) -> Any:
    return json.loads(graded.to_json())


# -- where it is and what it is ----------------------------------------------------------------------


def test_when_the_schema_is_loaded_then_it_is_draft_2020_12_and_describes_this_version() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == SCHEMA and schema["properties"]["schema"] == {"const": SCHEMA}
    published = ROOT / "grader" / "results" / "schema" / f"{SCHEMA.replace('/', '-')}.json"
    assert json.loads(published.read_text(encoding="utf-8")) == schema


def test_when_the_package_is_built_then_the_schema_is_shipped_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "results/schema/*.json" in config["tool"]["setuptools"]["package-data"]["grader"]


# -- true of every result the grader makes -----------------------------------------------------------


@pytest.mark.parametrize("name", ["solution", "stub", *VARIANTS])
def test_when_a_fixture_is_graded_then_its_result_is_valid(
    name: str, variant: Callable[[str], Path]
) -> None:
    assert problems(as_json(graded_once(name, variant))) == []


@pytest.mark.parametrize("path", [PACK.solution_module, PACK.stub_module], ids=["solution", "stub"])
def test_when_a_module_is_graded_then_its_result_is_valid(path: Path) -> None:
    assert problems(as_json(grade_here(path))) == []


@pytest.mark.parametrize("content", ["{not json", None], ids=["not-a-notebook", "missing"])
def test_when_a_submission_is_unusable_then_its_result_is_valid(content: str | None,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    graded = grade_here(path)
    assert graded.error and all(c.status == "error" for c in graded.checks)
    assert problems(as_json(graded)) == []


def test_when_the_front_ends_fixture_results_are_written_then_they_are_valid(
    frontend_result: Callable[..., SubmissionResult],
    frontend_passing_result: Callable[..., SubmissionResult],
) -> None:
    for made in (frontend_result(), frontend_result(error="sub.ipynb is not UTF-8 text"),
                 frontend_passing_result()):
        assert problems(as_json(made)) == []


def test_when_results_are_made_by_hand_for_the_tests_then_they_are_valid() -> None:
    for made in (full_result(), everything(), result(shapes_checks())):
        assert problems(as_json(made)) == []


# -- false of results that break the contract --------------------------------------------------------


def _check(data: Any, index: int = 1) -> Any:
    return data["exercises"][0]["checks"][index]


BROKEN: dict[str, Callable[[Any], None]] = {
    "unknown status": lambda d: _check(d).update(status="passd"),
    "version 1": lambda d: d.update(schema="grader.result/1"),
    "no submission id": lambda d: d["submission"].pop("id"),
    "points as text": lambda d: _check(d).update(points="1"),
    "tensor without shape": lambda d: _check(d, 2)["expected"].pop("shape"),
    "tensor with a stray key": lambda d: _check(d, 2)["actual"].update(max_abs=1.0),
    "NaN spelled wrong": lambda d: _check(d, 2)["actual"].update(values=[1.0, "NaN"]),
    "property with values": lambda d: _check(d)["expected"].update(values=[1.0]),
    "property stating nothing": lambda d: _check(d).update(expected={"kind": "property"}),
    "a kind that is none": lambda d: _check(d).update(actual={"kind": "student", "n": 1}),
    "mismatch count as text": lambda d: _check(d, 2)["mismatch"].update(count="1"),
    "mismatch under an old key": lambda d: _check(d, 2)["mismatch"].update(where=[1]),
    "exhibit without note": lambda d: _check(d, 7)["exhibits"][0].pop("note"),
    "answer with a stray key": lambda d: _check(d, 7)["answer"].update(score=1),
    "submission kind": lambda d: d["submission"].update(kind="pdf"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_when_a_result_breaks_the_contract_then_the_schema_rejects_it(name: str) -> None:
    data = copy.deepcopy(as_json(full_result()))
    assert problems(data) == []
    BROKEN[name](data)
    assert problems(data) != []
