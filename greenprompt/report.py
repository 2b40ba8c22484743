"""Rendering for people: the ranked table, the frontier chart and the live progress bar."""

from __future__ import annotations

from rich.console import Console, Group
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
            f"Energy: estimated (no hardware energy counters on this machine): CPU time x "
            f"{c['cpu_w_per_thread']:g} W per busy thread ({c['cpu_w_source']}) + {c['ram_w']:.3g} W model memory x wall time"
        )
    return f"Energy: {method}. {result.energy.description}"


def results_table(result: RunResult) -> Table:
    table = Table(title="Prompt variants ranked on quality vs carbon (Pareto rank 1 = frontier)", title_justify="left")
    for header, justify in (
        ("rank", "right"),
        ("variant", "left"),
        ("quality", "right"),
        ("n", "right"),
        ("err", "right"),
        ("tokens in", "right"),
        ("tokens out", "right"),
        ("energy/query", "right"),
        ("CO2e/query", "right"),
        ("latency", "right"),
    ):
        table.add_column(header, justify=justify)
    for v in result.variants:
        marks = (" ★ frontier" if v.on_frontier else "") + (" ◆ knee" if v.knee else "")
        marks += " ✔ recommended" if v.name == result.recommended else ""
        table.add_row(
            str(v.pareto_rank),
            v.name + marks,
            f"{v.quality:.3f}",
            str(v.n),
            str(v.errors),
            f"{v.prompt_tokens:.1f}",
            f"{v.completion_tokens:.1f}",
            units.energy(v.energy_j),
            units.carbon(v.gco2e),
            units.duration(v.latency_s),
            style="bold green" if v.on_frontier else None,
        )
    return table


def frontier_chart(result: RunResult, width: int = 80, height: int = 18) -> str:
    """Terminal scatter plot of quality vs gCO2e/query with the frontier joined up."""
    import plotext as plt

    points = [v for v in result.variants if v.gco2e is not None]
    if not points:
        return "(no carbon figures to plot)"
    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    front = sorted((v for v in points if v.on_frontier), key=lambda v: v.gco2e)
    if len(front) > 1:
        plt.plot([v.gco2e * 1e3 for v in front], [v.quality for v in front], marker="dot", label="frontier")
    for v in points:
        plt.scatter([v.gco2e * 1e3], [v.quality], marker="★" if v.on_frontier else "●")
        plt.text(f" {v.name}", v.gco2e * 1e3, v.quality)
    plt.xlabel("mgCO2e per query (lower is greener)")
    plt.ylabel("quality")
    plt.title("quality vs carbon")
    return plt.build()


def print_report(result: RunResult, console: Console) -> None:
    """The full human-readable report."""
    m = result.model
    ds = result.dataset
    header = [
        f"Model: {m.name} ({m.quantization or 'unknown quantization'}, {m.size_bytes / 1e6:.0f} MB, sha256 {m.sha256[:12]}), {result.mode} mode",
        f"Dataset: {ds.path} ({len(ds.items)} items, target '{ds.target_column}'); scorer: {result.scorer}",
        _method_line(result),
        f"Carbon: {result.carbon.g_per_kwh:g} gCO2e/kWh ({result.carbon.source}), PUE {result.carbon.pue:g}; "
        f"serving profile: {result.serving} (no KV-cache reuse between requests)",
    ]
    console.print(Group(*(Text(line, style="dim") for line in header)))
    console.print(results_table(result))
    console.print(Text(frontier_chart(result, width=min(console.width, 100))))
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
