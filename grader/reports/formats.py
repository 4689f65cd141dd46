"""Which report formats exist and how a file name picks one; free of jinja2 and torch, so the
command line can offer them without loading any renderer."""

from __future__ import annotations

from pathlib import Path

#: Report formats: one HTML page, GitHub Markdown, the terminal text, the result JSON.
FORMATS: tuple[str, ...] = ("html", "md", "txt", "json")
EXTENSIONS: dict[str, str] = {
    ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".txt": "txt", ".json": "json",
}


def format_for(path: str | Path) -> str | None:
    """The report format a file name asks for by its extension, or None if it names none."""
    return EXTENSIONS.get(Path(path).suffix.lower())
