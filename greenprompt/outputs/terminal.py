"""Rendering for people: the ranked table, the frontier chart and the live progress bar."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from greenprompt.inputs.gguf import parameter_label
from greenprompt.outputs import document, energy_lines, notices, reuse, units
from greenprompt.outputs.document import energy_method
from greenprompt.records import PREFIX_CACHE, STANDALONE, Generation, RunResult


def _pct_halfwidth(value: float | None, ci: tuple[float, float] | None) -> str:
    """'±2.1%': the larger distance from the estimate to an interval end, relative."""
    if value is None or ci is None or value == 0:
        return ""
    return f" ±{max(value - ci[0], ci[1] - value) / abs(value) * 100:.2g}%"


def _table(title: str, caption: str | None = None) -> Table:
    """The report's table style: a title on the left, a rule under the header, no frame."""
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                 caption=caption, caption_justify="left")


def results_table(result: RunResult) -> Table:
    """Ranked variants with their intervals; the error column appears only when needed."""
    show_errors = any(v.errors for v in result.variants)
    show_stats = any(v.stats for v in result.variants)
    table = _table(
        "Variants ranked on quality vs carbon (rank 1 = Pareto frontier)",
        "★ frontier ◆ knee ✔ greenest meeting --min-quality ? frontier place uncertain (p(front) < 0.5) "
        "✂ dropped by racing; means per query",
    )
    width = min(max(len(v.name) for v in result.variants), 30)
    level = f"{result.ci_level * 100:g}% CI"
    table.add_column("rank", justify="right")
    table.add_column("", no_wrap=True, min_width=1)
    table.add_column("variant", overflow="fold", min_width=width)
    table.add_column("quality", justify="right", no_wrap=True)
    if show_stats:
        table.add_column(level, justify="right", no_wrap=True)
        table.add_column("p(front)", justify="right", no_wrap=True)
    if show_errors:
        table.add_column("errors", justify="right", no_wrap=True)
    for header in ("tok in", "tok out", "energy", "CO2e", "latency"):
        table.add_column(header, justify="right", no_wrap=True)
    for v in result.variants:
        marks = "".join(
            mark
            for mark, on in (("★", v.on_frontier), ("◆", v.knee), ("✔", v.name == result.recommended), ("?", v.uncertain),
                             ("✂", v.dropped_at is not None))
            if on
        )
        cells = [str(v.pareto_rank), marks, escape(v.name), f"{v.quality:.3f}"]
        if show_stats:
            q = v.stats.quality_ci if v.stats else None
            cells += [f"{q[0]:.2f}–{q[1]:.2f}" if q else "", f"{v.stats.p_frontier:.2f}" if v.stats else ""]
        if show_errors:
            cells.append(f"{v.errors}/{v.n}")
        cells += [
            f"{v.prompt_tokens:.1f}",
            f"{v.completion_tokens:.1f}",
            units.energy(v.energy_j),
            units.carbon(v.gco2e) + _pct_halfwidth(v.gco2e, v.stats.gco2e_ci if v.stats else None),
            units.duration(v.latency_s),
        ]
        table.add_row(*cells, style="bold green" if v.on_frontier else None)
    return table


def dropped_lines(variants, confidence: float) -> list[str]:
    """One line per variant racing dropped: when, by whom, and that it is not ranked."""
    return [f"{v.name}: dropped after {v.dropped_at} items, dominated with {confidence * 100:g}% confidence by "
            f"{v.dropped_by or 'another variant'}; not ranked on the frontier (figures over those items)"
            for v in variants if v.dropped_at is not None]


def comparison_lines(result: RunResult) -> list[str]:
    """One line per variant against the baseline, paired on the same items."""
    lines = []
    for v in result.variants:
        c = v.stats.vs_baseline if v.stats else None
        if c is None:
            continue
        dq, dq_ci = c.delta_quality, c.delta_quality_ci
        carbon = "ΔCO2e n/a"
        if c.delta_gco2e_pct is not None and c.delta_gco2e_pct_ci:
            lo, hi = c.delta_gco2e_pct_ci
            carbon = f"ΔCO2e {c.delta_gco2e_pct:+.1f}% [{lo:+.1f}, {hi:+.1f}]{'' if c.significant_gco2e else ' n.s.'}"
        quality = f"Δquality {dq:+.3f} [{dq_ci[0]:+.3f}, {dq_ci[1]:+.3f}]{'' if c.significant_quality else ' n.s.'}"
        lines.append(f"  {v.name} vs {c.baseline}: {quality}; {carbon}")
    return lines


def footprint_lines(result: RunResult) -> list[str]:
    f = result.footprint
    if f is None:
        return []
    parts = ", ".join(
        f"{name} {units.energy(span.energy_j)} / {units.duration(span.wall_s)}"
        for name, span in (("model load", f.model_load), ("prefix fill", f.prefix_fill), ("generations", f.generations),
                           ("overhead", f.overhead))
        if name != "prefix fill" or result.serving == PREFIX_CACHE
    )
    lines = [
        f"Experiment footprint: {units.energy(f.total.energy_j)}, {units.carbon(f.total.gco2e)} CO2e, "
        f"{units.duration(f.total.wall_s)} ({parts})"
    ]
    if f.payback_queries is not None:
        lines.append(f"Payback: {f.payback_queries:,.0f} production queries repay this experiment ({f.payback_reason}).")
    else:
        lines.append(f"Payback: none ({f.payback_reason}).")
    return lines


def energy_model_line(result: RunResult) -> str:
    fit = result.energy_fit
    if fit is None:
        return f"Energy model: not fitted ({result.energy_fit_note})."
    if fit.warning:
        return f"Energy model: not usable ({fit.warning}; least squares over {fit.n} generations)."
    return (
        f"Energy model (least squares over {fit.n} generations, R² {fit.r2:.3f}): "
        f"{units.energy(fit.j_per_prompt_token)}/prompt token + {units.energy(fit.j_per_completion_token)}/completion token "
        f"+ {units.energy(fit.j_per_call)}/call"
    )


def projection_table(result: RunResult) -> Table | None:
    if result.volume_per_day is None and result.price_in is None and result.price_out is None:
        return None
    table = _table("Projection")
    table.add_column("variant")
    if result.volume_per_day is not None:
        table.add_column(f"kWh/year at {result.volume_per_day:,.0f}/day", justify="right")
        table.add_column("kgCO2e/year", justify="right")
    if result.price_in is not None or result.price_out is not None:
        table.add_column("cost per 1k queries", justify="right")
    for v in result.variants:
        p = v.projection
        cells = [escape(v.name)]
        if result.volume_per_day is not None:
            cells += [f"{p.annual_kwh:.3g}" if p.annual_kwh is not None else "n/a",
                      f"{p.annual_kgco2e:.3g}" if p.annual_kgco2e is not None else "n/a"]
        if p.cost_per_1k_queries is not None:
            cells.append(f"{p.cost_per_1k_queries:.4g}")
        table.add_row(*cells)
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


SERVING_MEANING = {
    STANDALONE: "every query from an empty KV cache, as one production call",
    PREFIX_CACHE: "each variant's shared prompt prefix evaluated once and its KV cache reused by every query; "
    "the per-query figures count only the rest of the prompt and the answer",
}


def serving_line(result: RunResult) -> str:
    return f"Serving: {result.serving} ({SERVING_MEANING[result.serving]})"


def serving_table(result: RunResult) -> Table:
    """Each variant's energy per query under every serving profile, side by side."""
    table = _table("Energy per query by serving profile (★ on that profile's frontier, ▼ greenest)")
    table.add_column("variant")
    for r in result.profiles:
        table.add_column(r.serving, justify="right", no_wrap=True)
        if r.serving == PREFIX_CACHE:
            table.add_column("cached tok", justify="right", no_wrap=True)
    base = result.profiles[0]
    table.add_column(f"{result.profiles[-1].serving} / {base.serving}", justify="right", no_wrap=True)
    by_profile = [{v.name: v for v in r.variants} for r in result.profiles]
    greenest = [document.greenest(r) for r in result.profiles]
    for v in result.variants:
        cells = [escape(v.name)]
        for r, summaries, green in zip(result.profiles, by_profile, greenest):
            s = summaries.get(v.name)
            marks = ("★" if s and s.on_frontier else "") + ("▼" if v.name == green else "")
            cells.append(f"{units.energy(s.energy_j if s else None)} {marks}".rstrip())
            if r.serving == PREFIX_CACHE:
                cells.append(f"{s.prefix_tokens:.0f}" if s else "")
        first, last = by_profile[0].get(v.name), by_profile[-1].get(v.name)
        ratio = last.energy_j / first.energy_j if first and last and first.energy_j and last.energy_j is not None else None
        cells.append(f"{ratio:.2f}×" if ratio is not None else "n/a")
        table.add_row(*cells)
    return table


def print_report(result: RunResult, console: Console) -> None:
    """The full human-readable report; other serving profiles follow, then a side-by-side table."""
    _print_profile(result, console)
    if result.other_servings:
        for other in result.other_servings:
            console.rule(f"serving profile: {other.serving}")
            console.print(Text(serving_line(other), style="dim"))
            console.print(results_table(other))
            for line in footprint_lines(other):
                console.print(Text(line))
            _run_line(other, console)
        console.rule("serving profiles side by side")
        console.print(serving_table(result))
        greenest = {r.serving: document.greenest(r) for r in result.profiles}
        if len(set(greenest.values())) > 1:
            console.print("The greenest variant depends on how it is served: "
                          + "; ".join(f"{name} under {profile}" for profile, name in greenest.items()) + ".")


def model_lines(result: RunResult) -> list[str]:
    """One line per model: its name in the run, what it is (parameters, quantization,
    architecture, file size, sha256) and its mode."""
    models = result.models or ()
    if not models:
        m = result.model
        return [f"Model: {m.name} ({m.quantization or 'unknown quantization'}, {m.size_bytes / 1e6:.0f} MB, "
                f"sha256 {m.sha256[:12]}), {result.mode} mode"]
    lines = []
    for run_model in models:
        m = run_model.info
        lines.append(
            f"Model {run_model.name}: {m.name} ({parameter_label(m.parameters)} {m.quantization or '?'}, "
            f"{m.architecture or '?'}, {m.size_bytes / 1e6:.0f} MB, sha256 {m.sha256[:12]}), {run_model.mode} mode"
        )
    return lines


def cascade_table(result: RunResult) -> Table | None:
    """Each cascade point: its threshold, how often it escalated, its carbon against the large model."""
    points = [v for v in result.variants if v.cascade is not None]
    if not points:
        return None
    table = _table(
        "Cascades (cost counts the small attempt, the verifier and the escalated attempts; "
        "✔ greenest threshold meeting --min-quality)"
    )
    for header in ("cascade", "rule", "escalated", "quality", "CO2e", "vs large"):
        table.add_column(header, justify="left" if header in ("cascade", "rule") else "right", no_wrap=header != "cascade")
    for v in points:
        c = v.cascade
        rule = c.rule if c.threshold is None else f"{c.rule} < {c.threshold:.3g}"
        ratio = f"{c.gco2e_vs_large:.2f}×" if c.gco2e_vs_large is not None else "n/a"
        table.add_row(f"{'✔ ' if c.calibrated_choice else ''}{escape(v.name)}", rule, f"{c.escalation_rate:.0%}",
                      f"{v.quality:.3f}", units.carbon(v.gco2e), ratio,
                      style="bold green" if c.calibrated_choice else None)
    return table


def _print_profile(result: RunResult, console: Console) -> None:
    ds = result.dataset
    header = [
        *model_lines(result),
        serving_line(result),
        f"Dataset: {ds.path} ({ds.n_items} items, target '{ds.target_column}'); scorer: {result.scorer}",
        energy_lines.method_line(result),
        f"Carbon: {result.carbon.g_per_kwh:g} gCO2e/kWh ({result.carbon.source}), PUE {result.carbon.pue:g}",
    ]
    for line in header:
        console.print(Text(line, style="dim"))
    for line in energy_lines.contention_lines(result):
        console.print(Text(line, style="yellow"))
    console.print(results_table(result))
    cascades = cascade_table(result)
    if cascades is not None:
        console.print(cascades)
    console.print(Text(frontier_chart(result, width=min(console.width, 100))), no_wrap=True, overflow="crop")
    for line in dropped_lines(result.variants, result.race_confidence):
        console.print(Text(line))
    comparisons = comparison_lines(result)
    if comparisons:
        console.print(f"Against the baseline ({result.ci_level * 100:g}% paired bootstrap intervals, {result.n_bootstrap} resamples):")
        for line in comparisons:
            console.print(Text(line))
    projection = projection_table(result)
    if projection is not None:
        console.print(projection)
    console.print(Text(energy_model_line(result), style="dim"))
    for line in footprint_lines(result):
        console.print(Text(line))
    console.print(Text(notices.chosen_line(result)))
    _run_line(result, console)


def _run_line(result: RunResult, console: Console) -> None:
    total_j = sum(g.energy_j or 0.0 for g in result.generations)
    total_g = sum(g.gco2e or 0.0 for g in result.generations)
    from_cache = reuse.cache_clause(result)
    console.print(
        f"{len(result.generations)} generations{from_cache}, {units.energy(total_j)}, {units.carbon(total_g)} CO2e in total "
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


def print_estimate(est, console: Console) -> None:
    """The `estimate` report: predicted figures, never mistaken for measured ones."""
    fit = est.calibration.fit
    model = f"{est.model.name} ({est.model.sha256[:12]})"
    console.print(Text(f"Model: {model}, {est.mode} mode; dataset {est.dataset} ({est.n_items} items)", style="dim"))
    console.print(Text(
        f"Energy model from {est.calibration.source}: {units.energy(fit.j_per_prompt_token)}/prompt token + "
        f"{units.energy(fit.j_per_completion_token)}/completion token + {units.energy(fit.j_per_call)}/call (R² {fit.r2:.3f})",
        style="dim",
    ))
    console.print(Text(f"Carbon: {est.carbon.g_per_kwh:g} gCO2e/kWh ({est.carbon.source}), PUE {est.carbon.pue:g}", style="dim"))
    table = _table("Estimated per query (predicted, not measured)")
    for header, justify in (("variant", "left"), ("tok in", "right"), ("tok out", "right"), ("tok out from", "left"),
                            ("energy", "right"), ("CO2e", "right")):
        table.add_column(header, justify=justify)
    for v in est.variants:
        table.add_row(escape(v.name), f"{v.prompt_tokens:.1f}", f"{v.completion_tokens:.1f}",
                      "stored run" if v.completion_source == "run" else "your guess",
                      units.energy(v.energy_j), units.carbon(v.gco2e))
    console.print(table)
    for note in est.notes:
        console.print(Text(f"Note: {note}.", style="dim"))
