"""Every sentence the grading core says to a student, as constants tests can import.

Exercise-specific hints live with their pack (``exercises/<pack>/hints.py``). Each message is one
line: the verdict first, then what to do.
"""

NOT_IMPLEMENTED = "{name} is not implemented yet (it raises NotImplementedError)"
NOT_ANSWERED = "{name} is not implemented yet (it is still None): set it to one of {choices}"
HINT_NOT_ANSWERED = "set {name} in its answer cell (the question above it lists the choices): {choices}"
WRONG_ANSWER_TYPE = "{name} is {got}; expected one of {choices}"
STUDENT_RAISED = "{name} raised {type}: {message}"
#: A check's location, attributed to the function the line is in (which may be a helper).
IN_FUNCTION = "{where}, in {function}"
MISSING_NAME = "{name} is not defined{where}"
HINT_MISSING_NAME = "define {name} with exactly this name at the top level of your notebook or module"
NOT_CALLABLE = "{name} is a {type}, not a function or class"
WRONG_RETURN = "{name} returned {got}; expected {expected}"
HINT_RETURN_TENSOR = (
    "return a plain torch.Tensor (not a list, a NumPy array or a tensor subclass): "
    "build the result with torch operations"
)
NO_ATTRIBUTE = "{name}'s instance has no attribute {attribute!r} (it is a {type}); the check sets it"
TOO_LARGE = "{name} returned a result too large to check: {detail}"
CALL_TIMEOUT = "{name} did not finish within {seconds:g} s and was stopped"
HINT_TIMEOUT = "look for an infinite loop, or a loop far longer than the input needs"
KERNEL_DIED = "the kernel died while running {name} (os._exit, a crash or out of memory); it was restarted"
MALFORMED = "the kernel sent a malformed reply while running {name}; it was restarted"
QUARANTINED = "{name} was not called again: in an earlier check, {reason}"
TOO_MANY_BAD_CELLS = (
    "{count} cells hung or killed the kernel; fix them (each is listed when you run it in Jupyter)"
    " and submit again"
)
PROBE_BROKE = "the kernel gave no usable answer for {name}: {detail}"
SKIPPED_NO_CUDA = "CUDA is not available on this machine"
SKIPPED_NOT_REQUESTED = "not requested (--device {device})"
NOT_GRADED = "not graded: {reason}"
CELL_TIMEOUT = "{where} did not finish within {seconds:g} s and was stopped; grading went on without it"
CELL_DIED = "{where} killed the kernel ({detail}); grading went on without it"
GAVE_UP = "not run: the kernel had to be replaced {count} times, so grading stopped calling into it"
INTERNAL = "internal error in the grader ({detail}); this is our bug, not yours: please report it"

# --- a check that counts only alongside others (Check.requires): a property beside a right value ---
REQUIRES_NOT_PASSED = (
    "not counted: {required} must pass first; this check holds on its own, but it pays out only"
    " alongside a correct value"
)
REQUIRED_CHECK = "{id}{device} ({title})"
REQUIRED_JOIN = " and "

# --- hostile but legal submissions: NUL bytes, exit requests, a silenced probe, the time budget ---
NUL_BYTE = (
    "{where}: the code contains a NUL byte (\\x00), and Python cannot run source code with null"
    " bytes; delete it (it often comes from pasting out of a PDF or a binary file) and save again"
)
CELL_EXITED = (
    "{where} asked the kernel to exit (exit() or quit()), which ends the kernel; grading went on"
    " without it: remove the call"
)
CELL_SYSTEM_EXIT = (
    "{where} asked the kernel to exit (sys.exit() or raise SystemExit); the kernel kept running"
    " and grading went on without the rest of that cell: remove the call"
)
PROBE_SILENCED = (
    "the kernel stopped answering the grader's requests (code in the submission replaced or"
    " blocked the grader's probe inside the kernel), so no more calls were made"
)
PROBE_UNANSWERED = (
    "the kernel never answered the grader's request for {name} (code in the submission replaced or"
    " blocked the grader's probe inside the kernel); it was restarted"
)
HINT_PROBE_SILENCED = "remove code that changes the kernel's comms or the grader's probe module"
BUDGET_SPENT = "the submission's time budget of {seconds:g} s ran out, so no more calls were made"
BUDGET_SPENT_DURING = (
    "{name} was stopped when the submission's time budget of {seconds:g} s ran out; no more calls"
    " were made"
)
BUDGET_SPENT_IN_CELLS = (
    "the submission's time budget of {seconds:g} s ran out while its cells ran; make the slow"
    " cells faster"
)
HINT_BUDGET = "make the slow cells and functions faster: the whole submission shares one time budget"
