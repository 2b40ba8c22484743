"""Per-variant aggregates of scored generations, ranked on the quality-vs-carbon frontier."""

from __future__ import annotations

from dataclasses import replace
from statistics import fmean
from typing import Callable, Sequence

from greenprompt.analysis.pareto import cheapest_meeting, knee, pareto_ranks
from greenprompt.analysis.race import Drops
from greenprompt.records import Generation, VariantSummary


def _mean(values: list[float]) -> float:
    return fmean(values) if values else 0.0


def _mean_known(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return fmean(known) if known else None


def summarize_variant(name: str, gens: Sequence[Generation], scores: Sequence[float]) -> VariantSummary:
    """Quality over every attempt (a failed generation scores 0); costs per query over the
    generations that produced an answer, since that is what a working query costs."""
    ok = [g for g in gens if g.error is None]
    splits = [g.energy_split() for g in ok]
    return VariantSummary(
        name=name,
        quality=_mean(list(scores)),
        n=len(gens),
        errors=len(gens) - len(ok),
        prompt_tokens=_mean([g.prompt_tokens for g in ok]),
        prefix_tokens=_mean([g.prefix_tokens for g in ok]),
        completion_tokens=_mean([g.completion_tokens for g in ok]),
        prompt_tokens_cl100k=_mean([g.prompt_tokens_cl100k for g in ok]),
        completion_tokens_cl100k=_mean([g.completion_tokens_cl100k for g in ok]),
        energy_j=_mean_known([g.energy_j for g in ok]),
        gco2e=_mean_known([g.gco2e for g in ok]),
        latency_s=_mean([g.wall_s for g in ok]),
        energy_prefill_j=_mean_known([p for p, _ in splits]),
        energy_decode_j=_mean_known([d for _, d in splits]),
    )


def _or_inf(value: float | None) -> float:
    return float("inf") if value is None else value


def summarize(
    names: Sequence[str],
    generations: Sequence[Generation],
    scores: Sequence[float],
    min_quality: float | None = None,
    dropped: Drops | None = None,
    cost: Callable[[VariantSummary], float | None] | None = None,
) -> tuple[tuple[VariantSummary, ...], str | None]:
    """Summaries sorted by Pareto rank then quality, and the variant recommended for
    `min_quality` (the greenest meeting it), or None.

    `dropped` (racing's decisions) is an input, never inferred from item counts: a dropped
    variant was dominated with confidence, so it is neither ranked on the frontier nor
    recommended, even when its mean over its fewer items would look non-dominated beside
    the others' means over all items. The frontier, the knee and the recommendation are
    computed among the variants that ran to the end; the dropped ones share the rank
    behind the last of their fronts. `cost` is the carbon they rank on (default: the
    measured gCO2e/query; `--frontier-on hosted:P/M` gives a projected one)."""
    cost = cost or (lambda s: s.gco2e)
    dropped = dropped or {}
    by_name: dict[str, tuple[list[Generation], list[float]]] = {n: ([], []) for n in names}
    for g, s in zip(generations, scores):
        by_name[g.variant][0].append(g)
        by_name[g.variant][1].append(s)
    summaries = [summarize_variant(n, *by_name[n]) for n in names if by_name[n][0]]
    ranked = [s for s in summaries if s.name not in dropped]
    points = [(s.quality, cost(s)) for s in ranked]
    costs = {s.name: c for s, (_, c) in zip(ranked, points)}
    ranks = pareto_ranks(points)
    k = knee(points, ranks)
    ranked = [replace(s, pareto_rank=r, on_frontier=r == 1, knee=i == k) for i, (s, r) in enumerate(zip(ranked, ranks))]
    behind = max(ranks, default=0) + 1
    out = [
        replace(s, pareto_rank=behind, dropped_at=dropped[s.name].after_items, dropped_by=dropped[s.name].by)
        for s in summaries
        if s.name in dropped
    ]
    recommended = None
    if min_quality is not None:
        best = cheapest_meeting(points, min_quality)
        recommended = ranked[best].name if best is not None else None
    order = sorted(
        ranked + out,
        key=lambda s: (s.pareto_rank, -s.quality, _or_inf(costs.get(s.name, s.gco2e))),
    )
    return tuple(order), recommended
