"""Rendering for people: the ranked table, the frontier chart and the live progress bar."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from greenprompt.inputs.gguf import parameter_label
from greenprompt.outputs import budget, document, energy_lines, notices, reuse, units
from greenprompt.outputs.chart import frontier_chart
from greenprompt.outputs.document import energy_method
from greenprompt.outputs.hosted import print_hosted
from greenprompt.outputs.tables import (
    cascade_tables,
    comparison_tables,
    estimate_tables,
    projection_tables,
    results_tables,
    serving_tables,
    variant_ids,
)
from greenprompt.records import PREFIX_CACHE, STANDALONE, Generation, RunResult


def dropped_lines(variants, confidence: float) -> list[str]:
    """One line per variant racing dropped: when, by whom, and that it is not ranked."""
    return [f"{v.name}: dropped after {v.dropped_at} items, dominated with {confidence * 100:g}% confidence by "
            f"{v.dropped_by or 'another variant'}; not ranked on the frontier (figures over those items)"
            for v in variants if v.dropped_at is not None]


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


SERVING_MEANING = {
    STANDALONE: "every query from an empty KV cache, as one production call",
    PREFIX_CACHE: "each variant's shared prompt prefix evaluated once and its KV cache reused by every query; "
    "the per-query figures count only the rest of the prompt and the answer",
}


def serving_line(result: RunResult) -> str:
    return f"Serving: {result.serving} ({SERVING_MEANING[result.serving]})"


def print_report(result: RunResult, console: Console) -> None:
    """The full human-readable report; other serving profiles follow, then a side-by-side table."""
    _print_profile(result, console)
    if result.other_servings:
        for other in result.other_servings:
            console.rule(f"serving profile: {other.serving}")
            console.print(Text(serving_line(other), style="dim"))
            _print_tables(results_tables(other, console, variant_ids(result)), console)
            for line in notices.footprint_lines(other):
                console.print(Text(line))
            _run_line(other, console)
        console.rule("serving profiles side by side")
        _print_tables(serving_tables(result, console), console)
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
    stopped = budget.budget_line(result)  # --budget ended the run: what each variant ran
    for line in [*energy_lines.contention_lines(result), *notices.warning_lines(result), *([stopped] if stopped else [])]:
        console.print(Text(line, style="yellow"))
    _print_tables(results_tables(result, console), console)
    _print_tables(cascade_tables(result, console), console)
    console.print(Text(frontier_chart(result, width=min(console.width, 100))), no_wrap=True, overflow="crop")
    for line in dropped_lines(result.variants, result.race_confidence):
        console.print(Text(line))
    _print_tables(comparison_tables(result, console), console)
    _print_tables(projection_tables(result, console), console)
    print_hosted(result, console)  # projections, after every measured figure of the variants
    console.print(Text(energy_model_line(result), style="dim"))
    for line in notices.footprint_lines(result):
        console.print(Text(line))
    console.print(Text(notices.chosen_line(result)))
    _run_line(result, console)


def _print_tables(tables, console: Console) -> None:
    for t in tables:
        console.print(t)


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
    _print_tables(estimate_tables(est, console), console)
    for note in est.notes:
        console.print(Text(f"Note: {note}.", style="dim"))
