"""Every sentence the conv_layer checks say to a student: verdicts (templates) and hints.

Tests import these constants, so rewording a hint cannot silently break them. A hint names a known
misconception (exercises.md, "Known misconceptions") and says what to do about it.
"""

from __future__ import annotations

# --- corr2d -----------------------------------------------------------------------------------
HINT_OUTPUT_SIZE = (
    "a valid cross-correlation of an H x W input with an h x w kernel has (H - h + 1) x (W - w + 1)"
    " outputs: one per position where the kernel fits wholly inside the input"
)
HINT_FLIPPED_KERNEL = (
    "your output is the convolution (the kernel flipped in both axes); cross-correlation does not"
    " flip: Y[i, j] = (X[i:i + h, j:j + w] * K).sum()"
)
HINT_ROUNDS = (
    "your output holds whole numbers only: the products were rounded or truncated, for example by"
    " an integer output tensor; build the output with the inputs' floating dtype"
)
HINT_DTYPE_FLOAT32 = (
    "torch.zeros(shape) makes a float32 tensor whatever the input is: allocate the output with"
    " torch.zeros(shape, dtype=X.dtype, device=X.device) so float64 stays float64"
)
HINT_DTYPE_INTEGER = (
    "the output has an integer dtype, which drops the fractions: allocate it with the inputs'"
    " dtype, torch.zeros(shape, dtype=X.dtype, device=X.device)"
)
HINT_DTYPE_FLOAT64 = (
    "the output is float64 whatever the inputs are (a .double() or dtype=torch.float64 on the way):"
    " compute in the inputs' dtype, so float32 in gives float32 out"
)
HINT_DTYPE = "allocate the output with the inputs' dtype: torch.zeros(shape, dtype=X.dtype, ...)"
HINT_DEVICE = (
    "torch.zeros(shape) allocates on the CPU whatever device X is on: pass device=X.device, so a"
    " CUDA input gives a CUDA output (on the meta device, used to check this without a GPU,"
    " copying into a CPU tensor fails with 'Cannot copy out of meta tensor; no data!')"
)
HINT_NOT_DIFFERENTIABLE = (
    "the result does not require grad, so no gradient reaches X and K: build it with torch"
    " operations on X and K (no .item(), .tolist(), NumPy or .detach() on the way)"
)
HINT_DETACHED = (
    "no gradient reached {name}: it was detached (or copied out of torch) somewhere on the way;"
    " use {name} itself in the torch operations that compute the result"
)
HINT_INPLACE = (
    "corr2d changed its input in place (an in-place op such as +=, mul_ or writing into a view of"
    " X): allocate a new output tensor and leave X and K as they were"
)

DEVICE_RAISED = "corr2d works on the CPU but failed with inputs on the {device} device: {detail}"
DEVICE_NOT_IMPLEMENTED = (
    "it raised NotImplementedError, which is what torch raises ('Cannot copy out of meta tensor;"
    " no data!') when a value is copied into a tensor made on another device"
)
NOT_DIFFERENTIABLE = "corr2d(X, K).sum().backward() found no graph: {detail}"
BACKWARD_RAISED = "corr2d(X, K).sum().backward() raised {type}: {message}"
NO_GRADIENT = "after corr2d(X, K).sum().backward(), {name}.grad is None"

# --- Conv2D -----------------------------------------------------------------------------------
HINT_NOT_MODULE = (
    "Conv2D must be a subclass of nn.Module (class Conv2D(nn.Module)) that calls"
    " super().__init__() first"
)
HINT_PLAIN_TENSOR = (
    "a tensor stored as an attribute is not a parameter: wrap it, self.{name} ="
    " nn.Parameter(...), so .parameters() finds it and training updates it"
)
HINT_MISSING_PARAMETER = "define self.{name} = nn.Parameter(...) in __init__"
HINT_WEIGHT_SHAPE = "the kernel has shape kernel_size: nn.Parameter(torch.rand(kernel_size))"
HINT_BIAS_SHAPE = "the bias is one number: nn.Parameter(torch.zeros(1))"
HINT_NO_BIAS = "forward must add the bias: return corr2d(x, self.weight) + self.bias"
HINT_LAYER_DEVICE = (
    "forward must return its output on x's device (a CUDA x gives a CUDA output): do not move it"
    " with .cpu() or .to('cpu'), and make any new tensor with device=x.device"
)
HINT_LAYER_USES_CORR2D = (
    "Conv2D runs your corr2d, which does not agree with torch's conv2d on this input (its value,"
    " gradient or device; see the corr2d checks): fix corr2d first"
)
NOT_A_MODULE = "Conv2D(kernel_size) made a {type}, not an nn.Module"
NOT_REGISTERED = "Conv2D has no parameter named {name!r} (self.{name} is a {kind})"
BIAS_SIZE = "Conv2D's bias has {numel} elements; expected 1"
LAYER_NOT_DIFFERENTIABLE = "Conv2D's output.sum().backward() did not run: {detail}"
LAYER_NO_GRADIENT = "after output.sum().backward(), Conv2D's {name}.grad is None"

# --- edge detection ---------------------------------------------------------------------------
HINT_IMAGE_SHAPE = "the image has 6 rows (height) and 8 columns (width): torch.ones((6, 8))"
HINT_IMAGE_INVERTED = "white is 1 and black is 0: start from torch.ones((6, 8)) and blacken columns 2:6"
HINT_IMAGE_COLUMNS = (
    "the middle four columns are black: X[:, 2:6] = 0 (columns 2, 3, 4 and 5, counting from 0)"
)
HINT_KERNEL_2D = "write the kernel as a 1 x 2 matrix, torch.tensor([[1.0, -1.0]]), not a vector"
HINT_SIGNS_SWAPPED = (
    "the signs are swapped: cross-correlation computes X[i, j] * K[0, 0] + X[i, j + 1] * K[0, 1],"
    " so white (1) then black (0) gives K[0, 0]; [[1, -1]] makes that edge +1"
)
HINT_HORIZONTAL_KERNEL = (
    "[1, -1] differences horizontally adjacent pixels, so it finds vertical edges (the columns"
    " where the colour changes); a kernel [[1], [-1]] differences vertically and finds horizontal"
    " edges instead"
)
KERNEL_NOT_2D = "edge_kernel() returned a tensor of shape {shape}; expected a 2-D kernel"

# --- learning a kernel ------------------------------------------------------------------------
HINT_KERNEL_SHAPE = (
    "return the kernel with shape kernel_size, e.g. conv2d.weight.detach().reshape(kernel_size),"
    " not nn.Conv2d's 4-D (1, 1, h, w) weight"
)
HINT_KERNEL_SIZE_IGNORED = (
    "learn_kernel was asked for a kernel of shape {kernel_size}: build the layer with the"
    " kernel_size it is given, nn.Conv2d(1, 1, kernel_size, bias=False), and learn the kernel from"
    " X and Y rather than returning a fixed one"
)
HINT_NOT_CONVERGED = (
    "after {steps} steps of learning rate {lr} the book's loop is within 0.1 of [[1, -1]]: use the"
    " squared error summed over all elements (a mean makes each step 42 times smaller), subtract"
    " lr * weight.grad under torch.no_grad(), and zero the gradient every step"
)
HINT_NOT_CONVERGED_RANDOM = (
    "on this random image, {steps} steps of learning rate {lr} recover the {kernel_size} kernel that"
    " made Y to within 0.1: learn from the X, Y, kernel_size, lr and steps given (nothing fixed to the"
    " book's data), with the squared error summed over all elements"
)
HINT_LEARN_DEVICE = (
    "train on X's device and return the kernel there (a CUDA X gives a CUDA kernel): build the layer"
    " with nn.Conv2d(1, 1, kernel_size, bias=False, device=X.device), or a kernel with"
    " torch.rand(kernel_size, device=X.device), and do not move X, Y or the result to the CPU"
)
HINT_NO_UPDATE = (
    "the kernel never changes: update the layer's own weight in place under torch.no_grad()"
    " (conv2d.weight -= lr * conv2d.weight.grad), not a copy of it"
)
HINT_ASCENT = (
    "the error grows from the first steps: gradient descent subtracts the gradient,"
    " weight -= lr * weight.grad, scaled by the learning rate it is given (a larger one overshoots)"
)
HINT_NOT_MONOTONE = (
    "the error goes down and then up again: zero the gradient every step (conv2d.zero_grad()),"
    " since backward() adds to .grad, and check the learning rate is the one given"
)
HINT_LOSS_NOT_FINITE = (
    "the kernel learn_kernel returns holds NaN or infinity, so its error is not a number: start from"
    " a finite kernel, and take steps of the learning rate it is given"
)
LOSS_NOT_DECREASING = (
    "the squared error of the kernels learn_kernel returns does not decrease with the number of"
    " steps on {data}: {losses}"
)
BOOK_DATA = "the book's data"
RANDOM_DATA = "random data"
