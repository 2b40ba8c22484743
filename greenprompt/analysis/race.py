"""Racing: stop evaluating variants that are dominated with confidence, block by block.

After each block of items, every pair of still-active variants is compared on the items
evaluated so far (paired bootstrap). Variant v is dropped when some active u is, at the
race confidence, at least as good in quality (up to the indifference `margin`) and at
least as green, and strictly better in one of the two: the one-sided lower bounds of
(quality_u − quality_v + margin) and of (gCO2e_v − gCO2e_u) are both ≥ 0 and one is > 0.
Each bound is one-sided because each claim is ("u is not worse"), not a two-sided estimate.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from greenprompt.records import Generation
from greenprompt.analysis.stats import collect, resampled

RACE_BOOTSTRAP = 1000


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
