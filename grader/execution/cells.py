"""Running a submission's cells in one kernel through nbclient, one cell at a time.

A cell that raises is recorded and the run goes on. A cell that outlives the cell timeout, kills
the kernel or makes it send a malformed message is recorded and ends the run, since that kernel
is no longer usable: which kernel comes next, and without which cells, is the runner's decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader import messages
from grader.execution.replies import cell_error, errors_only_client
from grader.results.model import CellError

if TYPE_CHECKING:
    from grader.execution.connection import KernelConnection
    from grader.submission import Submission


async def run_cells(
    connection: KernelConnection,
    submission: Submission,
    *,
    skip: set[int],
    errors: dict[int, CellError],
    timeout: float,
) -> int | None:
    """Run every cell not in ``skip``, recording errors (the first per cell is kept).

    Returns the number of a cell that hung or killed the kernel, or None when all ran.
    """
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notebook = nbformat.v4.new_notebook()
    client = errors_only_client()(
        notebook, timeout=int(max(1, timeout)), allow_errors=True, interrupt_on_timeout=False,
        record_timing=False,
    )
    client.kc = connection.client
    for cell in submission.cells:
        if cell.number in skip:
            continue
        node = nbformat.v4.new_code_cell(cell.source)
        notebook.cells.append(node)
        where = submission.where(cell.number, None)
        try:
            await client.async_execute_cell(node, len(notebook.cells) - 1)
        except CellTimeoutError:
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
        error = next((o for o in node.outputs if o.get("output_type") == "error"), None)
        if error is not None:
            errors.setdefault(cell.number, cell_error(submission, cell, error))
        node.outputs = []  # printed output is not needed for grading; drop it to bound memory
    return None
