"""Predict each variant's energy and carbon from token counts alone.

The prompt side is exact: every prompt is rendered and tokenised by the model's own
tokenizer (and chat template), with no generation. The completion side cannot be known
without generating, so its length comes from a stored run of the same variant or from a
`--completion-tokens` guess, and the output says which. Joules come from the energy
model fitted over a stored run (`energy_model` in `compare --json`).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from greenprompt.analysis.energy_fit import predict_j
from greenprompt.inputs.carbon import gco2e
from greenprompt.inputs.resolve import resolve_inputs
from greenprompt.inputs.tokens import count_cl100k
from greenprompt.records import CarbonIntensity, EnergyFit, ModelInfo
from greenprompt.records.config import EstimateConfig
from greenprompt.records.errors import GreenPromptError

FROM_RUN = "run"
GUESS = "guess"


@dataclass(frozen=True)
class Calibration:
    """What a stored run contributes: its fitted energy model and completion lengths."""

    fit: EnergyFit
    completion_tokens: dict[str, float]
    model_sha256: str | None
    source: str


EstimateOptions = EstimateConfig  # declared with the other options, in records.config


@dataclass(frozen=True)
class VariantEstimate:
    name: str
    prompt_tokens: float
    prompt_tokens_cl100k: float
    completion_tokens: float
    completion_source: str  # FROM_RUN or GUESS
    energy_j: float
    gco2e: float


@dataclass(frozen=True)
class Estimate:
    variants: tuple[VariantEstimate, ...]
    calibration: Calibration
    model: ModelInfo
    dataset: str
    n_items: int
    mode: str
    carbon: CarbonIntensity
    notes: tuple[str, ...]


def calibration_from(doc: dict, source: str) -> Calibration:
    """The energy model and per-variant completion lengths of a run's `compare --json`
    document (`source`: where it came from, a file or a stored run, for the messages)."""
    p = source
    model = doc.get("energy_model")
    keys = ("j_per_prompt_token", "j_per_completion_token", "j_per_call", "r2")
    if not isinstance(model, dict) or any(not isinstance(model.get(k), (int, float)) for k in keys):
        why = model.get("note") if isinstance(model, dict) and model.get("note") else "no fitted energy_model in it"
        raise GreenPromptError(f"{p}: cannot estimate from this run ({why}); use a `compare --json` run with varied token counts")
    fit = EnergyFit(*(float(model[k]) for k in keys), n=int(model.get("n", 0)))
    lengths = {v["name"]: float(v["completion_tokens"]) for v in doc.get("variants", []) if "name" in v and "completion_tokens" in v}
    sha = (doc.get("model") or {}).get("sha256")
    return Calibration(fit, lengths, sha, f"{p} (run {doc.get('run_id', '?')})")


def estimate(options: EstimateOptions, document: dict) -> Estimate:
    """Predict J and gCO2e per query for every variant without generating anything, with the
    energy model of `document` (the run `options.calibration` names, as `compare --json`)."""
    from greenprompt.engine.backends import check_mode
    from greenprompt.engine.backends.llama_cpp import LlamaCppBackend
    from greenprompt.engine.plan import plan

    options.validate()
    calibration = calibration_from(document, str(options.calibration))
    inputs = resolve_inputs(options, require_target=False)
    prompt_set, dataset, mode, intensity, model = (
        inputs.prompt_set, inputs.dataset, inputs.mode, inputs.intensity, inputs.model
    )
    missing = [v.name for v in prompt_set.variants if v.name not in calibration.completion_tokens]
    if missing and options.completion_tokens is None:
        raise GreenPromptError(
            f"no completion length for variant(s) {', '.join(missing)}: they are not in {calibration.source}; "
            "pass --completion-tokens N as a guess"
        )
    jobs = plan(prompt_set.variants, dataset, mode, options.seed)

    backend = LlamaCppBackend(model.path, n_ctx=options.n_ctx)
    try:
        check_mode(backend, mode, model.path)
        counts: dict[str, list[tuple[int, int]]] = {v.name: [] for v in prompt_set.variants}
        for job in jobs:
            counts[job.variant].append((backend.count_prompt_tokens(job.request), count_cl100k(job.request.prompt_text())))
    finally:
        backend.close()

    notes = [
        "prompt tokens: counted by the model's tokenizer on every rendered prompt (no generation)",
        "completion tokens: from the stored run where the variant is in it, else the --completion-tokens guess",
    ]
    if calibration.model_sha256 and calibration.model_sha256 != model.sha256:
        notes.append("the energy model was fitted on a different model file: the figures are indicative only")
    estimates = []
    for v in prompt_set.variants:
        prompt = fmean(c[0] for c in counts[v.name])
        from_run = v.name in calibration.completion_tokens
        completion = calibration.completion_tokens[v.name] if from_run else float(options.completion_tokens)
        energy = predict_j(calibration.fit, prompt, completion)
        estimates.append(
            VariantEstimate(
                name=v.name,
                prompt_tokens=prompt,
                prompt_tokens_cl100k=fmean(c[1] for c in counts[v.name]),
                completion_tokens=completion,
                completion_source=FROM_RUN if from_run else GUESS,
                energy_j=energy,
                gco2e=gco2e(energy, intensity),
            )
        )
    return Estimate(tuple(estimates), calibration, model, dataset.path, len(dataset.items), mode, intensity, tuple(notes))
