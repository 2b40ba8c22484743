"""Racing: stop evaluating variants that are dominated with confidence, block by block.

After each block of items, every pair of still-active variants is compared on the items
evaluated so far (paired bootstrap). Variant v is dropped when some active u is, at the
race confidence, at least as good in quality (up to the indifference `margin`) and at
least as green, and strictly better in one of the two: the one-sided lower bounds of
(quality_u − quality_v + margin) and of (gCO2e_v − gCO2e_u) are both ≥ 0 and one is > 0.
Each bound is one-sided because each claim is ("u is not worse"), not a two-sided estimate.

A dropped variant is out of the ranking: the frontier is computed among the variants that
ran to the end (`summary.summarize` takes the drops as an input). `replay_drops` re-decides
a finished run's drops from its records alone, so a stored run reports the same drops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from greenprompt.analysis.stats import collect, resampled
from greenprompt.records import Generation

RACE_BOOTSTRAP = 1000


@dataclass(frozen=True)
class Drop:
    """Why a variant stopped: `by` dominated it with confidence after `after_items` items."""

    by: str
    after_items: int


Drops = Mapping[str, Drop]


def _lower(draws: np.ndarray, level: float) -> float:
    """One-sided lower confidence bound at `level` from bootstrap draws."""
    finite = draws[np.isfinite(draws)]
    return float(np.percentile(finite, (1 - level) * 100)) if finite.size else float("-inf")


def dominated_with_confidence(
    active: Sequence[str],
    generations: Sequence[Generation],
    scores: Sequence[float],
    repeats: int,
    level: float,
    seed: int = 0,
    margin: float = 0.0,
) -> dict[str, str]:
    """{dropped variant: the variant that dominates it} among `active`. `margin` is the
    quality difference treated as no difference (0: strict dominance)."""
    if len(active) < 2:
        return {}
    samples = collect(active, generations, scores, repeats)
    if samples.score.shape[1] < 2:
        return {}
    q, _, c = resampled(samples, RACE_BOOTSTRAP, seed)
    dropped: dict[str, str] = {}
    for v_i, v in enumerate(active):
        for u_i, u in enumerate(active):
            if u == v or u in dropped:
                continue
            better = _lower(q[u_i] - q[v_i], level) + margin
            greener = _lower(c[v_i] - c[u_i], level)
            if better >= 0 and greener >= 0 and (better > 0 or greener > 0):
                dropped[v] = u
                break
    return dropped


def _race_groups(names: Sequence[str]) -> list[list[str]]:
    """Points of several models (`variant@model`) race within their model, as the driver
    races each model's variants; one model's variants race together."""
    models = {n.rpartition("@")[2] if "@" in n else "" for n in names}
    if len(models) < 2:
        return [list(names)]
    return [[n for n in names if (n.rpartition("@")[2] if "@" in n else "") == m] for m in sorted(models)]


def replay_drops(
    names: Sequence[str],
    generations: Sequence[Generation],
    scores: Sequence[float],
    repeats: int,
    level: float,
    seed: int = 0,
    margin: float = 0.0,
) -> dict[str, Drop]:
    """The drops of a raced run, re-decided from its records. The driver checks after each
    block on the items run so far and stops a dropped variant there, so a variant with
    fewer items than the others was checked after exactly that many: the check is repeated
    on items 0..b-1 with the same seed, and a variant counts as dropped when it is
    dominated there and its records stop at b. A variant that stopped for another reason
    (a budget, an interruption) without being dominated is not dropped, only incomplete."""
    counts = {n: len({g.index for g in generations if g.variant == n}) for n in names}
    drops: dict[str, Drop] = {}
    for group in _race_groups(names):
        most = max((counts[n] for n in group), default=0)
        for b in sorted({counts[n] for n in group if 0 < counts[n] < most}):
            active = [n for n in group if n not in drops]
            upto = [(g, s) for g, s in zip(generations, scores) if g.index < b and g.variant in active]
            found = dominated_with_confidence(
                active, [g for g, _ in upto], [s for _, s in upto], repeats, level, seed, margin
            )
            drops.update({v: Drop(u, b) for v, u in found.items() if counts[v] == b})
    return drops
