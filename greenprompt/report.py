"""Rendering for people: the ranked table, the frontier chart and the live progress bar."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from greenprompt import units
from greenprompt.document import energy_method
from greenprompt.records import Generation, RunResult


def _method_line(result: RunResult) -> str:
    method = energy_method(result)
    c = result.energy.constants
    if method == "estimated":
        return (
            f"Energy: estimated (no hardware energy counters here) = CPU time x {c['cpu_w_per_thread']:g} W/thread "
            f"+ wall time x {c['ram_w']:.2g} W model memory; W/thread: {c['cpu_w_source']}"
        )
    return f"Energy: {method}. {result.energy.description}"


def results_table(result: RunResult) -> Table:
    """Fits 80 columns: n is in the header line, the error column appears only when needed."""
    show_errors = any(v.errors for v in result.variants)
    table = Table(
        title="Variants ranked on quality vs carbon (rank 1 = Pareto frontier)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        caption="★ frontier ◆ knee ✔ greenest meeting --min-quality; means per query",
        caption_justify="left",
    )
    width = min(max(len(v.name) for v in result.variants), 24)
    table.add_column("rank", justify="right")
    table.add_column("", no_wrap=True, min_width=1)
    table.add_column("variant", overflow="fold", min_width=width)
    table.add_column("quality", justify="right", no_wrap=True)
    if show_errors:
        table.add_column("errors", justify="right", no_wrap=True)
    for header in ("tok in", "tok out", "energy", "CO2e", "latency"):
        table.add_column(header, justify="right", no_wrap=True)
    for v in result.variants:
        marks = ("★" if v.on_frontier else "") + ("◆" if v.knee else "") + ("✔" if v.name == result.recommended else "")
        cells = [str(v.pareto_rank), marks, v.name, f"{v.quality:.3f}"]
        if show_errors:
            cells.append(f"{v.errors}/{v.n}")
        cells += [
            f"{v.prompt_tokens:.1f}",
            f"{v.completion_tokens:.1f}",
            units.energy(v.energy_j),
            units.carbon(v.gco2e),
            units.duration(v.latency_s),
        ]
        table.add_row(*cells, style="bold green" if v.on_frontier else None)
    return table


def frontier_chart(result: RunResult, width: int = 80, height: int = 16) -> str:
    """Terminal scatter plot of quality vs mgCO2e/query: each variant drawn as the digit of
    its table position, the frontier joined by a line, and a legend naming the digits."""
    import plotext as plt

    points = [(i, v) for i, v in enumerate(result.variants, 1) if v.gco2e is not None]
    if not points:
        return "(no carbon figures to plot)"
    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    xs = [v.gco2e * 1e3 for _, v in points]
    pad = (max(xs) - min(xs)) * 0.08 or max(xs) * 0.1 or 1e-9
    plt.xlim(min(xs) - pad, max(xs) + pad)
    plt.ylim(0, 1)
    front = sorted((v for _, v in points if v.on_frontier), key=lambda v: v.gco2e)
    if len(front) > 1:
        plt.plot([v.gco2e * 1e3 for v in front], [v.quality for v in front], marker="dot", label="frontier")
    for i, v in points:
        plt.scatter([v.gco2e * 1e3], [v.quality], marker=str(i % 10))
    plt.xlabel("mgCO2e per query (left is greener)")
    plt.ylabel("quality")
    plt.title("quality vs carbon")
    legend = "   ".join(f"{i % 10} {v.name}" for i, v in points)
    return plt.uncolorize(plt.build()) + "\n" + legend


def print_report(result: RunResult, console: Console) -> None:
    """The full human-readable report."""
    m = result.model
    ds = result.dataset
    header = [
        f"Model: {m.name} ({m.quantization or 'unknown quantization'}, {m.size_bytes / 1e6:.0f} MB, "
        f"sha256 {m.sha256[:12]}), {result.mode} mode, serving: {result.serving} (no KV-cache reuse between requests)",
        f"Dataset: {ds.path} ({len(ds.items)} items, target '{ds.target_column}'); scorer: {result.scorer}",
        _method_line(result),
        f"Carbon: {result.carbon.g_per_kwh:g} gCO2e/kWh ({result.carbon.source}), PUE {result.carbon.pue:g}",
    ]
    for line in header:
        console.print(Text(line, style="dim"))
    console.print(results_table(result))
    console.print(Text(frontier_chart(result, width=min(console.width, 100))), no_wrap=True, overflow="crop")
    if result.min_quality is not None:
        if result.recommended:
            console.print(
                f"Enough is enough: the greenest variant with quality ≥ {result.min_quality:g} is [bold]{result.recommended}[/]."
            )
        else:
            console.print(f"Enough is enough: no variant reaches quality ≥ {result.min_quality:g}.")
    total_j = sum(g.energy_j or 0.0 for g in result.generations)
    total_g = sum(g.gco2e or 0.0 for g in result.generations)
    console.print(
        f"{len(result.generations)} generations, {units.energy(total_j)}, {units.carbon(total_g)} CO2e in total "
        f"({energy_method(result)}); run {units.duration(result.wall_s)}, id {result.run_id}"
    )
    if result.interrupted:
        console.print("[yellow]Interrupted: figures cover only the generations that finished.[/]")


class ProgressDisplay:
    """A progress bar with ETA and running energy on stderr; silent when disabled."""

    def __init__(self, console: Console, enabled: bool):
        self._enabled = enabled
        self._energy_j = 0.0
        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[energy]}"),
            console=console,
            transient=True,
            disable=not enabled,
        )
        self._task = None

    def __enter__(self) -> "ProgressDisplay":
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def __call__(self, gen: Generation, done: int, total: int) -> None:
        if not self._enabled:
            return
        self._energy_j += gen.energy_j or 0.0
        if self._task is None:
            self._task = self._progress.add_task("generating", total=total, energy="")
        self._progress.update(self._task, completed=done, energy=f"{units.energy(self._energy_j)} so far")
