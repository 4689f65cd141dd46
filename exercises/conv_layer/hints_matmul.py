"""Every sentence the values and dtype checks of the matrix-multiplication section (exercises.md
section 3) say: verdicts and hints. What the operation counts say is in ``hints_matmul_ops``.

Tests import these constants, so rewording one cannot silently break them. A hint names a known
misconception and says what to do about it, and claims only what its check verified (a hint that
says "your values are right" is given only where they were compared); templates are filled in by
the checks, with the sizes of the failing input where a shape is explained.
"""

from __future__ import annotations

# --- what a call is called in a message ---------------------------------------------------------
IM2COL_CALL = "im2col(X, {kernel_shape})"
KERNEL_MATRIX_CALL = "kernel_matrix(K, {input_shape})"
KERNEL_MATRIX_PRODUCT = "kernel_matrix(K, {input_shape}) @ X.reshape(-1)"
CORR2D_MATMUL_CALL = "corr2d_matmul(X, K)"
CONV2D_MATMUL_CALL = "conv2d_matmul(X, K, stride={stride}, padding={padding})"

# --- 3a. im2col: its layout, and the shape it must have ------------------------------------------
#: The shape hints are filled with the failing input's sizes: H, W (the image), h, w (the kernel),
#: out_h, out_w, positions (= out_h * out_w), taps (= h * w), pixels (= H * W), shape (theirs).
HINT_IM2COL_SHAPE = (
    "im2col(X, ({h}, {w})) on a {H} x {W} image has one row per output position, ({H} - {h} + 1) x"
    " ({W} - {w} + 1) = {positions} of them, and one column per kernel element, {h} x {w} = {taps}:"
    " shape ({positions}, {taps}), so that im2col(X, K.shape) @ K.reshape(-1) gives every output"
    " at once; yours has shape {shape}"
)
HINT_IM2COL_ONE_ROW = (
    "your im2col is a single row (shape {shape}): im2col(X, ({h}, {w})) on a {H} x {W} image needs"
    " one row per output position, ({H} - {h} + 1) x ({W} - {w} + 1) = {positions} rows, each a"
    " {h} x {w} patch flattened to {taps} values, so that one product with K.reshape(-1) gives all"
    " {positions} outputs"
)
HINT_IM2COL_NOT_FLATTENED = (
    "your patches are right but still arranged as {shape}, the (out_h, out_w, h, w) layout that"
    " X.unfold(0, h, 1).unfold(1, w, 1) gives: reshape them to ({positions}, {taps}), one row per"
    " patch, so that they can be multiplied by K.reshape(-1)"
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
    "kernel_matrix(K, ({H}, {W})) for a {h} x {w} kernel has one row per output position,"
    " ({H} - {h} + 1) x ({W} - {w} + 1) = {positions} of them, and one column per input pixel,"
    " {H} x {W} = {pixels}: shape ({positions}, {pixels}), so that W @ X.reshape(-1) is"
    " corr2d(X, K).reshape(-1); yours has shape {shape}"
)
HINT_W_ONE_ROW = (
    "your W is a single row (shape {shape}), one output's worth: W @ X.reshape(-1) must give all"
    " {positions} outputs at once, so W has one row per output position ({H} - {h} + 1) x"
    " ({W} - {w} + 1) = {positions} and one column per input pixel ({H} x {W} = {pixels}), each row"
    " the kernel placed at one position of the image and flattened"
)
HINT_W_TRANSPOSED = (
    "your W is transposed: it has one row per output position and one column per input pixel,"
    " shape (out_h * out_w, H * W), so that W @ X.reshape(-1) is the flattened output"
)

# --- the flipped kernel, and the device ----------------------------------------------------------
HINT_FLIPPED = (
    "your result is a convolution (the kernel flipped in both axes); cross-correlation, like"
    " torch's conv2d, multiplies each patch by the kernel as it is, without flipping"
)
HINT_KEEP_DEVICE = (
    "{name} must return its result on {source}'s device (a CUDA input gives a CUDA output): make"
    " new tensors with device={source}.device and do not move the result with .cpu()"
)

# --- keeps_dtype, for all four -------------------------------------------------------------------
#: The hint for the dtype a lowering returned instead of its input's, by what it returned:
#: float32 for float64, float64 for float32, an integer dtype, or anything else.
HINT_DTYPE = {
    "float32": (
        "{name} returned float32 for a float64 {source}: float32 is torch's default, so a tensor"
        " made without dtype= (torch.zeros(shape), torch.tensor(values), torch.eye(n)) or a"
        " .float() on the way drops float64; make new tensors with dtype={source}.dtype, or with"
        " {source}.new_zeros(shape)"
    ),
    "float64": (
        "{name} returned float64 for a float32 {source}: something on the way made it float64 (a"
        " .double(), a tensor made with dtype=torch.float64, values that came through numpy, whose"
        " default is float64); keep {source}'s dtype"
    ),
    "integer": (
        "{name} returned {actual}, an integer dtype, for a {expected} {source}: an integer tensor"
        " (torch.arange or an index without dtype=, a .long() or .int()) was filled or returned"
        " instead of {source}'s values; keep {source}'s dtype"
    ),
    "other": "{name} returned {actual} for a {expected} {source}: keep {source}'s dtype",
}
#: Why a lowering's dtype matters, after the hint of a lowering (im2col, kernel_matrix).
WHY_LOWERING_DTYPE = (
    "; a lowering in another dtype than the other operand also breaks the matrix multiplication,"
    " which needs both in one dtype"
)
HINT_HELPER_DTYPE = (
    "your {helper} returns {actual} for a float64 input (see its keeps_dtype check), and a matrix"
    " product whose operands differ in dtype raises: if corr2d_matmul builds on it, fix the dtype"
    " in {helper}"
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

# --- 3c. corr2d_matmul's values and shape --------------------------------------------------------
HINT_NOT_RESHAPED = (
    "your values are right but flat: the matrix product is a vector of {positions} outputs, one per"
    " output position in row-major order; reshape it to corr2d's shape, (H - h + 1, W - w + 1) ="
    " ({out_h}, {out_w})"
)
HINT_ONE_ROW = (
    "your values are the right outputs in row-major order, but all in one {line} of shape {shape}:"
    " corr2d's output has one row per vertical position of the kernel and one column per"
    " horizontal one, shape (H - h + 1, W - w + 1) = ({out_h}, {out_w}); reshape it to that"
)
HINT_RESHAPED_WRONG = (
    "your values are the right outputs in row-major order, but reshaped to {shape}: corr2d's output"
    " has one row per vertical position of the kernel and one column per horizontal one, H - h + 1"
    " = {out_h} rows and W - w + 1 = {out_w} columns; reshape to ({out_h}, {out_w})"
)
HINT_OUTPUT_SHAPE = (
    "corr2d_matmul(X, K) returns what corr2d returns: one value per position of the {h} x {w}"
    " kernel on the {H} x {W} image, shape (H - h + 1, W - w + 1) = ({out_h}, {out_w}); yours has"
    " shape {shape}"
)
HINT_USES_HELPER = (
    "your {helper} does not return the right values on a small input of its own (see its"
    " checks): if corr2d_matmul builds on it, fix {helper} first"
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
