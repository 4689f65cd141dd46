"""Every sentence the autograd checks (exercises.md section 2) say to a student."""

from __future__ import annotations

NOT_AN_EXCEPTION = "autograd_error() returned {got}; expected the exception object it caught"
HINT_CATCH_IT = (
    "autograd_error() raised the very error asked for instead of returning it: catch it and return"
    " it, try: ... .backward() except RuntimeError as exc: return exc"
)
HINT_RAISED_OTHER = (
    "the function should not raise: run Conv2D((1, 2)) on a 6 x 8 image, call .backward() on its"
    " output inside try/except, and return the exception caught"
)
HINT_RETURNED_NONE = (
    "autograd_error() returned None: either nothing raised (backward() on a scalar, such as"
    " output.sum(), works) or the except branch does not return what it caught; call .backward()"
    " on the layer's output itself, a matrix, and return the exception caught"
)
HINT_RETURNED_TEXT = "return the exception object itself (return exc), not its text"
HINT_RETURN_OBJECT = (
    "return the exception object that was caught (except RuntimeError as exc: return exc), not its"
    " type or another value"
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
    "PyTorch raises that error for a mistake in the calling code ({case}), not for differentiating"
    " the layer; the error asked for is the one backward() gives on the layer's non-scalar output"
)
HINT_ERROR_FROM_CORR2D = (
    "that error comes from your corr2d: called with a kernel that requires grad, as Conv2D's weight"
    " does, corr2d raises it itself (see its checks); fix corr2d, and the error asked for is the"
    " one backward() gives on the layer's non-scalar output"
)
CASE_4D = "a 4-D (1, 1, H, W) tensor fed to the 2-D corr2d"
CASE_LEAF = "an in-place update of a leaf parameter outside torch.no_grad()"
CASE_CONV2D_DIMENSIONS = (
    "an input with the wrong number of dimensions given to nn.Conv2d or F.conv2d, which take"
    " (C, H, W) or (N, C, H, W), not a 2-D image"
)
CASE_CONV2D_CHANNELS = (
    "an input whose channel dimension does not match nn.Conv2d's in_channels (the image reshaped"
    " along the wrong axis)"
)
CASE_DEVICE = "an output allocated on the CPU for a CUDA input"
HINT_ATTRIBUTE = (
    "an AttributeError says the object has no attribute of that name (a layer has no .grad, its"
    " parameters do): it is not about differentiating the layer; the error asked for is the one"
    " backward() gives on the layer's non-scalar output"
)
HINT_MXNET = (
    "'in-place operations are not supported' is MXNet's autograd, not PyTorch's; reproduce what"
    " PyTorch gives for backward() on the non-scalar output instead"
)
HINT_BUILT_OTHER = (
    "that exception was made but never raised: call .backward() on Conv2D's output inside"
    " try/except and return the exception PyTorch raises there"
)
HINT_OTHER_TORCH_ERROR = (
    "PyTorch's own code raised that error, but it is not the one backward() gives on Conv2D's"
    " (non-scalar) output: apply Conv2D((1, 2)) to a 6 x 8 image and call .backward() on that"
    " output, a matrix, with nothing else in between"
)
HINT_OTHER_ERROR = (
    "that error was raised in {where} (by a raise statement, or by an operation there), and it is"
    " not the one asked for: apply Conv2D((1, 2)) to a 6 x 8 image and call .backward() on that"
    " output, a matrix, inside try/except"
)
#: Where an exception was raised, by the module of the innermost frame of its traceback.
WHERE_YOURS = "your own code"
WHERE_MODULE = "the module {module}"
NEVER_RAISED = (
    "autograd_error() returned a {type} with the right message, but it was never raised: it was"
    " built, not caught"
)
RAISED_ELSEWHERE = (
    "autograd_error() returned a {type} with the right message, but it was raised in {where}, not"
    " by PyTorch"
)
HINT_BUILT = (
    "return the exception PyTorch raises, not one built with its message: call .backward() on"
    " Conv2D's output inside try/except and return what was caught"
)
HINT_RAISED_ELSEWHERE = (
    "let PyTorch raise it: call .backward() on Conv2D's output inside try/except and return what"
    " was caught, rather than raising a copy of its message"
)

NOT_A_PAIR = "conv2d_gradients(X, K) returned {got}; expected a pair (dX, dK) of tensors"
HINT_PAIR = "return X.grad, K.grad after corr2d(X, K).sum().backward()"
HINT_GRAD_NONE = (
    "a gradient came back as None: .grad stays None on a tensor that does not require grad, or"
    " that was not the one differentiated; make the X and K given require it"
    " (X = X.detach().clone().requires_grad_(True)), compute corr2d(X, K).sum().backward() with"
    " them, and return their .grad"
)
HINT_CORR2D_NO_GRADIENT = (
    "your corr2d lets no gradient through to {names}: called with X and K that require grad, it"
    " returns a result that {names} did not reach through torch operations (copied out of torch"
    " with .item(), .tolist() or NumPy, detached, or not used), so {names}.grad stays None however"
    " conv2d_gradients is written; fix corr2d first (its gradients_match check)"
)
#: Both inputs, as HINT_CORR2D_NO_GRADIENT names them.
BOTH_INPUTS = "X and K"
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
    "your corr2d does not agree with torch's conv2d on this input (its value, device or"
    " gradient): if conv2d_gradients differentiates it, fix corr2d first"
)
HINT_NEITHER_GRADIENTS = (
    "these are neither conv2d's gradients nor those of your own corr2d(X, K).sum(), which does not"
    " agree with conv2d either: differentiate corr2d(X, K).sum() with respect to the X and K given"
    " (fix corr2d in its own checks)"
)
ERROR_WAITS_FOR_CORR2D = (
    "autograd_error() returned the NotImplementedError of an unfilled slot: corr2d is not"
    " implemented yet (it raises NotImplementedError), and Conv2D is meant to run it; implement"
    " corr2d first, then this check judges autograd_error()"
)
GRADIENTS_WAIT_FOR_CORR2D = (
    "conv2d_gradients raised NotImplementedError, and corr2d, which it is meant to differentiate,"
    " is not implemented yet (it raises NotImplementedError): implement corr2d first, then this"
    " check judges conv2d_gradients"
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
