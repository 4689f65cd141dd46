"""``python -m grader.authoring``: regenerate a pack's stubs and solution notebook (or ``--check``)."""

from __future__ import annotations

import sys

from grader.authoring import main

if __name__ == "__main__":
    sys.exit(main())
