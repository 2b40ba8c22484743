"""The machine-readable view of a run: the `--json` document and per-variant/generation rows.

Every key is described in docs/json.md and docs/json.schema.json (tests/outputs/test_json_schema.py);
keys are never removed or renamed, others may be added.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from greenprompt.outputs.budget import budget_document
from greenprompt.records import RunResult, Span, VariantSummary
from greenprompt.records.generation import contention_summary


def energy_method(result: RunResult) -> str:
    """The method behind the run's energy figures; 'mixed' when a counter failed mid-run."""
    methods = {g.energy_method for g in result.generations}
    if not methods:
        return result.energy.method
    return methods.pop() if len(methods) == 1 else "mixed"


def _ci(ci: tuple[float, float] | None) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


def _comparison(s: VariantSummary) -> dict[str, Any] | None:
    c = s.stats.vs_baseline if s.stats else None
    if c is None:
        return None
    return {
        "baseline": c.baseline,
        "delta_quality": c.delta_quality,
        "delta_quality_ci": _ci(c.delta_quality_ci),
        "delta_gco2e_pct": c.delta_gco2e_pct,
        "delta_gco2e_pct_ci": _ci(c.delta_gco2e_pct_ci),
        "significant": c.significant,
        "significant_quality": c.significant_quality,
        "significant_gco2e": c.significant_gco2e,
    }


def _span(span: Span) -> dict[str, Any]:
    return {"energy_j": span.energy_j, "gco2e": span.gco2e, "wall_s": span.wall_s}


def experiment(result: RunResult) -> dict[str, Any] | None:
    """The run's own footprint: total and its parts, plus the payback of switching."""
    f = result.footprint
    if f is None:
        return None
    return {
        **_span(f.total),
        "model_load": _span(f.model_load),
        "prefix_fill": _span(f.prefix_fill),
        "generations": _span(f.generations),
        "overhead": _span(f.overhead),
        "payback_queries": f.payback_queries,
        "payback_reason": f.payback_reason,
    }


def energy_model(result: RunResult) -> dict[str, Any]:
    fit = result.energy_fit
    if fit is None:
        return {"j_per_prompt_token": None, "j_per_completion_token": None, "j_per_call": None, "r2": None,
                "n": 0, "note": result.energy_fit_note, "warning": None}
    return {
        "j_per_prompt_token": fit.j_per_prompt_token,
        "j_per_completion_token": fit.j_per_completion_token,
        "j_per_call": fit.j_per_call,
        "r2": fit.r2,
        "n": fit.n,
        "warning": fit.warning,
    }


def variant_row(s: VariantSummary) -> dict[str, Any]:
    stats = s.stats
    return {
        "name": s.name,
        "quality": s.quality,
        "n": s.n,
        "errors": s.errors,
        "prompt_tokens": s.prompt_tokens,
        "prefix_tokens": s.prefix_tokens,
        "completion_tokens": s.completion_tokens,
        "prompt_tokens_cl100k": s.prompt_tokens_cl100k,
        "completion_tokens_cl100k": s.completion_tokens_cl100k,
        "energy_j": s.energy_j,
        "gco2e": s.gco2e,
        "latency_s": s.latency_s,
        "pareto_rank": s.pareto_rank,
        "on_frontier": s.on_frontier,
        "knee": s.knee,
        "energy_prefill_j": s.energy_prefill_j,
        "energy_decode_j": s.energy_decode_j,
        "quality_ci": _ci(stats.quality_ci) if stats else None,
        "energy_j_ci": _ci(stats.energy_j_ci) if stats else None,
        "gco2e_ci": _ci(stats.gco2e_ci) if stats else None,
        "p_frontier": stats.p_frontier if stats else None,
        "uncertain": s.uncertain,
        "vs_baseline": _comparison(s),
        "annual_kwh": s.projection.annual_kwh,
        "annual_kgco2e": s.projection.annual_kgco2e,
        "cost_per_1k_queries": s.projection.cost_per_1k_queries,
        "dropped_at_items": s.dropped_at,
        "dropped_by": s.dropped_by,
        "cascade": asdict(s.cascade) if s.cascade else None,
        "hosted": [h.to_dict() for h in s.hosted],  # EcoLogits projections (--hosted), never measured
    }


def generation_rows(result: RunResult):
    """One dict per generation, with its score."""
    for g, score in zip(result.generations, result.scores):
        row = g.to_dict()
        row["energy_prefill_j"], row["energy_decode_j"] = g.energy_split()
        row["score"] = score
        yield row


def point_identity(result: RunResult, s: VariantSummary) -> dict[str, Any]:
    """Which prompt variant and which model (or cascade) a ranked point is."""
    if s.cascade is not None:
        return {"variant": s.cascade.variant, "model": f"{s.cascade.small}>{s.cascade.large}"}
    variant = next((v for v in result.prompt_set.variants if v.name == s.name), None)
    model = variant.model if variant and variant.model else (result.models[0].name if result.models else None)
    return {"variant": variant.base or variant.name if variant else s.name, "model": model}


def model_row(m) -> dict[str, Any]:
    """One model of the run, as the output describes it."""
    from greenprompt.inputs.gguf import parameter_label

    info = m.info
    return {
        "name": m.name,
        "mode": m.mode,
        "model_name": info.name,
        "path": info.path,
        "sha256": info.sha256,
        "size_bytes": info.size_bytes,
        "parameters": info.parameters,
        "parameters_label": parameter_label(info.parameters),
        "quantization": info.quantization,
        "architecture": info.architecture,
    }


def serving_profile(result: RunResult) -> dict[str, Any]:
    """One serving profile's ranking, for the side-by-side `serving_profiles` list."""
    f = result.footprint
    return {
        "serving": result.serving,
        "run_id": result.run_id,
        "interrupted": result.interrupted,
        "variants": [
            {k: row[k] for k in ("name", "quality", "prompt_tokens", "prefix_tokens", "energy_j", "gco2e", "latency_s",
                                 "pareto_rank", "on_frontier", "energy_j_ci")}
            for row in map(variant_row, result.variants)
        ],
        "frontier": [v.name for v in result.variants if v.on_frontier],
        "recommended": result.recommended,
        "chosen": result.chosen.to_dict(),
        "greenest": greenest(result),
        "wall_s": result.wall_s,
        "prefix_fill": _span(f.prefix_fill) if f else None,
    }


def greenest(result: RunResult) -> str | None:
    """The variant with the least carbon per query."""
    known = [v for v in result.variants if v.gco2e is not None]
    return min(known, key=lambda v: v.gco2e).name if known else None


def totals(result: RunResult) -> dict[str, Any]:
    """The run's sums over its generations (of the first serving profile)."""
    gens = result.generations
    known_energy = [g.energy_j for g in gens if g.energy_j is not None]
    known_carbon = [g.gco2e for g in gens if g.gco2e is not None]
    return {
        "energy_j": sum(known_energy) if known_energy else None,
        "gco2e": sum(known_carbon) if known_carbon else None,
        "generations": len(gens),
        "cached": sum(1 for g in gens if g.cached),
        "remeasured": sum(1 for g in gens if g.remeasured),
        "errors": sum(1 for g in gens if g.error),
        "wall_s": result.wall_s,
        "model_load_s": result.model_load_s,
    }


def run_document(result: RunResult) -> dict[str, Any]:
    """The `--json` document. Its top-level figures belong to the first serving profile
    (`serving`); `serving_profiles` ranks the variants under each profile asked for."""
    knee = next((v.name for v in result.variants if v.knee), None)
    return {
        "run_id": result.run_id,
        "started_at": result.started_at,
        "interrupted": result.interrupted,
        "stopped_by": budget_document(result),  # null, or what --budget stopped: figures, items per variant
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
            "n_items": result.dataset.n_items,
            "target": result.dataset.target_column,
        },
        "models": [model_row(m) for m in result.models],
        "scorer": result.scorer,
        "mode": result.mode,
        "serving": result.serving,
        "energy_method": energy_method(result),
        "energy_meter": {"description": result.energy.description, **dict(result.energy.constants)},
        "energy_model": energy_model(result),
        "contention": contention_summary(result.generations).to_dict(),
        "carbon_intensity_g_per_kwh": result.carbon.g_per_kwh,
        "carbon_intensity_source": result.carbon.source,
        "pue": result.carbon.pue,
        "variants": [{**variant_row(v), **point_identity(result, v)} for v in result.variants],
        "frontier": [v.name for v in result.variants if v.on_frontier],
        "knee": knee,
        "frontier_on": result.frontier_on,  # null/local: measured carbon; hosted:P/M: that projection's midpoint
        "min_quality": result.min_quality,
        "recommended": result.recommended,
        "chosen": result.chosen.to_dict(),  # the variant the gate tests by default, and why
        "warnings": list(result.warnings),
        "baseline": result.baseline,
        "repeats": result.repeats,
        "strategy": result.strategy,
        "race": {"confidence": result.race_confidence, "margin": result.race_margin} if result.strategy == "race" else None,
        "ci_level": result.ci_level,
        "bootstrap": result.n_bootstrap,
        "volume_per_day": result.volume_per_day,
        "price_in": result.price_in,
        "price_out": result.price_out,
        "experiment": experiment(result),
        "nodes": [n.to_dict() for n in result.footprint.nodes] if result.footprint else [],  # --executor ray
        "serving_profiles": [serving_profile(r) for r in result.profiles],
        "totals": totals(result),
    }


def estimate_document(est) -> dict[str, Any]:
    """The `estimate --json` document."""
    fit = est.calibration.fit
    return {
        "model": {"path": est.model.path, "sha256": est.model.sha256, "name": est.model.name},
        "dataset": {"path": est.dataset, "n_items": est.n_items},
        "mode": est.mode,
        "energy_model": {
            "j_per_prompt_token": fit.j_per_prompt_token,
            "j_per_completion_token": fit.j_per_completion_token,
            "j_per_call": fit.j_per_call,
            "r2": fit.r2,
            "source": est.calibration.source,
        },
        "carbon_intensity_g_per_kwh": est.carbon.g_per_kwh,
        "carbon_intensity_source": est.carbon.source,
        "pue": est.carbon.pue,
        "notes": list(est.notes),
        "variants": [
            {
                "name": v.name,
                "prompt_tokens": v.prompt_tokens,
                "prompt_tokens_cl100k": v.prompt_tokens_cl100k,
                "completion_tokens": v.completion_tokens,
                "completion_tokens_source": v.completion_source,
                "energy_j": v.energy_j,
                "gco2e": v.gco2e,
            }
            for v in est.variants
        ],
    }
