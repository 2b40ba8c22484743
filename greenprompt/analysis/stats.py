"""Bootstrap uncertainty for quality, energy and carbon, paired across variants.

Every variant is evaluated on the same items, so one set of resampled items serves all
variants: comparisons between variants (and the frontier in each resample) are paired.
Within each resampled item, its repeats are resampled too (a two-level bootstrap), so
measurement noise between repeats widens the energy intervals as it should.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Collection, Sequence

import numpy as np

from greenprompt.records import Comparison, Generation, VariantStats


@dataclass(frozen=True)
class Samples:
    """Per-variant arrays of shape (items, repeats), aligned on the same items.
    Energy and carbon are NaN where unknown (failed generations)."""

    names: tuple[str, ...]
    score: np.ndarray  # (V, n, R)
    energy: np.ndarray
    gco2e: np.ndarray


def collect(names: Sequence[str], generations: Sequence[Generation], scores: Sequence[float], repeats: int) -> Samples:
    """Arrange generations by (variant, item, repeat). A cell without a generation (the
    last item of an interrupted run, the items after a raced variant was dropped) is NaN,
    and every mean below is over the cells a variant has."""
    cells: dict[tuple[str, str, int], tuple[float, float, float]] = {}
    item_order: dict[str, None] = {}
    for g, s in zip(generations, scores):
        e = np.nan if g.error or g.energy_j is None else g.energy_j
        c = np.nan if g.error or g.gco2e is None else g.gco2e
        cells[(g.variant, g.item_id, g.repeat)] = (s, e, c)
        item_order.setdefault(g.item_id)
    missing = (np.nan, np.nan, np.nan)
    items = list(item_order)
    arr = np.array(
        [[[cells.get((v, i, r), missing) for r in range(repeats)] for i in items] for v in names], dtype=float
    ).reshape(len(names), len(items), repeats, 3)
    return Samples(tuple(names), arr[..., 0], arr[..., 1], arr[..., 2])


def _nanmean(x: np.ndarray, axis: int | None = None):
    # An all-unknown slice simply stays NaN; numpy's warning about it is noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(x, axis=axis)


def resample_means(values: np.ndarray, items: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """Means of one variant's (n, R) values over bootstrap resamples: (B,)."""
    picked = values[items[:, :, None], reps]  # (B, n, R)
    return _nanmean(picked.reshape(picked.shape[0], -1), axis=1)


def interval(draws: np.ndarray, level: float) -> tuple[float, float] | None:
    """Percentile interval of the finite draws, or None when there are none."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def _excludes_zero(ci: tuple[float, float] | None) -> bool:
    return ci is not None and (ci[0] > 0 or ci[1] < 0)


def frontier_share(quality: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Per variant, the share of resamples in which it is on the frontier. Inputs (V, B)."""
    cost = np.where(np.isnan(cost), np.inf, cost)
    q_u, q_v = quality[:, None, :], quality[None, :, :]
    c_u, c_v = cost[:, None, :], cost[None, :, :]
    dominated = ((q_u >= q_v) & (c_u <= c_v) & ((q_u > q_v) | (c_u < c_v))).any(axis=0)  # (V, B)
    return (~dominated).mean(axis=1)


def resampled(samples: Samples, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-variant means of quality, energy and carbon over the same resamples: (V, B) each."""
    V, n, R = samples.score.shape
    rng = np.random.default_rng(seed)
    q, e, c = (np.empty((V, n_boot)) for _ in range(3))
    # Resamples in chunks: memory stays at about 4 MB per array whatever the dataset size.
    chunk = max(1, 500_000 // (n * R))
    for start in range(0, n_boot, chunk):
        stop = min(start + chunk, n_boot)
        items = rng.integers(0, n, size=(stop - start, n))
        reps = rng.integers(0, R, size=(stop - start, n, R))
        for v in range(V):
            q[v, start:stop] = resample_means(samples.score[v], items, reps)
            e[v, start:stop] = resample_means(samples.energy[v], items, reps)
            c[v, start:stop] = resample_means(samples.gco2e[v], items, reps)
    return q, e, c


def _restrict(samples: Samples, variants: list[int], items: np.ndarray) -> Samples:
    return Samples(
        tuple(samples.names[v] for v in variants),
        samples.score[variants][:, items],
        samples.energy[variants][:, items],
        samples.gco2e[variants][:, items],
    )


def _paired(samples: Samples, v: int, b: int, common: np.ndarray, draws, level: float) -> Comparison:
    """Variant v against the baseline b on the items both have, with paired resamples."""
    (q_v, q_b), _, (c_v, c_b) = draws([v, b], common)
    with np.errstate(divide="ignore", invalid="ignore"):
        dc = (c_v / c_b - 1) * 100
    dq_ci, dc_ci = interval(q_v - q_b, level), interval(dc, level)
    return Comparison(
        baseline=samples.names[b],
        delta_quality=float(_nanmean(samples.score[v][common]) - _nanmean(samples.score[b][common])),
        delta_quality_ci=dq_ci,
        delta_gco2e_pct=_point_pct(samples.gco2e[v][common], samples.gco2e[b][common]),
        delta_gco2e_pct_ci=dc_ci,
        significant_quality=_excludes_zero(dq_ci),
        significant_gco2e=_excludes_zero(dc_ci),
    )


def bootstrap(
    samples: Samples,
    baseline: str | None,
    level: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    dropped: Collection[str] = (),
) -> dict[str, VariantStats]:
    """Intervals, paired comparisons with the baseline and frontier shares, per variant.

    When every variant has every item (the usual case) one set of resamples serves all.
    When some do not (racing dropped them, or a run was interrupted), a variant's own
    intervals resample only its own items and a comparison only the items both variants
    have; the frontier share uses all items, each variant's mean over the ones it has.
    Variants in `dropped` (racing's decisions) are out of the ranking: their p_frontier is
    0 and they take no part in the frontier of any resample."""
    V, n, _ = samples.score.shape
    if n == 0:
        return {}
    has = ~np.isnan(samples.score).all(axis=2)  # (V, n)
    q, e, c = resampled(samples, n_boot, seed)
    kept = [v for v, name in enumerate(samples.names) if name not in dropped]
    p_front = np.zeros(V)
    if kept:
        p_front[kept] = frontier_share(q[kept], c[kept])

    def draws(variants: list[int], items: np.ndarray):
        if items.all():
            return q[variants], e[variants], c[variants]
        return resampled(_restrict(samples, variants, items), n_boot, seed)

    b = samples.names.index(baseline) if baseline in samples.names else None
    out = {}
    for v, name in enumerate(samples.names):
        qv, ev, cv = (x[0] for x in draws([v], has[v]))
        comparison = None
        if b is not None and v != b:
            comparison = _paired(samples, v, b, has[v] & has[b], draws, level)
        out[name] = VariantStats(
            quality_ci=interval(qv, level),
            energy_j_ci=interval(ev, level),
            gco2e_ci=interval(cv, level),
            p_frontier=float(p_front[v]),
            vs_baseline=comparison,
        )
    return out


def _point_pct(variant: np.ndarray, base: np.ndarray) -> float | None:
    a, b = _nanmean(variant), _nanmean(base)
    if not (np.isfinite(a) and np.isfinite(b)) or b == 0:
        return None
    return float((a / b - 1) * 100)
