"""Tables that fit the terminal: the columns a reader must see stay, the others move to a
table below it, so nothing is cut and the variant's name always shows.

Rich fits a table that is too wide by shrinking and then dropping columns, and on an
80-column terminal it dropped the rank and variant columns of the first report (issue 13,
item 8). Here the caller names its columns, which are essential and in which order the
others may move; the variant's column is the only one that may wrap."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

# Measuring a table against this width gives its natural (unwrapped) width.
_UNBOUNDED = 10_000


@dataclass(frozen=True)
class Column:
    """One column: its header and cells (one per row). `move` orders the columns that may go
    to the table below (1 moves first); None keeps the column in every table. `key` columns
    (the id and the name) are repeated in the table below so its rows can be read alone."""

    header: str
    cells: tuple
    justify: str = "right"
    move: int | None = None
    key: bool = False
    wrap: bool = False


@dataclass(frozen=True)
class Layout:
    """A table's title, caption and row styles, shared by the table and those below it."""

    title: str
    caption: str | None = None
    styles: tuple = field(default_factory=tuple)
    continued: str = "continued: the columns that did not fit above"


def table(title: str | None, caption: str | None = None) -> Table:
    """The report's table style: a title on the left, a rule under the header, no frame."""
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                 caption=caption, caption_justify="left")


def _build(layout: Layout, columns: list[Column], title: str | None, caption: str | None) -> Table:
    t = table(title, caption)
    for c in columns:
        t.add_column(c.header, justify=c.justify, no_wrap=not c.wrap, overflow="fold")
    n_rows = len(columns[0].cells) if columns else 0
    for i in range(n_rows):
        cells = [c.cells[i] if isinstance(c.cells[i], Text) else Text(str(c.cells[i])) for c in columns]
        t.add_row(*cells, style=layout.styles[i] if i < len(layout.styles) else None)
    return t


def _natural_width(console: Console, t: Table) -> int:
    return console.measure(t, options=console.options.update_width(_UNBOUNDED)).maximum


def fitted(console: Console, layout: Layout, columns: list[Column], width: int | None = None) -> list[Table]:
    """The table, then as many tables below it as the moved columns need, each within
    `width` (the console's by default) unless its essential columns and one other are
    wider (then the wrapping column wraps). The caption goes under the last table."""
    width = width or console.width
    kept, moved = list(columns), []
    movable = sorted((c for c in columns if c.move is not None), key=lambda c: c.move)
    while (movable and sum(not c.key for c in kept) > 1
           and _natural_width(console, _build(layout, kept, None, None)) > width):
        gone = movable.pop(0)
        kept.remove(gone)
        moved.append(gone)
    tables = [_build(layout, kept, layout.title, None if moved else layout.caption)]
    if moved:
        below = Layout(layout.continued, layout.caption, layout.styles, layout.continued)
        tables += fitted(console, below, [c for c in columns if c.key or c in moved], width)
    return tables
