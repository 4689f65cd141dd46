"""docs/conv_layer-misconceptions.md against the pack and its tests: no grading, only names.

The document's tables name hint constants (``module.NAME``) and the fixtures that reach them. Every
name must exist; every wrong-answer fixture must appear in a row; every hint the pack tests expect
(their EXPECTED tables) must appear in a hint column; and every row of exercises.md's "Known
misconceptions" table must be quoted, with its status. So removing a row, or renaming a hint or a
fixture, fails here.

The expected hints are read from the test modules' source, not imported: their tables hold the
hints as formatted strings (``hints.HINT_DETACHED.format(name="K")``, a hint with another hint as
its cause), whose constant names cannot be read back from the text. Each table is parsed with
``ast``, and every ``alias.NAME`` it reaches through the module's own helpers and constants
(``diverges``, ``BLAME_IM2COL``, ...) is resolved to the hint module the alias stands for.
"""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "conv_layer-misconceptions.md"
FIXTURES = ROOT / "tests" / "fixtures"
#: The contract, where the checkout has it beside it (not shipped with the repository).
SPEC = ROOT.parent / "shared" / "spec" / "exercises.md"

#: The header of every misconception table in the document.
HEADER = ("Answer seen", "What the grader tells them", "Hint", "Fixtures")
SECTIONS = 5
#: A hint constant as the document names it: a hint module of the pack, or the grader's own
#: sentences (grader/messages.py), then the constant.
HINT_NAME = re.compile(r"\b(hints(?:_[a-z]+)*|messages)\.([A-Z][A-Z0-9_]*)\b")
FIXTURE_NAME = re.compile(r"`([\w/]+\.py)`")
SPEC_MARK = re.compile(r"\*\*\[spec (\d+)\]\*\*")
STATUS = ("**Held**", "**Deviates**")
#: The test modules whose tables say which hint each wrong fixture's lost checks carry.
TABLE_MODULES = ("test_book_code.py", "test_pack_autograd.py", "test_pack_conv_layer.py",
                 "test_pack_diagonal.py", "test_pack_kernels.py", "test_pack_matmul.py")
TABLE_NAME = re.compile(r"^(EXPECTED|CUDA_EXPECTED|CUDA_ONLY|BOOK_LOSES\w*)$")
UNREACHED_HEADING = "## Hints no fixture reaches"


def tables() -> list[list[list[str]]]:
    """The document's misconception tables, each a list of rows of cells (header excluded)."""
    found: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in DOC.read_text().splitlines():
        if not line.startswith("|"):
            current = None
            continue
        cells = [cell.strip() for cell in line.strip().removeprefix("|").removesuffix("|").split("|")]
        if tuple(cells) == HEADER:
            current = []
            found.append(current)
        elif current is not None and not set(line) <= set("|-: "):
            current.append(cells)
    return found


def rows() -> list[list[str]]:
    return [row for table in tables() for row in table]


def named_hints(text: str) -> set[str]:
    return {f"{module}.{name}" for module, name in HINT_NAME.findall(text)}


def defined(hint: str) -> bool:
    module, name = hint.split(".")
    path = "grader.messages" if module == "messages" else f"exercises.conv_layer.{module}"
    return hasattr(importlib.import_module(path), name)


def fixture_files() -> dict[str, Path]:
    """Every fixture of a wrong or right answer by file name (names are unique across folders)."""
    paths = [*(FIXTURES / "variants").rglob("*.py"), *(FIXTURES / "book").glob("*.py")]
    by_name = {p.name: p for p in paths}
    assert len(by_name) == len(paths), "two fixtures share a file name: name them by folder here"
    return by_name


def is_accepted(path: Path) -> bool:
    """A right answer written differently (``ok_*`` in a section folder, ``*_ok_*`` at the top)."""
    return path.stem.startswith("ok_") or "_ok_" in path.stem


@cache
def expected_hints(path: Path) -> frozenset[str]:
    """The hint constants a test module's tables expect, read from its source."""
    tree = ast.parse(path.read_text())
    aliases: dict[str, str] = {}
    definitions: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                hint_module = alias.name.startswith("hints") if node.module == "exercises.conv_layer" \
                    else node.module == "grader" and alias.name == "messages"
                if hint_module:
                    aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name) and node.value is not None:
                    definitions[target.id] = node.value
        elif isinstance(node, ast.FunctionDef):
            definitions[node.name] = node
    pending = [name for name in definitions if TABLE_NAME.match(name)]
    seen, found = set(pending), set()
    while pending:
        for sub in ast.walk(definitions[pending.pop()]):
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and \
                    sub.value.id in aliases:
                found.add(f"{aliases[sub.value.id]}.{sub.attr}")
            elif isinstance(sub, ast.Name) and sub.id in definitions and sub.id not in seen:
                seen.add(sub.id)
                pending.append(sub.id)
    return frozenset(found)


def all_expected_hints() -> set[str]:
    return {hint for name in TABLE_MODULES for hint in expected_hints(ROOT / "tests" / name)}


def spec_rows() -> list[str]:
    """The "answer seen" cells of exercises.md's misconception table, in order."""
    text = SPEC.read_text().split("## Known misconceptions", 1)[1]
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [line.strip("|").split(" | ")[0].strip() for line in lines[2:]]


def normalized(text: str) -> str:
    return " ".join(text.split())


# --- the document's shape ----------------------------------------------------------------------
def test_when_the_document_is_read_then_each_section_has_one_table_of_four_columns() -> None:
    found = tables()
    assert len(found) == SECTIONS and all(found)
    assert all(len(row) == len(HEADER) for row in rows()), [row for row in rows() if len(row) != 4]
    assert [row[0] for row in rows() if not (named_hints(row[2]) and FIXTURE_NAME.search(row[3]))] == []


# --- every name it uses exists ------------------------------------------------------------------
def test_when_the_document_names_a_hint_constant_then_a_hint_module_defines_it() -> None:
    named = named_hints(DOC.read_text())
    assert len(named) > 100
    assert sorted(hint for hint in named if not defined(hint)) == []


def test_when_the_document_names_a_fixture_then_the_file_exists() -> None:
    named = {name for row in rows() for name in FIXTURE_NAME.findall(row[3])}
    assert sorted(Path(name).name for name in named if Path(name).name not in fixture_files()) == []


# --- every fixture and every expected hint has its row --------------------------------------------
def test_when_a_fixture_holds_a_wrong_answer_then_a_row_names_it() -> None:
    named = {Path(name).name for row in rows() for name in FIXTURE_NAME.findall(row[3])}
    wrong = {name for name, path in fixture_files().items() if not is_accepted(path)}
    assert sorted(wrong - named) == []


def test_when_the_pack_tests_expect_a_hint_then_a_row_names_it_in_its_hint_column() -> None:
    # Every module with tables is read: a table renamed or moved would otherwise go unnoticed.
    with_tables = sorted(p.name for p in (ROOT / "tests").glob("test_*.py") if expected_hints(p))
    assert with_tables == sorted(TABLE_MODULES)
    in_rows = {hint for row in rows() for hint in named_hints(row[2])}
    assert sorted(all_expected_hints() - in_rows) == []


def test_when_a_hint_is_listed_as_unreached_then_no_test_table_expects_it() -> None:
    text = DOC.read_text()
    assert UNREACHED_HEADING in text
    unreached = named_hints(text.split(UNREACHED_HEADING, 1)[1].split("\n## ", 1)[0])
    assert unreached and sorted(unreached & all_expected_hints()) == []


# --- the spec's table -----------------------------------------------------------------------------
def test_when_the_spec_lists_a_misconception_then_a_row_quotes_it_with_its_status() -> None:
    marked: dict[int, list[str]] = {}
    for row in rows():
        for number in SPEC_MARK.findall(row[0]):
            marked.setdefault(int(number), []).append(normalized(row[0]))
    count = len(spec_rows()) if SPEC.exists() else 15
    assert sorted(marked) == list(range(1, count + 1))
    assert all(any(status in cell for cell in cells for status in STATUS) for cells in marked.values())
    if SPEC.exists():
        for number, answer in enumerate(spec_rows(), start=1):
            assert any(normalized(answer) in cell for cell in marked[number]), (number, answer)
