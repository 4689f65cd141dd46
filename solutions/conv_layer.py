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
    # BEGIN SOLUTION
    h, w = K.shape
    Y = torch.zeros(
        (X.shape[0] - h + 1, X.shape[1] - w + 1),
        dtype=torch.result_type(X, K),
        device=X.device,
    )
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
    # END SOLUTION


# %% [markdown]
# We can construct the input tensor `X` and the kernel tensor `K` of the example above to
# validate the output of this implementation.

# %% demo
X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
corr2d(X, K)

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
        # BEGIN SOLUTION
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION
        return corr2d(x, self.weight) + self.bias
        # END SOLUTION


# %% demo
conv = Conv2D(kernel_size=(1, 2))
conv(torch.ones((3, 4)))

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
    # BEGIN SOLUTION
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    return X
    # END SOLUTION


def edge_kernel() -> torch.Tensor:
    """A 1 x 2 kernel that gives 1 at white-to-black edges and -1 at black-to-white edges."""
    # BEGIN SOLUTION
    return torch.tensor([[1.0, -1.0]])
    # END SOLUTION


# %% [markdown]
# Apply the kernel to the image: we detect 1 for the edge from white to black and -1 for the edge
# from black to white. All other outputs take the value 0.

# %% demo
X = edge_image()
K = edge_kernel()
corr2d(X, K)

# %% [markdown]
# Now apply the kernel to the transposed image. As expected, the response vanishes: the kernel
# `K` only detects vertical edges.

# %% demo
corr2d(X.t(), K)

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
    # BEGIN SOLUTION
    conv2d = nn.Conv2d(1, 1, kernel_size=kernel_size, bias=False, device=X.device, dtype=X.dtype)
    X = X.reshape((1, 1, *X.shape))
    Y = Y.reshape((1, 1, *Y.shape))
    for _ in range(steps):
        loss = ((conv2d(X) - Y) ** 2).sum()
        conv2d.zero_grad()
        loss.backward()
        with torch.no_grad():
            conv2d.weight -= lr * conv2d.weight.grad
    return conv2d.weight.detach().reshape(kernel_size)
    # END SOLUTION


# %% [markdown]
# After ten iterations the learned kernel is already close to the kernel `K` we defined earlier.

# %% demo
Y = corr2d(X, K)
learn_kernel(X, Y, kernel_size=(1, 2), lr=3e-2, steps=10)

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
# BEGIN SOLUTION (stub: why_cross_correlation = "")
why_cross_correlation = """
A convolution flips the kernel before sliding it over the input: output[i, j] is the sum of
X[i - a, j - b] * K[a, b]. corr2d does not flip it, it sums X[i + a, j + b] * K[a, b], which is
the definition of a cross-correlation. The two differ only by that flip: convolving with K gives
the same output as cross-correlating with K flipped in both axes. A layer learns its kernel from
data, so whichever of the two it computes, gradient descent finds the corresponding kernel (the
flipped one for a convolution), and the layer's outputs, and hence the model, are the same.
"""
# END SOLUTION

# %% [markdown]
# ## Summary
#
# * The core computation of a two-dimensional convolutional layer is a two-dimensional
#   cross-correlation operation. In its simplest form, this performs a cross-correlation
#   operation on the two-dimensional input data and the kernel, and then adds a bias.
# * We can design a kernel to detect edges in images.
# * We can learn the kernel's parameters from data.
