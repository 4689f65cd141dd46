"""How long rendering a report takes and how large it gets, per format.

    python benchmarks/bench_report.py [--repeat N]

Renders every format (html, md, txt, json) for three results: a realistic failing one (the
reference solution with the kernel-flipping corr2d of tests/fixtures/variants, graded in-process),
the reference solution itself (every check passing, pictures of the student's objects), and the
hostile worst case of the tests (megabytes of markup in every student string, 300 failing checks
with large tensors). Prints the median wall time (min-max), the median CPU time of this process
(steadier on a shared machine) and the output size. Targets: under 100 ms a report, the HTML under
2 MB. Run by hand; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.reports import render  # noqa: E402
from grader.reports.formats import FORMATS  # noqa: E402
from grader.results.model import SubmissionResult  # noqa: E402

VARIANT = ROOT / "tests" / "fixtures" / "variants" / "corr2d_flipped_kernel.py"


def graded(path: Path) -> SubmissionResult:
    """A trusted fixture graded in this process (as the pack tests grade), on the CPU."""
    from exercises.conv_layer import PACK
    from grader.execution.runner import InProcessRunner
    from grader.grading.pipeline import GradeOptions, grade

    return grade(path, pack=PACK, runner=lambda options: InProcessRunner(),
                 options=GradeOptions(device="cpu"))


def wrong_corr2d(folder: Path) -> SubmissionResult:
    from exercises.conv_layer import PACK
    from grader.submission import split_percent

    solution = "".join(f"# %%\n{cell.source}" for cell in split_percent(PACK.solution_module.read_text())
                       if cell.kind == "code" and cell.header != "demo")
    path = folder / "corr2d_flipped_kernel.py"
    path.write_text(f"{solution}# %%\n{VARIANT.read_text()}")
    return graded(path)


def time_render(result: SubmissionResult, fmt: str, repeat: int) -> tuple[list[float], list[float], int]:
    render(result, fmt)  # warm the template cache; not counted
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        text = render(result, fmt)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu, len(text.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    import tempfile

    from exercises.conv_layer import PACK
    from tests.test_report_cases import hostile

    with tempfile.TemporaryDirectory() as folder:
        cases: dict[str, Callable[[], SubmissionResult]] = {
            "failing corr2d": lambda: wrong_corr2d(Path(folder)),
            "solution": lambda: graded(PACK.solution_module),
            "hostile": hostile,
        }
        results = {name: make() for name, make in cases.items()}
    print(f"{args.repeat} renders each: wall median (min-max) ms, CPU median ms, size")
    for name, result in results.items():
        for fmt in FORMATS:
            if name == "hostile" and fmt == "json":
                continue  # the raw result, megabytes by construction: not a report
            wall, cpu, size = time_render(result, fmt, args.repeat)
            ms = [t * 1000 for t in wall]
            print(f"  {name:15} {fmt:5} {statistics.median(ms):7.1f} ({min(ms):.1f}-{max(ms):.1f}) ms"
                  f"  cpu {statistics.median(cpu) * 1000:6.1f} ms  {size / 1024:9.1f} KiB")


if __name__ == "__main__":
    main()
