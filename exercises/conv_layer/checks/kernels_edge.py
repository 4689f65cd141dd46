"""Checks of 4.1: ``directional_edge_kernel(v)``, an edge detector for the direction v = (v1, v2).

A linear kernel K turns a ramp ``f(x, y) = a x + b y + c`` into ``(a, b) . g + c * sum(K)``, where
``g`` is the kernel's gradient (its taps weighted by their column and by their row). A detector for
edges orthogonal to v responds to a ramp that grows along v, gives zero on one that grows across v
(which needs ``sum(K) = 0`` too, since the ramps pass through non-zero values) and, being
``v1 * d/dx + v2 * d/dy``, responds in proportion to |v|. Any kernel of up to 5 x 5 with those
properties passes (forward or central differences, Sobel), with either sign.

The known mistakes are told apart by the gradients of the kernels made for every v tried: a
kernel whose taps do not sum to zero, one that is the same whatever v is, v1 put along the rows
(the "[1, -1] finds horizontal edges" confusion), the signs of v dropped, one difference reversed
(y taken to grow upwards), a derivative along the edge instead of across it. Otherwise the hint
says what the kernel does for the v it failed on: nothing along v (a derivative along the edge, or
none at all), or something both along and across v.
"""

from __future__ import annotations

import math

import torch

from exercises.conv_layer import hints_edge as edge_hints
from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks.kernels_common import (
    as_value,
    failure,
    fetch_kernel,
    fits,
    grid,
    is_zero,
    number_text,
    respond,
    shape_failure,
    shape_text,
    tolerance,
)
from grader.pack import CheckContext, assert_close

__all__ = ["directional_ignores_perpendicular", "directional_responds_along_v", "directional_scales_with_v"]

Vector = tuple[float, float]

MAX_SIZE = 5
IMAGE_SHAPE = (9, 10)
#: Added to every ramp so that a kernel whose taps do not sum to zero shows it.
OFFSET = 3.0
#: The axes and the diagonals, then seeded directions of seeded lengths.
FIXED: tuple[Vector, ...] = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, -1.0), (-2.0, 0.5))
RANDOM = 3
#: How much v is stretched in scales_with_v: doubled, and a seeded factor.
FACTORS = (2.0,)
#: Parallel or perpendicular up to this share of |g| |v| (float32 taps are good to ~1e-7).
ANGLE_RTOL = 1e-5


def directional_responds_along_v(ctx: CheckContext) -> None:
    """For every v tried, an image that grows along v gives a non-zero response."""
    family = _family(ctx)
    for v, K in family:
        X = _ramp(_unit(v))
        R = respond(X, K)
        if is_zero(R, X, K):  # so its taps sum to zero and its gradient is perpendicular to v
            _exhibit_ramps(ctx, v, K)
            along_edge = float(_gradient(K).norm()) > _tiny(K)
            raise failure(edge_hints.EDGE_NO_RESPONSE.format(call=_call(v)),
                          hint=_diagnosis(family) or (edge_hints.HINT_EDGE_ALONG_EDGE if along_edge
                                                      else edge_hints.HINT_EDGE_DERIVATIVE),
                          input={"v": list(v), "X": X, "K": K}, actual=R)


def directional_ignores_perpendicular(ctx: CheckContext) -> None:
    """For every v tried, an image that grows across v (along (-v2, v1)) gives zero everywhere."""
    family = _family(ctx)
    if all(bool((K == 0).all()) for _, K in family):
        v, K = family[0]
        raise failure(edge_hints.EDGE_ALL_ZERO, hint=edge_hints.HINT_EDGE_DERIVATIVE, input={"v": list(v)},
                      actual=K)
    for v, K in family:
        X = _ramp(_across(_unit(v)))
        R = respond(X, K)
        if not is_zero(R, X, K):
            _exhibit_ramps(ctx, v, K)
            along = _ramp(_unit(v))
            both = not is_zero(respond(along, K), along, K)
            assert_close(as_value(R), torch.zeros_like(R), what=edge_hints.EDGE_ACROSS.format(call=_call(v)),
                         input={"v": list(v), "X": X, "K": K}, rtol=0.0, atol=tolerance(X, K),
                         hint=_diagnosis(family) or (edge_hints.HINT_EDGE_BOTH_DIRECTIONS if both
                                                     else edge_hints.HINT_EDGE_ALONG_EDGE))


def directional_scales_with_v(ctx: CheckContext) -> None:
    """Stretching v by t multiplies the response to the ramp along v by t (zero stays zero)."""
    family = _family(ctx)
    factors = (*FACTORS, round(0.25 + 3.75 * float(torch.rand(1, generator=ctx.generator(40))), 3))
    responded = False
    for v, K in family:
        X = _ramp(_unit(v))
        R = respond(X, K)
        responded = responded or not is_zero(R, X, K)
        for t in factors:
            tv = (t * v[0], t * v[1])
            Kt = _kernel(ctx, tv)
            Rt = respond(X, Kt) if Kt.shape == K.shape else None
            if Rt is None or float((Rt - t * R).abs().max()) > tolerance(X, Kt) + t * tolerance(X, K):
                fixed = _diagnosis(family) == edge_hints.HINT_EDGE_FIXED
                _fail_scaling(ctx, v, tv, t, K, Kt, X, R, Rt,
                              edge_hints.HINT_EDGE_FIXED if fixed else edge_hints.HINT_EDGE_SCALE)
    if not responded:
        v, K = family[0]
        _exhibit_ramps(ctx, v, K)
        raise failure(edge_hints.EDGE_NEVER_RESPONDS,
                      hint=_diagnosis(family) or edge_hints.HINT_EDGE_DERIVATIVE, input={"v": list(v)},
                      actual=K)


def _fail_scaling(
    ctx: CheckContext, v: Vector, tv: Vector, t: float, K: torch.Tensor, Kt: torch.Tensor,
    X: torch.Tensor, R: torch.Tensor, Rt: torch.Tensor | None, hint: str,
) -> None:
    inputs = {"v": list(v), "t * v": list(tv), "X": X}
    if Rt is None:
        raise failure(edge_hints.EDGE_SHAPE_CHANGES.format(
            call=_call(v), shape=shape_text(tuple(K.shape)), scaled=_call(tv),
            scaled_shape=shape_text(tuple(Kt.shape))), hint=hint, input=inputs)
    ctx.exhibit(edge_hints.EDGE_LABEL_RESPONSE.format(v=_v_text(v)), R)
    ctx.exhibit(edge_hints.EDGE_LABEL_RESPONSE.format(v=_v_text(tv)), Rt,
                edge_hints.EDGE_NOTE_SCALED.format(t=t))
    assert_close(as_value(Rt), t * R, what=edge_hints.EDGE_SCALED.format(call=_call(tv), v=_v_text(v)),
                 input=inputs, rtol=0.0, atol=tolerance(X, Kt) + t * tolerance(X, K), hint=hint)


def _family(ctx: CheckContext) -> list[tuple[Vector, torch.Tensor]]:
    """The kernel the student makes for every direction tried."""
    return [(v, _kernel(ctx, v)) for v in _directions(ctx)]


def _directions(ctx: CheckContext) -> list[Vector]:
    """The axes, the diagonals and a skewed one, then seeded angles with lengths in [0.5, 3]."""
    directions = list(FIXED)
    for salt in range(RANDOM):
        angle, length = torch.rand(2, generator=ctx.generator(30 + salt), dtype=torch.float64).tolist()
        length = 0.5 + 2.5 * length
        directions.append((round(length * math.cos(2 * math.pi * angle), 3),
                           round(length * math.sin(2 * math.pi * angle), 3)))
    return directions


def _kernel(ctx: CheckContext, v: Vector) -> torch.Tensor:
    """directional_edge_kernel(v) as float64 data, insisting on a 2-D kernel of at most 5 x 5."""
    K = fetch_kernel(ctx, "directional_edge_kernel", v, call=_call(v))
    if not fits(K, MAX_SIZE):
        raise shape_failure(edge_hints.EDGE_SHAPE.format(call=_call(v), shape=shape_text(tuple(K.shape))),
                            K, edge_hints.EDGE_EXPECTED_SHAPE, edge_hints.HINT_EDGE_SHAPE)
    return K


def _diagnosis(family: list[tuple[Vector, torch.Tensor]]) -> str | None:
    """The known mistake the kernels for all the v tried show, if one does."""
    if any(abs(float(K.sum())) > _tiny(K) for _, K in family):
        return edge_hints.HINT_EDGE_ZERO_SUM
    gradients = [(v, _gradient(K), _tiny(K)) for v, K in family]
    if all(g.norm() <= tiny for _, g, tiny in gradients):
        return None
    first = family[0][1]
    if all(K.shape == first.shape and torch.equal(K, first) for _, K in family):
        return edge_hints.HINT_EDGE_FIXED
    along_v = all(_parallel(g, v) for v, g, _ in gradients)
    if not along_v and all(_parallel(g, (v[1], v[0])) for v, g, _ in gradients):
        return edge_hints.HINT_EDGE_AXES_SWAPPED
    if not along_v and all(_parallel(g, (abs(v[0]), abs(v[1]))) for v, g, _ in gradients):
        return edge_hints.HINT_EDGE_SIGNS
    if not along_v and all(_parallel(g, (v[0], -v[1])) for v, g, _ in gradients):
        return edge_hints.HINT_EDGE_ONE_AXIS_REVERSED
    if all(_perpendicular(g, v) for v, g, _ in gradients):
        return edge_hints.HINT_EDGE_ALONG_EDGE
    return None


def _gradient(K: torch.Tensor) -> torch.Tensor:
    """(gx, gy): the response of K to the ramps x and y, for a kernel whose taps sum to zero."""
    rows = torch.arange(K.shape[0], dtype=torch.float64)[:, None]
    columns = torch.arange(K.shape[1], dtype=torch.float64)[None, :]
    return torch.stack(((K * columns).sum(), (K * rows).sum()))


def _tiny(K: torch.Tensor) -> float:
    """Rounding of the kernel's taps: float32 taps are good to about 6e-8 of their size."""
    return 1e-6 * float(K.abs().sum())


def _parallel(g: torch.Tensor, v: Vector) -> bool:
    cross = float(g[0]) * v[1] - float(g[1]) * v[0]
    return float(g.norm()) > 0 and abs(cross) <= ANGLE_RTOL * float(g.norm()) * math.hypot(*v)


def _perpendicular(g: torch.Tensor, v: Vector) -> bool:
    dot = float(g[0]) * v[0] + float(g[1]) * v[1]
    return float(g.norm()) > 0 and abs(dot) <= ANGLE_RTOL * float(g.norm()) * math.hypot(*v)


def _unit(v: Vector) -> Vector:
    length = math.hypot(*v)
    return (v[0] / length, v[1] / length)


def _across(u: Vector) -> Vector:
    """u turned by a right angle: (-u2, u1)."""
    return (-u[1], u[0])


def _ramp(u: Vector) -> torch.Tensor:
    """The image that grows by one per pixel along the unit vector u: X[y, x] = u1 x + u2 y + 3."""
    x, y = grid(*IMAGE_SHAPE)
    return u[0] * x + u[1] * y + OFFSET


def _exhibit_ramps(ctx: CheckContext, v: Vector, K: torch.Tensor) -> None:
    """The two ramps and the kernel's responses to both, for the report."""
    u = _unit(v)
    for label, direction in ((edge_hints.EDGE_LABEL_ALONG, u), (edge_hints.EDGE_LABEL_ACROSS, _across(u))):
        X = _ramp(direction)
        ctx.exhibit(label.format(v=_v_text(v)), X)
        ctx.exhibit(hints.LABEL_RESPONSE_TO.format(image=label.format(v=_v_text(v))), respond(X, K))


def _v_text(v: Vector) -> str:
    return f"({number_text(v[0])}, {number_text(v[1])})"


def _call(v: Vector) -> str:
    return edge_hints.EDGE_CALL.format(v=_v_text(v))
