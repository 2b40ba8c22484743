"""`greenprompt check`: gate a stored run or a results file on thresholds."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from greenprompt.api.gate import apply_gate
from greenprompt.api.runs import load_document
from greenprompt.records import GateOutcome
from greenprompt.records.errors import GreenPromptError


def check(
    source: str | Path,
    *,
    min_quality: float | None = None,
    max_gco2e: float | None = None,
    max_energy_j: float | None = None,
    against: str | Path | None = None,
    max_regression: float = 0.0,
    variants: Sequence[str] = (),
    all_variants: bool = False,
    junit: str | Path | None = None,
    summary: str | Path | None = None,
    store: str | Path | None = None,
) -> GateOutcome:
    """Every threshold check on the run (id, prefix, 'last' or a `compare --json` file),
    on its chosen variant unless `variants` or `all_variants` say otherwise (`checked`
    says which and why); `passed` is False when one fails (never raised)."""
    if all(t is None for t in (min_quality, max_gco2e, max_energy_j, against)):
        raise GreenPromptError("nothing to check: give --min-quality, --max-gco2e, --max-energy-j or --against")
    if max_regression < 0:
        raise GreenPromptError(f"--max-regression must be >= 0 percent, got {max_regression}")
    doc = load_document(source, store)
    baseline = load_document(str(against), store) if against else None
    return apply_gate(
        doc,
        min_quality=min_quality,
        max_gco2e=max_gco2e,
        max_energy_j=max_energy_j,
        baseline=baseline,
        max_regression=max_regression,
        variants=variants,
        all_variants=all_variants,
        junit=junit,
        summary=summary,
    )
