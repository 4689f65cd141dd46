"""Which versions of the result this grader writes and reads, and the JSON Schema of the one it writes.

``grader.result/3`` keeps a bonus apart: ``points`` and ``max_points`` count the required checks
only, ``bonus_points`` and ``bonus_max_points`` the bonus (under /2 ``points`` included the bonus, so
a full solution read "53/51"), and a check may be ``unanswered``. A /2 reader would take /3's
``points`` for the old sum and fail on the new status, so the version changed; a /2 document is read
as it is, its totals recomputed from its checks (each check always said whether it was a bonus).

``grader.result/2`` tags every described value that is not plain JSON with a ``kind`` (see
``grader.results.payloads``) and gives the submission an ``id``. A ``grader.result/1`` document had
no tags: its readers took any object made of tensor keys for a tensor. ``upgrade`` applies that
rule once, here, so that saved /1 results still render as they did and no reader of /2 guesses.
The version had to change: a /1 reader would not recognise a tagged tensor and would silently
draw no heatmap, where a version it does not know makes it refuse the document instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

SCHEMA = "grader.result/3"
SCHEMA_2 = "grader.result/2"
SCHEMA_1 = "grader.result/1"
#: Every version ``SubmissionResult.from_dict`` reads (older ones are upgraded first).
READS = (SCHEMA, SCHEMA_2, SCHEMA_1)

#: What grader.result/1's readers took for a tensor: only these keys, and one of the first three.
_TENSOR_KEYS_1 = frozenset({"dtype", "shape", "device", "values", "summary", "type"})
_PROPERTY_KEYS = frozenset({"dtype", "shape", "device"})


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the result this grader writes, shipped beside the code
    as ``grader/results/schema/grader.result-3.json``."""
    name = SCHEMA.replace("/", "-") + ".json"
    text = resources.files("grader.results").joinpath("schema", name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def upgrade(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A result as the current version has it: a /1 document gets its tags; /2 differs only in
    totals that readers recompute from the checks."""
    if data.get("schema") == SCHEMA_2:
        return {**data, "schema": SCHEMA}
    if data.get("schema") != SCHEMA_1:
        return data
    exercises = [
        {**exercise, "checks": [_check_1(check) for check in exercise.get("checks", ())]}
        for exercise in data.get("exercises", ())
    ]
    return {**data, "schema": SCHEMA, "exercises": exercises}


def _check_1(check: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(check)
    for key in ("expected", "actual"):
        out[key] = _described_1(check.get(key))
    for key in ("input", "details"):
        found = check.get(key)
        out[key] = {k: _described_1(v) for k, v in found.items()} if isinstance(found, Mapping) \
            else found
    out["exhibits"] = [{**e, "value": _described_1(e.get("value"))} if isinstance(e, Mapping) else e
                       for e in check.get("exhibits") or ()]
    answer = check.get("answer")
    if isinstance(answer, Mapping):
        out["answer"] = {**answer, "given": _described_1(answer.get("given")),
                         "truth": _described_1(answer.get("truth"))}
    return out


def _described_1(value: Any) -> Any:
    """A /1 described value with the tags /2 writes: tensors and properties by /1's own key rule."""
    if isinstance(value, list):
        return [_described_1(v) for v in value]
    if not isinstance(value, Mapping):
        return value
    keys = set(value)
    if keys <= _TENSOR_KEYS_1 and keys & _PROPERTY_KEYS:
        if "values" in keys:
            return {"kind": "tensor", **value}
        if keys <= _PROPERTY_KEYS:
            return {"kind": "property", **value}
    items = {str(k): _described_1(v) for k, v in value.items()}
    return {"kind": "mapping", "items": items} if "kind" in items else items
