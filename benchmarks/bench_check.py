"""How much grading adds to simply running the notebook: times three commands in one run.

    python benchmarks/bench_check.py [NOTEBOOK] [--repeat N]

1. ``python -c "import torch"``: the floor any grading of torch code pays;
2. a bare nbclient execution of the notebook (what nbmake-style tools do);
3. ``grader check NOTEBOOK --device cpu``: load, execute, every check, the summary;
4. with ``--baseline-python PY``: the same ``grader check`` run by another installation's
   interpreter (an older checkout's venv), to measure a change side by side in one run.

The commands alternate so that machine noise hits them alike; medians are reported with the
ratios. Target: grading at most 1.3x the bare execution. Run by hand; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = (
    "import sys, nbformat, nbclient; nb = nbformat.read(sys.argv[1], as_version=4);"
    " nbclient.NotebookClient(nb, kernel_name='python3', timeout=600).execute()"
)


def commands(notebook: Path, baseline: str | None = None) -> dict[str, list[str]]:
    def check(python: str) -> list[str]:
        return [python, "-m", "grader", "check", str(notebook), "--device", "cpu", "--no-color"]

    runs = {
        "import torch": [sys.executable, "-c", "import torch"],
        "bare nbclient": [sys.executable, "-c", BARE, str(notebook)],
        "grader check": check(sys.executable),
    }
    if baseline is not None:
        runs["baseline check"] = check(baseline)
    return runs


def time_once(command: list[str]) -> float:
    started = time.perf_counter()
    # From a neutral folder: `python -m grader` in a checkout would import that checkout's grader.
    done = subprocess.run(command, capture_output=True, text=True, cwd=tempfile.gettempdir())
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", default=str(ROOT / "solutions" / "conv_layer.ipynb"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-python", metavar="PY",
                        help="also time grader check with this interpreter (another installation)")
    args = parser.parse_args()
    runs = commands(Path(args.notebook), args.baseline_python)
    for command in runs.values():  # warm the page cache and .pyc files; not counted
        time_once(command)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, command in runs.items():
            times[name].append(time_once(command))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.notebook}, {args.repeat} runs each, medians (min-max):")
    for name, values in times.items():
        print(f"  {name:<14} {median[name]:6.2f} s  ({min(values):.2f}-{max(values):.2f})")
    bare, check, torch_import = median["bare nbclient"], median["grader check"], median["import torch"]
    print(f"grader check / bare nbclient = {check / bare:.2f}  (target <= 1.30)")
    print(f"grader check / import torch  = {check / torch_import:.2f}")
    print(f"bare nbclient / import torch = {bare / torch_import:.2f}")
    if "baseline check" in median:
        print(f"grader check / baseline check = {check / median['baseline check']:.2f}")


if __name__ == "__main__":
    main()
