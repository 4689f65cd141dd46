"""Values as JSON for results and reports: tensors small in full and large summarized, each tagged
with its ``kind`` (``grader.results.payloads``).

Reports are rendered from the result alone, so what a report needs to draw (values for heatmaps,
shapes, where the differences are) has to be in here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grader.probe.wire import TensorValue
from grader.results.payloads import (
    Described,
    MappingDescription,
    PropertyDescription,
    Summary,
    TensorDescription,
)

#: Tensors with at most this many elements are stored in full.
FULL_LIMIT = 1024
#: What a check states about a tensor without its values, e.g. ``actual={"shape": [3]}``.
PROPERTY_KEYS = frozenset({"shape", "dtype", "device"})
#: The keys each kind of description has (required, optional): ``describe`` leaves one as it is.
_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "tensor": (frozenset({"kind", "dtype", "shape", "device", "values"}), frozenset({"type", "summary"})),
    "property": (frozenset({"kind"}), PROPERTY_KEYS),
    "mapping": (frozenset({"kind", "items"}), frozenset()),
}


def describe(value: Any) -> Described:
    """A JSON-able description of anything a check shows: a tensor (or TensorValue) as a tensor
    description, lists and mappings item by item, plain values as they are, anything else by repr.

    A mapping made only of ``shape``, ``dtype`` and ``device`` is what a check states about a
    tensor: it becomes a property description. A description is left as it is, so describing twice
    (a check that describes what it raises, then the grader) changes nothing.
    """
    import torch

    if isinstance(value, TensorValue | torch.Tensor):
        return describe_tensor(value)
    if isinstance(value, list | tuple):
        return [describe(v) for v in value]
    if isinstance(value, Mapping):
        return _describe_mapping(value)
    if value is None or isinstance(value, bool | int | float | str):
        plain: Described = _plain(value)
        return plain
    return repr(value)[:300]


def describe_tensor(value: Any) -> TensorDescription:
    """A tensor description of a ``torch.Tensor`` or of a ``TensorValue`` from the kernel."""
    if isinstance(value, TensorValue):
        if value.data is None:
            return {"kind": "tensor", "dtype": value.dtype, "shape": list(value.shape),
                    "device": value.device, "values": None, "type": value.type_name}
        described = describe_tensor(value.data)
        described["device"], described["type"] = value.device, value.type_name
        return described
    tensor = value.detach()
    data: TensorDescription = {
        "kind": "tensor",
        "dtype": str(tensor.dtype).removeprefix("torch."),
        "shape": list(tensor.shape),
        "device": str(tensor.device),
        "values": None,
    }
    if tensor.is_meta or tensor.is_complex():
        # Meta tensors have no values; complex ones have no JSON number for theirs (and no answer
        # of this section is complex): the dtype says what went wrong.
        return data
    tensor = tensor.to("cpu")
    if tensor.numel() <= FULL_LIMIT:
        data["values"] = _plain(tensor.tolist())
    else:
        as_float = tensor.double()
        summary: Summary = {
            "min": _plain(float(as_float.min())), "max": _plain(float(as_float.max())),
            "mean": _plain(float(as_float.mean())), "std": _plain(float(as_float.std())),
        }
        data["summary"] = summary
    return data


def properties(
    *, shape: list[int] | None = None, dtype: str | None = None, device: str | None = None
) -> PropertyDescription:
    """What a shape, dtype or device check states: the properties given, nothing else."""
    stated: PropertyDescription = {"kind": "property"}
    if shape is not None:
        stated["shape"] = shape
    if dtype is not None:
        stated["dtype"] = dtype
    if device is not None:
        stated["device"] = device
    return stated


def _describe_mapping(value: Mapping[Any, Any]) -> Described:
    keys = {str(k) for k in value}
    kind = value.get("kind")
    if isinstance(kind, str) and kind in _KEYS:
        required, optional = _KEYS[kind]
        if required <= keys <= required | optional:
            described: Described = dict(value)  # already a description (checks may describe first)
            return described
    if keys and keys <= PROPERTY_KEYS:
        stated: dict[str, Described] = {"kind": "property"}
        stated.update((str(k), describe(v)) for k, v in value.items())
        return stated
    items = {str(k): describe(v) for k, v in value.items()}
    if "kind" in items:  # the tag is reserved: a mapping of the student's cannot pass for a payload
        wrapped: MappingDescription = {"kind": "mapping", "items": items}
        return wrapped
    return items


def _plain(value: Any) -> Any:
    """JSON has no NaN or infinity: spell them out."""
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
