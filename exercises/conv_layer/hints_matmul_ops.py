"""Every sentence the operation counts of the matrix-multiplication section (exercises.md section 3)
say: exactly one matrix multiplication, vectorized, operations hidden from the counter, and the
note on operands far larger than needed. The values and dtype checks speak in ``hints_matmul``.

Tests import these constants, so rewording one cannot silently break them. Each hint claims only
what the counter established (a count, a finding), and a promise about another check is worded as
what to do, never as "this passes then".
"""

from __future__ import annotations

# --- 3c. exactly one matrix multiplication -----------------------------------------------------
MATMUL_COUNT = (
    "corr2d_matmul(X, K) on a {H} x {W} image with a {h} x {w} kernel ran {count} matrix"
    " multiplications ({names}); expected exactly one"
)
NO_MATMUL = (
    "corr2d_matmul(X, K) on a {H} x {W} image with a {h} x {w} kernel ran no matrix"
    " multiplication; expected exactly one"
)
CONVOLUTION_CALLED = (
    "corr2d_matmul(X, K) ran no matrix multiplication but {names}: torch's convolution computed the"
    " result"
)
HINT_NO_MATMUL = (
    "the counter saw no matrix product: elementwise products summed ((patch * K).sum() at each"
    " position, or (patches * K.reshape(-1)).sum(1)) compute the same numbers as one, but are no"
    " matrix multiplication; multiply once, im2col(X, K.shape) @ K.reshape(-1)"
)
HINT_PER_POSITION = (
    "{count} products for {positions} output positions is one product (or more) per position, as a"
    " Python loop of dot products makes: stack the patches into one matrix and multiply it once,"
    " im2col(X, K.shape) @ K.reshape(-1)"
)
HINT_SEVERAL_MATMULS = (
    "one matrix multiplication is enough for the whole output: im2col(X, K.shape) @ K.reshape(-1)"
    " or kernel_matrix(K, X.shape) @ X.reshape(-1), then a reshape"
)
HINT_USES_CONVOLUTION = (
    "the exercise is to express the cross-correlation as a matrix product: build the patches"
    " (im2col) or the kernel matrix and multiply once, without torch's convolution"
)

# --- vectorized, for all three -----------------------------------------------------------------------
NOT_VECTORIZED = (
    "{call} dispatched {small} torch operations {small_size} and {large} {large_size}, with the"
    " same kernel; a vectorized lowering dispatches as many at both sizes"
)
ON_IMAGE = "with X of shape ({size}, {size})"
FOR_INPUT = "for input_shape ({size}, {size})"
HINT_NOT_VECTORIZED = (
    "a Python loop over the image (its output positions, rows or columns: filling the matrix row"
    " by row, or one product per position) can be a correct lowering, but it is not vectorized:"
    " its number of torch operations grows with the image (the counts at the two sizes are in the"
    " details); build the matrix with tensor operations (X.unfold, indexing with torch.arange,"
    " as_strided) so the count stays the same"
)
HINT_USES_SLOW_IM2COL = (
    "your im2col is not vectorized either (its operation count grows with the image too, see its"
    " vectorized check): if corr2d_matmul builds on it, vectorize im2col first"
)
DETAIL_OPS = "torch operations dispatched"
DETAIL_OPS_BY_NAME = "torch operations by name"
DETAIL_MATMULS = "matrix multiplications"
DETAIL_CONVOLUTIONS = "torch convolutions"
DETAIL_SECONDS = "seconds on a 64 x 64 image with a 3 x 3 kernel (for information, never judged)"
TIMED_STUDENT = "corr2d_matmul"
TIMED_REFERENCE = "the book's double-loop corr2d"
TIMING_FAILED = "did not finish: {message}"
SIZE_LABEL = "{size} x {size}"

# --- operands far larger than needed (information: a correct lowering loses nothing) ------------
DETAIL_LARGEST = "elements of the largest tensor in the call"
DETAIL_DENSE = "note (for information, costs no points)"
NOTE_DENSE = (
    "{call} {size} handled a tensor of {largest} elements, more than {factor} times the {needed}"
    " that {what} needs: a dense operand (a kernel matrix with one column per pixel, mostly zeros,"
    " or a 0/1 selection matrix) is correct, but its memory and the work of multiplying it grow like"
    " the square of the image; {cheaper}"
)
#: What each function's smallest honest lowering needs, and the cheaper way, for NOTE_DENSE.
DENSE_NEEDS = {
    "im2col": ("the patch matrix", "take the windows as views instead (X.unfold, as_strided)"),
    "corr2d_matmul": (
        "the patch matrix of im2col",
        "im2col's patches, one row of h * w values per position, are the small operand",
    ),
}

# --- operations hidden from the counter (vectorized, for all three, and one_matmul) ---------------
NOT_VECTORIZED_HIDDEN = (
    "{call} {size} hid operations from the torch operation counter: {found}; a lowering whose"
    " operations the counter does not see cannot be shown to be vectorized"
)
MATMUL_HIDDEN = (
    "corr2d_matmul(X, K) on a {H} x {W} image with a {h} x {w} kernel hid operations from the torch"
    " operation counter: {found}; it cannot tell how many matrix multiplications made the result"
)
FOUND_SWITCHED_OFF = "the counter was no longer on when the call returned"
FOUND_CHANGED = "{count} tensor(s) changed by operations it did not see"
FOUND_UNSEEN = "{count} tensor(s) used or returned that no operation it saw had made"
FOUND_ENTERED = (
    "{count} floating-point numbers taken into torch from numpy arrays or Python lists, for a result"
    " of {numel} elements"
)
FOUND_VIEWS = "views made out of its sight: {small} {small_size} and {large} {large_size}"
FOUND_NOTHING_COUNTED = "a tensor came back, and the counter saw no torch operation at all"
HINT_SWITCHED_OFF = (
    "the check found its operation counter no longer on when your function returned (the torch"
    " function mode it runs under popped or exited, or torch functions left switched off): that"
    " hides every operation after it. Leave the mode alone and write the lowering with ordinary,"
    " vectorized torch operations (X.unfold, indexing with torch.arange, as_strided)"
)
HINT_CHANGED = (
    "the check found tensors whose values changed while its operation counter was not looking:"
    " writes under torch._C.DisableTorchFunction(), with the counting mode popped, or through"
    " .numpy() or .data are not counted. Fill tensors with ordinary torch operations, and vectorize"
    " the loop (X.unfold, indexing with torch.arange, as_strided) instead of hiding it"
)
HINT_UNSEEN = (
    "the check found that your function used or returned tensors that no operation its counter saw"
    " had made: made with torch functions switched off (torch._C.DisableTorchFunction(), the"
    " counting mode popped) or outside torch (numpy, then torch.from_numpy). Compute the lowering"
    " with ordinary, vectorized torch operations (X.unfold, indexing with torch.arange, as_strided)"
)
HINT_ENTERED = (
    "the check found your function taking at least as many numbers into torch from numpy arrays or"
    " Python lists as its result has elements: values computed outside torch (a numpy or Python"
    " loop, then torch.tensor), where no operation can be counted. Compute them from X with"
    " vectorized torch operations (X.unfold, indexing with torch.arange, as_strided)"
)
HINT_VIEWS = (
    "the check found more tensor views made out of its counter's sight on the larger image (slices"
    " taken under torch._C.DisableTorchFunction() or with the counting mode popped): a hidden Python"
    " loop over the image. Take every window at once (X.unfold, as_strided) instead"
)
HINT_NOTHING_COUNTED = (
    "the check found that your function returned a tensor without a single torch operation its"
    " counter could see: computed with torch functions switched off, or not computed in the call"
    " at all. Write the lowering with ordinary, vectorized torch operations (X.unfold, indexing"
    " with torch.arange, as_strided)"
)
HINT_HELPER_HIDES = (
    "your {helper} hides operations from the counter as well (see its vectorized check): if"
    " corr2d_matmul builds on it, write {helper} with ordinary torch operations first"
)
