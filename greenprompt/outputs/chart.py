"""The terminal chart of quality vs carbon: every variant a point, labelled beside it with its
id from the table (A, B, ... Z, AA, AB, ...), the frontier joined by dots, the legend wrapped
under the plot.

Drawn here cell by cell rather than with plotext: its markers were one character, so the
labels repeated from the tenth point (`i % 10`), its legend sat inside the plot over the
first point, and where a label may go without covering a point needs the cell grid
(issue 13, item 9)."""

from __future__ import annotations

from itertools import product
from string import ascii_uppercase

from greenprompt.records import RunResult

POINT, LINE = "•", "·"
_AXIS = 5  # "1.00┤"
_Y_TICKS = (1.0, 0.75, 0.5, 0.25, 0.0)


def point_ids(n: int) -> list[str]:
    """A, B, ..., Z, AA, AB, ...: unique, and one letter for the first 26 variants."""
    ids = []
    for i in range(n):
        label = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            label = ascii_uppercase[r] + label
        ids.append(label)
    return ids


def _grid_position(x: float, y: float, lo: float, hi: float, cols: int, rows: int) -> tuple[int, int]:
    col = round((x - lo) / (hi - lo) * (cols - 1))
    row = round((1 - min(max(y, 0.0), 1.0)) * (rows - 1))
    return row, col


def _draw_line(grid: list[list[str]], cells: list[tuple[int, int]]) -> None:
    """Dots between consecutive frontier cells, never over a point."""
    for (r0, c0), (r1, c1) in zip(cells, cells[1:]):
        steps = max(abs(r1 - r0), abs(c1 - c0))
        for s in range(1, steps):
            r, c = round(r0 + (r1 - r0) * s / steps), round(c0 + (c1 - c0) * s / steps)
            if grid[r][c] == " ":
                grid[r][c] = LINE


def _free(grid: list[list[str]], taken: set, row: int, start: int, length: int, own: tuple[int, int]) -> bool:
    """A label may go on cells holding nothing but the frontier's dots, with no point or other
    label right beside it except its own point (so '•A' can only be read one way)."""
    if not (0 <= row < len(grid) and 0 <= start and start + length <= len(grid[0])):
        return False

    def busy(c: int) -> bool:
        return (row, c) in taken or grid[row][c] == POINT

    if any(busy(c) for c in range(start, start + length)):
        return False
    beside = [c for c in (start - 1, start + length) if 0 <= c < len(grid[0]) and (row, c) != own]
    return not any(busy(c) for c in beside)


def _place(grid: list[list[str]], taken: set, cell: tuple[int, int], text: str) -> bool:
    """Write `text` beside the point at `cell`: to its right, else its left, else a row above
    or below, nearest first. False when there is no room (the legend still names it)."""
    row, col = cell
    n = len(text)
    candidates = [(row, col + 1), (row, col - n)]
    candidates += [(row + dr, col + dc) for dr, dc in product((-1, 1, -2, 2), (0, 1 - n, 1, -n))]
    for r, start in candidates:
        if _free(grid, taken, r, start, n, cell):
            for i, ch in enumerate(text):
                grid[r][start + i] = ch
                taken.add((r, start + i))
            return True
    return False


def _x_axis(lo: float, hi: float, cols: int) -> tuple[str, str]:
    """The bottom frame with ticks and the values under them (as many as fit apart)."""
    n_ticks = 5
    positions = [round(k * (cols - 1) / (n_ticks - 1)) for k in range(n_ticks)]
    frame = ["─"] * cols
    labels = [" "] * (_AXIS + cols + 1)
    end = -2
    for pos in positions:
        frame[pos] = "┬"
        text = f"{lo + (hi - lo) * pos / (cols - 1):.3g}"
        start = min(_AXIS + pos - len(text) // 2, len(labels) - len(text))
        if start >= end + 2:  # a value that would touch the previous one is left out
            labels[start:start + len(text)] = text
            end = start + len(text)
    return " " * (_AXIS - 1) + "└" + "".join(frame) + "┘", "".join(labels).rstrip()


def wrap_entries(entries: list[str], width: int, sep: str = "   ") -> list[str]:
    """Entries joined by `sep` into lines of at most `width` characters, never split (an
    entry longer than the width gets a line of its own)."""
    lines: list[str] = []
    for entry in entries:
        if lines and len(lines[-1]) + len(sep) + len(entry) <= width:
            lines[-1] += sep + entry
        else:
            lines.append(entry)
    return lines


def frontier_chart(result: RunResult, width: int = 80, height: int = 16) -> str:
    """The plot (`height` lines, `width` columns) and its legend, wrapped to `width`."""
    ids = point_ids(len(result.variants))
    points = [(ids[i], v) for i, v in enumerate(result.variants) if v.gco2e is not None]
    if not points:
        return "(no carbon figures to plot)"
    rows, cols = height - 4, width - _AXIS - 1
    xs = [v.gco2e * 1e3 for _, v in points]
    pad = (max(xs) - min(xs)) * 0.08 or max(xs) * 0.1 or 1e-9
    lo, hi = min(xs) - pad, max(xs) + pad
    grid = [[" "] * cols for _ in range(rows)]
    at: dict[tuple[int, int], list[str]] = {}
    for label, v in points:
        at.setdefault(_grid_position(v.gco2e * 1e3, v.quality, lo, hi, cols, rows), []).append(label)
    for cell in at:
        grid[cell[0]][cell[1]] = POINT
    front = sorted((v for _, v in points if v.on_frontier), key=lambda v: v.gco2e)
    _draw_line(grid, [_grid_position(v.gco2e * 1e3, v.quality, lo, hi, cols, rows) for v in front])
    taken: set = set()
    unplaced = [",".join(labels) for cell, labels in sorted(at.items(), key=lambda kv: kv[0][1])
                if not _place(grid, taken, cell, ",".join(labels))]
    tick_rows = {round((1 - q) * (rows - 1)): f"{q:.2f}" for q in _Y_TICKS}
    lines = ["quality (up) vs mgCO2e per query (along; left is greener)".center(width).rstrip(),
             " " * (_AXIS - 1) + "┌" + "─" * cols + "┐"]
    for r in range(rows):
        axis = f"{tick_rows[r]}┤" if r in tick_rows else " " * (_AXIS - 1) + "│"
        lines.append(axis + "".join(grid[r]) + "│")
    lines += list(_x_axis(lo, hi, cols))
    key = [f"{POINT} a variant, labelled with its id as in the table"]
    if len(front) > 1:
        key.append(f"{LINE} the frontier")
    if unplaced:
        key.append(f"no room beside their points for {', '.join(unplaced)}")
    legend = wrap_entries([f"{label} {v.name}" for label, v in points], width)
    return "\n".join(lines + wrap_entries(key, width) + legend)
