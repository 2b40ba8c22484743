import numpy as np
import pytest

from greenprompt.analysis.energy_fit import fit_energy, predict_j

from fakes import gen


def test_fit_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    a, b, c = 0.02, 0.07, 0.3
    gens = []
    for _ in range(200):
        p, k = int(rng.integers(20, 300)), int(rng.integers(1, 100))
        gens.append(gen(energy=a * p + b * k + c + rng.normal(0, 0.01), prompt_tokens=p, completion_tokens=k))
    gens.append(gen(energy=999.0, prompt_tokens=50, completion_tokens=5, error="failed generations are left out"))
    fit, note = fit_energy(gens)
    assert note == "" and fit.n == 200
    assert fit.j_per_prompt_token == pytest.approx(a, rel=0.02)
    assert fit.j_per_completion_token == pytest.approx(b, rel=0.02)
    assert fit.j_per_call == pytest.approx(c, abs=0.02)
    assert fit.r2 > 0.99
    assert predict_j(fit, 100, 10) == pytest.approx(a * 100 + b * 10 + c, rel=0.02)


def test_fit_says_why_it_cannot_fit():
    assert fit_energy([gen(energy=1.0, prompt_tokens=10, completion_tokens=1)])[0] is None
    constant_prompt = [gen(energy=0.1 * k, prompt_tokens=10, completion_tokens=k) for k in range(1, 10)]
    fit, note = fit_energy(constant_prompt)
    assert fit is None and "vary" in note
