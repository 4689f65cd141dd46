"""Every sentence the gradebook says to an instructor, as constants tests can import.

Each is one line: what is wrong with the gradebook file, then what to do.
"""

NEWER_SCHEMA = (
    "{path} is a gradebook of schema version {found}, newer than this grader's {supported}:"
    " upgrade the grader to read it, or write a new gradebook with --out"
)
NOT_A_GRADEBOOK = "{path} is not a gradebook this grader can open: {reason}"
FOREIGN_DATABASE = (
    "{path} is an SQLite database of another program (it has tables but no gradebook version):"
    " choose another --out"
)
BUSY = (
    "{path} stayed locked by another grader for {seconds:g} s (two batches writing one gradebook?):"
    " wait for the other to finish, or give this one its own --out"
)
RESULT_UNREADABLE = (
    "{path}: the result of submission {submission} cannot be read ({reason}); grade it again with --regrade"
)
