"""Naming a hint: which of the pack's hint templates a hint given to a student was filled from.

A check fills its hint with the student's own figures ("for this 6 x 8 input and 2 x 3 kernel,
5 x 6"), so the same misconception reads differently for every student. The class dashboard and
the gradebook count misconceptions, not sentences: each hint is matched, on the grader's side and
after grading, against the templates the pack declares (``Pack.hint_modules``) and the grader's
own hints (``grader.messages.HINT_*``), and is known by the template's name
(``hints.HINT_OUTPUT_SIZE``).

Matching rather than tagging at the source keeps the pack author's surface unchanged (a check
raises with ``hint=hints.HINT_X.format(...)``) and works on results already stored. The matcher
is linear in the hint's length: a template's fixed pieces are found left to right with
``str.find`` (the leftmost place of each is the one that leaves the most room for the rest), so a
long hint, which may quote a student's values, costs no more than reading it, where a regular
expression of lazy groups would backtrack polynomially.
"""

from __future__ import annotations

import functools
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
#: Hints longer than this are matched but not remembered: the cache holds short texts only.
CACHED_TEXT_CHARS = 4096
_CACHE_ENTRIES = 4096


@dataclass(frozen=True)
class Hint:
    """A hint's template: ``id`` is ``module.NAME`` ("" for a hint no template gives), ``label`` the
    template with its blanks shown as ``BLANK`` (the hint itself when no template gives it)."""

    id: str
    label: str


@dataclass(frozen=True)
class _Template:
    name: str
    #: The fixed text around the fields: one more piece than there are fields.
    pieces: tuple[str, ...]
    label: str

    @property
    def literal(self) -> int:
        return sum(len(piece.strip()) for piece in self.pieces)

    def matches(self, text: str) -> bool:
        """Whether ``text`` is this template filled in, or that followed by more text (a hint with
        a sentence added after it names the template it starts with)."""
        first, *middle, last = self.pieces if len(self.pieces) > 1 else (*self.pieces, "")
        if not text.startswith(first):
            return False
        at = len(first)
        for piece in middle:
            found = text.find(piece, at)
            if found < 0:
                return False
            at = found + len(piece)
        return text.find(last, at) >= 0


class HintCatalog:
    """The templates of one pack, matched against hints, most fixed text first."""

    def __init__(self, templates: Mapping[str, str]) -> None:
        parsed = (_parse(name, template) for name, template in templates.items())
        self._templates = sorted((t for t in parsed if t is not None and t.literal >= MIN_LITERAL_CHARS),
                                 key=lambda t: (-t.literal, t.name))
        self._cache: dict[str, Hint] = {}

    def identify(self, text: str) -> Hint:
        """The most specific template ``text`` was filled from, or ``Hint("", text)``."""
        known = self._cache.get(text)
        if known is not None:
            return known
        found = next((Hint(t.name, t.label) for t in self._templates if t.matches(text)), Hint("", text))
        if len(text) <= CACHED_TEXT_CHARS:
            if len(self._cache) >= _CACHE_ENTRIES:
                self._cache.clear()
            self._cache[text] = found
        return found

    def id_of(self, text: str) -> str | None:
        """The template's name, or None for a hint no template gives."""
        return self.identify(text).id or None


def hint_catalog(pack: Pack) -> HintCatalog:
    """The catalog of ``pack``'s hint modules and the grader's own hints (built once a process)."""
    return _catalog(pack.hint_modules)


@functools.cache
def _catalog(modules: tuple[str, ...]) -> HintCatalog:
    own = {name: text for name, text in templates_of([messages]).items()
           if name.split(".", 1)[1].startswith("HINT_")}
    return HintCatalog({**own, **templates_of(import_module(name) for name in modules)})


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


def _parse(name: str, template: str) -> _Template | None:
    """The template's fixed pieces and label; None when the text is no format template (a stray
    brace)."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return None
    pieces, label = [""], []
    for text, field, _, _ in parts:
        pieces[-1] += text
        label.append(text)
        if field is not None:
            pieces.append("")
            label.append(BLANK)
    return _Template(name, tuple(pieces), "".join(label))
