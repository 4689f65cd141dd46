"""Naming a hint: which of the pack's hint templates a hint given to a student was filled from.

A check fills its hint with the student's own figures ("for this 6 x 8 input and 2 x 3 kernel,
5 x 6"), so the same misconception reads differently for every student. The class dashboard and
the gradebook count misconceptions, not sentences: each hint is matched, on the grader's side and
after grading, against the templates the pack declares (``Pack.hint_modules``) and the grader's
own (``grader.messages``), and is known by the template's name (``hints.HINT_OUTPUT_SIZE``).

Matching rather than tagging at the source keeps the pack author's surface unchanged (a check
raises with ``hint=hints.HINT_X.format(...)``) and works on results already stored.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from grader import messages
from grader.catalog.model import Pack

#: What a template's blanks read as where the class's hints are shown together.
BLANK = "…"
#: A template with less fixed text than this ("{x}") would match any hint: it names none.
MIN_LITERAL_CHARS = 12


@dataclass(frozen=True)
class Hint:
    """A hint's template: ``id`` is ``module.NAME`` ("" for a hint no template gives), ``label`` the
    template with its blanks shown as ``BLANK`` (the hint itself when no template gives it)."""

    id: str
    label: str


class HintCatalog:
    """The templates of one pack, matched against hints; ``identify`` is cached per text."""

    def __init__(self, templates: Mapping[str, str]) -> None:
        self._patterns: list[tuple[int, str, re.Pattern[str], str]] = []
        for name, template in templates.items():
            parsed = _parse(template)
            if parsed is None:
                continue
            literal, pattern, label = parsed
            if literal >= MIN_LITERAL_CHARS:
                self._patterns.append((literal, name, pattern, label))
        # Most fixed text first: the first full match is the most specific template.
        self._patterns.sort(key=lambda entry: (-entry[0], entry[1]))
        self.identify = functools.lru_cache(maxsize=4096)(self._identify)

    def _identify(self, text: str) -> Hint:
        for _, name, pattern, label in self._patterns:
            if pattern.fullmatch(text):
                return Hint(name, label)
        # A hint may be a template with a sentence added after it ("; a lowering in another
        # dtype ..."): the template it starts with names it.
        for _, name, pattern, label in self._patterns:
            if pattern.match(text):
                return Hint(name, label + BLANK)
        return Hint("", text)

    def id_of(self, text: str) -> str | None:
        """The template's name, or None for a hint no template gives."""
        return self.identify(text).id or None


def hint_catalog(pack: Pack) -> HintCatalog:
    """The catalog of ``pack``'s hint modules and the grader's own messages (built once a process)."""
    return _catalog(pack.hint_modules)


@functools.cache
def _catalog(modules: tuple[str, ...]) -> HintCatalog:
    return HintCatalog(templates_of([messages, *(import_module(name) for name in modules)]))


def templates_of(modules: Iterable[ModuleType]) -> dict[str, str]:
    """Every upper-case string constant of ``modules``, as ``module.NAME`` (the module's last part),
    and each string of an upper-case dict of them (one hint per case) as ``module.NAME.key``."""
    found: dict[str, str] = {}
    for module in modules:
        short = module.__name__.rsplit(".", 1)[-1]
        for name, value in vars(module).items():
            if not name.isupper():
                continue
            if isinstance(value, str):
                found[f"{short}.{name}"] = value
            elif isinstance(value, dict):
                found.update({f"{short}.{name}.{key}": text for key, text in value.items()
                              if isinstance(key, str) and isinstance(text, str)})
    return found


def _parse(template: str) -> tuple[int, re.Pattern[str], str] | None:
    """(fixed characters, the pattern a filled template matches, its label); None when the text is
    no format template (a stray brace)."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return None
    regex, label, literal = [], [], 0
    for text, field, _, _ in parts:
        regex.append(re.escape(text))
        label.append(text)
        literal += len(text.strip())
        if field is not None:
            regex.append("(.+?)")
            label.append(BLANK)
    return literal, re.compile("".join(regex), re.DOTALL), "".join(label)
