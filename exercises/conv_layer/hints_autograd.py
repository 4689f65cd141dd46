"""Every sentence the autograd checks (exercises.md section 2) say to a student."""

from __future__ import annotations

NOT_AN_EXCEPTION = "autograd_error() returned {got}; expected the exception object it caught"
HINT_RETURN_EXCEPTION = (
    "catch the error and return it: try: ... .backward() except RuntimeError as exc: return exc"
)
WRONG_ERROR = (
    "autograd_error() returned {type}: {message!r}, which is not the error backward() on Conv2D's"
    " (non-scalar) output raises"
)
#: The error itself, for full feedback only.
SOLUTION_ERROR = (
    "backward() on Conv2D's (non-scalar) output raises {expected_type}: {expected_message!r} with"
    " the installed PyTorch; otherwise the layer backpropagates, item assignments included (shown:"
    " weight.grad after Conv2D(X).sum().backward())"
)
HINT_NOT_AUTOGRAD = (
    "that error is real but comes from the calling code ({case}), not from differentiating the"
    " layer; the error asked for is the one autograd itself gives for backward() on the non-scalar"
    " output"
)
CASE_4D = "a 4-D (1, 1, H, W) tensor fed to the 2-D corr2d"
CASE_LEAF = "an in-place update of a leaf parameter outside torch.no_grad()"
CASE_DEVICE = "an output allocated on the CPU for a CUDA input"
CASE_ATTRIBUTE = "an attribute that does not exist, such as net.grad"
HINT_MXNET = (
    "'in-place operations are not supported' is MXNet's autograd, not PyTorch's; reproduce what"
    " PyTorch gives for backward() on the non-scalar output instead"
)
NOT_RAISED_BY_TORCH = (
    "autograd_error() returned a {type} with the right message, but PyTorch did not raise it: it was"
    " built or raised by your own code"
)
HINT_NOT_RAISED_BY_TORCH = (
    "return the exception PyTorch raised, not one you built: call .backward() on Conv2D's output"
    " inside try/except and return what was caught"
)

NOT_A_PAIR = "conv2d_gradients(X, K) returned {got}; expected a pair (dX, dK) of tensors"
HINT_PAIR = "return X.grad, K.grad after corr2d(X, K).sum().backward()"
HINT_SWAPPED = "the pair is in the wrong order: return (dX, dK), the gradient for X first"
HINT_MEAN = (
    "these are the gradients of corr2d(X, K).mean(), the sum's divided by the number of outputs:"
    " differentiate corr2d(X, K).sum()"
)
HINT_GRADIENT_DEVICE = (
    "the gradients must be on the inputs' device: do not move them with .cpu(); X.grad is already"
    " where X is"
)
HINT_USES_CORR2D = (
    "conv2d_gradients differentiates your corr2d, which does not agree with torch's conv2d on"
    " this input (its value, device or gradient): fix corr2d first"
)

WRONG_BACKPROPAGATES = (
    "answer_conv2d_backpropagates is {given}, which is not what the book's Conv2D does in PyTorch"
)
OPEN_BACKPROPAGATES = (
    "run it: build the book's Conv2D, call Conv2D(X).sum().backward() (a scalar loss) and look at"
    " weight.grad; the error of question 2 comes from somewhere else"
)
#: The truth and why, for full feedback only.
SOLUTION_BACKPROPAGATES = (
    "the book's Conv2D does backpropagate: after Conv2D(X).sum().backward() its weight and bias"
    " have gradients. {why}"
)
HINT_CANNOT_DIFFERENTIATE = (
    "it can: PyTorch records the in-place writes Y[i, j] = ... in corr2d, so a scalar loss"
    " backpropagates to weight and bias (shown); the error one sees is backward() on the"
    " non-scalar output, or MXNet's, where in-place writes did break autograd"
)
