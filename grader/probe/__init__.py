"""The probe: the only code of the grader that goes into the student's kernel.

``service`` listens on a Jupyter comm and runs the requested ``operations`` against the student's
namespace; ``wire`` is the data format both sides speak (JSON plus raw tensor bytes). In the kernel
these files are loaded by path, never imported as ``grader.probe``, so they use the standard
library and torch only (a test enforces it). This package's ``__init__`` is the grader side's view.
"""

from __future__ import annotations

from grader.probe.service import BOOTSTRAP, COMM_TARGET, PROBE_FILE, PROBE_PATH_VARIABLE

__all__ = ["BOOTSTRAP", "COMM_TARGET", "PROBE_FILE", "PROBE_PATH_VARIABLE"]
