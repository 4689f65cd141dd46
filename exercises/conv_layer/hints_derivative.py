"""Every sentence the derivative-of-degree-d checks (exercises.md section 4.6) say to a student."""

from __future__ import annotations

# --- 4.6 a derivative of degree d ---------------------------------------------------------------
DERIVATIVE_CALL = "derivative_kernel({d})"
DERIVATIVE_SHAPE = (
    "{call} returned a tensor of shape {shape}; expected one row (1, n), one column (n, 1) or a 1-D"
    " tensor (n,), with 1 <= n <= 64"
)
DERIVATIVE_EXPECTED_SHAPE = "(1, {n}), ({n}, 1) or ({n},)"
DERIVATIVE_NOT_CONSTANT = (
    "{call} gives values from {low} to {high} on {image}; expected one value everywhere, {factorial}"
    " ({d}!) or -{factorial}"
)
DERIVATIVE_WRONG_CONSTANT = "{call} gives {value} on {image}; expected {factorial} ({d}!) or -{factorial}"
DERIVATIVE_MIN_SIZE_WRONG = (
    "min_kernel_size({d}) is {size}, which is not the fewest taps for a derivative of degree {d}"
)
DERIVATIVE_TAPS = "{call} has {taps} taps, more than the fewest possible"
DERIVATIVE_TOO_FEW_TAPS = "{call} has {taps} taps, too few for a derivative of degree {d}"
OPEN_DERIVATIVE_MIN_SIZE = (
    "n taps that give zero on 1, x, ..., x^(d - 1) solve d equations in n unknowns, and a"
    " non-zero value on x^d asks for a solution that is not all zero: how many unknowns does that"
    " take?"
)
OPEN_DERIVATIVE_CENTRAL = (
    "your kernel reads the same backwards (up to sign), as a central-difference stencil does, and is"
    " longer than needed: differencing in one direction only (the forward difference, applied d"
    " times) takes fewer taps"
)
OPEN_DERIVATIVE_SIZE_CENTRAL = (
    "your min_kernel_size(d) is 2d + 1 for every d, the length of a central-difference stencil,"
    " which takes d steps each way: differencing in one direction only (the forward difference,"
    " applied d times) takes fewer taps"
)
OPEN_DERIVATIVE_PADDED = (
    "your kernel has a tap of 0 at an end: it multiplies a pixel by zero and changes no response,"
    " so drop it"
)
HINT_SIZE_INT = "a number of taps is a whole number: return a Python int, not a float or a tensor"
#: The fewest taps and why, for full feedback only.
SOLUTION_DERIVATIVE_MIN_SIZE = "the fewest taps for degree {d} is {fewest}: {why}"
HINT_DERIVATIVE_SHAPE = (
    "a derivative along x is one row of taps: torch.tensor([[-1.0, 1.0]]) for d = 1,"
    " [[1.0, -2.0, 1.0]] for d = 2"
)
HINT_DERIVATIVE_SIGNS = (
    "your taps do not sum to zero, so a constant image does not give zero: the d-th difference's taps"
    " are the binomial coefficients with alternating signs, (-1)^(d - k) C(d, k), which sum to zero"
)
HINT_DERIVATIVE_LOWER = (
    "your taps sum to zero, but a power of x below d still gives a response: apply the difference"
    " [-1, 1] d times (convolve it with itself), since each difference lowers the degree of a"
    " polynomial by one, so d of them take every degree below d to zero"
)
HINT_DERIVATIVE_FACTORIAL = (
    "the d-th difference of x^d is d!, as the d-th derivative is: [-1, 1] gives 1 on x, [1, -2, 1]"
    " gives 2 on x^2, [-1, 3, -3, 1] gives 6 on x^3; do not divide by d!"
)
HINT_DERIVATIVE_BINOMIAL = (
    "use the binomial coefficients with alternating signs, unscaled: the d-th forward difference of"
    " x^d is exactly d!"
)
HINT_DERIVATIVE_ZERO = (
    "a kernel of zeros gives zero on every power of x; apply the difference [-1, 1] d times"
    " (convolve it with itself) to take the d-th derivative"
)
HINT_DERIVATIVE_TOO_MANY = (
    "your kernel gives zero on x^d as well as on every lower power, so it differences more than d"
    " times: take exactly d differences"
)
HINT_DERIVATIVE_CENTRAL = (
    "that is a central-difference stencil (it reads the same backwards, up to sign); the forward"
    " difference needs d + 1 ([1, -1], [1, -2, 1], [1, -3, 3, -1])"
)
HINT_DERIVATIVE_SIZE_CENTRAL = (
    "2d + 1 is the length of a central-difference stencil; the forward difference needs d + 1"
    " ([1, -1], [1, -2, 1], [1, -3, 3, -1])"
)
HINT_DERIVATIVE_PADDED = (
    "a tap of 0 at an end of the kernel adds nothing; the forward difference needs d + 1 taps"
    " ([1, -1], [1, -2, 1], [1, -3, 3, -1]), none of them 0"
)
HINT_DERIVATIVE_MIN_SIZE = (
    "n taps that give zero on 1, x, ..., x^(d - 1) solve d equations in n unknowns, which only zero"
    " solves when n <= d: a derivative of degree d needs d + 1 taps, and the forward difference has"
    " exactly that many ([1, -1], [1, -2, 1], [1, -3, 3, -1])"
)
