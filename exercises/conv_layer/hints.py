"""Every sentence the conv_layer checks say to a student: verdicts (templates) and hints.

Tests import these constants, so rewording a hint cannot silently break them. A hint names a known
misconception (exercises.md, "Known misconceptions") and says what to do about it.
"""

from __future__ import annotations

# --- corr2d -----------------------------------------------------------------------------------
HINT_OUTPUT_SIZE = (
    "a valid cross-correlation of an H x W input with an h x w kernel has (H - h + 1) x (W - w + 1)"
    " outputs, one per position where the kernel fits wholly inside the input: for this {H} x {W}"
    " input and {h} x {w} kernel, {rows} x {cols}"
)
HINT_WINDOWS_END_EARLY = (
    "your output is the first {rows} x {cols} block of the right {total_rows} x {total_cols} one:"
    " the windows stop before the last positions where the kernel fits; the last window is"
    " X[H - h:H, W - w:W], so i runs over range(H - h + 1) and j over range(W - w + 1)"
)
HINT_WINDOWS_START_LATE = (
    "your output is the last {rows} x {cols} block of the right {total_rows} x {total_cols} one:"
    " the windows start late; the first is X[0:h, 0:w], and Y[i, j] comes from X[i:i + h, j:j + w]"
)
HINT_TRANSPOSED_OUTPUT = (
    "your output is the right one transposed: Y[i, j] is the window whose top-left corner is X[i, j],"
    " so Y has H - h + 1 rows and W - w + 1 columns"
)
HINT_UNFILLED = (
    "only the first {rows} x {cols} block of your {total_rows} x {total_cols} output holds the right"
    " values, and the rest is zero: the loops must visit every output position, i in"
    " range(Y.shape[0]) and j in range(Y.shape[1])"
)
HINT_FLIPPED_KERNEL = (
    "your output is the convolution (the kernel flipped in both axes); cross-correlation does not"
    " flip: Y[i, j] = (X[i:i + h, j:j + w] * K).sum()"
)
HINT_ROUNDS = (
    "your output holds whole numbers only, each within 1 of the right value: the sums were rounded"
    " or truncated, for example by an integer output tensor; build the output with the inputs'"
    " floating dtype"
)
HINT_DTYPE_FLOAT32 = (
    "a float64 input gave a float32 output: torch.zeros(shape) makes float32 whatever the input, and"
    " so does .float() on the way; allocate with torch.zeros(shape, dtype=X.dtype, device=X.device)"
    " so float64 stays float64"
)
HINT_DTYPE_INTEGER = (
    "the output has an integer dtype, which drops the fractions, whether it was allocated that way"
    " or converted at the end (.int(), .long(), .to(torch.int64)): keep the inputs' dtype all the"
    " way, allocating with torch.zeros(shape, dtype=X.dtype, device=X.device) and converting"
    " nothing on the way out"
)
HINT_DTYPE_FLOAT64 = (
    "the output is float64 whatever the inputs are (a .double() or dtype=torch.float64 on the way):"
    " compute in the inputs' dtype, so float32 in gives float32 out"
)
HINT_DTYPE = "allocate the output with the inputs' dtype: torch.zeros(shape, dtype=X.dtype, ...)"
HINT_DEVICE = (
    "the output is not on the input's device: a tensor made without device= (torch.zeros(shape),"
    " torch.tensor(...), a NumPy round trip) lives on the CPU whatever device X is on; pass"
    " device=X.device, so a CUDA input gives a CUDA output (on the meta device, used to check this"
    " without a GPU, copying into a CPU tensor fails with 'Cannot copy out of meta tensor; no data!')"
)
HINT_NOT_DIFFERENTIABLE = (
    "the result does not require grad, so no gradient reaches X and K: build it with torch"
    " operations on X and K (no .item(), .tolist(), NumPy or .detach() on the way)"
)
HINT_DETACHED = (
    "no gradient reached {name}: it was detached, copied out of torch (.item(), .tolist(), NumPy) or"
    " not used on the way; use {name} itself in the torch operations that compute the result"
)
HINT_INPLACE = (
    "corr2d changed its input in place (an in-place op such as +=, mul_ or writing into a view of"
    " X): allocate a new output tensor and leave X and K as they were"
)
HINT_INPLACE_GRAPH = (
    "backward() found a tensor it needed changed in place (an in-place op such as +=, /=, mul_ or"
    " writing into a view of X or K): compute into a new tensor and leave X and K as they were"
)
HINT_INPLACE_LEAF = (
    "corr2d raised during the call itself, before any backward() ran: with X and K requiring grad,"
    " autograd refuses an in-place op (such as +=, /=, sub_ or a write into a slice) on a tensor"
    " that requires grad and was computed from no other, as X and K are, or on a view of one;"
    " compute into a new tensor and leave X and K as they were"
)
HINT_INPLACE_REFUSED = (
    "corr2d raised during the call itself, before any backward() ran: autograd refused an in-place"
    " op (such as +=, /=, mul_ or a write into a slice) there; compute into a new tensor instead"
)

DEVICE_RAISED = "corr2d works on the CPU but failed with inputs on the {device} device: {detail}"
DEVICE_NOT_IMPLEMENTED = (
    "it raised NotImplementedError ('Cannot copy out of meta tensor; no data!'), which torch raises"
    " when a value is copied out of a tensor: into a tensor made on another device (torch.zeros(shape)"
    " without device=), or into Python or NumPy (.tolist(), .cpu(), .numpy())"
)
HINT_DEVICE_META = (
    "on the meta device (how this is checked without a GPU) a tensor has no values to copy out:"
    " make the output with device=X.device and compute it with torch operations on X and K, with no"
    " .item(), .tolist(), .cpu() or NumPy on the way"
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
    "your corr2d does not agree with torch's conv2d on this input (its value, gradient or device;"
    " see the corr2d checks), and Conv2D's output is not corr2d(x, weight) + bias either: fix"
    " corr2d first, then compare forward with corr2d(x, self.weight) + self.bias"
)
HINT_LAYER_MAY_USE_CORR2D = (
    "your corr2d does not agree with torch's conv2d on this input (its value, gradient or device;"
    " see the corr2d checks): if Conv2D runs it, fix corr2d first"
)
LAYER_WAITS_FOR_CORR2D = (
    "Conv2D raised NotImplementedError, and corr2d, which it is meant to run, is not implemented"
    " yet (it raises NotImplementedError): implement corr2d first, then this check judges Conv2D"
)
NOT_A_MODULE = "Conv2D(kernel_size) made a {type}, not an nn.Module"
NOT_REGISTERED = "Conv2D has no parameter named {name!r} (self.{name} is a {kind})"
BIAS_SIZE = "Conv2D's bias has {numel} elements; expected 1"
LAYER_CANNOT_SET = (
    "Conv2D((3, 2)) cannot be judged: it has no {name} tensor to set the check's values into"
    " (self.{name} is a {kind})"
)
LAYER_CANNOT_SET_SIZE = (
    "Conv2D((3, 2)) cannot be judged: its {name} has {numel} elements where the check sets"
    " {expected}, so the layer does not compute with the check's values"
)
LAYER_NOT_DIFFERENTIABLE = "Conv2D's output.sum().backward() did not run: {detail}"
LAYER_NO_GRADIENT = "after output.sum().backward(), Conv2D's {name}.grad is None"

# --- edge detection ---------------------------------------------------------------------------
HINT_IMAGE_SHAPE = "the image has 6 rows (height) and 8 columns (width): torch.ones((6, 8))"
HINT_IMAGE_INVERTED = "white is 1 and black is 0: start from torch.ones((6, 8)) and blacken columns 2:6"
HINT_IMAGE_VALUES = (
    "your image has the book's pattern in other values ({white} for white, {black} for black): in"
    " the book white is 1 and black is 0"
)
HINT_IMAGE_COLUMNS = (
    "the middle four columns are black: X[:, 2:6] = 0 (columns 2, 3, 4 and 5, counting from 0)"
)
HINT_KERNEL_2D = (
    "corr2d takes a 2-D kernel of h rows and w columns: write it as a 1 x 2 matrix,"
    " torch.tensor([[1.0, -1.0]])"
)
HINT_KERNEL_TOO_LARGE = (
    "edge_kernel() returns the kernel itself, a small matrix such as the book's 1 x 2 one, not an"
    " image or a response"
)
HINT_SIGNS_SWAPPED = (
    "the signs are swapped: cross-correlation computes X[i, j] * K[0, 0] + X[i, j + 1] * K[0, 1],"
    " so white (1) then black (0) gives K[0, 0]; [[1, -1]] makes that edge +1"
)
HINT_HORIZONTAL_KERNEL = (
    "[1, -1] differences horizontally adjacent pixels, so it finds vertical edges (the columns"
    " where the colour changes); a kernel [[1], [-1]] differences vertically and finds horizontal"
    " edges instead"
)
HINT_KERNEL_SUM = (
    "your kernel's taps sum to {total}, not 0, so it responds to flat regions as well as to edges:"
    " an edge detector's taps cancel on a constant image, as [1, -1]'s do"
)
KERNEL_NOT_2D = "edge_kernel() returned a {dims}-D tensor of shape {shape}; a kernel for corr2d is 2-D"
KERNEL_EMPTY = "edge_kernel() returned an empty tensor of shape {shape}: a kernel needs at least one tap"
KERNEL_TOO_LARGE = (
    "edge_kernel() returned a {rows} x {cols} tensor, which cannot be applied: the 6 x 8 image and"
    " its 8 x 6 transpose only hold kernels of at most {side} x {side}"
)

# --- learning a kernel ------------------------------------------------------------------------
HINT_KERNEL_SHAPE = (
    "return the kernel with shape kernel_size, e.g. conv2d.weight.detach().reshape(kernel_size),"
    " not nn.Conv2d's 4-D (1, 1, h, w) weight"
)
HINT_KERNEL_RESHAPE = (
    "the kernel has the {numel} elements of a {kernel_size} kernel in another shape: return it with"
    " .reshape(kernel_size)"
)
HINT_KERNEL_SIZE_IGNORED = (
    "learn_kernel was asked for a kernel of shape {kernel_size} and returned one with a different"
    " number of elements: build the layer with the kernel_size it is given,"
    " nn.Conv2d(1, 1, kernel_size, bias=False), and learn the kernel from X and Y"
)
HINT_NOT_CONVERGED = (
    "after {steps} steps of learning rate {lr}, plain gradient descent on the squared error summed"
    " over all outputs is within 0.1 of [[1, -1]]: run exactly steps steps, each subtracting"
    " lr * weight.grad from the layer's weight under torch.no_grad(), and zero the gradient every step"
)
HINT_NOT_CONVERGED_RANDOM = (
    "on this random image, {steps} steps of plain gradient descent at learning rate {lr} on the"
    " squared error summed over all outputs recover the {kernel_size} kernel that made Y to within"
    " 0.1: learn from the X, Y, kernel_size, lr and steps given, nothing fixed to the book's data"
)
HINT_LEARN_DEVICE = (
    "train on X's device and return the kernel there (a CUDA X gives a CUDA kernel): build the layer"
    " with nn.Conv2d(1, 1, kernel_size, bias=False, device=X.device), or a kernel with"
    " torch.rand(kernel_size, device=X.device), and do not move X, Y or the result to the CPU"
)

# What learn_kernel's steps are, read from the kernels it returns after 1, 2 and 3 steps (the same
# start each time: the probe seeds torch before every call), by checks/learning_steps.py. Each
# rule's sentence starts from that evidence; {call} shows the calls, which the student never chose.
RULE_ASCENT = (
    "the kernels that {call} returns for steps = 1, 2 and 3 move up the gradient of the squared error:"
    " each step adds lr * weight.grad, and gradient descent subtracts it, weight -= lr * weight.grad"
)
RULE_SCALED = (
    "the kernels that {call} returns for steps = 1, 2 and 3 move {ratio:.3g} times as far per step as"
    " lr * weight.grad of the squared error summed over all outputs: step by the learning rate"
    " given, on that loss, ((Y_hat - Y) ** 2).sum(), neither scaled nor averaged"
)
RULE_MEAN = (
    "the kernels that {call} returns for steps = 1, 2 and 3 move 1/{outputs} as far per step as"
    " lr * weight.grad of the squared error summed over all outputs, as the mean over the {outputs}"
    " outputs makes them: the learning rate given is meant for the sum, ((Y_hat - Y) ** 2).sum()"
)
RULE_NORM = (
    "the kernels that {call} returns for steps = 1, 2 and 3 follow the gradient of a norm, the square"
    " root of the squared error (torch.norm(Y_hat - Y), or .sqrt() of its sum or of its mean): that"
    " gradient is the squared error's divided by twice the root, so the steps do not shrink with the"
    " error the way the learning rate given assumes; minimise the squared error itself,"
    " ((Y_hat - Y) ** 2).sum()"
)
RULE_BIAS_TRAINED = (
    "the kernels that {call} returns for steps = 1, 2 and 3 move as those of a layer that trains a bias"
    " along with the kernel (nn.Conv2d has one unless bias=False): the kernel to learn has no bias,"
    " so build the layer with bias=False; a trained bias also adds a direction in which the"
    " learning rate given can overshoot"
)
RULE_BIAS_FIXED = (
    "the kernels that {call} returns for steps = 1, 2 and 3 move as those of a layer that adds a bias it"
    " never updates (nn.Conv2d has one unless bias=False), so the kernel learns to make up for that"
    " bias: build the layer with bias=False"
)
RULE_NOT_ZEROED = (
    "the kernels that {call} returns for steps = 1, 2 and 3 show each step adding the gradients of all"
    " the steps before it: backward() adds to .grad, so zero it every step (conv2d.zero_grad(), or"
    " weight.grad.zero_())"
)
RULE_SAME = (
    "the kernels that {call} returns for steps = 1, 2 and 3 are the same, so steps changes nothing: the"
    " update does not reach the layer's own weight (write it in place under torch.no_grad(),"
    " conv2d.weight -= lr * conv2d.weight.grad, not into a copy), or the loop does not run steps"
    " times, or the kernel returned is not the one trained"
)
HINT_DIVERGES = "the error grows from the first steps, so the training diverges: {cause}"
HINT_DIVERGES_CAUSES = (
    "the error grows from the first steps, so the training diverges. The usual causes, most likely"
    " first: steps too large for this problem's curvature (a learning rate other than the one given,"
    " or a loss scaled up); a bias trained along with the kernel (build the layer with bias=False);"
    " a loss that is a norm, the square root of the squared error. Larger steps, or more of them,"
    " make it worse"
)
HINT_NOT_MONOTONE = (
    "the error does not fall at every one of these numbers of steps: the usual causes are a gradient"
    " not zeroed every step (backward() adds to .grad) and steps too large for this problem's"
    " curvature"
)
HINT_LOSS_NOT_FINITE = (
    "a kernel learn_kernel returns holds NaN or infinity, so its error cannot be measured: print the"
    " kernel and the loss at every step to find where they stop being finite (a division by zero,"
    " the gradient of a square root at zero, a start that is not finite)"
)
LOSS_NOT_DECREASING = (
    "the squared error of the kernels that {call} returns on {data} does not decrease as steps"
    " grows: {losses}"
)
#: A call the student did not choose the arguments of, and what it raised or returned.
CALLED_AS = "when called as {call} on {data}, {message}"
BOOK_DATA = "the book's data"
RANDOM_DATA = "random data"
