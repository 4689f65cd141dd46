"""Naming hints after the template they were filled from: one misconception, one name, whatever
figures each student's hint holds; and every hint the fixtures draw has a name."""

from __future__ import annotations

import json
import string
import types
from importlib import import_module

import pytest

from exercises.conv_layer import PACK, hints, hints_kernels, hints_matmul
from grader import messages
from grader.catalog.hints import BLANK, MIN_LITERAL_CHARS, Hint, HintCatalog, hint_catalog, templates_of
from grader.reports.dashboard_stats import class_stats
from grader.results.cohort import ClassEntry, Student
from tests.test_report_cases import check, result
from tests.verdicts import GOLDEN

CATALOG = hint_catalog(PACK)
CATALOG_TEMPLATES = templates_of(import_module(m) for m in PACK.hint_modules)


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_when_one_template_is_filled_with_different_figures_then_both_hints_have_its_name() -> None:
    small = hints.HINT_OUTPUT_SIZE.format(H=6, W=8, h=2, w=3, rows=5, cols=6)
    large = hints.HINT_OUTPUT_SIZE.format(H=60, W=80, h=4, w=4, rows=57, cols=77)
    assert small != large
    assert CATALOG.identify(small) == CATALOG.identify(large) == Hint(
        "hints.HINT_OUTPUT_SIZE", hints.HINT_OUTPUT_SIZE.replace("{H}", BLANK).replace("{W}", BLANK)
        .replace("{h}", BLANK).replace("{w}", BLANK).replace("{rows}", BLANK).replace("{cols}", BLANK))


def test_when_a_hint_is_a_template_with_a_sentence_after_it_then_the_template_names_it() -> None:
    text = hints_matmul.HINT_DTYPE["float32"].format(name="im2col", source="X") + (
        hints_matmul.WHY_LOWERING_DTYPE)
    assert CATALOG.id_of(text) == "hints_matmul.HINT_DTYPE.float32"
    assert CATALOG.id_of(messages.HINT_BUDGET) == "messages.HINT_BUDGET"  # the grader's own hints too


@pytest.mark.parametrize("value", ["7", "", "a value, with words: 3 x 4; and more"])
def test_when_any_template_is_filled_then_the_hint_names_that_template(value: str) -> None:
    for name, template in CATALOG_TEMPLATES.items():
        parts = list(string.Formatter().parse(template))
        if sum(len(text.strip()) for text, *_ in parts) < MIN_LITERAL_CHARS:
            continue
        text = "".join(literal + ("" if field is None else value) for literal, field, _, _ in parts)
        assert CATALOG.id_of(text) == name, (name, text[:80])


def test_when_a_template_is_followed_by_another_then_the_first_names_it_not_a_generic_one() -> None:
    template = hints_kernels.HINT_SECOND_SHAPE
    specific = template.format(**dict.fromkeys(_fields(template), "1"))
    assert CATALOG.id_of(specific + "; " + messages.HINT_BUDGET) == "hints_kernels.HINT_SECOND_SHAPE"
    assert CATALOG.id_of(messages.WRONG_RETURN.format(name="f", got="1", expected="2")) is None  # no hint


def test_when_a_hint_is_long_and_adversarial_then_it_is_named_in_one_reading() -> None:
    # A regular expression of lazy groups backtracks on this for minutes; pieces found left to
    # right read it once.
    template = max(CATALOG_TEMPLATES.values(), key=lambda t: len(_fields(t)))
    text = (" " * 50_000).join(piece for piece, *_ in string.Formatter().parse(template)) + "x"
    CATALOG.identify(text)
    CATALOG.identify("ab cd, " * 15_000)


def test_when_a_hint_comes_from_no_template_then_it_has_no_name_and_stands_for_itself() -> None:
    assert CATALOG.identify("a hint a course wrote by hand") == Hint("", "a hint a course wrote by hand")
    assert CATALOG.id_of("a hint a course wrote by hand") is None


def test_when_a_template_has_almost_no_fixed_text_or_a_stray_brace_then_it_names_nothing() -> None:
    module = types.ModuleType("made.up")
    module.ANYTHING = "{value}"  # type: ignore[attr-defined]
    module.BROKEN = "a brace { that is no field, long enough to count"  # type: ignore[attr-defined]
    module.lower_case = "not a constant: {x} is never a template"  # type: ignore[attr-defined]
    catalog = HintCatalog(templates_of([module]))
    assert set(templates_of([module])) == {"up.ANYTHING", "up.BROKEN"}
    assert catalog.id_of("whatever the student was told") is None
    assert catalog.id_of("a brace { that is no field, long enough to count") is None


def test_when_every_fixture_is_graded_then_every_hint_it_draws_has_a_name() -> None:
    golden = json.loads(GOLDEN.read_text())
    drawn = {verdict[3] for verdicts in golden.values() for verdict in verdicts.values() if verdict[3]}
    unnamed = sorted(text for text in drawn if CATALOG.id_of(text) is None)
    assert not unnamed, f"hints in no module of PACK.hint_modules: {unnamed[:3]}"
    assert len({CATALOG.id_of(text) for text in drawn}) < len(drawn)  # figures no longer split them


def test_when_the_dashboard_counts_misconceptions_then_figures_do_not_split_one() -> None:
    def student(name: str, H: int) -> ClassEntry:
        hint = hints.HINT_OUTPUT_SIZE.format(H=H, W=8, h=2, w=3, rows=H - 1, cols=6)
        return ClassEntry(Student(name), "graded", result([check("failed", hint=hint)]))

    entries = [student("ana", 6), student("ben", 9)]
    dtype = hints_matmul.HINT_DTYPE["float32"].format(name="im2col", source="X")
    entries += [ClassEntry(Student(name), "graded", result([check("failed", hint=text)]))
                for name, text in (("cy", dtype), ("di", dtype + hints_matmul.WHY_LOWERING_DTYPE))]
    assert len(class_stats(entries).hints) == 4  # as written: four sentences
    size, dtypes = class_stats(entries, identify=CATALOG.identify).hints
    assert (size.id, [s.id for s in size.students]) == ("hints.HINT_OUTPUT_SIZE", ["ana", "ben"])
    assert (dtypes.id, [s.id for s in dtypes.students]) == ("hints_matmul.HINT_DTYPE.float32", ["cy", "di"])
    assert BLANK in size.text
