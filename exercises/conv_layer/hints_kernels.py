"""Every sentence the kernel-design checks (exercises.md section 4) say: verdicts, labels and hints
(4.1's are in ``hints_edge``, 4.6's in ``hints_derivative``).

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
LABEL_KERNEL = "your kernel, {call}"
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

# --- 4.2 the second derivative ------------------------------------------------------------------
SECOND_SHAPE = (
    "{call} returned a tensor of shape {shape}; expected one row, one column or a 1-D tensor with as"
    " few taps as possible"
)
SECOND_TOO_FEW = (
    "{call} has {taps} taps, too few for a second derivative: so few cannot give zero on constants"
    " and ramps and still respond to x^2"
)
SECOND_EXPECTED_SHAPE = "one row, one column or 1-D, with as few taps as possible"
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
STRONGEST_QUESTION_SECOND = (
    "Which structure responds most strongly to a second derivative (the second difference: your"
    " kernel could not be used)?"
)
STRONGEST_WRONG = (
    "{name} is {given!r}, but your kernel responds more strongly to another structure than to"
    " {given!r} (largest absolute response {given_value})"
)
STRONGEST_WRONG_SECOND = (
    "{name} is {given!r}, but a second derivative responds more strongly to another structure than"
    " to {given!r} (largest absolute response {given_value}); judged on the second difference, since"
    " your kernel could not be used: {reason}"
)
#: Why the student's kernel could not be used (the reason in STRONGEST_WRONG_SECOND).
STRONGEST_KERNEL_TOO_LARGE = "{call} has shape {shape}, larger than 5 x 5"
STRONGEST_KERNEL_NOT_SECOND = (
    "{call} is not a second derivative (zero on constants and ramps, one non-zero value on the square"
    " of its coordinate)"
)
OPEN_STRONGEST = (
    "apply a second derivative to each of the four structures and compare the largest absolute"
    " values of the responses: a second derivative responds to curvature"
)
#: The right structure and why, for full feedback only.
SOLUTION_STRONGEST = (
    "your kernel responds most strongly to {truth!r} (largest absolute response {truth_value},"
    " against {given_value} for {given!r}). {why}"
)
SOLUTION_STRONGEST_SECOND = (
    "the second difference responds most strongly to {truth!r} (largest absolute response"
    " {truth_value}, against {given_value} for {given!r}). {why}"
)
NOTE_LARGEST = "largest |response| = {value}"
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
    " Laplacian): your kernel responds to both x^2 and y^2 (the pictures of this check show its"
    " responses to x^2, y^2 and x^2 + y^2)"
)
HINT_SECOND_VS_LAPLACIAN = (
    "one is a single direction's second derivative, the other the sum over both directions:"
    " [1, -2, 1] gives 2 on x^2 and 0 on y^2, the Laplacian [[0, 1, 0], [1, -4, 1], [0, 1, 0]] gives 2"
    " on both and 4 on x^2 + y^2 (the pictures of this check show your kernel's responses to x^2"
    " and y^2)"
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
    "a second derivative responds to curvature: [1, -2, 1] gives -2 on a one-pixel line (at"
    " [0, 1, 0]), 1 at a step (at [0, 0, 1]) and 0 on flat regions and ramps; the pictures of this"
    " check show the response to each structure, with its largest absolute value"
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
    " others, -4 in [[0, 1, 0], [1, -4, 1], [0, 1, 0]]"
)
HINT_LAPLACIAN_ISOTROPIC = (
    "the Laplacian d^2/dx^2 + d^2/dy^2 of x^2 and of y^2 is 2: the 5-point kernel"
    " [[0, 1, 0], [1, -4, 1], [0, 1, 0]] adds [1, -2, 1] along the rows and along the columns"
)
HINT_LAPLACIAN_ANISOTROPIC = (
    "the Laplacian weighs both directions alike: the left and right neighbours together weigh as"
    " much as the top and bottom ones, as in [[0, 1, 0], [1, -4, 1], [0, 1, 0]] (the pictures of"
    " this check show your kernel's responses to x^2 and to y^2)"
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
INTEGRAL_LABEL_POINT = "your kernel on the padded image that is 1 at its top-left pixel, 0 elsewhere"
INTEGRAL_LABEL_POINT_CUMSUM = "the integral image of that image: 1 everywhere"
HINT_INTEGRAL_BOX = (
    "a box sums a neighbourhood; the integral image needs the whole image: the bottom-right output is"
    " the sum of all H x W pixels, so the kernel is torch.ones((H, W))"
)
HINT_INTEGRAL_MEAN = (
    "that is a blur (a mean), not an integral (a sum): dividing by the window size averages the"
    " pixels, the integral image adds them, each with weight 1"
)
HINT_INTEGRAL_TRANSPOSED = "the kernel has H rows and W columns, torch.ones((H, W)), not (W, H)"
HINT_INTEGRAL_ONES = (
    "each output is the sum of the whole rectangle above and to the left, every pixel counted once:"
    " a kernel of ones as large as the image, torch.ones((H, W))"
)
HINT_INTEGRAL_TRIANGLE = (
    "your kernel counts only a triangle of the rectangle above and to the left of each output: on"
    " an image that is 1 at its top-left pixel, its result is 0 at some outputs, while the integral"
    " image is 1 at every output (that pixel lies above and to the left of all of them); the"
    " integral image counts every pixel of the rectangle once, so every tap is 1, not a triangle"
    " such as torch.tril(...)"
)
HINT_INTEGRAL_PART = (
    "your kernel skips some pixels of the rectangle above and to the left of each output (its taps"
    " of 0): on an image that is 1 at its top-left pixel, its result is 0 at some outputs, while the"
    " integral image is 1 at every output; the integral image counts every pixel of the rectangle"
    " once, so every tap is 1"
)
HINT_INTEGRAL_WEIGHTS = (
    "your kernel weighs the pixels above and to the left of each output by other than 1: on an"
    " image that is 1 at its top-left pixel, its result is not 1 at every output, as the integral"
    " image is; the integral image adds the pixels of the rectangle, each with weight 1, so every"
    " tap is 1"
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
    "a blur's taps sum to 1, so that a flat image keeps its brightness and noise is averaged rather"
    " than amplified: divide the weights by their sum"
)
HINT_BLUR_NEGATIVE = (
    "a blur is a weighted average: every weight exp(-(dx^2 + dy^2) / (2 sigma^2)) is positive"
)
HINT_BLUR_CENTRE = (
    "a blur weighs the centre cell most: centre the Gaussian on the middle cell, with the offsets"
    " torch.arange(size) - (size - 1) / 2, so that the middle one is 0"
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
