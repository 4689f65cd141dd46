"""The wire format: JSON plus raw tensor bytes, decoded without ever unpickling."""

from __future__ import annotations

import json
import math
import pickle
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.probe import wire
from grader.probe.wire import DTYPES, MAX_DEPTH, MAX_REPR, ExceptionValue, OpaqueValue, TensorValue, WireError


def round_trip(value: Any, *, max_bytes: int = 2**26) -> Any:
    """Encode, pass through strict JSON (as a comm would) and decode."""
    buffers: list[bytes] = []
    encoded = wire.encode(value, buffers, max_bytes=max_bytes)
    return wire.decode(json.loads(json.dumps(encoded, allow_nan=False)), buffers)


def make_tensor(dtype: torch.dtype, shape: tuple[int, ...], seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    if dtype is torch.bool:
        return torch.randint(0, 2, shape, generator=generator).bool()
    if dtype.is_floating_point or dtype.is_complex:
        base = torch.complex128 if dtype.is_complex else torch.float64
        return (torch.randn(shape, generator=generator, dtype=base) * 100).to(dtype)
    low, high = (0, 256) if dtype is torch.uint8 else (-128, 128)
    return torch.randint(low, high, shape, generator=generator).to(dtype)


def tensor_header(**fields: Any) -> dict[str, Any]:
    header = {"dtype": "float32", "shape": [2], "device": "cpu", "type": "torch.Tensor",
              "requires_grad": False, "buffer": 0}
    header.update(fields)
    return {"$tensor": header}


# -- round trips -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, database=None)
@given(
    dtype=st.sampled_from(DTYPES),
    shape=st.lists(st.integers(0, 5), max_size=4).map(tuple),
    seed=st.integers(0, 2**31),
    layout=st.sampled_from(["contiguous", "strided", "transposed"]),
)
def test_when_tensor_of_an_allowed_dtype_round_trips_then_values_dtype_and_shape_survive(
    dtype: str, shape: tuple[int, ...], seed: int, layout: str
) -> None:
    if layout == "strided":
        original = make_tensor(getattr(torch, dtype), (*shape, 2), seed)[..., ::2]
    elif layout == "transposed" and len(shape) >= 2:
        original = make_tensor(getattr(torch, dtype), shape, seed).mT
    else:
        original = make_tensor(getattr(torch, dtype), shape, seed)
    back = round_trip(original)
    assert isinstance(back, TensorValue)
    assert back.dtype == dtype
    assert back.shape == tuple(original.shape)
    assert back.device == "cpu"
    assert back.is_plain
    assert back.data.dtype == original.dtype
    assert torch.equal(back.data, original)


@pytest.mark.parametrize("original", [
    torch.tensor(3.5), torch.tensor(True), torch.empty(0, 3), torch.zeros(2, 0, dtype=torch.int64),
], ids=["0-d", "0-d bool", "empty", "empty int"])
def test_when_tensor_is_0d_or_empty_then_it_round_trips(original: torch.Tensor) -> None:
    back = round_trip(original)
    assert back.shape == tuple(original.shape)
    assert back.data.dtype == original.dtype
    assert torch.equal(back.data, original)


def test_when_tensor_is_an_expanded_view_then_its_values_are_materialized() -> None:
    original = torch.arange(3.0).expand(4, 3)
    assert torch.equal(round_trip(original).data, original)


def test_when_tensor_requires_grad_then_data_arrives_with_the_flag() -> None:
    original = torch.ones(2, requires_grad=True) * 2
    back = round_trip(original)
    assert back.requires_grad
    assert torch.equal(back.data, torch.full((2,), 2.0))


def test_when_tensor_is_a_parameter_then_it_is_plain_and_keeps_its_type_name() -> None:
    back = round_trip(torch.nn.Parameter(torch.ones(2)))
    assert back.type_name == "torch.nn.parameter.Parameter"
    assert back.is_plain
    assert torch.equal(back.data, torch.ones(2))


def test_when_floats_hold_nan_and_inf_then_they_survive_bit_for_bit() -> None:
    original = torch.tensor([math.nan, math.inf, -math.inf, -0.0, 1e-45])
    back = round_trip(original)
    assert torch.equal(back.data.view(torch.int32), original.view(torch.int32))
    values = round_trip([math.nan, math.inf, -math.inf, 1.5])
    assert math.isnan(values[0])
    assert values[1:] == [math.inf, -math.inf, 1.5]


def test_when_containers_nest_then_their_types_are_kept() -> None:
    value = {"a": [1, (2.5, "s", None)], "b": (True, [{"c": ()}]), "d": []}
    back = round_trip(value)
    assert back == value
    assert isinstance(back["a"], list)
    assert isinstance(back["a"][1], tuple)
    assert isinstance(back["b"][1][0]["c"], tuple)
    assert back["b"][0] is True


def test_when_several_tensors_are_sent_then_each_keeps_its_own_buffer() -> None:
    first, second = torch.arange(4), torch.ones(2, 2, dtype=torch.float16)
    back = round_trip({"x": [first, second], "y": first})
    assert torch.equal(back["x"][0].data, first)
    assert torch.equal(back["x"][1].data, second)
    assert torch.equal(back["y"].data, first)


# -- what is described, never decoded -------------------------------------------------------------


class Subclass(torch.Tensor):
    pass


def test_when_tensor_is_a_subclass_then_it_comes_back_as_a_description_without_data() -> None:
    buffers: list[bytes] = []
    encoded = wire.encode(torch.ones(2, 3).as_subclass(Subclass), buffers, max_bytes=2**20)
    assert buffers == []
    back = wire.decode(encoded, buffers)
    assert back.data is None
    assert back.shape == (2, 3)
    assert back.type_name.endswith("Subclass")
    assert not back.is_plain


def test_when_value_is_a_numpy_array_then_it_comes_back_opaque() -> None:
    back = round_trip(np.arange(3))
    assert isinstance(back, OpaqueValue)
    assert back.type_name == "numpy.ndarray"
    assert "0, 1, 2" in back.repr


def test_when_value_is_an_arbitrary_object_then_it_is_opaque_with_a_short_repr() -> None:
    class Loud:
        def __repr__(self) -> str:
            return "x" * 10_000

    back = round_trip(Loud())
    assert isinstance(back, OpaqueValue)
    assert len(back.repr) <= MAX_REPR


def test_when_repr_raises_then_the_type_name_stands_in() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    back = round_trip(Broken())
    assert isinstance(back, OpaqueValue)
    assert "Broken" in back.repr


def test_when_dict_has_non_string_keys_then_it_is_opaque() -> None:
    assert isinstance(round_trip({1: "a"}), OpaqueValue)


def test_when_tensor_is_on_meta_then_it_comes_back_with_shape_and_no_data() -> None:
    back = round_trip(torch.empty(2, 3, device="meta"))
    assert back.data is None
    assert back.shape == (2, 3)
    assert back.device == "meta"
    assert back.device_type == "meta"
    assert back.numel == 6


@pytest.mark.filterwarnings("ignore:.*quantize.*deprecated:UserWarning")
def test_when_dtype_is_not_allowed_then_the_tensor_is_described_without_data() -> None:
    back = round_trip(torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.qint8))
    assert back.data is None
    assert back.dtype == "qint8"


def test_when_complex_tensor_is_a_conjugate_view_then_its_values_round_trip() -> None:
    original = torch.tensor([1 + 2j, 3 - 4j], dtype=torch.complex64).conj()
    assert torch.equal(round_trip(original).data, original.resolve_conj())


@pytest.mark.parametrize("make", [
    lambda: torch.ones(1, 3)[:, 0], lambda: torch.arange(2.0)[::2], lambda: torch.ones(1, 3).t()[0:1],
], ids=["column of a one-row matrix", "step slice", "slice of a transpose"])
def test_when_one_element_view_has_a_stride_then_it_round_trips(make: Any) -> None:
    original = make()
    assert torch.equal(round_trip(original).data, original)


def test_when_value_is_an_exception_then_it_comes_back_as_exception_value() -> None:
    back = round_trip([ValueError("bad kernel")])
    assert back == [ExceptionValue("ValueError", "bad kernel")]


def test_when_nesting_passes_max_depth_then_the_deep_part_is_opaque() -> None:
    value: Any = 1
    for _ in range(MAX_DEPTH + 3):
        value = [value]
    back = round_trip(value)
    for _ in range(MAX_DEPTH + 1):
        back = back[0]
    assert isinstance(back, OpaqueValue)


# -- the size cap ----------------------------------------------------------------------------------


def test_when_tensor_is_over_max_bytes_then_overflow_is_raised_before_copying(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    huge = torch.zeros(1).expand(2**31)  # 8 GiB as seen by numel, no memory behind it

    def no_copy(*_: object, **__: object) -> None:
        raise AssertionError("the tensor was materialized before the cap was checked")

    monkeypatch.setattr(torch.Tensor, "detach", no_copy)
    monkeypatch.setattr(torch.Tensor, "contiguous", no_copy)
    buffers: list[bytes] = []
    with pytest.raises(OverflowError, match=r"8\.0 GiB.*1\.0 GiB"):
        wire.encode({"out": huge}, buffers, max_bytes=2**30)
    assert buffers == []


def test_when_tensors_together_pass_max_bytes_then_overflow_is_raised() -> None:
    buffers: list[bytes] = []
    with pytest.raises(OverflowError):
        wire.encode([torch.zeros(100), torch.zeros(100)], buffers, max_bytes=600)


def test_when_tensor_is_exactly_max_bytes_then_it_is_sent() -> None:
    buffers: list[bytes] = []
    wire.encode(torch.zeros(100), buffers, max_bytes=400)
    assert [len(b) for b in buffers] == [400]


# -- malformed input -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "buffers"), [
    pytest.param({"$pickle": "gASV"}, [], id="unknown tag"),
    pytest.param({"$list": [1], "$tuple": [2]}, [], id="two tags"),
    pytest.param([1, 2], [], id="bare list"),
    pytest.param({"$float": "1e309"}, [], id="float that is not nan or inf"),
    pytest.param({"$list": "abc"}, [], id="list body not a list"),
    pytest.param(tensor_header(), [b"\x00" * 7], id="buffer shorter than header"),
    pytest.param(tensor_header(), [b"\x00" * 9], id="buffer longer than header"),
    pytest.param(tensor_header(dtype="object"), [b"\x00" * 8], id="unknown dtype"),
    pytest.param(tensor_header(dtype="__class__"), [b"\x00" * 8], id="dtype naming a torch attribute"),
    pytest.param(tensor_header(shape=[-2]), [b"\x00" * 8], id="negative dims"),
    pytest.param(tensor_header(buffer=1), [b"\x00" * 8], id="buffer index out of range"),
    pytest.param(tensor_header(buffer=-1), [b"\x00" * 8], id="negative buffer index"),
    pytest.param(tensor_header(buffer="0"), [b"\x00" * 8], id="buffer index not an int"),
    pytest.param(tensor_header(shape="x"), [b"\x00" * 8], id="shape not numbers"),
    pytest.param({"$tensor": ["float32"]}, [], id="header not a mapping"),
    pytest.param({"$tensor": {"dtype": "float32"}}, [], id="header missing fields"),
])
def test_when_input_is_malformed_then_decode_raises_wire_error(data: Any, buffers: list[bytes]) -> None:
    with pytest.raises(WireError):
        wire.decode(data, buffers)


def test_when_nesting_is_too_deep_then_decode_raises_wire_error() -> None:
    data: Any = 1
    for _ in range(MAX_DEPTH + 5):
        data = {"$list": [data]}
    with pytest.raises(WireError, match="deep"):
        wire.decode(data, [])


def test_when_header_has_no_buffer_then_an_unknown_dtype_is_only_a_description() -> None:
    back = wire.decode(tensor_header(dtype="float8_e4m3fn", buffer=None, type="my.Sub"), [])
    assert back == TensorValue(None, "float8_e4m3fn", (2,), "cpu", "my.Sub")


class _Payload:
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_UNPICKLED.append, ("code ran",))


_UNPICKLED: list[str] = []


def test_when_buffer_holds_a_pickle_payload_then_it_is_just_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*_: object, **__: object) -> None:
        raise AssertionError("decode must never unpickle")

    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    monkeypatch.setattr(torch, "load", forbidden)
    payload = pickle.dumps(_Payload())
    back = wire.decode(tensor_header(dtype="uint8", shape=[len(payload)]), [payload])
    assert bytes(back.data.tolist()) == payload
    assert _UNPICKLED == []


def test_when_opaque_repr_is_long_then_decode_caps_it() -> None:
    back = wire.decode({"$opaque": {"type": "x", "repr": "y" * 10_000}}, [])
    assert back == OpaqueValue("x", "y" * MAX_REPR)


def test_when_an_exception_is_encoded_then_where_it_was_raised_comes_with_it() -> None:
    import torch

    try:
        torch.ones(2, requires_grad=True).mul(2).backward()
    except RuntimeError as caught:
        raised_by_torch = caught
    try:
        raise ValueError("mine")
    except ValueError as caught:
        raised_here = caught
    built = RuntimeError("grad can be implicitly created only for scalar outputs")
    back = [round_trip(e) for e in (raised_by_torch, raised_here, built)]
    assert back[0].raised_in.startswith("torch.autograd")  # raised by torch's own Python code
    assert [b.raised_in for b in back[1:]] == [__name__, None]
    forged = wire.decode({"$exception": {"type": "RuntimeError", "message": "m", "raised_in": ["torch"]}}, [])
    assert isinstance(forged, ExceptionValue) and forged.raised_in is None  # only a name is believed
