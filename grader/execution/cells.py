"""Running a submission's cells in one kernel through nbclient, one cell at a time.

A cell that raises is recorded and the run goes on. A cell that outlives the cell timeout, kills
the kernel, asks it to exit (``exit()``, ``quit()``: the kernel ends a moment after the cell) or
makes it send a malformed message is recorded and ends the run, since that kernel is no longer
usable: which kernel comes next, and without which cells, is the runner's decision.
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Any

from grader import messages
from grader.execution.replies import asked_to_exit, cell_error, errors_only_client
from grader.results.model import CellError

if TYPE_CHECKING:
    from grader.execution.connection import KernelConnection
    from grader.submission import CodeCell, Submission


class BudgetSpent(Exception):
    """The submission's time budget ran out before its cells had all run."""


async def run_cells(
    connection: KernelConnection,
    submission: Submission,
    *,
    skip: set[int],
    errors: dict[int, CellError],
    timeout: float,
    deadline: float | None = None,
) -> int | None:
    """Run every cell not in ``skip``, recording errors (the first per cell is kept).

    Returns the number of a cell that hung, killed the kernel or asked it to exit, or None when all
    ran. Raises ``BudgetSpent`` once ``deadline`` (a ``time.monotonic()`` time) has passed.
    """
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notebook = nbformat.v4.new_notebook()
    replies: list[Any] = []

    def keep_reply(execute_reply: Any, **_: Any) -> None:
        replies.append(execute_reply)

    client = errors_only_client()(
        notebook, timeout=int(max(1, timeout)), allow_errors=True, interrupt_on_timeout=False,
        record_timing=False, on_cell_executed=keep_reply,
    )
    client.kc = connection.client
    for cell in submission.cells:
        if cell.number in skip:
            continue
        # The budget shortens a cell's timeout; a cell stopped by it is not the cell's fault alone.
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise BudgetSpent
        cut = remaining is not None and remaining < timeout
        client.timeout = int(max(1, remaining if cut and remaining is not None else timeout))
        node = nbformat.v4.new_code_cell(cell.source)
        notebook.cells.append(node)
        where = submission.where(cell.number, None)
        replies.clear()
        try:
            await client.async_execute_cell(node, len(notebook.cells) - 1)
        except CellTimeoutError:
            if cut:
                raise BudgetSpent from None
            errors.setdefault(cell.number, CellError(
                cell.number, "timeout", "TimeoutError",
                messages.CELL_TIMEOUT.format(where=where, seconds=timeout), location=where))
            return cell.number
        except DeadKernelError:
            errors.setdefault(cell.number, CellError(
                cell.number, "died", "DeadKernelError",
                messages.CELL_DIED.format(where=where, detail="os._exit, a crash or out of memory"),
                location=where))
            return cell.number
        except Exception as exc:  # the kernel sent something no kernel should: drop it
            errors.setdefault(cell.number, CellError(
                cell.number, "died", type(exc).__name__,
                messages.CELL_DIED.format(where=where, detail="it sent a malformed message"),
                location=where))
            return cell.number
        if any(asked_to_exit(reply) for reply in replies):
            errors.setdefault(cell.number, CellError(
                cell.number, "died", "SystemExit", messages.CELL_EXITED.format(where=where),
                location=where))
            return cell.number
        error = next((o for o in node.outputs if o.get("output_type") == "error"), None)
        if error is not None:
            errors.setdefault(cell.number, _raised(submission, cell, error))
        node.outputs = []  # printed output is not needed for grading; drop it to bound memory
    return None


def _raised(submission: Submission, cell: CodeCell, error: Any) -> CellError:
    """A cell that raised; ``SystemExit`` (``sys.exit()``) leaves the kernel running, and says so."""
    recorded = cell_error(submission, cell, error)
    if recorded.ename != "SystemExit":
        return recorded
    where = recorded.location or submission.where(cell.number, None)
    return dataclasses.replace(recorded, evalue=messages.CELL_SYSTEM_EXIT.format(where=where))
