"""Every sentence the kernel-design checks (exercises.md section 4) say: verdicts, labels and hints.

Tests import these constants, so rewording a hint cannot silently break them. A hint names a known
misconception (exercises.md, "Known misconceptions") and says what to do about it. Images are
named as functions of x (the column) and y (the row), as in the notebook: X[y, x] = f(x, y).
"""

from __future__ import annotations

# --- any kernel ---------------------------------------------------------------------------------
KERNEL_COMPLEX = "{call} returned a {dtype} tensor; expected real numbers"
HINT_KERNEL_REAL = "build the kernel from real numbers (float32, float64 or integers), not complex ones"
KERNEL_NOT_FINITE = "{call} contains NaN or infinity"
HINT_KERNEL_FINITE = "every tap of a kernel is a finite number: look for a division by zero or an overflow"

# What the report calls the images and the responses to them.
LABEL_RESPONSE_TO = "response to {image}"
RESPONSE_OF = "the response of {call} to {image}"
IMAGE_CONSTANT = "a constant"
IMAGE_RAMP_X = "the ramp x"
IMAGE_RAMP_Y = "the ramp y"
IMAGE_PLANE = "the plane 2x - 3y"
IMAGE_X2 = "x^2"
IMAGE_Y2 = "y^2"
IMAGE_XY = "x*y"
IMAGE_POWER = "x^{k}"
LABEL_X2 = LABEL_RESPONSE_TO.format(image=IMAGE_X2)
LABEL_Y2 = LABEL_RESPONSE_TO.format(image=IMAGE_Y2)
LABEL_X2_Y2 = LABEL_RESPONSE_TO.format(image="x^2 + y^2")
LABEL_CONSTANT = LABEL_RESPONSE_TO.format(image=IMAGE_CONSTANT)

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
    "your kernel also responds to an image that grows across v (both ramps and both responses are"
    " shown below): a detector for edges orthogonal to v gives zero where the intensity changes only"
    " along the edge, so weigh the x difference by v1 and the y difference by v2, signs included"
)
HINT_EDGE_AXES_SWAPPED = (
    "v1 is the step along x (the columns, left to right) and v2 the step along y (the rows, top to"
    " bottom), but your kernel differences along the other axis: [[-1, 1]] differences horizontally"
    " adjacent pixels, so it finds vertical edges (an image that grows along x, shown below); put v1"
    " on it and v2 on the vertical difference [[-1], [1]]"
)
HINT_EDGE_ALONG_EDGE = (
    "your kernel differentiates along the edge, (v2, -v1), so it ignores the image that grows along"
    " v: an edge orthogonal to v is where the intensity changes along v, so take the derivative along"
    " v itself, v1 * d/dx + v2 * d/dy"
)
HINT_EDGE_ZERO_SUM = (
    "an edge detector gives zero on a flat image, so its taps sum to zero; yours do not, so it"
    " responds to the brightness itself, whichever way the image grows"
)
HINT_EDGE_SCALE = (
    "the kernel depends linearly on v, v1 * (x difference) + v2 * (y difference), so doubling v"
    " doubles the response: do not divide by |v| or ignore its length"
)

# --- 4.2 the second derivative ------------------------------------------------------------------
SECOND_SHAPE = (
    "{call} returned a tensor of shape {shape}; expected one row, one column or a 1-D tensor with as"
    " few taps as possible"
)
SECOND_EXPECTED_SHAPE = "one row, one column or 1-D, with as few taps as possible"
SECOND_STRUCTURES_SHAPE = (
    "{call} returned a tensor of shape {shape}; expected a kernel of at most 5 x 5 to apply to the"
    " structures"
)
SECOND_ZERO_ON_SQUARE = "{call} gives zero on {image}, whose second derivative along it is 2"
SECOND_NOT_CONSTANT = (
    "{call} gives values from {low} to {high} on {image}; expected one non-zero value everywhere, as"
    " [1, -2, 1] gives 2"
)
SECOND_MIN_SIZE_WRONG = "{name} is {given}, which is not the fewest taps a second-derivative kernel can have"
OPEN_SECOND_MIN_SIZE = (
    "count the conditions: zero on a constant, zero on a linear ramp, and a non-zero value on x^2;"
    " each tap is one unknown, and a kernel with too few unknowns can only be all zero"
)
#: The fewest taps and why, for full feedback only.
SOLUTION_SECOND_MIN_SIZE = "the fewest is {size}: {why}"
MIN_SIZE_EXPECTED = "the whole numbers (1, 2, 3, ...)"
STRONGEST_QUESTION = "Which structure responds most strongly to your second-derivative kernel?"
STRONGEST_WRONG = (
    "{name} is {given!r}, but your kernel responds more strongly to another structure than to"
    " {given!r} (largest absolute response {given_value})"
)
OPEN_STRONGEST = (
    "apply your kernel to each of the four structures and compare the largest absolute values of"
    " the responses: a second derivative responds to curvature"
)
#: The right structure and why, for full feedback only.
SOLUTION_STRONGEST = (
    "your kernel responds most strongly to {truth!r} (largest absolute response {truth_value},"
    " against {given_value} for {given!r}). {why}"
)
NOTE_LARGEST = "largest |response| = {value}"
STRONGEST_NOT_SECOND = (
    "{name} cannot be judged: {call} is not a second derivative (zero on constants and ramps, one"
    " non-zero value on the square of its coordinate), so its responses say nothing about one"
)
HINT_STRONGEST_NOT_SECOND = (
    "make second_derivative_kernel() a second derivative first (annihilates_lines and"
    " constant_on_square say what is wrong); its responses to the structures then give the answer"
)
HINT_SECOND_SHAPE = (
    "the second derivative along x is a 1 x 3 kernel, torch.tensor([[1.0, -2.0, 1.0]]): three taps"
    " in one direction"
)
OPEN_SECOND_SHAPE = (
    "the second derivative along x is one row of taps: a difference of differences of neighbouring"
    " pixels, in one direction only"
)
OPEN_SECOND_VS_LAPLACIAN = (
    "one is a single direction's second derivative, the other the sum over both directions (the"
    " Laplacian): your kernel responds to both x^2 and y^2 (shown below)"
)
HINT_SECOND_VS_LAPLACIAN = (
    "one is a single direction's second derivative, the other the sum over both directions:"
    " [1, -2, 1] gives 2 on x^2 and 0 on y^2, the Laplacian [[0, 1, 0], [1, -4, 1], [0, 1, 0]] gives 2"
    " on both and 4 on x^2 + y^2 (your kernel's responses are shown below)"
)
HINT_SECOND_MIN_SIZE = (
    "three taps suffice: [1, -2, 1], that is f(x - 1) - 2 f(x) + f(x + 1); two taps give only a first"
    " difference, and five (a central difference of central differences, [1, 0, -2, 0, 1]) are more"
    " than needed"
)
HINT_SECOND_SUM = "a second derivative gives zero on a constant, so its taps sum to zero, as 1 - 2 + 1 does"
HINT_SECOND_RAMP = (
    "a second derivative also gives zero on a linear ramp: the taps weighted by their position sum to"
    " zero too, as [1, -2, 1]'s do (1 * 0 - 2 * 1 + 1 * 2 = 0); a first difference such as"
    " [-1, 0, 1] does not"
)
HINT_SECOND_SQUARE = (
    "the second derivative of x^2 is 2, and so is the second difference (x - 1)^2 - 2 x^2 + (x + 1)^2:"
    " use [1, -2, 1] along the kernel's direction"
)
HINT_STRONGEST = (
    "apply your kernel to each structure (its responses are shown below) and compare the largest"
    " absolute values: a second derivative responds to curvature, most to a one-pixel line"
    " ([0, 1, 0] gives -2), less to a step ([0, 0, 1] gives 1) and not at all to flat regions and"
    " ramps"
)

# --- 4.3 the Laplacian --------------------------------------------------------------------------
LAPLACIAN_SHAPE = "{call} returned a tensor of shape {shape}; expected a 3 x 3 kernel"
LAPLACIAN_SUM = "{call} sums to {sum}: on a constant image of {value} it gives {response} instead of 0"
LAPLACIAN_NOT_CONSTANT = (
    "{call} gives values from {low} to {high} on {image}; expected one value everywhere (the"
    " Laplacian of {image} is 2)"
)
LAPLACIAN_ZERO_ON_SQUARES = "{call} gives zero on x^2 and on y^2, whose Laplacian is 2"
LAPLACIAN_ANISOTROPIC = "{call} gives {x2} on x^2 but {y2} on y^2; the Laplacian treats both directions alike"
HINT_LAPLACIAN_SHAPE = (
    "the Laplacian fits in 3 x 3: [[0, 1, 0], [1, -4, 1], [0, 1, 0]] (or the 9-point"
    " [[1, 1, 1], [1, -8, 1], [1, 1, 1]])"
)
HINT_LAPLACIAN_SUM = (
    "the Laplacian of a constant is zero, so the taps sum to zero: the centre is minus the sum of the"
    " others, -4 in [[0, 1, 0], [1, -4, 1], [0, 1, 0]] (the responses to a constant, to x^2 and to y^2"
    " are shown below)"
)
HINT_LAPLACIAN_ISOTROPIC = (
    "the Laplacian d^2/dx^2 + d^2/dy^2 of x^2 and of y^2 is 2: the 5-point kernel"
    " [[0, 1, 0], [1, -4, 1], [0, 1, 0]] adds [1, -2, 1] along the rows and along the columns"
)
HINT_LAPLACIAN_ANISOTROPIC = (
    "the Laplacian weighs both directions alike: the left and right neighbours together weigh as"
    " much as the top and bottom ones, as in [[0, 1, 0], [1, -4, 1], [0, 1, 0]]; compare your"
    " responses to x^2 and to y^2 below"
)
HINT_LAPLACIAN_SYMMETRIC = (
    "the Laplacian is symmetric: the left and right neighbours weigh the same, and so do the top and"
    " bottom ones, so a linear ramp gives zero"
)
HINT_LAPLACIAN_CORNERS = (
    "the four corners weigh the same in a Laplacian (0 in the 5-point kernel, 1 in the 9-point one),"
    " so the saddle x*y gives zero"
)

# --- 4.4 the integral image ---------------------------------------------------------------------
INTEGRAL_CALL = "integral_kernel({H}, {W})"
INTEGRAL_NOT_2D = "{call} returned a tensor of shape {shape}; expected a 2-D kernel of shape {expected}"
INTEGRAL_TOO_LARGE = (
    "{call} has shape {shape}, too large for the padded {padded} image it slides over; expected"
    " {expected}"
)
INTEGRAL_OUTPUT_SHAPE = (
    "{call} has shape {shape}: corr2d of the padded {padded} image with it has shape {out}, not"
    " {expected} like X.cumsum(0).cumsum(1)"
)
INTEGRAL_WHAT = "corr2d of the padded X with {call}"
INTEGRAL_LABEL_RAMP = "a ramp"
INTEGRAL_LABEL_YOURS = "your kernel on the padded ramp"
INTEGRAL_LABEL_CUMSUM = "the ramp's integral image, ramp.cumsum(0).cumsum(1)"
HINT_INTEGRAL_BOX = (
    "a box sums a neighbourhood; the integral image needs the whole image: the bottom-right output is"
    " the sum of all H x W pixels, so the kernel is torch.ones((H, W))"
)
HINT_INTEGRAL_MEAN = (
    "that is a blur (a mean), not an integral (a sum): dividing by the window size averages the"
    " pixels, the integral image adds them with weight 1 each (both are shown on a ramp below)"
)
HINT_INTEGRAL_TRANSPOSED = "the kernel has H rows and W columns, torch.ones((H, W)), not (W, H)"
HINT_INTEGRAL_ONES = (
    "each output is the sum of the whole rectangle above and to the left, every pixel counted once:"
    " a kernel of ones as large as the image, torch.ones((H, W))"
)

# --- 4.5 a blur ---------------------------------------------------------------------------------
BLUR_CALL = "blur_kernel({size}, {sigma})"
BLUR_SHAPE = "{call} returned a tensor of shape {shape}; expected ({size}, {size})"
BLUR_NEGATIVE = "{call} has a negative tap ({value}); a blur averages, with non-negative weights"
BLUR_SUM = "{call} sums to {sum}; expected 1"
BLUR_PEAK = "{call} has its largest tap at {peak}, not at the centre {centre}"
BLUR_ASYMMETRIC = "{call} is not symmetric: it differs from its {mirror} by up to {difference}"
MIRROR_LEFT_RIGHT = "left-right mirror K.flip(1)"
MIRROR_UP_DOWN = "up-down mirror K.flip(0)"
MIRROR_TRANSPOSE = "transpose K.T"
BLUR_NOISE = "{call} does not lower the variance of a noise image: {before} before, {after} after"
BLUR_LABEL_NOISE = "a noise image"
BLUR_LABEL_BLURRED = "the noise blurred by {call}"
HINT_BLUR_SHAPE = (
    "blur_kernel(size, sigma) is a size x size grid of weights, one for each offset (dx, dy) from the"
    " centre cell"
)
HINT_BLUR_NORMALIZE = (
    "divide the Gaussian by its sum, so the taps sum to 1: then a flat image keeps its brightness and"
    " noise is averaged rather than amplified"
)
HINT_BLUR_NEGATIVE = (
    "a blur is a weighted average: every weight exp(-(dx^2 + dy^2) / (2 sigma^2)) is positive"
)
HINT_BLUR_CENTRE = (
    "centre the Gaussian on the middle cell: the offsets are torch.arange(size) - (size - 1) / 2, so"
    " the middle one is 0"
)
HINT_BLUR_SYMMETRIC = (
    "a Gaussian weighs an offset by its distance from the centre only: use"
    " exp(-(dx^2 + dy^2) / (2 sigma^2)) with the same offsets along both axes"
)
HINT_BLUR_BOX = (
    "equal weights make a box blur, which blurs but is not the Gaussian: weigh each offset (dx, dy)"
    " by exp(-(dx^2 + dy^2) / (2 sigma^2)), near pixels more than far ones, then divide by the sum"
)
HINT_BLUR_VARIANCE = (
    "sigma is the standard deviation: divide the squared distance by 2 * sigma ** 2, not by"
    " 2 * sigma (which uses sigma as the variance)"
)
HINT_BLUR_FORMULA = (
    "the Gaussian weight of the offset (dx, dy) from the centre cell is"
    " exp(-(dx^2 + dy^2) / (2 sigma^2)), divided by the sum over the size x size grid"
)
