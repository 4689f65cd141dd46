"""What a check result carries besides its verdict: described values, a mismatch, exhibits, a
structured answer and details, as typed JSON.

A *described value* is what ``grader.checking.tensors.describe`` makes of anything a check shows
(inputs, expected and actual, exhibits, answers, details). Every JSON object among them that is
more than a plain mapping says what it is in ``kind``:

- ``"tensor"``: a whole tensor (dtype, shape, device, exact type, values or a summary);
- ``"property"``: part of one, what a shape, dtype or device check states (``{"shape": [3, 2]}``);
- ``"mapping"``: a plain mapping that has a ``kind`` key of its own, wrapped so that it cannot
  pass for one of the others.

Anything else is plain JSON: null, a bool, a number, a string, a list of described values, or an
object without ``kind`` whose values are described values. Readers dispatch on ``kind_of`` (or
``tagged``) and never look at which keys a payload happens to have; a consumer that knows what a
value is takes it with ``as_tensor`` or ``as_mapping``.

TypedDicts rather than dataclasses: the payloads are JSON objects and stay JSON objects in memory,
so ``to_dict``, ``from_dict`` and the templates need no conversion, and the code that reads them
(reports, pack tests: ``check.exhibits[0]["value"]["values"]``) subscripts them like the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NotRequired, Required, TypeAlias, TypedDict, cast

Kind = Literal["tensor", "property", "mapping"]
KINDS: tuple[Kind, ...] = ("tensor", "property", "mapping")
#: What JSON cannot hold as a number, spelled out.
NonFinite = Literal["nan", "inf", "-inf"]
Number: TypeAlias = "float | NonFinite"
#: A tensor's values as nested lists (``tolist()``), non-finite numbers spelled out.
Values: TypeAlias = "Number | bool | list[Values]"
#: ``1`` where an element of ``actual`` is outside the tolerance, nested like the tensor.
Mask: TypeAlias = "int | list[Mask]"
Described: TypeAlias = (
    "TensorDescription | PropertyDescription | MappingDescription"
    " | bool | int | float | str | list[Described] | dict[str, Described] | None"
)


class Summary(TypedDict):
    """What is kept of a tensor too large to store in full."""

    min: Number
    max: Number
    mean: Number
    std: Number


class TensorDescription(TypedDict):
    """A tensor: ``values`` in full when small, None with a ``summary`` when large, None alone when
    there is nothing to read (a meta tensor, a subclass that was not decoded). ``type`` is the exact
    type when it came from the student's kernel (``torch.Tensor``, a subclass' name)."""

    kind: Literal["tensor"]
    dtype: str
    shape: list[int]
    device: str
    values: Values | None
    type: NotRequired[str]
    summary: NotRequired[Summary]


class PropertyDescription(TypedDict, total=False):
    """What a shape, dtype or device check states about a tensor: one or more of the three. An
    expected shape may be words for the shapes accepted (``"2-D, at most (5, 5)"``)."""

    kind: Required[Literal["property"]]
    shape: list[int] | str
    dtype: str
    device: str


class MappingDescription(TypedDict):
    """A plain mapping whose own keys include ``kind``: its items, out of the way of the tag."""

    kind: Literal["mapping"]
    items: dict[str, Described]


class Mismatch(TypedDict):
    """How ``actual`` differs from ``expected`` (``grader.checking.compare.assert_close``).

    ``max_abs_diff`` is spelled out when it is not finite; indices are empty for a 0-D tensor;
    ``mask`` is left out (None) for tensors too large to store in full.
    """

    count: int
    total: int
    share: float
    max_abs_diff: Number
    max_index: list[int]
    first_index: list[int]
    rtol: float
    atol: float
    mask: Mask | None


class Exhibit(TypedDict):
    """A value a report shows beside the verdict, computed on the student's own objects."""

    label: str
    value: Described
    note: str
    #: Shows what the question asks the student to find out (their kernel's strongest response):
    #: withheld unless the feedback is full.
    reveals: NotRequired[bool]


class Answer(TypedDict):
    """A structured answer beside the truth the grader computed for it."""

    question: str
    given: Described
    truth: Described
    choices: list[str]
    correct: bool


#: Named values: the inputs a check failed on, or figures reported for information (details).
Inputs: TypeAlias = "Mapping[str, Described]"
Details: TypeAlias = "Mapping[str, Described]"


def kind_of(value: object) -> Kind | None:
    """The ``kind`` of a described value; None for plain JSON (and for kinds this grader does not
    know, which a newer writer may add)."""
    found = tagged(value)
    return found[0] if found is not None else None


def tagged(value: object) -> tuple[Kind, Mapping[str, object]] | None:
    """The kind of a described value and its fields; None for plain JSON.

    The fields are typed ``object``: the ``kind`` says what a payload claims to be, but a result may
    have been written anywhere, so its fields are read as untrusted data.
    """
    if isinstance(value, Mapping):
        tag = value.get("kind")
        for kind in KINDS:
            if kind == tag:
                return kind, value
    return None


def as_tensor(value: object) -> TensorDescription:
    """``value`` as a tensor description, for a consumer that knows it is one (a gradebook reading
    an exhibit, a test); ValueError if its ``kind`` says otherwise. Validate a result from
    elsewhere against ``json_schema()`` first: the fields are taken as written."""
    if kind_of(value) != "tensor":
        raise ValueError(f"not a tensor description: {str(value)[:100]}")
    return cast(TensorDescription, value)


def as_mapping(value: object) -> Mapping[str, Described]:
    """``value`` as the plain mapping it describes (a wrapped one's items); ValueError for anything
    else, a tagged payload included."""
    found = tagged(value)
    if found is not None and found[0] == "mapping" and isinstance(found[1].get("items"), Mapping):
        return cast("Mapping[str, Described]", found[1]["items"])
    if isinstance(value, Mapping) and "kind" not in value:
        return cast("Mapping[str, Described]", value)
    raise ValueError(f"not a plain mapping: {str(value)[:100]}")
