"""Every word the exports write or say: column headers, cell words, and the one-line errors.

Kept apart from the writers so that a test matches the same constant the file was written with,
and a rewording touches one place.
"""

from __future__ import annotations

# --- the grades CSV -------------------------------------------------------------------------------

#: The columns before the per-question ones; each question's column is headed by its exercise id.
CSV_LEADING: tuple[str, ...] = ("id", "name", "email", "section", "total", "maximum", "percent", "bonus")
#: The columns after the per-question ones.
CSV_TRAILING: tuple[str, ...] = ("status", "sha256", "late", "reason")
LATE_YES = "true"
LATE_NO = "false"

# --- Canvas's gradebook import --------------------------------------------------------------------

#: The student columns of Canvas's gradebook export, in the order its importer reads them.
CANVAS_COLUMNS: tuple[str, ...] = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
#: The optional second row Canvas's importer recognises: the assignment's points possible.
CANVAS_POINTS_POSSIBLE = "Points Possible"

# --- Gradescope's results.json --------------------------------------------------------------------

GRADESCOPE_TEST_NAME = "{exercise}: {check} [{device}]"
GRADESCOPE_SUMMARY = "{points}/{max_points} points"
GRADESCOPE_SUMMARY_BONUS = "{points}/{max_points} points, bonus {bonus}/{bonus_max}"
GRADESCOPE_NOT_GRADED = "not graded ({status}): {reason}"
GRADESCOPE_WHERE = "at {location}"
GRADESCOPE_HINT = "hint: {hint}"
GRADESCOPE_TAG_BONUS = "bonus"

# --- errors (one line each) -----------------------------------------------------------------------

UNWRITABLE = "cannot write {path}: {reason}"
NOT_A_FOLDER = "cannot write into {path}: it is a link or a file, not a folder"
CANVAS_NO_ASSIGNMENT = (
    "the Canvas export needs the assignment's column name: its title, or 'Title (id)' to update an "
    "existing assignment"
)
#: A guard that should never fire: safe_name let a separator through.
UNSAFE_NAME = "internal error: the file name {name!r} would leave the output folder"
