"""Every sentence the front ends (``grader`` CLI and the pytest plugin) say, as importable constants.

The help and the refusals of grading options (``--seed``, ``--grade-seed``, ``grade_seed``) live in
the option table, ``grader.options``, so every front end says the same. Report wording lives in
``grader/reports/templates`` instead.
"""

from __future__ import annotations

# --- help texts ----------------------------------------------------------------------------------
HELP_DESCRIPTION = "Grade a submission for the 'Convolutions for Images' exercises."
HELP_CHECK = "grade one submission (.ipynb or .py) and print its score"
HELP_LIST = "list the exercises and checks of the pack, with their points"
HELP_EXPORT = (
    "write a graded class from its gradebook, without grading again: the grades CSV, Canvas's"
    " gradebook import, Gradescope's results.json per student, each student's reports, or the class"
    " dashboard"
)
HELP_GRADEBOOK = "the gradebook a batch wrote (DIR/gradebook.sqlite)"
HELP_BATCH = (
    "grade a whole class: folders, globs and zip archives as an LMS downloads them, N at a time,"
    " each result committed to DIR/gradebook.sqlite as it is graded; run it again to resume"
)
HELP_SOURCES = (
    "submission files, folders, globs or .zip downloads (Canvas, Moodle, Gradescope, GitHub Classroom)"
)
HELP_BATCH_OUT = "where the gradebook, the extracted archives and the exports go"
HELP_ROSTER = "a CSV of the class (id, name, email, section): students without a submission show as missing"
DEFAULT_ROSTER = "none: the class is whoever submitted"
HELP_JOBS = "how many submissions to grade at once, each in its own kernel"
DEFAULT_JOBS = "the number of cores"
HELP_REGRADE = "grade every submission again, even those the gradebook has for this grader and seed"
DEFAULT_REGRADE = "off: only what is not graded yet"
BAD_JOBS = "--jobs {jobs}: grade at least 1 submission at a time"
UNRECOGNISED = "not a submission, left out: {path}"
UNRECOGNISED_ARCHIVE = (
    "an archive inside a folder or an archive is not opened, left out: {path}; give it to grader batch"
    " as a source of its own"
)
NOTHING_FOUND = "no submission (.ipynb or .py) found in the sources given; name the class's folder or zip"
BATCH_START = "grading {todo} of {total} submissions, {jobs} at a time ({skipped} already in the gradebook)"
BATCH_LINE = "{student}: {status} {score} ({seconds:.1f} s)"
BATCH_RATE = "{rate:.1f}/min"
BATCH_NOT_CLEAN = "{count} not graded cleanly"
BATCH_INTERRUPTED = "stopped; what was graded is kept. Resume with: {command}"
BATCH_SUMMARY = (
    "graded {graded}, missing {missing}, unusable {unusable}, timed out {timeout},"
    " not graded yet {ungraded};"
    " mean {mean}, median {median}; {unrecognised} files not submissions, {rejected} refused."
    " Gradebook: {gradebook} (grader export {gradebook} --format csv|canvas|gradescope|reports|dashboard)"
)
HELP_EXPORT_FORMAT = "what to write"
HELP_EXPORT_OUTPUT = "the file (csv, canvas) or folder (gradescope, reports) to write"
HELP_ASSIGNMENT = "the assignment's column name in Canvas (canvas only)"
NO_GRADEBOOK = "{path}: no such gradebook; grade the class first with: grader batch SOURCE... --out DIR"
EXPORTED = "wrote {what} for {count} students to {path}"
UNGRADED_IN_EXPORT = (
    "not graded yet, so exported without a score: the latest submission of {count} of the class"
    " (a batch was stopped before it); resume with: {command}"
)
HELP_SUBMISSION = "the notebook (.ipynb) or module (.py) to grade"
HELP_JSON = "also write the result as JSON to this file ('-' for standard output)"
HELP_NO_COLOR = "never colour the summary (the NO_COLOR environment variable does the same)"
HELP_REPORT = (
    "also write a report to this file, in the format its extension names "
    "(.html, .md, .txt, .json) unless --format says otherwise"
)
HELP_FORMAT = (
    "the report's format: html (one page with pictures), md (GitHub Markdown), "
    "txt (the terminal summary) or json (the result)"
)
HELP_REPORT_COMMAND = "render a result saved by 'grader check --json' again, in any report format"
HELP_RESULT = "a result JSON written by 'grader check --json'"
HELP_OUTPUT = "write the report to this file"
HELP_GRADE = "grade this submission and report one test per check per device"
HELP_GRADE_FROM = (
    "build the test outcomes from a result JSON written by 'grader check --json' "
    "instead of grading again (needs --grade too)"
)

# --- where a refused option value came from (grader.options.BAD_VALUE places it) ------------------
NOT_ACCEPTED = "{value} is {reason}"
SOURCE_COMMAND_LINE = "command line"
SOURCE_CONFIG_FILE = "in {path}"
SOURCE_CONFIGURATION = "in the configuration"
SETTING_FLAG = "{flag}={value}"
SETTING_OVERRIDE = "-o {name}={value}"
SETTING_INI = "{name} = {value}"

# --- one-line outcomes ----------------------------------------------------------------------------
ERROR_LINE = "error: {message}"
NO_SUCH_FILE = "{path}: no such file; check the path you gave"
CANNOT_WRITE = "cannot write {path}: {reason}"
CANNOT_READ_RESULT = "cannot read the result {path}: {reason}"
NOT_JSON = "not valid JSON ({detail})"
NOT_UTF8 = "not UTF-8 text"
NOT_A_RESULT = "not a grading result ({detail})"
MISSING_FIELD = "no {name!r}"
UNKNOWN_REPORT_FORMAT = (
    "cannot tell the report format from {path}: name it .html, .md, .txt or .json, or add --format"
)
FORMAT_NEEDS_REPORT = "--format needs --report OUT, the file to write the report to"
REPORT_WRITTEN = "report written to {path}"
PACK_BROKEN = "the exercise pack is broken: {message}; tell your course staff"
INTERNAL_ERROR = "internal error in the grader: {type}: {message}; please report it"
INTERRUPTED = "interrupted"
GRADE_FROM_NEEDS_GRADE = "--grade-from needs --grade SUBMISSION (the file the result belongs to)"
NO_RESULT_FOR_CHECK = (
    "no result for this check in the grading result; it was probably made with another "
    "version of the exercise pack: grade the submission again"
)
SKIPPED = "skipped"
#: A bonus check that did not pass: reported as an expected failure, so it never fails the run.
BONUS_NOT_EARNED = "bonus, not earned ({status}; a bonus never fails the run): {message}"
SUMMARY_TITLE = "grade: {name}"
SUMMARY_TITLE_CRASHED = "grade"

# --- marker descriptions registered with pytest ---------------------------------------------------
MARKER_GPU = "gpu: the CUDA variant of a check; skipped where CUDA is absent"
MARKER_HIDDEN = "hidden: a check the course keeps hidden from students until grading"

# -- the course's configuration (grader.frontends.config) -------------------------------------------
CONFIG_UNREADABLE = "cannot read the course's configuration {path}: {reason}"
CONFIG_UNKNOWN_KEY = "unknown setting {key!r} in {path}; the settings are {known}"

# -- grader stub ---------------------------------------------------------------------------------------
HELP_STUB = "write the exercise pack's stub notebook (or module) to fill in, into the current folder"
HELP_MODULE = "write the stub as a Python module (.py, percent-format cells) instead of a notebook"
HELP_STUB_OUTPUT = "write it to this file"
HELP_FORCE = "replace a file that is already there"
STUB_EXISTS = "{path} already exists; name another file with -o, or add --force to replace it"
STUB_WRITTEN = "wrote {path}: fill it in, then grade it with: grader check {quoted}"
STUB_UNREADABLE = "its stub {path} cannot be read: {reason}"
