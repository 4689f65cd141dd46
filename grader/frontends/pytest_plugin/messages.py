"""What the pytest plugin says beyond ``grader.frontends.messages``: the defaults of its own options
(the option table's say theirs through ``grader.options.Option.help_text``) and why a saved result
is refused."""

from __future__ import annotations

DEFAULT_GRADE = "none: without --grade the plugin does nothing"
#: The option group's title in ``pytest --help``: where the defaults shown can be changed.
GROUP = (
    "grading a submission (conv-grader); the defaults shown are the grader's: a course's"
    " [tool.grader] in pyproject.toml or a grader.toml can change them, and the command line and"
    " the ini file win over both"
)
DEFAULT_GRADE_FROM = "none: the submission is graded again"
#: Said after ``--grade-from``'s help: which saved result it takes.
GRADE_FROM_SAME_FILE = "; it must be a result of the file --grade names, as it is now (same sha256)"
#: How many hex digits of a sha256 a message shows: enough to tell two files apart at a glance.
SHA256_SHOWN = 12
#: What to do about a result that is not the submission's; ends both refusals below.
REGRADE = "grade it again without --grade-from, or save a new result first with: {command}"
REGRADE_COMMAND = "grader check {submission} --json {result}"
GRADE_FROM_OTHER_FILE = (
    "--grade-from {result}: that result is of {graded} (sha256 {saved}), not of {submission}"
    " (sha256 {actual}); " + REGRADE
)
GRADE_FROM_CHANGED = (
    "--grade-from {result}: {submission} has changed since that result was saved (sha256 {saved}"
    " then, {actual} now); " + REGRADE
)
UNKNOWN_SHA256 = "not recorded"
SUBMISSION_UNREADABLE = "{path}: cannot be read ({reason})"
