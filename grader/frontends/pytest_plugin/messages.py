"""What the pytest plugin says beyond ``grader.frontends.messages``: the help and defaults of its own
options (the option table's say theirs through ``grader.options.Option.help_text``), why a
submission, a saved result or a distribution mode is refused, and the summary of several."""

from __future__ import annotations

#: Overrides ``grader.frontends.messages.HELP_GRADE``: pytest's ``--grade`` repeats and takes folders.
HELP_GRADE = (
    "grade this submission (.ipynb or .py), or every one in this folder and its subfolders, and"
    " report one test per check per device; repeat it to grade several"
)
DEFAULT_GRADE = "none: without --grade the plugin does nothing"
#: The option group's title in ``pytest --help``: where the defaults shown can be changed.
GROUP = (
    "grading a submission (conv-grader); the defaults shown are the grader's: a course's"
    " [tool.grader] in pyproject.toml or a grader.toml can change them, and the command line and"
    " the ini file win over both"
)
DEFAULT_GRADE_FROM = "none: the submission is graded again"
#: Said after ``--grade-from``'s help: which saved result it takes.
GRADE_FROM_SAME_FILE = (
    "; each submission takes the result of its very bytes (same sha256), whatever its name; repeat"
    " it for several submissions"
)
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
GRADE_FROM_NONE_OF_IT = (
    "--grade-from: none of the {count} results given is of {submission} (sha256 {actual}); " + REGRADE
)
NO_SUBMISSION_IN_FOLDER = (
    "{path}: no submission in this folder (no .ipynb or .py file outside hidden folders and"
    " __pycache__); give the folder that holds them, or the submission itself"
)
#: A pytest-xdist distribution mode that would grade one submission on several workers.
DIST_SPLITS = (
    "--dist {mode} would grade a submission on more than one worker, again on each; leave --dist"
    " out (with --grade, -n keeps each submission on one worker) or give --dist loadfile"
)
SUMMARY_TITLE_MANY = "grade: {count} submissions"
#: When some submissions were not graded (deselected, or the run stopped early).
SUMMARY_TITLE_SOME = "grade: {count} of {given} submissions"
SUMMARY_LINE = "{submission}: {total}"
