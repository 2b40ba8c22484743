"""An energy model fitted over a run: J = a x prompt tokens + b x completion tokens + c."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from greenprompt.records import EnergyFit, Generation


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
    return EnergyFit(float(coef[0]), float(coef[1]), float(coef[2]), float(r2), len(rows)), ""


def predict_j(fit: EnergyFit, prompt_tokens: float, completion_tokens: float) -> float:
    return fit.j_per_prompt_token * prompt_tokens + fit.j_per_completion_token * completion_tokens + fit.j_per_call
