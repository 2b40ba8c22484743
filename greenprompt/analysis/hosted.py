"""Projections of each variant onto hosted models with EcoLogits (`--hosted`), and the carbon
the frontier ranks on when `--frontier-on hosted:P/M` asks for one of them.

The only input EcoLogits models is the answer's length: a variant's mean cl100k completion
tokens over its answers (cl100k, the encoding OpenAI's models count in, is what greenprompt
counts every answer in). Quality stays the local model's; prompt tokens are not modelled.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Callable, Sequence

from greenprompt.inputs.carbon import J_PER_KWH
from greenprompt.inputs.hosted_models import ecologits_version, frontier_spec, provider_zone, request_impacts, split_spec
from greenprompt.records import AnalysisOptions, Generation, VariantSummary
from greenprompt.records.hosted import HostedProjection

G_PER_KG = 1000.0


def _interval(value, scale: float) -> tuple[float, float]:
    """An EcoLogits value (a number or a RangeValue with min/max) as [low, high] x scale."""
    low, high = (value.min, value.max) if hasattr(value, "min") else (value, value)
    return (low * scale, high * scale)


def project_hosted(spec: str, completion_tokens: float, zone: str | None = None) -> HostedProjection:
    """EcoLogits' estimate of one query on `spec` (PROVIDER/MODEL) answering in
    `completion_tokens` tokens, in `zone` (default: the provider's own zone)."""
    provider, model = split_spec(spec)
    impacts = request_impacts(provider, model, completion_tokens, zone)
    return HostedProjection(
        provider=provider,
        model=model,
        zone=zone.upper() if zone else provider_zone(provider),
        ecologits_version=ecologits_version(),
        completion_tokens=completion_tokens,
        energy_j=_interval(impacts.energy.value, J_PER_KWH),  # EcoLogits gives kWh
        gco2e=_interval(impacts.gwp.value, G_PER_KG),  # and kgCO2eq
        gco2e_usage=_interval(impacts.usage.gwp.value, G_PER_KG),
        gco2e_embodied=_interval(impacts.embodied.gwp.value, G_PER_KG),
        warnings=tuple(w.code for w in impacts.warnings or ()),
    )


def variant_hosted(v: VariantSummary, options: AnalysisOptions) -> tuple[HostedProjection, ...]:
    """The variant's projection on each `--hosted` model; none for a variant without an answer."""
    if v.n == v.errors:
        return ()
    return tuple(project_hosted(spec, v.completion_tokens_cl100k, options.hosted_zone) for spec in options.hosted)


def frontier_cost(options: AnalysisOptions) -> Callable[[VariantSummary], float | None] | None:
    """What the frontier ranks a variant's carbon on: None keeps the measured gCO2e/query;
    with `--frontier-on hosted:P/M`, the midpoint of its projected gCO2e on P/M."""
    spec = frontier_spec(options.frontier_on)
    if spec is None:
        return None

    def cost(v: VariantSummary) -> float | None:
        return None if v.n == v.errors else project_hosted(spec, v.completion_tokens_cl100k, options.hosted_zone).gco2e_mid

    return cost


def race_generations(generations: Sequence[Generation], frontier_on: str | None,
                     zone: str | None = None) -> Sequence[Generation]:
    """The generations racing compares, carrying the carbon the frontier ranks on: unchanged,
    or with `--frontier-on hosted:P/M` each one's gCO2e replaced by P/M's projected midpoint
    for its answer's cl100k length. EcoLogits' figure is affine in the tokens (checked:
    gpt-4o-mini 0.250 mg + 0.0293 mg/token from 0 to 100 tokens), so the mean of these is the
    projection of the variant's mean length, which is the frontier's cost (frontier_cost)."""
    spec = frontier_spec(frontier_on)
    if spec is None:
        return generations
    return [replace(g, gco2e=_projected_mid(spec, g.completion_tokens_cl100k, zone)) for g in generations]


@lru_cache(maxsize=4096)  # one EcoLogits call per answer length, not per generation and check
def _projected_mid(spec: str, tokens: int, zone: str | None) -> float:
    return project_hosted(spec, tokens, zone).gco2e_mid
