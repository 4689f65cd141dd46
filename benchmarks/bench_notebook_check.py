"""How long ``grader.check`` takes in a notebook: the first call, the later ones, every question.

    python benchmarks/bench_notebook_check.py [--repeat N] [--question ID]

Runs a notebook in a real Jupyter kernel (nbclient): ``import grader``, the reference solution's
code cells, then the timings, measured inside the kernel so kernel start-up is not counted:
``import grader``, the first ``grader.check(ID)`` (it imports torch and the pack's checks), the
median of N later calls (min-max), and ``grader.check()`` over every question; each call also draws
its HTML, as Jupyter does when it shows the result. Target: a later call well under a second.
Run by hand; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

IMPORT = "import time\nstarted = time.perf_counter()\nimport grader\nimported = time.perf_counter() - started"
TIMINGS = """\
import json, statistics, time
def timed(question=None):
    started = time.perf_counter()
    shown = grader.check(question)
    shown._repr_html_()
    return time.perf_counter() - started, shown
first, shown = timed({question!r})
later = [timed({question!r})[0] for _ in range({repeat})]
every, all_shown = timed()
print(json.dumps({{"import": imported, "first": first, "later": later, "every": every,
                  "points": shown.points, "max_points": shown.max_points,
                  "every_points": all_shown.points, "every_max": all_shown.max_points}}))
"""


def notebook(question: str, repeat: int) -> NotebookNode:
    import nbformat

    from grader.submission import split_percent
    from tests.pack_support import solution_code_cells

    cells = [nbformat.v4.new_code_cell(IMPORT)]
    cells += [nbformat.v4.new_code_cell(c.source) for c in split_percent(solution_code_cells())]
    cells.append(nbformat.v4.new_code_cell(TIMINGS.format(question=question, repeat=repeat)))
    book: NotebookNode = nbformat.v4.new_notebook(cells=cells)
    return book


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="later calls to time (default 10)")
    parser.add_argument("--question", default="corr2d", help="the question to check (default corr2d)")
    args = parser.parse_args()
    from nbclient import NotebookClient

    book = notebook(args.question, args.repeat)
    NotebookClient(book, timeout=600, kernel_name="python3").execute()
    printed = "".join(o.get("text", "") for o in book.cells[-1].outputs
                      if o.get("output_type") == "stream")
    times = json.loads(printed.strip().splitlines()[-1])
    later = sorted(times["later"])
    median = later[len(later) // 2]
    print(f"import grader            {1000 * times['import']:8.1f} ms")
    print(f"first check({args.question!r})  {1000 * times['first']:8.1f} ms"
          f"   ({times['points']:g}/{times['max_points']:g} points)")
    print(f"later check({args.question!r})  {1000 * median:8.1f} ms median"
          f"   ({1000 * later[0]:.1f}-{1000 * later[-1]:.1f} ms, {len(later)} calls)")
    print(f"check() every question   {1000 * times['every']:8.1f} ms"
          f"   ({times['every_points']:g}/{times['every_max']:g} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
