"""What ``grader --help`` and each command's ``--help`` say beyond ``grader.frontends.messages``.

Every argument's help ends with its default, said the one way ``grader.options.with_default`` says
it: the option table's options carry theirs (``Option.help_text``), and these are the defaults of
the arguments only the command line has. A course can change the table's defaults for its students
(``grader.frontends.config``), so the commands that read the course's configuration say so below
their options.
"""

from __future__ import annotations

DEFAULT_JSON = "not written"
DEFAULT_REPORT = "not written"
DEFAULT_CHECK_FORMAT = "the one the --report file's extension names"
DEFAULT_REPORT_FORMAT = "the one the -o file's extension names, else txt"
DEFAULT_NO_COLOR = "colour only when the summary goes to a terminal"
DEFAULT_MODULE = "off: a notebook is written"
DEFAULT_FORCE = "off: an existing file is kept and nothing is written"
DEFAULT_OUTPUT = "standard output"
DEFAULT_STUB_OUTPUT = "the pack's name, e.g. conv_layer.ipynb, here"

EPILOG = "Each command's options and their defaults: grader COMMAND --help."
EPILOG_COURSE = (
    "The defaults above are the grader's. A course can set its own ({keys}) in [tool.grader] of a"
    " pyproject.toml, or in a grader.toml, in the current folder or the nearest folder above it;"
    " the command line still wins."
)
