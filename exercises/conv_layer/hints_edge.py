"""Every sentence the directional edge checks (exercises.md section 4.1) say to a student.

Images are named as in ``hints_kernels``: x is the column, y the row, X[y, x] = f(x, y).
"""

from __future__ import annotations

# --- 4.1 an edge detector for a direction -------------------------------------------------------
EDGE_CALL = "directional_edge_kernel({v})"
EDGE_SHAPE = "{call} returned a tensor of shape {shape}; expected a 2-D kernel of at most 5 x 5"
EDGE_EXPECTED_SHAPE = "2-D, at most (5, 5)"
EDGE_NO_RESPONSE = "{call} gives zero on an image that grows along v, where it should respond"
EDGE_ACROSS = "the response of {call} to an image that grows across v"
EDGE_ALL_ZERO = (
    "directional_edge_kernel(v) is all zeros for every v tried: it ignores every image, not only the"
    " ones that grow across v"
)
EDGE_NEVER_RESPONDS = (
    "directional_edge_kernel(v) gives zero on the image that grows along v for every v tried, so its"
    " response cannot grow with |v|"
)
EDGE_SHAPE_CHANGES = (
    "{call} has shape {shape} but {scaled} has shape {scaled_shape}: stretching v should scale the"
    " kernel, not resize it"
)
EDGE_SCALED = "the response of {call} to the image that grows along v = {v}"
EDGE_NOTE_SCALED = "expected {t:g} times the response for v"
EDGE_LABEL_ALONG = "the image growing along v = {v}"
EDGE_LABEL_ACROSS = "the image growing across v = {v}"
EDGE_LABEL_RESPONSE = "response of directional_edge_kernel({v}) to the image growing along v"
HINT_EDGE_SHAPE = (
    "return a 2-D kernel of at most 5 x 5 that combines a difference along x and one along y, for"
    " example v1 * [[-1, 1], [0, 0]] + v2 * [[-1, 0], [1, 0]]"
)
HINT_EDGE_DERIVATIVE = (
    "the response to a ramp is its derivative along v: combine a difference along x (between"
    " neighbouring columns) and one along y (between neighbouring rows) as"
    " v1 * [[-1, 1], [0, 0]] + v2 * [[-1, 0], [1, 0]]"
)
HINT_EDGE_BOTH_DIRECTIONS = (
    "your kernel responds both to the image that grows along v and to the one that grows across v"
    " (the pictures of this check show both ramps and both responses): a detector for edges"
    " orthogonal to v gives zero where the intensity changes only along the edge, so weigh the x"
    " difference by v1 and the y difference by v2, signs included"
)
HINT_EDGE_SIGNS = (
    "your kernel differentiates along (|v1|, |v2|) for every v tried: it drops the signs of v, so"
    " when one component is negative it takes the derivative along another direction than v (across"
    " it, for v = (1, -1)); weigh the x difference by v1 and the y difference by v2, signs included"
)
HINT_EDGE_ONE_AXIS_REVERSED = (
    "your kernel differentiates along (v1, -v2): one of its two differences runs the other way, as"
    " when y is taken to grow upwards, while here y is the row index and grows downwards; for a"
    " diagonal v that is across v, not along it: take both differences as the next pixel minus this"
    " one, v1 * [[-1, 1], [0, 0]] + v2 * [[-1, 0], [1, 0]]"
)
HINT_EDGE_FIXED = (
    "your kernel is the same for every v tried, so it cannot follow the direction: build it from v,"
    " as v1 times a difference along x plus v2 times a difference along y"
)
HINT_EDGE_AXES_SWAPPED = (
    "v1 is the step along x (the columns, left to right) and v2 the step along y (the rows, top to"
    " bottom), but your kernel differences along the other axis: [[-1, 1]] differences horizontally"
    " adjacent pixels, so it finds vertical edges (the pictures of this check show the image that"
    " grows along x, v = (1, 0), and your kernel's response to it); put v1 on it and v2 on the"
    " vertical difference [[-1], [1]]"
)
HINT_EDGE_ALONG_EDGE = (
    "your kernel differentiates along the edge, (v2, -v1), so it ignores the image that grows along"
    " v: an edge orthogonal to v is where the intensity changes along v, so take the derivative along"
    " v itself, v1 * d/dx + v2 * d/dy"
)
HINT_EDGE_ZERO_SUM = (
    "an edge detector gives zero on a flat image, so its taps sum to zero; yours do not (for at"
    " least one v tried), so it responds to the brightness itself, whichever way the image grows"
)
HINT_EDGE_SCALE = (
    "the kernel depends linearly on v, v1 * (x difference) + v2 * (y difference), so doubling v"
    " doubles the response: do not divide by |v| or ignore its length"
)
