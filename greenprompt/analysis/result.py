"""A run's result, built from its records alone: the header stored when the run starts,
its generations and the footprint segments of the processes that worked on it.

`compare` and `runs show` both end here, so a stored run (even one that was killed)
gives the same report as the run that produced it, and can be re-scored without the model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from greenprompt.analysis.analyze import Analysis, analyze
from greenprompt.analysis.cascades import cascade_points, with_cascade_info
from greenprompt.analysis.nodes import at_node_intensities, node_summaries
from greenprompt.analysis.projection import payback
from greenprompt.analysis.score_checks import score_warnings
from greenprompt.analysis.scoring import get_scorer
from greenprompt.inputs.carbon import gco2e, node_intensities, with_run_carbon
from greenprompt.records import (
    AnalysisOptions,
    BudgetStop,
    CarbonIntensity,
    Footprint,
    FootprintSegment,
    Generation,
    JobRole,
    RunHeader,
    RunResult,
    Span,
)


def analysis_options(header: RunHeader, **overrides: Any) -> AnalysisOptions:
    """The stored analysis options, with overrides (None keeps the stored value)."""
    return replace(header.analysis, **{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class Analysed:
    """A run's generations with this run's carbon, their scores and the analysis built on
    exactly those generations (build_result reports the same ones)."""

    generations: tuple[Generation, ...]
    scorer: str
    scores: tuple[float, ...]
    analysis: Analysis
    warnings: tuple[str, ...] = ()  # scores that say nothing (analysis.score_checks)


def score_and_analyze(
    header: RunHeader, generations: Sequence[Generation], options: AnalysisOptions, scorer: str | None = None
) -> Analysed:
    """The generations' carbon at this run's intensity and PUE (also those reused from the
    cache, whose stored gCO2e is the measuring run's), then scores (a failed generation
    scores 0; a verifier call is not scored) and the analysis of every point: each variant
    (on each model), and each cascade built from them. `scorer` overrides the stored one."""
    generations = with_run_carbon(generations, header.carbon, node_intensities(header.config.node_carbon) if header.config else None)
    spec = scorer or header.scorer
    score = get_scorer(spec)
    names = header.variant_names
    known = set(names)

    def ranked(g: Generation) -> bool:
        return g.role is JobRole.ANSWER and g.variant in known

    scores = tuple(score(g.output, g.target) if ranked(g) and not g.error else 0.0 for g in generations)
    points = [(g, s) for g, s in zip(generations, scores) if ranked(g)]
    measured = [g for g, _ in points]
    cascade = header.prompt_set.cascade
    derived = cascade_points(cascade, _bases(header), generations, score.valid) if cascade else []
    derived_gens = [g for p in derived for g in p.generations]
    analysis = analyze(
        names + [p.name for p in derived],
        measured + derived_gens,
        [s for _, s in points] + [0.0 if g.error else score(g.output, g.target) for g in derived_gens],
        options,
        fit_generations=measured,
    )
    if derived:
        analysis = replace(analysis, variants=with_cascade_info(analysis.variants, derived, cascade, options.min_quality))
    judged = [(g, s) for g, s in points if g.target is not None]
    warnings = score_warnings(spec, (g.target for g, _ in judged), [s for g, s in judged if not g.error])
    return Analysed(generations, spec, scores, analysis, warnings)


def _bases(header: RunHeader) -> list[str]:
    """The prompt variants' own names, in order (without `@model`)."""
    return list(dict.fromkeys(v.base or v.name for v in header.prompt_set.variants))


def footprint(
    segments: Sequence[FootprintSegment], generations: Sequence[Generation], intensity: CarbonIntensity
) -> Footprint:
    """The experiment's own cost: model loads and overheads of every process that recorded
    its segment, plus the generations actually run (cached ones were paid for earlier).
    Idle worker time (executors that hold models between waves) counts in the overhead."""

    def span(wall: float, energy: float | None) -> Span:
        return Span(wall, energy, gco2e(energy, intensity))

    def total(key: str, *parts: str) -> float | None:
        values = [getattr(getattr(s, part), key) for s in segments for part in parts]
        return None if any(v is None for v in values) else sum(values)

    fresh = [g for g in generations if not g.cached]
    energies = [g.energy_j for g in fresh]
    gen_energy = None if any(e is None for e in energies) else sum(energies)
    load = span(total("wall_s", "model_load") or 0.0, total("energy_j", "model_load"))
    prefix_fill = span(total("wall_s", "prefix_fill") or 0.0, total("energy_j", "prefix_fill"))
    overhead = span(total("wall_s", "overhead", "idle") or 0.0, total("energy_j", "overhead", "idle"))
    gens = span(sum(g.wall_s for g in fresh), gen_energy)
    parts = (load.energy_j, prefix_fill.energy_j, gens.energy_j, overhead.energy_j)
    all_energy = None if None in parts else sum(parts)
    return Footprint(
        total=span(load.wall_s + prefix_fill.wall_s + gens.wall_s + overhead.wall_s, all_energy),
        model_load=load,
        generations=gens,
        overhead=overhead,
        prefix_fill=prefix_fill,
    )


def build_result(
    header: RunHeader,
    analysed: Analysed,
    segments: Sequence[FootprintSegment],
    options: AnalysisOptions,
    interrupted: bool,
    planned: int | None = None,
) -> RunResult:
    """The run's result from its analysed generations (carrying this run's carbon) and the
    footprint segments of the processes that worked on it, at the same intensity.
    `planned`: the run's number of jobs, to tell when --budget stopped it."""
    carbon = header.carbon
    generations, analysis = analysed.generations, analysed.analysis
    nodes = node_intensities(header.config.node_carbon) if header.config else {}
    foot = footprint(segments, generations, carbon)
    if nodes:  # --node-carbon: the generations' carbon at their nodes' intensities
        foot = at_node_intensities(foot, generations)
    choice = analysis.choice(options.min_quality)
    queries, reason = payback(foot.total.gco2e, analysis.get(analysis.baseline), analysis.get(choice.variant), choice.reason)
    first = header.models[0]
    return RunResult(
        run_id=header.run_id,
        started_at=header.started_at,
        prompt_set=header.prompt_set,
        dataset=header.dataset,
        model=first.info,
        models=tuple(m.run_model for m in header.models),
        mode=first.mode,
        scorer=analysed.scorer,
        carbon=carbon,
        energy=first.energy,
        serving=header.serving,
        generations=generations,
        scores=analysed.scores,
        variants=analysis.variants,
        min_quality=options.min_quality,
        recommended=analysis.recommended,
        interrupted=interrupted,
        repeats=options.repeats,
        ci_level=options.ci_level,
        n_bootstrap=options.n_bootstrap,
        baseline=analysis.baseline,
        energy_fit=analysis.energy_fit,
        energy_fit_note=analysis.energy_fit_note,
        footprint=replace(foot, payback_queries=queries, payback_reason=reason, nodes=node_summaries(
            segments, generations, carbon, nodes)),
        volume_per_day=options.volume_per_day,
        price_in=options.price_in,
        price_out=options.price_out,
        strategy=options.strategy,
        race_confidence=options.race_confidence,
        race_margin=options.race_margin,
        frontier_on=options.frontier_on,
        warnings=analysed.warnings,
        budget_stop=None if interrupted or header.config is None else BudgetStop.of(
            header.config.budget, len(generations), planned
        ),
    )


def result_from_store(stored, scorer: str | None = None, **overrides: Any) -> RunResult:
    """Recompute a stored run's result (no model needed), optionally re-scored/re-analysed."""
    options = analysis_options(stored.header, **overrides)
    generations = [g for _, _, g in stored.generations]
    analysed = score_and_analyze(stored.header, generations, options, scorer)
    return build_result(stored.header, analysed, stored.segments, options, not stored.finished, stored.row.n_jobs)
