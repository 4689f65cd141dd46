"""A percent-format text as a notebook, byte for byte the same on every run."""

from __future__ import annotations

from grader.authoring.stubs import CHECK, DEMO
from grader.submission.cells import split_percent

CHECK_TAG = "check"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def to_notebook(text: str, *, pack_id: str, source: str) -> str:
    """A percent-format text as an nbformat 4 notebook (JSON text), without outputs.

    Cell ids derive from the cell's position, demo cells carry the tag ``demo`` and
    ``grader.check`` cells the tag ``check``, so the bytes depend on the text alone.
    """
    import nbformat

    cells = []
    for index, cell in enumerate(split_percent(text)):
        cell_id = f"cell-{index:02d}"
        if cell.kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(cell.source, id=cell_id))
            continue
        metadata = ({"tags": [DEMO]} if cell.header == DEMO
                    else {"tags": [CHECK_TAG]} if CHECK.match(cell.header) else {})
        cells.append(
            nbformat.v4.new_code_cell(cell.source.rstrip("\n"), id=cell_id, metadata=metadata)
        )
    notebook = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "grader": {"pack": pack_id, "generated_from": source},
        },
    )
    nbformat.validate(notebook)
    return str(nbformat.writes(notebook, version=4)) + "\n"
