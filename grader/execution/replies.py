"""What the kernel sends back, read defensively: its messages, its errors, its printed output.

Once student code runs, everything from the kernel is untrusted input: messages are decoded with
bounded JSON, nbclient keeps only error outputs, and a cell's error is reduced to what a student
needs (name, message, line, a trimmed traceback).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from grader.results.model import CellError
from grader.submission import CodeCell, Submission

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_LINE = re.compile(r"(?:Cell In\s*\[\d*\]|<cell[^>]*>|File [^,]+),\s*line (\d+)")
MAX_TRACEBACK_LINES = 40
#: The most the kernel may send in one message frame: ZMQ drops a larger one before we read it
#: (set on the client's own context: the manager's is not the one its sockets come from).
MAX_MESSAGE_BYTES = 64 * 2**20
MAX_JSON_PART = MAX_MESSAGE_BYTES


def safe_unpack(data: bytes | str) -> Any:
    """JSON with bounds, for everything the kernel sends once student code runs.

    jupyter_client's default (orjson where installed) crashed the grader process on 200,000 nested
    brackets; the standard library raises RecursionError instead, which we turn into ValueError.
    """
    if len(data) > MAX_JSON_PART:
        raise ValueError(f"a message part of {len(data)} bytes")
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("a message nested too deeply") from None


@functools.cache
def errors_only_client() -> type:
    """An nbclient that keeps a cell's error output and drops everything else it prints.

    nbclient holds every output of a cell until the cell ends, so a print loop would grow the
    grader's memory without bound; grading needs only the error, and the kernel's stream is
    not evidence of anything.
    """
    from nbclient import NotebookClient

    class ErrorsOnlyClient(NotebookClient):
        def output(self, outs: Any, msg: dict[str, Any], display_id: Any, cell_index: int) -> Any:
            if msg.get("msg_type") != "error":
                return None
            return super().output(outs, msg, display_id, cell_index)

    return ErrorsOnlyClient


def asked_to_exit(execute_reply: Any) -> bool:
    """Whether a cell's execute reply carries IPython's exit request (``exit()``, ``quit()``).

    The kernel ends itself a moment after sending it, so the death would otherwise be blamed on
    whatever the grader asks next. ``exit(keep_kernel=True)`` leaves the kernel running: no request.
    """
    content = execute_reply.get("content") if isinstance(execute_reply, Mapping) else None
    payload = content.get("payload") if isinstance(content, Mapping) else None
    return isinstance(payload, list) and any(
        isinstance(item, Mapping) and item.get("source") == "ask_exit" and not item.get("keepkernel")
        for item in payload
    )


def cell_error(submission: Submission, cell: CodeCell, error: Mapping[str, Any]) -> CellError:
    lines = [ANSI.sub("", line) for line in error.get("traceback", [])]
    text = "\n".join(lines)
    found = CELL_LINE.findall(text)
    trimmed = text.splitlines()
    if len(trimmed) > MAX_TRACEBACK_LINES:
        trimmed = [*trimmed[:5], "...", *trimmed[-(MAX_TRACEBACK_LINES - 6):]]
    line = int(found[-1]) if found else None
    return CellError(
        cell=cell.number,
        kind="raised",
        ename=str(error.get("ename", "")),
        evalue=str(error.get("evalue", ""))[:2000],
        line=line,
        traceback="\n".join(trimmed),
        location=submission.where(cell.number, line),
    )
