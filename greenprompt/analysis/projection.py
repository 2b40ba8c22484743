"""Production projections: annual energy and carbon at a query volume, API-priced cost,
and how many queries repay the experiment's own carbon."""

from __future__ import annotations

from greenprompt.inputs.carbon import J_PER_KWH
from greenprompt.records import Projection, VariantSummary

DAYS_PER_YEAR = 365


def project(
    v: VariantSummary, volume_per_day: float | None, price_in: float | None, price_out: float | None
) -> Projection:
    """Annual kWh and kgCO2e at `volume_per_day`; cost per 1,000 queries from cl100k token
    counts at `price_in`/`price_out` per 1,000 tokens."""
    annual_kwh = annual_kg = cost = None
    if volume_per_day is not None:
        queries = volume_per_day * DAYS_PER_YEAR
        annual_kwh = None if v.energy_j is None else v.energy_j * queries / J_PER_KWH
        annual_kg = None if v.gco2e is None else v.gco2e * queries / 1000
    if price_in is not None or price_out is not None:
        # per 1,000 queries: 1,000 x tokens/query x price per 1,000 tokens / 1,000
        cost = v.prompt_tokens_cl100k * (price_in or 0.0) + v.completion_tokens_cl100k * (price_out or 0.0)
    return Projection(annual_kwh=annual_kwh, annual_kgco2e=annual_kg, cost_per_1k_queries=cost)


def payback(
    experiment_gco2e: float | None, baseline: VariantSummary | None, chosen: VariantSummary | None, why: str = ""
) -> tuple[float | None, str]:
    """Production queries for which switching from baseline to the chosen variant saves
    the experiment's carbon; (None, why not) when the switch saves nothing. `why` (the rule
    that chose it, records.Choice.reason) is named after the chosen variant."""
    if experiment_gco2e is None:
        return None, "the experiment's carbon is unknown"
    if baseline is None or chosen is None:
        return None, "no baseline or no chosen variant"
    rule = f" ({why})" if why else ""
    target = chosen.name + rule
    if chosen.name == baseline.name:
        return None, f"the chosen variant{rule} is the baseline ({baseline.name}): switching saves nothing"
    if baseline.gco2e is None or chosen.gco2e is None:
        return None, "carbon per query is unknown for the baseline or the chosen variant"
    saving = baseline.gco2e - chosen.gco2e
    if saving <= 0:
        return None, f"{target} emits no less per query than {baseline.name}: switching saves nothing"
    return experiment_gco2e / saving, f"switching from {baseline.name} to {target} saves {saving:.3g} g per query"
