"""The terminal chart: a unique label per point (as the table's id column), never over a
point, the legend whole within the width; intervals of 100% and more read as percentages."""

import dataclasses
import io
import re

import pytest
from rich.console import Console

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.outputs import units
from greenprompt.outputs.terminal import frontier_chart, print_report
from greenprompt.records import VariantStats, VariantSummary
from greenprompt.records.config import Config

from conftest import EXAMPLE
from fakes import FixedBackend, SourcedMeter


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    store = tmp_path_factory.mktemp("chart") / "runs.db"
    return run_comparison(Config(prompts=str(EXAMPLE), limit=2, bootstrap=0, no_cache=True, store=str(store)),
                          executor=LocalExecutor(FixedBackend, SourcedMeter))


def variant(name: str, quality: float, mg: float, front: bool = False, ci: tuple | None = None) -> VariantSummary:
    stats = VariantStats((quality, quality), None, ci, 1.0) if ci else None
    return VariantSummary(name, quality, 4, 0, 10.0, 1.0, 10.0, 1.0, 1.0, mg / 1e3, 0.1, on_frontier=front, stats=stats)


def ids(n: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(n)]


def plot_lines(chart: str) -> list[str]:
    """The rows inside the frame, without the y axis and the right border."""
    lines = chart.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return [line[5:-1] for line in lines[top + 1:bottom]]


def test_thirty_points_get_thirty_labels_that_the_table_uses_too(result):
    # 30 variants on a diagonal, apart from one another: from the 10th on, `i % 10` repeated digits
    many = tuple(variant(f"v{i:02d}", i / 30, 1.0 + i, front=i % 5 == 0) for i in range(30))
    chart = frontier_chart(dataclasses.replace(result, variants=many), width=100, height=40)
    plot = "\n".join(plot_lines(chart))
    labels = re.findall(r"[A-Z]+", plot)
    assert sorted(labels) == sorted(ids(30)), plot
    for label, v in zip(ids(30), many):
        assert f"{label} {v.name}" in chart


def test_the_legend_is_whole_and_wraps_within_the_width(result):
    names = ("terse", "one-word", "few-shot", "explain-first", "a-much-longer-variant-name", "terse-again")
    vs = tuple(variant(name, 0.1 * i, 1.0 + i) for i, name in enumerate(names))
    chart = frontier_chart(dataclasses.replace(result, variants=vs), width=60)
    assert all(len(line) <= 60 for line in chart.splitlines()), chart
    legend = chart.split("└")[1]
    for label, name in zip(ids(len(names)), names):
        assert re.search(rf"(^|   ){label} {re.escape(name)}(   |$)", legend, re.M), (name, legend)


def test_no_label_covers_a_point_and_every_point_keeps_its_label(result):
    # a frontier from the top left corner (where plotext wrote its legend over point 1), and
    # clusters of points in one cell and in neighbouring cells
    vs = (variant("best", 1.0, 1.0, front=True), variant("mid", 0.5, 5.0, front=True),
          variant("twin-a", 0.5, 5.001), variant("twin-b", 0.5, 5.002),
          *(variant(f"row-{i}", 0.25, 6.0 + 0.1 * i) for i in range(6)), variant("worst", 0.0, 9.0, front=True))
    chart = frontier_chart(dataclasses.replace(result, variants=vs), width=60, height=16)
    plot = plot_lines(chart)
    from greenprompt.outputs.chart import POINT, _grid_position

    xs = [v.gco2e * 1e3 for v in vs]
    pad = (max(xs) - min(xs)) * 0.08
    cells = {_grid_position(v.gco2e * 1e3, v.quality, min(xs) - pad, max(xs) + pad, len(plot[0]), len(plot)) for v in vs}
    assert all(plot[r][c] == POINT for r, c in cells), "\n".join(plot)
    assert sum(line.count(POINT) for line in plot) == len(cells)
    found = re.findall(r"[A-Z]+", "\n".join(plot))
    assert sorted(found) == ids(len(vs)), "\n".join(plot)
    assert "frontier" not in "\n".join(plot)


@pytest.mark.parametrize("value, expected",
                         [(5.43, "5.4%"), (32.4, "32%"), (99.4, "99%"), (100.0, "100%"), (250.0, "250%"),
                          (1234.4, "1234%"), (0.0, "0%"), (0.05, "0.05%")])
def test_percent(value, expected):
    assert units.percent(value) == expected


def test_intervals_of_100_percent_and_more_read_as_percentages(result):
    vs = (variant("wide", 0.5, 1.0, ci=(0.0, 1e-3 * 3.5)), variant("whole", 0.6, 2.0, ci=(0.0, 4e-3)))
    console = Console(width=120, file=io.StringIO(), color_system=None)
    print_report(dataclasses.replace(result, variants=vs), console)
    text = console.file.getvalue()
    assert "1 mg ±250%" in text and "2 mg ±100%" in text, text
    assert "e+" not in text.split("Against")[0]
