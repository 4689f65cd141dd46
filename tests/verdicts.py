"""Every fixture's verdicts, as a snapshot: the mechanical proof that a refactor changed no grade.

``snapshot()`` grades every submission the tests know (the solution and the stub, as module and
notebook; every wrong variant appended to the solution; every correct alternative) in-process and
keeps, per check and device, what a student would see of the verdict: status, points, message and
hint. ``tests/golden/verdicts.json`` holds the snapshot taken before the last change that was
meant to keep grades as they were; ``test_verdicts`` compares against it.

A change that is meant to change verdicts regenerates it, and the diff is the review:

    python -m tests.verdicts --update
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.pack_support import ALTERNATIVES, ROOT, VARIANTS, grade_here

GOLDEN = ROOT / "tests" / "golden" / "verdicts.json"
#: Verdict of one check on one device: [status, points, message, hint].
Verdicts = dict[str, list[Any]]


def submissions(folder: Path) -> dict[str, Path]:
    """Every fixture as a gradable file; variants are written, solution first, into ``folder``."""
    from exercises.conv_layer import PACK
    from tests.pack_support import solution_code_cells

    found = {
        "solution.py": PACK.solution_module,
        "solution.ipynb": PACK.solution_notebook,
        "stub.py": PACK.stub_module,
        "stub.ipynb": PACK.stub_notebook,
    }
    found.update({f"alternatives/{p.name}": p for p in sorted(ALTERNATIVES.glob("*.py"))})
    solution = solution_code_cells()
    for path in sorted(VARIANTS.rglob("*.py")):
        name = path.relative_to(VARIANTS).as_posix()
        built = folder / name.replace("/", "__")
        built.write_text(f"{solution}# %%\n{path.read_text()}")
        found[f"variants/{name}"] = built
    return found


def verdicts(path: Path) -> Verdicts:
    result = grade_here(path)
    verdict: Verdicts = {"": [result.error]} if result.error else {}
    verdict.update({
        c.item_id: [str(c.status), c.points, c.message, c.hint] for c in result.checks
    })
    return verdict


def snapshot() -> dict[str, Verdicts]:
    with tempfile.TemporaryDirectory(prefix="verdicts-") as folder:
        return {name: verdicts(path) for name, path in submissions(Path(folder)).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help=f"rewrite {GOLDEN.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    taken = snapshot()
    if args.update:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(taken, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        print(f"wrote {len(taken)} submissions' verdicts to {GOLDEN}")
        return 0
    golden = json.loads(GOLDEN.read_text())
    changed = sorted(k for k in golden.keys() | taken.keys() if golden.get(k) != taken.get(k))
    print("\n".join(changed) or "no verdict changed")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
