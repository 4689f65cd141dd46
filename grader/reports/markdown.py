"""The Markdown report (GitHub-flavoured) for pull-request comments and job summaries.

GitHub renders HTML inside Markdown, so text that came from a result is escaped twice over: HTML
metacharacters become entities and Markdown punctuation is backslash-escaped (no student string
can open a link, an image or a heading); text shown verbatim goes in a code fence longer than any
run of backticks inside it, so it cannot close the fence. A comment holds at most 65,536
characters: whole sections are dropped from the end, with a note, to stay under ``MAX_CHARS``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from grader.reports.grids import matrix
from grader.reports.view import build

#: Below GitHub's comment limit (65,536), with room for a bot's own header.
MAX_CHARS = 60_000
_MD_PUNCT = re.compile(r"([\\`*_\[\]|~])")
_BLOCK_MARK = re.compile(r"^([#+=>-]|\d+[.)])")
_WHITESPACE = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")


def render_markdown(result: Any, *, limit: int = MAX_CHARS) -> str:
    """The report as Markdown, at most ``limit`` characters."""
    from grader.reports.environment import environment

    view = build(result, draw=False)
    macros: Any = environment().get_template("report.md.j2").make_module(
        {"view": view, "result": view.result, "md": md, "md_block": md_block, "code": code,
         "html": html_text, "fence": fence, "matrix": matrix}
    )
    sections: list[Callable[[], Any]] = [partial(macros.cell_trace, v) for v in view.cell_errors if v.trace]
    sections.extend(partial(macros.card, f) for f in view.failures)
    if view.more_failures:
        sections.append(macros.more_failures)
    sections.extend(partial(macros.todo, t, i == 0) for i, t in enumerate(view.todos))
    sections.extend(partial(macros.card, f, i == 0) for i, f in enumerate(view.shown))
    sections.extend(partial(macros.answer, a, i == 0) for i, a in enumerate(view.answers))
    return _fit(str(macros.head()), sections, str(macros.tail()), limit,
                lambda left: str(macros.cut_note(left, limit)))


def _fit(head: str, sections: Sequence[Callable[[], Any]], tail: str, limit: int,
         note: Callable[[int], str]) -> str:
    """Head and tail always; sections in order while they fit, then a note saying how many were
    left out. Sections are rendered only until one does not fit."""
    kept: list[str] = []
    used = len(head) + len(tail)
    for make in sections:
        section = str(make())
        if used + len(section) > limit:
            break
        kept.append(section)
        used += len(section)
    else:
        return head + "".join(kept) + tail
    while kept and used + len(note(len(sections) - len(kept))) > limit:
        used -= len(kept.pop())
    cut = note(len(sections) - len(kept))
    text = head + "".join(kept) + cut + tail
    if len(text) > limit:  # only a pathological head gets here: cut it and say so
        text = text[: max(0, limit - len(cut) - len(tail))] + cut + tail
    return text


def md(value: Any) -> str:
    """Text from a result, safe as inline Markdown inside GitHub's HTML-aware renderer."""
    text = html.escape(_WHITESPACE.sub(" ", str(value)).strip(), quote=False)
    return _no_mention(_MD_PUNCT.sub(r"\\\1", text))


def md_block(value: Any) -> str:
    """Like ``md``, for text that starts a line: a leading ``#``, ``-`` or ``1.`` stays text."""
    return _BLOCK_MARK.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], md(value))


def code(value: Any) -> str:
    """Inline code: backslashes mean nothing there, so only the backtick run needs care."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    ticks = "`" * (max((len(m) for m in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def html_text(value: Any) -> str:
    """Text inside an HTML block (``<summary>``), where Markdown is not parsed: entities only."""
    return _no_mention(html.escape(_WHITESPACE.sub(" ", str(value)).strip(), quote=True))


def fence(text: Any, info: str = "text") -> str:
    """``text`` in a fenced code block that nothing inside it can close."""
    body = str(text)
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body.rstrip()}\n{ticks}"


def _no_mention(text: str) -> str:
    """No notifications and no autolinks from a student's text (a word joiner breaks both)."""
    return text.replace("@", "@\u2060").replace("://", ":\u2060//").replace("www.", "www\u2060.")
