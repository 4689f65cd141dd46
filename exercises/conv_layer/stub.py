# %% [markdown]
# # Convolutions for Images
#
# Now that we understand how convolutional layers work in theory, we are ready to see how they
# work in practice. Since we have motivated convolutional neural networks by their applicability
# to image data, we will stick with image data in our examples, and begin by revisiting the
# convolutional layer that we introduced in the previous section. Strictly speaking,
# *convolutional* layers are a slight misnomer, since the operations they compute are
# cross-correlations.
#
# This notebook follows the section "Convolutions for Images" of *Dive into Deep Learning*, with
# PyTorch code. Fill in every place that raises `NotImplementedError` (and the answer string near
# the end), keeping the names as they are: the grader calls them.

# %%
import torch
from torch import nn

# %% [markdown]
# ## The Cross-Correlation Operation
#
# In a convolutional layer, an input tensor and a kernel tensor are combined to produce an output
# tensor through a cross-correlation operation. Let's see how this works for two dimensions. In
# our example, the input is a two-dimensional tensor with a height of 3 and a width of 3: its
# shape is $3 \times 3$ or `(3, 3)`. The height and width of the kernel are both 2. Common names
# for this tensor in the deep learning research community are *kernel* and *filter*. The shape of
# the kernel window (also known as the convolution window) is given by the height and width of
# the kernel (here it is $2 \times 2$).
#
# In the two-dimensional cross-correlation operation, we begin with the convolution window
# positioned at the top-left corner of the input tensor and slide it across the input, both from
# left to right and top to bottom. When the window slides to a certain position, the input
# subtensor contained in that window and the kernel are multiplied elementwise, and the resulting
# tensor is summed up, yielding a single scalar value: the value of the output at the
# corresponding location. Here the output has a height of 2 and a width of 2, and its four
# elements are
#
# $$
# 0\times0+1\times1+3\times2+4\times3=19,\\
# 1\times0+2\times1+4\times2+5\times3=25,\\
# 3\times0+4\times1+6\times2+7\times3=37,\\
# 4\times0+5\times1+7\times2+8\times3=43.
# $$
#
# Along each axis the output is slightly *smaller* than the input: we can only compute the
# cross-correlation where the kernel fits wholly within the image, so for an input of size
# $H \times W$ and a kernel of size $h \times w$ the output has size $(H-h+1) \times (W-w+1)$.
#
# **Your task.** Implement `corr2d(X, K)`, the two-dimensional cross-correlation of a 2-D input
# `X` with a 2-D kernel `K` (no padding, stride 1). Make it a good PyTorch citizen:
#
# * the output has the inputs' dtype (a `float64` input gives a `float64` output, a `float32` one a
#   `float32` output) and lives on the inputs' device (a CUDA input gives a CUDA output):
#   `torch.zeros(...)` alone makes a `float32` tensor on the CPU, so pass `dtype=` and
#   `device=X.device`;
# * gradients flow back to `X` and `K` (build the output with torch operations);
# * the inputs are left as they were.


# %%
def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Compute the 2-D cross-correlation of X with the kernel K."""
    raise NotImplementedError("corr2d: your code here")


# %% [markdown]
# We can construct the input tensor `X` and the kernel tensor `K` of the example above to
# validate the output of this implementation.

# %% demo
# Uncomment to try corr2d once it works:
# X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
# K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
# corr2d(X, K)

# %% [markdown]
# ## Convolutional Layers
#
# A convolutional layer cross-correlates the input and kernel and adds a scalar bias to produce an
# output. The two parameters of a convolutional layer are the kernel and the scalar bias. When
# training models based on convolutional layers, we typically initialize the kernels randomly,
# just as we would with a fully connected layer.
#
# **Your task.** Implement a two-dimensional convolutional layer `Conv2D` based on `corr2d`. In
# the `__init__` constructor, declare `weight` (of shape `kernel_size`, initialized with
# `torch.rand`) and `bias` (one element, initialized to zero) as the two model parameters: wrap
# them in `nn.Parameter` so that `.parameters()` finds them. The forward propagation method calls
# `corr2d` and adds the bias. As with $h \times w$ cross-correlation, we also refer to
# convolutional layers as $h \times w$ convolutions.


# %%
class Conv2D(nn.Module):
    """A 2-D convolutional layer: cross-correlation with a learned kernel, plus a learned bias."""

    def __init__(self, kernel_size: tuple[int, int]) -> None:
        super().__init__()
        raise NotImplementedError("Conv2D.__init__: your code here")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("Conv2D.forward: your code here")


# %% demo
# Uncomment to try Conv2D once it works:
# conv = Conv2D(kernel_size=(1, 2))
# conv(torch.ones((3, 4)))

# %% [markdown]
# ## Object Edge Detection in Images
#
# Let's look at a simple application of a convolutional layer: detecting the edge of an object in
# an image by finding the location of the pixel change.
#
# **Your task.** `edge_image()` returns the "image" of $6 \times 8$ pixels of the book: the middle
# four columns are black (`0`) and the rest are white (`1`), as a `float32` tensor.
# `edge_kernel()` returns a kernel `K` with a height of 1 and a width of 2: when we perform the
# cross-correlation with the input, if the horizontally adjacent elements are the same, the output
# is 0; otherwise it is non-zero, `1` for an edge from white to black and `-1` for an edge from
# black to white.


# %%
def edge_image() -> torch.Tensor:
    """The 6 x 8 image: white (1) everywhere except the middle four columns, which are black (0)."""
    raise NotImplementedError("edge_image: your code here")


def edge_kernel() -> torch.Tensor:
    """A 1 x 2 kernel that gives 1 at white-to-black edges and -1 at black-to-white edges."""
    raise NotImplementedError("edge_kernel: your code here")


# %% [markdown]
# Apply the kernel to the image: we detect 1 for the edge from white to black and -1 for the edge
# from black to white. All other outputs take the value 0.

# %% demo
# Uncomment to try corr2d, edge_image and edge_kernel once they work:
# X = edge_image()
# K = edge_kernel()
# corr2d(X, K)

# %% [markdown]
# Now apply the kernel to the transposed image. As expected, the response vanishes: the kernel
# `K` only detects vertical edges.

# %% demo
# Uncomment to try corr2d once it works:
# corr2d(X.t(), K)

# %% [markdown]
# ## Learning a Kernel
#
# Designing an edge detector by finite differences `[1, -1]` is neat if we know that this is
# precisely what we are looking for. However, as we look at larger kernels, and consider
# successive layers of convolutions, it might be impossible to specify precisely what each filter
# should be doing manually.
#
# Let's see whether we can learn the kernel that generated `Y` from `X` by looking at the
# input-output pairs only. We first construct a convolutional layer and initialize its kernel as
# a random tensor. Next, in each iteration, we use the squared error to compare `Y` with the
# output of the convolutional layer, then calculate the gradient to update the kernel. For the
# sake of simplicity, we use PyTorch's built-in `nn.Conv2d` and ignore the bias.
#
# **Your task.** Implement `learn_kernel(X, Y, kernel_size, lr, steps)`. `X` and `Y` are 2-D
# tensors; `nn.Conv2d` works on four-dimensional input and output in the format (example,
# channel, height, width), where the batch size (number of examples in the batch) and the number
# of channels are both 1, so reshape them. Build `nn.Conv2d(1, 1, kernel_size, bias=False)` on
# `X`'s device, then run `steps` iterations of plain gradient descent: compute the squared error
# summed over all elements, backpropagate, and subtract `lr` times the gradient from the weight
# under `torch.no_grad()` (zeroing the gradient every iteration). Return the learned kernel as a
# 2-D tensor of shape `kernel_size`, on `X`'s device. It must work for any `X`, `Y` and
# `kernel_size`, not only the book's: the grader also gives it data of its own.


# %%
def learn_kernel(
    X: torch.Tensor, Y: torch.Tensor, kernel_size: tuple[int, int], lr: float, steps: int
) -> torch.Tensor:
    """Learn by gradient descent the kernel that maps X to Y; return it with shape kernel_size."""
    raise NotImplementedError("learn_kernel: your code here")


# %% [markdown]
# After ten iterations the learned kernel is already close to the kernel `K` we defined earlier.

# %% demo
# Uncomment to try corr2d and learn_kernel once they work:
# Y = corr2d(X, K)
# learn_kernel(X, Y, kernel_size=(1, 2), lr=3e-2, steps=10)

# %% [markdown]
# ## Cross-Correlation and Convolution
#
# Recall from the previous section the correspondence between the cross-correlation and
# convolution operations: flip the kernel both horizontally and vertically, and the
# cross-correlation becomes a convolution. In keeping with standard terminology in the deep
# learning literature, we will continue to refer to the cross-correlation operation as a
# convolution even though, strictly speaking, it is slightly different.
#
# **Your answer.** In a few sentences: why is the operation that `corr2d` computes called a
# cross-correlation rather than a convolution, and why does the difference not matter for the
# kernels a convolutional layer learns?

# %%
why_cross_correlation = ""

# %% [markdown]
# ## Summary
#
# * The core computation of a two-dimensional convolutional layer is a two-dimensional
#   cross-correlation operation. In its simplest form, this performs a cross-correlation
#   operation on the two-dimensional input data and the kernel, and then adds a bias.
# * We can design a kernel to detect edges in images.
# * We can learn the kernel's parameters from data.

# %% [markdown]
# ## Exercises
#
# The exercises of both editions of the book, in the older edition's order (the current edition
# renumbers them and adds the edge-direction and blur questions; each heading gives both numbers).
# Every answer is checked by what it does: the grader runs your functions on inputs of its own and
# compares them with PyTorch's `conv2d`, and checks each choice you make against what your own
# objects really do. Answers marked "in words" are read by a person and cost no points.

# %% [markdown]
# ### 1. A diagonal edge (current edition: 1; older edition: 1)
#
# > Construct an image `X` with diagonal edges.
# > * What happens if you apply the kernel `K` in this section to it?
# > * What happens if you transpose `X`?
# > * What happens if you transpose `K`?
#
# **Your task.** `diagonal_image(n)` returns an `n x n` image (a 2-D tensor) with a diagonal edge:
# `torch.eye(n)`, `1 - torch.eye(n)`, a triangle of ones (`torch.tril`, `torch.triu`), the
# anti-diagonal... any image whose response to the book's `K = [[1, -1]]` lies along a line of
# slope +1 or -1 and nowhere else. Then answer the three questions about *your* image by setting
# each `answer_...` variable to one of the strings listed; the grader works out which one is true
# for the image your function makes, so the right choice depends on your image.

# %%
def diagonal_image(n: int) -> torch.Tensor:
    """An n x n image with a diagonal edge."""
    raise NotImplementedError("diagonal_image: your code here")


# %% [markdown]
# **What happens if you apply `K = [[1, -1]]` to it?** Set `answer_apply_K` to one of:
# * `"zeros"`: the output is zero everywhere;
# * `"one_line"`: the output is non-zero along one diagonal line, with one sign;
# * `"two_lines"`: two neighbouring diagonal lines, one positive and one negative;
# * `"everywhere"`: the output is non-zero almost everywhere.

# %% demo
# Uncomment to try corr2d and diagonal_image once they work:
# X = diagonal_image(6)
# K = torch.tensor([[1.0, -1.0]])
# corr2d(X, K)

# %%
answer_apply_K = None

# %% [markdown]
# **What happens if you transpose `X`?** Compare `corr2d(X.T, K)` with `corr2d(X, K)`. Set
# `answer_transpose_X` to one of:
# * `"unchanged"`: the output is the same;
# * `"changes"`: the output is different (it moves, or changes sign).

# %% demo
# Uncomment to try corr2d once it works:
# corr2d(X.T, K)

# %%
answer_transpose_X = None

# %% [markdown]
# **What happens if you transpose `K`?** `K.T = [[1], [-1]]` differences vertically. Compare
# `corr2d(X, K.T)` with `corr2d(X, K)`. Set `answer_transpose_K` to one of:
# * `"zeros"`: the output is zero everywhere;
# * `"transposed"`: the output is exactly `corr2d(X, K).T`;
# * `"different"`: the output is non-zero but not `corr2d(X, K).T`.

# %% demo
# Uncomment to try corr2d once it works:
# corr2d(X, K.T)

# %%
answer_transpose_K = None

# %% [markdown]
# ### 2. Differentiating `Conv2D` (current edition: 3; older edition: 2)
#
# > When you try to automatically find the gradient for the `Conv2D` class we created, what kind
# > of error message do you see?
#
# In MXNet, the book's first framework, the item assignment `Y[i, j] = ...` inside `corr2d` broke
# automatic differentiation. PyTorch records in-place writes in its graph, so the layer itself
# backpropagates; the errors one actually meets come from the code around it. The most common:
# calling `backward()` on the layer's output, which is a matrix, not a scalar.
#
# **Your task.**
# * `autograd_error()` runs `Conv2D((1, 2))` on a `6 x 8` input, calls `backward()` on the
#   (non-scalar) output, catches the exception and returns it (the exception object itself).
# * `conv2d_gradients(X, K)` returns the pair `(dX, dK)`: the gradients of `corr2d(X, K).sum()`
#   with respect to `X` and `K`, computed with autograd, on the inputs' device.
# * `answer_conv2d_backpropagates`: `True` or `False`: does the book's `Conv2D` backpropagate in
#   PyTorch (for a scalar loss)?

# %%
def autograd_error() -> Exception:
    """The exception PyTorch raises for backward() on the non-scalar output of Conv2D."""
    raise NotImplementedError("autograd_error: your code here")


def conv2d_gradients(X: torch.Tensor, K: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The gradients of corr2d(X, K).sum() with respect to X and K."""
    raise NotImplementedError("conv2d_gradients: your code here")


# %%
answer_conv2d_backpropagates = None

# %% [markdown]
# **In words.** Why does `corr2d`'s item assignment not stop autograd in PyTorch?

# %%
why_autograd_works = ""

# %% [markdown]
# ### 3. Cross-correlation as a matrix multiplication (current edition: 4; older edition: 3)
#
# > How do you represent a cross-correlation operation as a matrix multiplication by changing the
# > input and kernel tensors?
#
# There are two views, one per tensor you change:
# * change the input: `im2col(X, kernel_shape)` lays each `h x w` patch of `X` out as a row, so the
#   result has shape `(out_h * out_w, h * w)` (patches in row-major order of their top-left
#   corner), and the output is `im2col(X, K.shape) @ K.reshape(-1)`;
# * change the kernel: `kernel_matrix(K, input_shape)` is the doubly block-Toeplitz matrix `W` of
#   shape `(out_h * out_w, H * W)` with `W @ X.reshape(-1) == corr2d(X, K).reshape(-1)`.
#
# `corr2d_matmul(X, K)` computes the cross-correlation with exactly one matrix multiplication.
# Build the matrices with tensor operations (`unfold`, indexing, `as_strided`...), not Python loops
# over positions: the grader counts the torch operations at two image sizes, and a vectorized
# lowering dispatches the same number at both. Each function returns its input's dtype (a `float64`
# input gives a `float64` result, a `float32` one a `float32` result; make any new tensor with
# `dtype=X.dtype, device=X.device`, since `torch.zeros(shape)` alone is `float32` on the CPU), a
# check of its own.
#
# **Bonus (beyond the book).** `conv2d_matmul(X, K, stride=1, padding=0)` for a batch
# `X` of shape `(B, C, H, W)` and kernels `K` of shape `(O, C, h, w)`, equal to
# `torch.nn.functional.conv2d(X, K, stride=stride, padding=padding)`.

# %%
def im2col(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    """The patches of X as rows: shape (out_h * out_w, h * w), in X's dtype and on X's device."""
    raise NotImplementedError("im2col: your code here")


def kernel_matrix(K: torch.Tensor, input_shape: tuple[int, int]) -> torch.Tensor:
    """The doubly block-Toeplitz matrix W with W @ X.reshape(-1) == corr2d(X, K).reshape(-1):
    shape (out_h * out_w, H * W), in K's dtype and on K's device."""
    raise NotImplementedError("kernel_matrix: your code here")


def corr2d_matmul(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """corr2d(X, K) computed with a single matrix multiplication: shape (H - h + 1, W - w + 1), in
    the inputs' dtype and on their device."""
    raise NotImplementedError("corr2d_matmul: your code here")


def conv2d_matmul(X: torch.Tensor, K: torch.Tensor, stride: int = 1, padding: int = 0) -> torch.Tensor:
    """Bonus: batched, multi-channel conv2d with stride and padding, as one matrix multiplication,
    in the inputs' dtype and on their device."""
    raise NotImplementedError("conv2d_matmul: your code here")


# %% demo
# Uncomment to try im2col, kernel_matrix and corr2d_matmul once they work:
# X = torch.arange(9.0).reshape(3, 3)
# K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
# im2col(X, K.shape), kernel_matrix(K, X.shape) @ X.reshape(-1), corr2d_matmul(X, K)

# %% [markdown]
# ### 4. Designing kernels (current edition: 2; older edition: 4)
#
# > Design some kernels manually.
#
# In the images below, `x` is the column index (left to right) and `y` the row index (top to
# bottom): an image `f(x, y)` has `X[y, x] = f(x, y)`. Kernels are applied with `corr2d`.
#
# **4.1 An edge detector for a direction (current edition 2.1).**
# > Given a directional vector $\mathbf{v} = (v_1, v_2)$, derive an edge-detection kernel that
# > detects edges orthogonal to $\mathbf{v}$, i.e., edges in the direction $(v_2, -v_1)$.
#
# `directional_edge_kernel(v)` returns a 2-D kernel whose response to an image that grows along
# `v = (v1, v2)` (`v1` along `x`, `v2` along `y`) is non-zero, whose response to an image that grows
# along the perpendicular direction is zero, and whose response grows in proportion to `|v|`.

# %%
def directional_edge_kernel(v: tuple[float, float]) -> torch.Tensor:
    """A kernel whose response is the derivative along v: v1 * d/dx + v2 * d/dy."""
    raise NotImplementedError("directional_edge_kernel: your code here")


# %% [markdown]
# **4.2 The second derivative (current edition 2.2; older edition 4.1).**
# > Derive a finite difference operator for the second derivative. What is the minimum size of the
# > convolutional kernel associated with it? Which structures in images respond most strongly to it?
# > (Older edition: what is the form of a kernel for the second derivative?)
#
# * `second_derivative_kernel()` returns a kernel along x with as few taps as possible, as one row
#   (a column, or a 1-D tensor read as a row, is fine too), that gives zero on constant and linear
#   images and a non-zero constant on `x ** 2`.
# * `SECOND_DERIVATIVE_MIN_SIZE`: the smallest number of taps such a kernel can have.
# * `answer_second_derivative_strongest`: which structure gives the strongest response (largest
#   absolute value) to your kernel: `"flat"` (a constant region), `"ramp"` (a linear ramp),
#   `"step_edge"` (a step from 0 to 1) or `"thin_line"` (a one-pixel line)?

# %%
def second_derivative_kernel() -> torch.Tensor:
    """The finite-difference second derivative along x."""
    raise NotImplementedError("second_derivative_kernel: your code here")


# %%
SECOND_DERIVATIVE_MIN_SIZE = None

answer_second_derivative_strongest = None

# %% [markdown]
# **4.3 The Laplacian (older edition 4.2).**
# > What is the kernel for the Laplace operator?
#
# `laplacian_kernel()` returns a `3 x 3` kernel for $\partial^2/\partial x^2 + \partial^2/\partial y^2$:
# its values sum to zero, it gives equal non-zero responses to `x ** 2` and `y ** 2`, and zero on
# `x * y`, `x`, `y` and constants. Any scale and either sign are fine.

# %%
def laplacian_kernel() -> torch.Tensor:
    """The 5-point Laplacian."""
    raise NotImplementedError("laplacian_kernel: your code here")


# %% [markdown]
# **4.4 An integral (older edition 4.3).**
# > What is the kernel for an integral?
#
# The integral image (summed-area table) of `X` is `X.cumsum(0).cumsum(1)`: each output is the sum
# of the whole rectangle above and to the left. `integral_kernel(H, W)` returns the kernel `K`
# such that `corr2d` of `X` padded with `H - 1` rows of zeros on top and `W - 1` columns of zeros
# on the left equals `X.cumsum(0).cumsum(1)`, for every `H x W` image `X`. Then say in words why
# the kernel has to be as large as the image.

# %%
def integral_kernel(H: int, W: int) -> torch.Tensor:
    """The kernel whose cross-correlation with the zero-padded image is its integral image."""
    raise NotImplementedError("integral_kernel: your code here")


# %%
why_integral_size = ""

# %% [markdown]
# **4.5 A blur (current edition 2.3).**
# > How would you design a blur kernel? Why might you want to use such a kernel?
#
# `blur_kernel(size, sigma)` returns a `size x size` Gaussian kernel (`size` odd) with standard
# deviation `sigma` (in pixels), centred on the middle cell and normalized to sum to 1.

# %%
def blur_kernel(size: int, sigma: float) -> torch.Tensor:
    """A normalized size x size Gaussian kernel."""
    raise NotImplementedError("blur_kernel: your code here")


# %%
why_blur = ""

# %% [markdown]
# **4.6 A derivative of degree d (current edition 2.4; older edition 4.4).**
# > What is the minimum size of a kernel to obtain a derivative of degree $d$?
#
# * `derivative_kernel(d)` returns a kernel with as few taps as possible, as one row (a column or
#   a 1-D tensor is fine too), that gives zero on every polynomial of degree below `d` and the
#   constant `d!` (or `-d!`) on `x ** d`.
# * `min_kernel_size(d)` returns the smallest number of taps of such a kernel.

# %%
def derivative_kernel(d: int) -> torch.Tensor:
    """The forward-difference kernel of degree d: binomial coefficients with alternating signs."""
    raise NotImplementedError("derivative_kernel: your code here")


def min_kernel_size(d: int) -> int:
    """The fewest taps a kernel for the d-th derivative can have."""
    raise NotImplementedError("min_kernel_size: your code here")
