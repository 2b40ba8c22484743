"""The only orchestration: resolve inputs, plan jobs, run them metered, score and rank."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Iterator

from greenprompt.carbon import gco2e, grid_intensity
from greenprompt.data import load_dataset
from greenprompt.errors import GreenPromptError
from greenprompt.metering import Meter, make_meter
from greenprompt.models import resolve_model
from greenprompt.prompts import Renderer, check_columns, load_prompt_set
from greenprompt.records import (
    CHAT,
    COMPLETION,
    MODES,
    STANDALONE,
    CarbonIntensity,
    Dataset,
    Generation,
    Job,
    ModelInfo,
    PromptSet,
    Request,
    RunResult,
)
from greenprompt.scoring import get_scorer
from greenprompt.summary import summarize
from greenprompt.tokens import count_cl100k

DEFAULT_SCORER = "exact"

ProgressFn = Callable[[Generation, int, int], None]


@dataclass(frozen=True)
class CompareOptions:
    """Everything `greenprompt compare` takes; None means "from the prompt set, else default"."""

    prompts: str
    dataset: str | None = None
    model: str | None = None
    target: str | None = None
    scorer: str | None = None
    limit: int | None = None
    sample: int | None = None
    seed: int = 0
    mode: str | None = None
    n_ctx: int = 2048
    threads: int | None = None
    country: str | None = None
    carbon_intensity: float | None = None
    pue: float = 1.0
    min_quality: float | None = None


def plan(prompt_set: PromptSet, dataset: Dataset, mode: str, seed: int) -> list[Job]:
    """Render every (item, variant) job up front, so a template error stops the run
    before any energy is spent. Items are the outer loop: variants interleave, so slow
    drifts of a shared machine affect every variant alike."""
    renderer = Renderer(prompt_set.variants)
    jobs = []
    for index, item in enumerate(dataset.items):
        for variant in prompt_set.variants:
            system, text = renderer.render(variant, item)
            request = Request(mode=mode, text=text, system=system, params=variant.params, seed=seed)
            jobs.append(Job(variant=variant.name, item_id=item.id, index=index, request=request, target=item.target))
    return jobs


def run_job(backend, meter: Meter, job: Job, intensity: CarbonIntensity) -> Generation:
    """Generate one job, metered. A failing generation is recorded, not raised."""
    start = meter.start()
    try:
        out = backend.generate(job.request)
        error = None
    except Exception as e:  # one bad item must not end the run
        out, error = None, f"{type(e).__name__}: {e}"
    m = meter.stop(start)
    prompt = job.request.prompt_text()
    text = out.text if out else ""
    return Generation(
        variant=job.variant,
        item_id=job.item_id,
        index=job.index,
        prompt=prompt,
        output=text,
        target=job.target,
        prompt_tokens=out.prompt_tokens if out else 0,
        completion_tokens=out.completion_tokens if out else 0,
        prompt_tokens_cl100k=count_cl100k(prompt),
        completion_tokens_cl100k=count_cl100k(text),
        wall_s=m.wall_s,
        cpu_s=m.cpu_s,
        prefill_s=out.prefill_s if out else None,
        decode_s=out.decode_s if out else None,
        energy_j=m.energy_j,
        energy_method=m.method,
        gco2e=gco2e(m.energy_j, intensity),
        finish_reason=out.finish_reason if out else None,
        error=error,
    )


def run_jobs(
    backend, meter: Meter, jobs: list[Job], intensity: CarbonIntensity, progress: ProgressFn | None = None
) -> Iterator[Generation]:
    """Yield each finished generation in turn."""
    for done, job in enumerate(jobs, 1):
        gen = run_job(backend, meter, job, intensity)
        if progress:
            progress(gen, done, len(jobs))
        yield gen


def _load_backend(model_path: str, options: CompareOptions):
    from greenprompt.backends.llama_cpp import LlamaCppBackend

    return LlamaCppBackend(model_path, n_ctx=options.n_ctx, threads=options.threads, seed=options.seed)


def compare(
    options: CompareOptions,
    progress: ProgressFn | None = None,
    backend_factory: Callable[[str, CompareOptions], object] = _load_backend,
) -> RunResult:
    """Run every variant over the dataset through the model, metered, scored and ranked.

    Raises GreenPromptError for bad input before any generation. On Ctrl-C the finished
    generations are kept and the result is marked `interrupted`.
    """
    t0 = time.perf_counter()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    prompt_set = load_prompt_set(options.prompts)
    dataset_path = options.dataset or prompt_set.dataset
    if not dataset_path:
        raise GreenPromptError(
            f"{prompt_set.path}: no dataset; pass --dataset PATH or set 'dataset:' in the prompt set"
        )
    dataset = load_dataset(
        dataset_path, target=options.target or prompt_set.target, limit=options.limit, sample=options.sample, seed=options.seed
    )
    check_columns(prompt_set, dataset.column_names)
    scorer = get_scorer(options.scorer or prompt_set.scorer or DEFAULT_SCORER)
    mode = options.mode or prompt_set.mode or CHAT
    if mode not in MODES:
        raise GreenPromptError(f"--mode must be one of {', '.join(MODES)}, got {mode!r}")
    if options.n_ctx < 16:
        raise GreenPromptError(f"--n-ctx must be at least 16 tokens, got {options.n_ctx}")
    if options.threads is not None and options.threads < 1:
        raise GreenPromptError(f"--threads must be at least 1, got {options.threads}")
    intensity = grid_intensity(options.country, options.carbon_intensity, options.pue)
    jobs = plan(prompt_set, dataset, mode, options.seed)
    model = resolve_model(options.model or prompt_set.model)
    meter = make_meter(model.size_bytes)

    load_start = time.perf_counter()
    backend = backend_factory(model.path, options)
    model_load_s = time.perf_counter() - load_start
    generations: list[Generation] = []
    interrupted = False
    try:
        if mode == CHAT and not getattr(backend, "has_chat_template", True):
            raise GreenPromptError(
                f"{model.path}: this model has no chat template; use --mode {COMPLETION} (or 'mode: {COMPLETION}' in the prompt set)"
            )
        model = _identify(model, backend)
        for gen in run_jobs(backend, meter, jobs, intensity, progress):
            generations.append(gen)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        backend.close()

    scores = tuple(0.0 if g.error else scorer(g.output, g.target) for g in generations)
    variants, recommended = summarize(
        [v.name for v in prompt_set.variants], generations, scores, options.min_quality
    )
    return RunResult(
        run_id=f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
        started_at=started_at,
        prompt_set=prompt_set,
        dataset=dataset,
        model=model,
        mode=mode,
        scorer=scorer.spec,
        carbon=intensity,
        energy=meter.describe(),
        serving=STANDALONE,
        generations=tuple(generations),
        scores=scores,
        variants=variants,
        min_quality=options.min_quality,
        recommended=recommended,
        interrupted=interrupted,
        model_load_s=model_load_s,
        wall_s=time.perf_counter() - t0,
    )


def _identify(model: ModelInfo, backend) -> ModelInfo:
    """Fill name and quantization from the GGUF metadata the backend read."""
    meta = getattr(backend, "metadata", {}) or {}
    return replace(
        model,
        name=meta.get("general.name") or model.name,
        quantization=getattr(backend, "quantization", None) or model.quantization,
    )
