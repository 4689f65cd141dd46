"""Every sentence the batch's intake says (rejected sources, archives and members, a bad roster).

Each is one line, so that a summary can list them, and names the file it is about first.
"""

from __future__ import annotations

# --- sources --------------------------------------------------------------------------------------
NO_SUCH_SOURCE = "{source}: no such file or folder, and no file matches it as a pattern"
CANNOT_READ_SOURCE = "{source}: cannot be read ({reason})"

# --- archives: the whole archive --------------------------------------------------------------------
NOT_A_ZIP = "{archive}: not a readable zip archive ({reason})"
TOO_MANY_MEMBERS = "{archive}: {count} members, over the limit of {limit}; nothing extracted"
TOO_LARGE = "{archive}: would expand to {size} bytes, over the limit of {limit}; nothing extracted"
CANNOT_EXTRACT = "{archive}: extraction failed ({reason}); nothing from it is graded"

# --- archives: one member (the archive's other members are still extracted) ----------------------
MEMBER_REJECTED = "{archive}: member {member!r} rejected: {reason}"
REASON_ABSOLUTE = "an absolute path"
REASON_PARENT = "a '..' component would leave the extraction folder"
REASON_BACKSLASH = "a backslash in the name (a Windows path that unpacks elsewhere)"
REASON_DRIVE = "a drive letter in the name"
REASON_EMPTY_PART = "an empty or control character in the name"
REASON_SYMLINK = "a symbolic link"
REASON_SPECIAL = "not a regular file"
REASON_DUPLICATE = "its name appears {count} times in the archive (no copy is extracted)"
REASON_RATIO = "compression ratio {ratio:.0f} to 1, over the limit of {limit} (a zip bomb?)"
REASON_ENCRYPTED = "encrypted"
REASON_OUTSIDE = "it would be written outside the work folder"
REASON_COLLIDES = "its path runs through a file of the same archive"

# --- layouts --------------------------------------------------------------------------------------
GRADESCOPE_METADATA_UNREADABLE = "{path}: Gradescope metadata unreadable ({reason}); folders named by number"

# --- roster ---------------------------------------------------------------------------------------
ROSTER_UNREADABLE = "cannot read the roster {path}: {reason}"
ROSTER_NOT_UTF8 = "not UTF-8 text (save it from the spreadsheet as 'CSV UTF-8')"
ROSTER_EMPTY = "it has no header row"
ROSTER_NO_ID = (
    "none of its columns names a student id (looked for: {expected}); found: {found}"
)
ROSTER_DUPLICATE = "the id {id!r} appears on rows {first} and {second}"
ROSTER_TOO_LARGE = "over {limit} bytes; a class roster is far smaller"
