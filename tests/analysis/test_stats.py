"""Bootstrap intervals and paired comparisons on synthetic data with known properties."""

import numpy as np
import pytest

from greenprompt.analysis.stats import Samples, bootstrap, collect, frontier_share, interval

from fakes import gen


def samples(scores, energies, names=None):
    """Build Samples from per-variant (n, R) arrays; carbon = energy / 10."""
    score = np.asarray(scores, dtype=float)
    energy = np.asarray(energies, dtype=float)
    names = names or tuple(f"v{i}" for i in range(score.shape[0]))
    return Samples(tuple(names), score, energy, energy / 10)


def test_intervals_match_the_known_standard_error():
    rng = np.random.default_rng(1)
    n = 400
    score = rng.binomial(1, 0.5, size=(1, n, 1))
    energy = rng.normal(10.0, 2.0, size=(1, n, 1))
    stats = bootstrap(samples(score, energy), baseline=None, level=0.95, n_boot=4000, seed=3)["v0"]
    q_low, q_high = stats.quality_ci
    e_low, e_high = stats.energy_j_ci
    # 95% interval width ~ 2 x 1.96 x standard error of the mean.
    assert q_high - q_low == pytest.approx(2 * 1.96 * score.std() / np.sqrt(n), rel=0.15)
    assert e_high - e_low == pytest.approx(2 * 1.96 * energy.std() / np.sqrt(n), rel=0.15)
    assert q_low < score.mean() < q_high and e_low < energy.mean() < e_high


def test_same_seed_same_intervals_and_level_widens():
    rng = np.random.default_rng(2)
    s = samples(rng.binomial(1, 0.6, (1, 100, 1)), rng.normal(5, 1, (1, 100, 1)))
    a = bootstrap(s, None, 0.95, 1000, seed=7)["v0"]
    b = bootstrap(s, None, 0.95, 1000, seed=7)["v0"]
    wide = bootstrap(s, None, 0.99, 1000, seed=7)["v0"]
    assert a == b
    assert wide.quality_ci[0] <= a.quality_ci[0] and wide.quality_ci[1] >= a.quality_ci[1]


def test_repeat_noise_widens_the_energy_interval():
    rng = np.random.default_rng(4)
    item_energy = rng.normal(10, 1, (1, 60, 1))
    quiet = np.repeat(item_energy, 5, axis=2)
    noisy = quiet + rng.normal(0, 3, quiet.shape)
    score = np.ones((1, 60, 5))
    w_quiet = np.diff(bootstrap(samples(score, quiet), None, n_boot=2000)["v0"].energy_j_ci)[0]
    w_noisy = np.diff(bootstrap(samples(score, noisy), None, n_boot=2000)["v0"].energy_j_ci)[0]
    assert w_noisy > w_quiet * 1.1


def test_paired_comparison_significant_and_not():
    rng = np.random.default_rng(5)
    n = 200
    base = rng.binomial(1, 0.5, n)
    better = np.where(rng.random(n) < 0.3, 1, base)  # the same answers, plus 30% more correct
    noise = np.where(rng.random(n) < 0.05, 1 - base, base)  # a few flips either way
    energy_base = rng.normal(10, 1, n)
    score = np.stack([base, better, noise])[:, :, None]
    energy = np.stack([energy_base, energy_base * 0.5, energy_base * rng.normal(1, 0.01, n)])[:, :, None]
    stats = bootstrap(samples(score, energy, ("base", "better", "same")), baseline="base", n_boot=2000)
    better_vs = stats["better"].vs_baseline
    same_vs = stats["same"].vs_baseline
    assert stats["base"].vs_baseline is None
    assert better_vs.significant_quality and better_vs.delta_quality > 0.1
    assert better_vs.significant_gco2e and better_vs.delta_gco2e_pct == pytest.approx(-50, abs=0.5)
    assert not same_vs.significant_quality and not same_vs.significant_gco2e and not same_vs.significant
    assert same_vs.delta_quality_ci[0] < 0 < same_vs.delta_quality_ci[1]


def test_frontier_share():
    quality = np.array([[0.9, 0.9, 0.5], [0.5, 0.5, 0.9]])  # variant 0 better in 2 of 3 resamples
    cost = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    assert frontier_share(quality, cost).tolist() == pytest.approx([2 / 3, 1 / 3])
    # Unknown cost (NaN) never dominates.
    assert frontier_share(np.array([[0.5], [0.5]]), np.array([[np.nan], [1.0]])).tolist() == [0.0, 1.0]


def test_interval_of_nothing_is_none():
    assert interval(np.array([np.nan, np.nan]), 0.95) is None


def test_collect_marks_missing_cells_and_errors_unknown():
    gens = [gen(v, i, repeat=r) for i in range(2) for r in range(2) for v in ("a", "b")]
    gens.append(gen("a", 2))  # item 2 interrupted: only one of four cells
    gens[0] = gen("a", 0, error="boom")
    s = collect(["a", "b"], gens, [1.0] * len(gens), repeats=2)
    assert s.score.shape == (2, 3, 2)
    assert np.isnan(s.energy[0, 0, 0]) and not np.isnan(s.energy[1, 0, 0])
    assert not np.isnan(s.score[0, 2, 0]) and np.isnan(s.score[0, 2, 1]) and np.isnan(s.score[1, 2]).all()


def test_a_variant_with_fewer_items_gets_intervals_from_its_own_items():
    rng = np.random.default_rng(9)
    score = rng.binomial(1, 0.5, (2, 100, 1)).astype(float)
    energy = rng.normal(10, 1, (2, 100, 1))
    full = bootstrap(samples(score, energy), "v0", n_boot=1000)["v1"]
    score[1, 20:] = np.nan  # v1 evaluated on its first 20 items only (dropped by racing)
    energy[1, 20:] = np.nan
    short = bootstrap(samples(score, energy), "v0", n_boot=1000)["v1"]
    own = bootstrap(samples(score[1:, :20], energy[1:, :20]), None, n_boot=1000)["v0"]
    assert short.quality_ci == own.quality_ci  # the same resampling of the same 20 items
    assert np.diff(short.quality_ci)[0] > np.diff(full.quality_ci)[0]
    assert short.vs_baseline is not None and short.vs_baseline.delta_quality_ci is not None
