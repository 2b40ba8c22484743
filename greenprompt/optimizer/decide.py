"""Non-inferiority of candidates against the baseline, paired on the same items.

A candidate is non-inferior when the one-sided lower confidence bound of its mean quality
difference to the baseline (candidate - baseline, paired bootstrap over the items) is at
least -D (--max-quality-loss). On the held-out split every candidate tested is corrected
for the others with Holm's step-down procedure (Holm 1979): sorted by p-value, the i-th of
m (counting from 0) is tested at level alpha/(m - i), and testing stops at the first that fails. The p-value
of a candidate is the bootstrap share of mean differences below -D.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from greenprompt.analysis.stats import resample_means

# Fewer held-out items than this: the figures are shown, but non-inferiority is not claimed
# (a paired bootstrap of a mean over fewer items has a badly calibrated tail).
MIN_CLAIM_ITEMS = 30


@dataclass(frozen=True)
class Verdict:
    """One candidate against the baseline on one split."""

    name: str
    n: int  # items both have
    delta: float  # mean quality difference, candidate - baseline
    lower: float  # one-sided lower bound at the (corrected) level
    level: float  # the one-sided level alpha used (Holm-adjusted on the test split)
    p_value: float
    passed: bool

    def to_dict(self) -> dict:
        return {"n": self.n, "delta_quality": self.delta, "lower_bound": self.lower, "alpha": self.level,
                "p_value": self.p_value, "non_inferior": self.passed}


def paired(baseline: Mapping[str, float], candidate: Mapping[str, float]) -> np.ndarray:
    """Per-item differences candidate - baseline, over the items both have (item-id order of the baseline)."""
    return np.array([candidate[i] - baseline[i] for i in baseline if i in candidate], dtype=float)


def mean_draws(deltas: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap draws of the mean difference (items resampled with replacement)."""
    n = len(deltas)
    rng = np.random.default_rng(seed)
    items = rng.integers(0, n, size=(n_boot, n))
    return resample_means(deltas[:, None], items, np.zeros((n_boot, n, 1), dtype=int))


def verdict(name: str, deltas: np.ndarray, margin: float, alpha: float, n_boot: int, seed: int) -> Verdict:
    """One candidate's one-sided test: H0 mean difference < -margin."""
    if len(deltas) == 0:
        return Verdict(name, 0, float("nan"), float("nan"), alpha, 1.0, False)
    draws = mean_draws(deltas, max(n_boot, 1), seed)
    p = float((1 + np.sum(draws < -margin)) / (len(draws) + 1))
    lower = float(np.quantile(draws, alpha))
    return Verdict(name, len(deltas), float(deltas.mean()), lower, alpha, p, lower >= -margin)


def holm(tested: Sequence[tuple[str, np.ndarray]], margin: float, alpha: float, n_boot: int, seed: int) -> list[Verdict]:
    """Every tested candidate's verdict with Holm's correction over all of them, in the
    order given (the order of greenness)."""
    raw = [verdict(name, d, margin, alpha, n_boot, seed) for name, d in tested]
    m = len(raw)
    order = sorted(range(m), key=lambda i: raw[i].p_value)
    out: list[Verdict | None] = [None] * m
    stopped = False
    for rank, i in enumerate(order):
        level = alpha / (m - rank)
        name, deltas = tested[i]
        v = verdict(name, deltas, margin, level, n_boot, seed)
        stopped = stopped or not v.passed
        out[i] = Verdict(v.name, v.n, v.delta, v.lower, level, v.p_value, v.passed and not stopped)
    return [v for v in out if v is not None]
