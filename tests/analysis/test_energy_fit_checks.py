"""A fitted energy model that cannot be trusted says so: in the fit, the report and the JSON."""

import numpy as np
import pytest

from greenprompt.analysis.energy_fit import MIN_R2, fit_energy, fit_warning

from fakes import gen


def _fit(energy, n=200, seed=0):
    """Fit over `n` generations with random token counts; energy(p, k, rng) gives J."""
    rng = np.random.default_rng(seed)
    gens = []
    for _ in range(n):
        p, k = int(rng.integers(20, 300)), int(rng.integers(1, 100))
        gens.append(gen(energy=energy(p, k, rng), prompt_tokens=p, completion_tokens=k))
    fit, note = fit_energy(gens)
    assert note == ""
    return fit


def test_a_good_fit_has_no_warning():
    fit = _fit(lambda p, k, rng: 0.02 * p + 0.07 * k + 0.3 + rng.normal(0, 0.01))
    assert fit.r2 > 0.99 and fit.warning is None


def test_energy_unrelated_to_tokens_is_a_low_r2():
    # what a loaded machine gives: the energy is noise around 5 J whatever the tokens
    fit = _fit(lambda p, k, rng: 5.0 + rng.normal(0, 2.0))
    assert fit.r2 < MIN_R2
    assert fit.warning is not None and f"R² {fit.r2:.2f} < 0.5" in fit.warning


def test_a_negative_coefficient_is_flagged_even_with_a_high_r2():
    # energy that falls with the answer length: physically impossible, fits very well
    fit = _fit(lambda p, k, rng: 0.05 * p - 0.01 * k + 1.0 + rng.normal(0, 0.01))
    assert fit.r2 > 0.99 and fit.j_per_completion_token < 0
    assert "negative J per completion token" in fit.warning


@pytest.mark.parametrize(
    "terms, expected",
    [
        ((0.1, 0.2, 0.3, 0.9), None),
        ((0.1, 0.2, -2.58, 0.03), "negative J per call, R² 0.03 < 0.5"),
        ((-0.1, 0.2, 0.3, 0.5), "negative J per prompt token"),
        ((0.1, 0.2, 0.3, 0.49), "R² 0.49 < 0.5"),
    ],
)
def test_fit_warning_names_every_reason(terms, expected):
    warning = fit_warning(*terms)
    if expected is None:
        assert warning is None
    else:
        assert warning.startswith(expected + ":")
