"""A class graded by ``grader batch --jobs N`` against a shell loop of ``grader check``, in one run.

    python benchmarks/bench_batch.py [--class-size 40] [--jobs 2] [--rss-size 0]

Builds one class of modules (the solution, the stub, and the solution with each wrong variant of
tests/fixtures/variants appended, repeated up to the class size), then times, side by side on the
same files: ``grader batch CLASS --jobs N`` and a loop of ``grader check FILE`` one after another
(what an instructor without a batch command writes). Prints submissions per minute for each and the
ratio. With ``--rss-size M`` it also grades a class of M and samples the batch process's resident
memory as it goes: the grader's own memory must stay flat however many it has graded (kernels are
separate processes and are not counted). Target (issue 12): the batch at least 1.6x the loop on 2
cores. Run by hand on an idle machine; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADER = [sys.executable, "-m", "grader"]


def build_class(folder: Path, size: int) -> list[Path]:
    """``size`` submissions, one folder per student, cycling through the solution, the stub and
    the wrong variants."""
    sys.path.insert(0, str(ROOT))
    from exercises.conv_layer import PACK
    from tests.pack_support import VARIANTS, solution_code_cells

    solution = solution_code_cells()
    sources = [PACK.solution_module.read_text(), PACK.stub_module.read_text()]
    sources += [f"{solution}# %%\n{p.read_text()}" for p in sorted(VARIANTS.rglob("*.py"))]
    paths = []
    for n in range(size):
        path = folder / f"student{n:04d}" / "conv.py"
        path.parent.mkdir(parents=True)
        path.write_text(sources[n % len(sources)])
        paths.append(path)
    return paths


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=False, capture_output=True)
    return time.perf_counter() - started


def rss_samples(argv: list[str], every: float = 0.5) -> list[tuple[float, int]]:
    """Run ``argv`` and sample its resident memory (kB) from /proc until it exits."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: list[tuple[float, int]] = []
    started = time.perf_counter()

    def sample() -> None:
        while process.poll() is None:
            try:
                status = Path(f"/proc/{process.pid}/status").read_text()
            except OSError:
                break
            rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
            samples.append((time.perf_counter() - started, rss))
            time.sleep(every)

    watcher = threading.Thread(target=sample)
    watcher.start()
    process.wait()
    watcher.join()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rss-size", type=int, default=0, help="also sample memory over a class this big")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp) / "class"
        paths = build_class(folder, args.class_size)
        common = ["--device", "cpu"]
        batch = timed([*GRADER, "batch", str(folder), "--out", str(Path(tmp) / "out"),
                       "--jobs", str(args.jobs), *common])
        loop = sum(timed([*GRADER, "check", str(p), *common]) for p in paths)
        n = len(paths)
        print(f"{n} submissions: batch --jobs {args.jobs} {batch:.1f} s ({60 * n / batch:.1f}/min),"
              f" check loop {loop:.1f} s ({60 * n / loop:.1f}/min); batch / loop = {loop / batch:.2f}x"
              " (target >= 1.6)")
        if args.rss_size:
            big = Path(tmp) / "big"
            build_class(big, args.rss_size)
            samples = rss_samples([*GRADER, "batch", str(big), "--out", str(Path(tmp) / "out-big"),
                                   "--jobs", str(args.jobs), *common])
            if samples:
                quarters = [samples[min(len(samples) - 1, len(samples) * q // 4)] for q in (1, 2, 3, 4)]
                shown = ", ".join(f"{t:.0f} s: {kb / 1024:.0f} MiB" for t, kb in quarters)
                print(f"{args.rss_size} submissions, the batch process's RSS at each quarter: {shown}")


if __name__ == "__main__":
    main()
