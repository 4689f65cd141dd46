"""Every sentence the matrix-multiplication checks (exercises.md section 3) say: verdicts and hints.

Tests import these constants, so rewording one cannot silently break them. A hint names a known
misconception and says what to do about it; templates are filled in by the checks.
"""

from __future__ import annotations

# --- what a call is called in a message ---------------------------------------------------------
IM2COL_CALL = "im2col(X, {kernel_shape})"
KERNEL_MATRIX_CALL = "kernel_matrix(K, {input_shape})"
KERNEL_MATRIX_PRODUCT = "kernel_matrix(K, {input_shape}) @ X.reshape(-1)"
CORR2D_MATMUL_CALL = "corr2d_matmul(X, K)"
CONV2D_MATMUL_CALL = "conv2d_matmul(X, K, stride={stride}, padding={padding})"

# --- 3a. im2col ----------------------------------------------------------------------------------
HINT_IM2COL_SHAPE = (
    "im2col has one row per output position and one column per kernel element: shape"
    " ((H - h + 1) * (W - w + 1), h * w)"
)
HINT_IM2COL_TRANSPOSED = (
    "your patches are the columns (the layout of torch's F.unfold): im2col has one row per patch,"
    " shape (out_h * out_w, h * w), so that im2col(X, K.shape) @ K.reshape(-1) works; transpose it"
)
HINT_PATCH_ORDER = (
    "the rows are the right patches in the wrong order: row i * out_w + j is the patch whose"
    " top-left corner is (i, j), row-major like corr2d(X, K).reshape(-1)"
)
HINT_PATCH_FLATTEN = (
    "each patch is flattened in the wrong order: flatten it row by row,"
    " X[i:i + h, j:j + w].reshape(-1), so that it lines up with K.reshape(-1)"
)

# --- 3b. kernel_matrix ---------------------------------------------------------------------------
HINT_W_SHAPE = (
    "W has one row per output position and one column per input pixel: shape"
    " ((H - h + 1) * (W - w + 1), H * W)"
)
HINT_W_TRANSPOSED = (
    "your W is transposed: it has one row per output position and one column per input pixel,"
    " shape (out_h * out_w, H * W), so that W @ X.reshape(-1) is the flattened output"
)

# --- dtype and device of a lowering, and the flipped kernel -----------------------------------------
HINT_LOWERING_DTYPE = (
    "{name} must keep the dtype of {source} (float64 in, float64 out; float32 in, float32 out), or"
    " the matrix multiplication with the other operand fails on mixed dtypes: if you fill a new"
    " tensor, make it with torch.zeros(shape, dtype={source}.dtype, device={source}.device)"
)
HINT_OUTPUT_DTYPE = (
    "{name} must return the inputs' dtype (float64 in, float64 out; float32 in, float32 out):"
    " compute in X's dtype, with no .float(), .double() or default-dtype torch.zeros on the way"
)
HINT_KEEP_DEVICE = (
    "{name} must return its result on {source}'s device (a CUDA input gives a CUDA output): make"
    " new tensors with device={source}.device and do not move the result with .cpu()"
)
HINT_FLIPPED = (
    "your result is a convolution (the kernel flipped in both axes); cross-correlation, like"
    " torch's conv2d, multiplies each patch by the kernel as it is, without flipping"
)

# --- shown beside a failure of im2col or kernel_matrix ------------------------------------------
#: The student's function on a small example (X = arange(12).reshape(3, 4), the book's K), and the
#: truth beside it: matrices small enough to draw.
EXHIBIT_YOURS = {
    "im2col": "your im2col(X, (2, 2)) for X = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]",
    "kernel_matrix": "your kernel_matrix(K, (3, 4)) for the book's K = [[0, 1], [2, 3]]",
}
EXHIBIT_TRUTH = {
    "im2col": "the 2 x 2 patches of that X as rows",
    "kernel_matrix": "the doubly block-Toeplitz W of that K for a 3 x 4 input",
}
EXHIBIT_NOTE = {
    "im2col": "one row per output position (row-major), one column per kernel element",
    "kernel_matrix": "one row per output position, one column per input pixel",
}

# --- 3c. corr2d_matmul -----------------------------------------------------------------------------
HINT_NOT_RESHAPED = (
    "the matrix product is a vector of out_h * out_w values, one per output position in row-major"
    " order: reshape it to (H - h + 1, W - w + 1)"
)
HINT_USES_HELPER = (
    "your {helper} fails its own check on a small input (see the {helper} checks): if"
    " corr2d_matmul builds on it, fix {helper} first"
)
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
    "products summed elementwise ((patch * K).sum() at each position, or (patches *"
    " K.reshape(-1)).sum(1)) give the right numbers but are no matrix multiplication: multiply"
    " once, im2col(X, K.shape) @ K.reshape(-1)"
)
HINT_PER_POSITION = (
    "one product per output position (a Python loop of dot products) is many matrix"
    " multiplications: stack the patches into one matrix and multiply it once,"
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
    "a Python loop over the output positions (filling the matrix row by row, or one product per"
    " position) can be a correct lowering, but it is not vectorized: its number of torch"
    " operations grows with the image (the counts at the two sizes and the times are in the"
    " details); build the matrix with tensor operations (X.unfold, indexing with torch.arange,"
    " as_strided) so the count stays the same"
)
HINT_USES_SLOW_IM2COL = (
    "your im2col is not vectorized (its operation count grows with the image too, see its"
    " vectorized check): if corr2d_matmul builds on it, vectorize im2col and this passes as well"
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
    "the check found its operation counter taken off torch's mode stack when your function"
    " returned: code that pops or exits the torch function mode it runs under hides every operation"
    " after it. Leave the mode alone and write the lowering with ordinary, vectorized torch"
    " operations (X.unfold, indexing with torch.arange, as_strided)"
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
    "the check found your function taking as many numbers into torch from numpy arrays or Python"
    " lists as its result has elements: the values were computed outside torch (a numpy or Python"
    " loop, then torch.tensor), where no operation can be counted. Compute them from X with"
    " vectorized torch operations (X.unfold, indexing with torch.arange, as_strided)"
)
HINT_VIEWS = (
    "the check found more tensor views made out of its counter's sight on the larger image (slices"
    " taken under torch._C.DisableTorchFunction() or with the counting mode popped): a hidden Python"
    " loop over the output positions. Take every window at once (X.unfold, as_strided) instead"
)
HINT_NOTHING_COUNTED = (
    "the check found that your function returned a tensor without a single torch operation its"
    " counter could see: they ran with torch functions switched off. Write the lowering with"
    " ordinary, vectorized torch operations (X.unfold, indexing with torch.arange, as_strided)"
)
HINT_HELPER_HIDES = (
    "your {helper} hides operations from the counter as well (see its vectorized check): if"
    " corr2d_matmul builds on it, write {helper} with ordinary torch operations and this passes too"
)

# --- 3d. conv2d_matmul (bonus) -------------------------------------------------------------------
HINT_CONV2D_SHAPE = (
    "the output has shape (B, O, (H + 2 * padding - h) // stride + 1,"
    " (W + 2 * padding - w) // stride + 1)"
)
HINT_PADDING_IGNORED = (
    "your output is conv2d without the padding: pad X with `padding` zeros on every side first,"
    " torch.nn.functional.pad(X, (padding,) * 4)"
)
HINT_STRIDE_IGNORED = (
    "your output is conv2d with stride 1: with stride s only every s-th window counts,"
    " X.unfold(2, h, stride).unfold(3, w, stride)"
)
