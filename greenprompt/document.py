"""The machine-readable view of a run: the `--json` document and per-variant/generation rows.

The keys listed in DESIGN.md ("Contracts") are stable; others may be added.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from greenprompt.records import RunResult, VariantSummary


def energy_method(result: RunResult) -> str:
    """The method behind the run's energy figures; 'mixed' when a counter failed mid-run."""
    methods = {g.energy_method for g in result.generations}
    if not methods:
        return result.energy.method
    return methods.pop() if len(methods) == 1 else "mixed"


def variant_row(s: VariantSummary) -> dict[str, Any]:
    return {
        "name": s.name,
        "quality": s.quality,
        "n": s.n,
        "errors": s.errors,
        "prompt_tokens": s.prompt_tokens,
        "completion_tokens": s.completion_tokens,
        "prompt_tokens_cl100k": s.prompt_tokens_cl100k,
        "completion_tokens_cl100k": s.completion_tokens_cl100k,
        "energy_j": s.energy_j,
        "gco2e": s.gco2e,
        "latency_s": s.latency_s,
        "pareto_rank": s.pareto_rank,
        "on_frontier": s.on_frontier,
        "knee": s.knee,
    }


def generation_rows(result: RunResult):
    """One dict per generation, with its score."""
    for g, score in zip(result.generations, result.scores):
        row = asdict(g)
        row["score"] = score
        yield row


def run_document(result: RunResult) -> dict[str, Any]:
    """The `--json` document."""
    gens = result.generations
    known_energy = [g.energy_j for g in gens if g.energy_j is not None]
    known_carbon = [g.gco2e for g in gens if g.gco2e is not None]
    knee = next((v.name for v in result.variants if v.knee), None)
    return {
        "run_id": result.run_id,
        "started_at": result.started_at,
        "interrupted": result.interrupted,
        "prompt_set": result.prompt_set.path,
        "model": {
            "path": result.model.path,
            "sha256": result.model.sha256,
            "name": result.model.name,
            "size_bytes": result.model.size_bytes,
            "quantization": result.model.quantization,
        },
        "dataset": {
            "path": result.dataset.path,
            "n_items": len(result.dataset.items),
            "target": result.dataset.target_column,
        },
        "scorer": result.scorer,
        "mode": result.mode,
        "serving": result.serving,
        "energy_method": energy_method(result),
        "energy_model": {"description": result.energy.description, **dict(result.energy.constants)},
        "carbon_intensity_g_per_kwh": result.carbon.g_per_kwh,
        "carbon_intensity_source": result.carbon.source,
        "pue": result.carbon.pue,
        "variants": [variant_row(v) for v in result.variants],
        "frontier": [v.name for v in result.variants if v.on_frontier],
        "knee": knee,
        "min_quality": result.min_quality,
        "recommended": result.recommended,
        "totals": {
            "energy_j": sum(known_energy) if known_energy else None,
            "gco2e": sum(known_carbon) if known_carbon else None,
            "generations": len(gens),
            "errors": sum(1 for g in gens if g.error),
            "wall_s": result.wall_s,
            "model_load_s": result.model_load_s,
        },
    }
