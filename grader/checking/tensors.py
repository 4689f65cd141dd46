"""Tensors as JSON for results and reports: small ones in full, large ones summarized.

Reports are rendered from the result alone, so what a report needs to draw (values for heatmaps,
shapes, where the differences are) has to be in here.
"""

from __future__ import annotations

from typing import Any

from grader.probe.wire import TensorValue

#: Tensors with at most this many elements are stored in full.
FULL_LIMIT = 1024


def describe(value: Any) -> Any:
    """A JSON-able description of a tensor (or TensorValue), or a plain value as is."""
    import torch

    if isinstance(value, TensorValue):
        if value.data is None:
            return {"dtype": value.dtype, "shape": list(value.shape), "device": value.device,
                    "type": value.type_name, "values": None}
        described = describe(value.data)
        described.update(device=value.device, type=value.type_name)
        return described
    if isinstance(value, torch.Tensor):
        tensor = value.detach()
        data: dict[str, Any] = {
            "dtype": str(tensor.dtype).removeprefix("torch."),
            "shape": list(tensor.shape),
            "device": str(tensor.device),
        }
        if tensor.is_meta:
            data["values"] = None
            return data
        tensor = tensor.to("cpu")
        if tensor.numel() <= FULL_LIMIT:
            data["values"] = _plain(tensor.tolist())
        else:
            as_float = tensor.double()
            data["values"] = None
            data["summary"] = {
                "min": float(as_float.min()), "max": float(as_float.max()),
                "mean": float(as_float.mean()), "std": float(as_float.std()),
            }
        return data
    if isinstance(value, list | tuple):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return _plain(value)
    return repr(value)[:300]


def _plain(value: Any) -> Any:
    """JSON has no NaN or infinity: spell them out."""
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
