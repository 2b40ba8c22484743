"""Everything computed from a finished run's records: ranking, uncertainty, the fitted
energy model and production projections. No model needed, so stored runs can be re-analysed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from greenprompt.analysis.energy_fit import fit_energy
from greenprompt.analysis.hosted import frontier_cost, race_generations, variant_hosted
from greenprompt.analysis.projection import project
from greenprompt.analysis.race import Drops, replay_drops
from greenprompt.analysis.stats import bootstrap, collect
from greenprompt.analysis.summary import summarize
from greenprompt.records import AnalysisOptions, Choice, EnergyFit, Generation, VariantSummary


@dataclass(frozen=True)
class Analysis:
    variants: tuple[VariantSummary, ...]  # ranked
    recommended: str | None  # greenest meeting min_quality
    baseline: str | None
    energy_fit: EnergyFit | None
    energy_fit_note: str

    def get(self, name: str | None) -> VariantSummary | None:
        return next((v for v in self.variants if v.name == name), None)

    def choice(self, min_quality: float | None) -> Choice:
        """The variant to switch to and why: the greenest meeting --min-quality, else the knee."""
        return Choice.of(self.recommended, next((v.name for v in self.variants if v.knee), None), min_quality)


def analyze(
    names: Sequence[str],
    generations: Sequence[Generation],
    scores: Sequence[float],
    options: AnalysisOptions,
    fit_generations: Sequence[Generation] | None = None,
    dropped: Drops | None = None,
) -> Analysis:
    """Summaries, intervals, projections and the ranking of every point in `names`; the
    energy model is fitted on `fit_generations` (default: all), i.e. on real generations
    only, never on a cascade's sums of them. `dropped` holds racing's decisions; a raced
    run without them has them re-decided from its records (`race.replay_drops`)."""
    if dropped is None and options.strategy == "race":
        raced = race_generations(generations, options.frontier_on, options.hosted_zone)
        dropped = replay_drops(
            names, raced, scores, options.repeats, options.race_confidence, options.seed, options.race_margin
        )
    dropped = dropped or {}
    variants, recommended = summarize(names, generations, scores, options.min_quality, dropped, frontier_cost(options))
    present = [n for n in names if any(v.name == n for v in variants)]
    baseline = options.baseline or (present[0] if present else None)
    stats = {}
    if options.n_bootstrap > 0 and present:
        samples = collect(present, generations, scores, options.repeats)
        stats = bootstrap(samples, baseline, options.ci_level, options.n_bootstrap, options.seed, dropped)
    variants = tuple(
        replace(
            v,
            stats=stats.get(v.name),
            projection=project(v, options.volume_per_day, options.price_in, options.price_out),
            hosted=variant_hosted(v, options),
        )
        for v in variants
    )
    fit, note = fit_energy(generations if fit_generations is None else fit_generations)
    return Analysis(variants, recommended, baseline, fit, note)
