"""The book's "Exercises" section (sections 1 to 4 of exercises.md), declared like section 0.

Torch-free, like the pack module that imports it. Answers that do not depend on a device (an image,
a kernel, a choice) are checked on the CPU only; functions of tensors run on every device.

What counts only alongside what (``requires``), so that zeros, a constant, the input or NaN earn
nothing: a lowering's dtype kept, vectorized and one matmul alongside right values; a kernel's
properties alongside the check that only a right kernel passes (the second derivative's constant on
x^2, the Laplacian's equal responses to x^2 and y^2, d! on x^d). An edge detector must both respond
along v and ignore the perpendicular (a constant kernel does the first, [1, -2, 1] the second), and
a blur must both keep the mean and lower the noise (a delta does the first, zeros the second).
Answers that are constants by nature (a minimum size, an exception, a bool, the integral's ones)
are judged as they are. Questions about the student's own object count only about a right one: the
diagonal questions alongside an image with a diagonal edge at every size (not one hard-coded for
the size they are judged on). An answer about a second name is judged on its own:
min_kernel_size(d) whatever derivative_kernel does, and the strongest structure on the student's
kernel where it takes a second derivative (a five-tap one may answer it, though it fails the size),
else on the second difference itself.
"""

from __future__ import annotations

from grader.pack import ANY_DEVICE, TENSOR_DEVICES, Check, Exercise, FreeText

DIAGONAL_EDGE = Exercise(
    id="diagonal_edge",
    title="1. A diagonal edge: diagonal_image(n), and what K, X.T and K.T do to it",
    checks=(
        Check("has_diagonal_edge", "diagonal_image(n) responds to [[1, -1]] along one diagonal only",
              2, "diagonal_has_diagonal_edge", ANY_DEVICE, needs=("diagonal_image",)),
        Check("apply_K", "answer_apply_K says what K does to your image", 1,
              "diagonal_apply_K", ANY_DEVICE, needs=("diagonal_image", "answer_apply_K"),
              requires=("has_diagonal_edge",)),
        Check("transpose_X", "answer_transpose_X says what transposing your image does", 1,
              "diagonal_transpose_X", ANY_DEVICE, needs=("diagonal_image", "answer_transpose_X"),
              requires=("has_diagonal_edge",)),
        Check("transpose_K", "answer_transpose_K says what transposing K does on your image", 1,
              "diagonal_transpose_K", ANY_DEVICE, needs=("diagonal_image", "answer_transpose_K"),
              requires=("has_diagonal_edge",)),
    ),
)

# conv2d_gradients is judged on its own: conv2d's gradients, or, over a corr2d that is wrong, that
# corr2d's own; over a corr2d still raising NotImplementedError, it and autograd_error wait for it.
AUTOGRAD = Exercise(
    id="autograd",
    title="2. Differentiating Conv2D: the error, and gradients done right",
    checks=(
        Check("error_is_torchs", "autograd_error() returns the error torch raises for backward() on"
              " a non-scalar output", 1, "autograd_error_is_torchs", ANY_DEVICE,
              needs=("autograd_error",)),
        Check("gradients_match", "conv2d_gradients(X, K) is the gradient of corr2d(X, K).sum()", 2,
              "autograd_gradients_match", TENSOR_DEVICES, needs=("conv2d_gradients",)),
        Check("backpropagates", "answer_conv2d_backpropagates matches what the book's Conv2D does",
              1, "autograd_backpropagates", ANY_DEVICE, needs=("answer_conv2d_backpropagates",)),
    ),
    free_text=(
        FreeText("why_autograd_works",
                 "Why does corr2d's item assignment not stop autograd in PyTorch?"),
    ),
)

IM2COL = Exercise(
    id="im2col",
    title="3a. The input as a matrix: im2col(X, kernel_shape)",
    checks=(
        Check("rows_are_patches", "Each row is a flattened patch, in row-major order", 1,
              "im2col_rows_are_patches", TENSOR_DEVICES, needs=("im2col",)),
        Check("keeps_dtype", "Keeps X's dtype", 1, "im2col_keeps_dtype", TENSOR_DEVICES,
              needs=("im2col",), requires=("rows_are_patches",)),
        Check("vectorized", "Dispatches as many torch operations on a large image as on a small one",
              1, "im2col_vectorized", ANY_DEVICE, needs=("im2col",), requires=("rows_are_patches",)),
    ),
)

KERNEL_MATRIX = Exercise(
    id="kernel_matrix",
    title="3b. The kernel as a matrix: kernel_matrix(K, input_shape)",
    checks=(
        Check("matches_corr2d", "W @ X.reshape(-1) equals corr2d(X, K).reshape(-1)", 1,
              "kernel_matrix_matches_corr2d", TENSOR_DEVICES, needs=("kernel_matrix",)),
        Check("keeps_dtype", "Keeps K's dtype", 1, "kernel_matrix_keeps_dtype", TENSOR_DEVICES,
              needs=("kernel_matrix",), requires=("matches_corr2d",)),
        Check("vectorized", "Dispatches as many torch operations for a large input as for a small"
              " one", 1, "kernel_matrix_vectorized", ANY_DEVICE, needs=("kernel_matrix",),
              requires=("matches_corr2d",)),
    ),
)

CORR2D_MATMUL = Exercise(
    id="corr2d_matmul",
    title="3c. One matrix multiplication: corr2d_matmul(X, K)",
    checks=(
        Check("matches_conv2d", "Agrees with torch's conv2d, edge cases included", 1,
              "corr2d_matmul_matches_conv2d", TENSOR_DEVICES, needs=("corr2d_matmul",)),
        Check("keeps_dtype", "Keeps the inputs' dtype", 1, "corr2d_matmul_keeps_dtype",
              TENSOR_DEVICES, needs=("corr2d_matmul",), requires=("matches_conv2d",)),
        Check("one_matmul", "Computes the result with exactly one matrix multiplication", 1,
              "corr2d_matmul_one_matmul", ANY_DEVICE, needs=("corr2d_matmul",),
              requires=("matches_conv2d",)),
        Check("vectorized", "Dispatches as many torch operations on a large image as on a small one",
              1, "corr2d_matmul_vectorized", ANY_DEVICE, needs=("corr2d_matmul",),
              requires=("matches_conv2d",)),
    ),
)

CONV2D_MATMUL = Exercise(
    id="conv2d_matmul",
    title="3d. Bonus: conv2d_matmul(X, K, stride, padding), batched and multi-channel",
    checks=(
        Check("matches_conv2d", "Bonus: agrees with torch's conv2d on batches, channels, stride"
              " and padding", 2, "conv2d_matmul_matches_conv2d", TENSOR_DEVICES,
              needs=("conv2d_matmul",), bonus=True),
        Check("keeps_dtype", "Bonus: keeps the inputs' dtype", 1, "conv2d_matmul_keeps_dtype",
              TENSOR_DEVICES, needs=("conv2d_matmul",), requires=("matches_conv2d",), bonus=True),
    ),
)

DIRECTIONAL_EDGE = Exercise(
    id="directional_edge",
    title="4.1 An edge detector for a direction: directional_edge_kernel(v)",
    checks=(
        Check("responds_along_v", "Responds to an image that grows along v", 1,
              "directional_responds_along_v", ANY_DEVICE, needs=("directional_edge_kernel",),
              requires=("ignores_perpendicular",)),
        Check("ignores_perpendicular", "Gives zero on an image that grows across v", 1,
              "directional_ignores_perpendicular", ANY_DEVICE, needs=("directional_edge_kernel",),
              requires=("responds_along_v",)),
        Check("scales_with_v", "The response grows in proportion to |v|", 1,
              "directional_scales_with_v", ANY_DEVICE, needs=("directional_edge_kernel",),
              requires=("responds_along_v", "ignores_perpendicular")),
    ),
)

SECOND_DERIVATIVE = Exercise(
    id="second_derivative",
    title="4.2 The second derivative: second_derivative_kernel(), its size, what it finds",
    checks=(
        Check("annihilates_lines", "Gives zero on constants and linear ramps", 1,
              "second_derivative_annihilates_lines", ANY_DEVICE,
              needs=("second_derivative_kernel",), requires=("constant_on_square",)),
        Check("constant_on_square", "Gives a non-zero constant on x ** 2", 1,
              "second_derivative_constant_on_square", ANY_DEVICE,
              needs=("second_derivative_kernel",)),
        Check("min_size", "SECOND_DERIVATIVE_MIN_SIZE is the fewest taps possible", 1,
              "second_derivative_min_size", ANY_DEVICE, needs=("SECOND_DERIVATIVE_MIN_SIZE",)),
        Check("strongest_structure", "answer_second_derivative_strongest names the structure a"
              " second derivative responds to most", 1, "second_derivative_strongest_structure",
              ANY_DEVICE, needs=("answer_second_derivative_strongest",)),
    ),
)

LAPLACIAN = Exercise(
    id="laplacian",
    title="4.3 The Laplacian: laplacian_kernel()",
    checks=(
        Check("zero_sum", "Sums to zero (no response to a constant image)", 1,
              "laplacian_zero_sum", ANY_DEVICE, needs=("laplacian_kernel",),
              requires=("isotropic",)),
        Check("isotropic", "Equal, non-zero responses to x ** 2 and y ** 2", 1,
              "laplacian_isotropic", ANY_DEVICE, needs=("laplacian_kernel",)),
        Check("annihilates_harmonics", "Gives zero on x, y and x * y", 1,
              "laplacian_annihilates_harmonics", ANY_DEVICE, needs=("laplacian_kernel",),
              requires=("isotropic",)),
    ),
)

INTEGRAL = Exercise(
    id="integral",
    title="4.4 The integral image: integral_kernel(H, W)",
    checks=(
        Check("matches_cumsum", "corr2d of the padded image equals X.cumsum(0).cumsum(1)", 2,
              "integral_matches_cumsum", ANY_DEVICE, needs=("integral_kernel",)),
    ),
    free_text=(
        FreeText("why_integral_size", "Why must the integral kernel be as large as the image?"),
    ),
)

BLUR = Exercise(
    id="blur",
    title="4.5 A blur: blur_kernel(size, sigma)",
    checks=(
        Check("normalized", "Non-negative and sums to 1", 1, "blur_normalized", ANY_DEVICE,
              needs=("blur_kernel",), requires=("reduces_noise",)),
        Check("symmetric_peak", "Symmetric, with its peak at the centre", 1,
              "blur_symmetric_peak", ANY_DEVICE, needs=("blur_kernel",),
              requires=("normalized", "reduces_noise")),
        Check("matches_gaussian", "Agrees with the Gaussian of that sigma", 1,
              "blur_matches_gaussian", ANY_DEVICE, needs=("blur_kernel",)),
        Check("reduces_noise", "Reduces the variance of a noise image", 1, "blur_reduces_noise",
              ANY_DEVICE, needs=("blur_kernel",), requires=("normalized",)),
    ),
    free_text=(FreeText("why_blur", "Why might you want to use a blur kernel?"),),
)

DERIVATIVE_ORDER_D = Exercise(
    id="derivative_order_d",
    title="4.6 A derivative of degree d: derivative_kernel(d) and min_kernel_size(d)",
    checks=(
        Check("annihilates_lower_degrees", "Gives zero on every polynomial of degree below d", 1,
              "derivative_annihilates_lower_degrees", ANY_DEVICE, needs=("derivative_kernel",),
              requires=("constant_on_power",)),
        Check("constant_on_power", "Gives d! (up to sign) on x ** d", 1,
              "derivative_constant_on_power", ANY_DEVICE, needs=("derivative_kernel",)),
        Check("min_size", "min_kernel_size(d) is the fewest taps possible", 1,
              "derivative_min_size", ANY_DEVICE, needs=("min_kernel_size",)),
        Check("fewest_taps", "derivative_kernel(d) has as few taps as possible", 1,
              "derivative_fewest_taps", ANY_DEVICE, needs=("derivative_kernel",),
              requires=("constant_on_power",)),
    ),
)

BOOK_EXERCISES = (
    DIAGONAL_EDGE, AUTOGRAD, IM2COL, KERNEL_MATRIX, CORR2D_MATMUL, CONV2D_MATMUL,
    DIRECTIONAL_EDGE, SECOND_DERIVATIVE, LAPLACIAN, INTEGRAL, BLUR, DERIVATIVE_ORDER_D,
)
