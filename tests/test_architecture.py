"""The layout's rules, enforced: the import contracts, the probe's dependencies, the pack surface.

The contracts themselves live in ``pyproject.toml`` (``[tool.importlinter]``) and are run here with
import-linter, so the README's test command checks them; the rest are rules no contract can say.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import grader.pack
from tests.pack_support import ROOT

PROBE = ROOT / "grader" / "probe"
PACK_STUB = ROOT / "exercises" / "conv_layer" / "stub.py"
#: What the pack author's surface offers. Changing it is a change to every pack's contract:
#: update this list on purpose, and say so in the changelog.
PACK_SURFACE = [
    "ANY_DEVICE",
    "TENSOR_DEVICES",
    "WRONG_RETURN",
    "CallResult",
    "Check",
    "CheckContext",
    "CheckFailed",
    "Device",
    "ExceptionValue",
    "Exercise",
    "FreeText",
    "GraderError",
    "MissingName",
    "ModuleRun",
    "NotImplementedYet",
    "OpaqueValue",
    "Pack",
    "StudentCodeError",
    "StudentRaised",
    "TensorValue",
    "WrongReturn",
    "assert_close",
    "assert_device",
    "assert_dtype",
    "assert_shape",
    "describe",
    "describe_kind",
    "tolerance",
]
MAX_MODULE_LINES = 300


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every absolute import in a file, at any depth (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_when_the_import_contracts_are_checked_then_every_one_is_kept(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    printed = capsys.readouterr().out
    assert code == 0, printed[-4000:]
    assert "0 broken" in printed


def test_when_the_probe_is_shipped_into_the_kernel_then_it_needs_only_the_stdlib_and_torch() -> None:
    allowed_grader = {"grader.probe", "grader.probe.wire", "grader.probe.operations"}
    for path in PROBE.glob("*.py"):
        if path.name == "__init__.py":  # the grader side's view of the probe, never loaded in the kernel
            continue
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top == "torch" or module in allowed_grader \
                or module == "IPython.core.getipython", f"{path.name} imports {module}"


def test_when_a_pack_is_written_then_its_only_grader_import_is_the_pack_surface() -> None:
    for path in (ROOT / "exercises").rglob("*.py"):
        grader_imports = {m for m in imported_modules(path) if m.split(".")[0] == "grader"}
        assert grader_imports <= {"grader.pack"}, f"{path.relative_to(ROOT)} imports {grader_imports}"


def test_when_the_pack_surface_is_listed_then_it_is_exactly_the_pinned_names() -> None:
    assert sorted(grader.pack.__all__) == sorted(PACK_SURFACE)
    assert all(hasattr(grader.pack, name) for name in PACK_SURFACE)


def test_when_the_grader_and_the_pack_are_laid_out_then_no_module_is_over_the_line_budget() -> None:
    generated = {PACK_STUB}  # the stub module is generated from the solution, cell for cell
    modules = [*(ROOT / "grader").rglob("*.py"), *(ROOT / "exercises").rglob("*.py")]
    too_long = {
        str(path.relative_to(ROOT)): length
        for path in modules
        if path not in generated
        and (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}
