"""An energy model fitted over a run: J = a x prompt tokens + b x completion tokens + c."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from greenprompt.records import EnergyFit, Generation

# Below this R² the token counts explain less than half of the spread of J per generation:
# the equation then predicts another prompt's cost worse than it describes this run's
# (the fit issue 12 quoted, "+ -2.58 J/call", had R² 0.03).
MIN_R2 = 0.5


def fit_warning(j_per_prompt_token: float, j_per_completion_token: float, j_per_call: float, r2: float) -> str | None:
    """Why the fitted equation should not be used as printed, or None. A negative term
    is physically impossible (no token or call gives energy back): it means the token
    counts do not explain the energy here (noise, load, too little variation)."""
    terms = (("per prompt token", j_per_prompt_token), ("per completion token", j_per_completion_token),
             ("per call", j_per_call))
    reasons = [f"negative J {name}" for name, value in terms if value < 0]
    if r2 < MIN_R2:
        reasons.append(f"R² {r2:.2f} < {MIN_R2:g}")
    if not reasons:
        return None
    return f"{', '.join(reasons)}: the token counts do not explain this run's energy; do not predict with it"


def fit_energy(generations: Sequence[Generation]) -> tuple[EnergyFit | None, str]:
    """Least squares over the generations with known energy; (None, why) when it cannot be fitted."""
    rows = [(g.prompt_tokens, g.completion_tokens, g.energy_j) for g in generations if not g.error and g.energy_j is not None]
    if len(rows) < 4:
        return None, f"needs at least 4 generations with known energy, has {len(rows)}"
    data = np.array(rows, dtype=float)
    X = np.column_stack([data[:, 0], data[:, 1], np.ones(len(data))])
    y = data[:, 2]
    if np.linalg.matrix_rank(X) < 3:
        return None, "prompt and completion token counts do not vary independently enough to separate their costs"
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    residual = y - X @ coef
    total = ((y - y.mean()) ** 2).sum()
    r2 = 1 - (residual**2).sum() / total if total > 0 else 1.0
    a, b, c, r2 = float(coef[0]), float(coef[1]), float(coef[2]), float(r2)
    return EnergyFit(a, b, c, r2, len(rows), warning=fit_warning(a, b, c, r2)), ""


def predict_j(fit: EnergyFit, prompt_tokens: float, completion_tokens: float) -> float:
    return fit.j_per_prompt_token * prompt_tokens + fit.j_per_completion_token * completion_tokens + fit.j_per_call
