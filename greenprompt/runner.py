"""The only orchestration: resolve inputs, plan jobs, run them metered, score and analyse."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Iterator

from greenprompt.analysis import AnalysisOptions, analyze
from greenprompt.carbon import gco2e
from greenprompt.errors import GreenPromptError
from greenprompt.inputs import InputOptions, resolve_inputs
from greenprompt.metering import Meter, make_meter
from greenprompt.projection import payback
from greenprompt.prompts import Renderer, load_prompt_set
from greenprompt.records import (
    CHAT,
    COMPLETION,
    STANDALONE,
    CarbonIntensity,
    Dataset,
    Footprint,
    Generation,
    Job,
    Measurement,
    ModelInfo,
    PromptSet,
    Request,
    RunResult,
    Span,
)
from greenprompt.scoring import get_scorer
from greenprompt.tokens import count_cl100k

DEFAULT_SCORER = "exact"

ProgressFn = Callable[[Generation, int, int], None]


@dataclass(frozen=True)
class CompareOptions(InputOptions):
    """Everything `greenprompt compare` takes; None means "from the prompt set, else default"."""

    scorer: str | None = None
    threads: int | None = None
    min_quality: float | None = None
    repeats: int = 1
    ci_level: float = 0.95
    bootstrap: int = 2000
    baseline: str | None = None
    volume: float | None = None
    price_in: float | None = None
    price_out: float | None = None


def plan(prompt_set: PromptSet, dataset: Dataset, mode: str, seed: int, repeats: int = 1) -> list[Job]:
    """Render every (item, repeat, variant) job up front, so a template error stops the
    run before any energy is spent. Items are the outer loop and variants the inner one,
    so slow drifts of a shared machine affect every variant alike. Repeats of a sampled
    variant (temperature > 0) use seeds seed, seed+1, ..."""
    renderer = Renderer(prompt_set.variants)
    rendered = {}
    jobs = []
    for index, item in enumerate(dataset.items):
        for variant in prompt_set.variants:
            rendered[variant.name] = renderer.render(variant, item)
        for repeat in range(repeats):
            for variant in prompt_set.variants:
                system, text = rendered[variant.name]
                job_seed = seed + repeat if variant.params.temperature > 0 else seed
                request = Request(mode=mode, text=text, system=system, params=variant.params, seed=job_seed)
                jobs.append(
                    Job(variant=variant.name, item_id=item.id, index=index, request=request, target=item.target, repeat=repeat)
                )
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
        repeat=job.repeat,
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


def _validate(options: CompareOptions, prompt_set: PromptSet) -> None:
    names = [v.name for v in prompt_set.variants]
    checks = [
        (options.threads is None or options.threads >= 1, f"--threads must be at least 1, got {options.threads}"),
        (options.repeats >= 1, f"--repeats must be at least 1, got {options.repeats}"),
        (0 < options.ci_level < 1, f"--ci-level must be between 0 and 1 (e.g. 0.95), got {options.ci_level}"),
        (options.bootstrap >= 0, f"--bootstrap must be >= 0 resamples (0 turns intervals off), got {options.bootstrap}"),
        (options.volume is None or options.volume >= 0, f"--volume must be >= 0 queries per day, got {options.volume}"),
        (
            all(p is None or p >= 0 for p in (options.price_in, options.price_out)),
            "--price-in and --price-out must be >= 0 per 1,000 tokens",
        ),
        (
            options.baseline is None or options.baseline in names,
            f"--baseline {options.baseline}: no such variant; variants: {', '.join(names)}",
        ),
    ]
    for ok, message in checks:
        if not ok:
            raise GreenPromptError(message)


def compare(
    options: CompareOptions,
    progress: ProgressFn | None = None,
    backend_factory: Callable[[str, CompareOptions], object] = _load_backend,
) -> RunResult:
    """Run every variant over the dataset through the model, metered, scored and analysed.

    Raises GreenPromptError for bad input before any generation. On Ctrl-C the finished
    generations are kept and the result is marked `interrupted`.
    """
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    prompt_set = load_prompt_set(options.prompts)
    _validate(options, prompt_set)
    inputs = resolve_inputs(options, prompt_set=prompt_set)
    dataset, mode, intensity, model = inputs.dataset, inputs.mode, inputs.intensity, inputs.model
    scorer = get_scorer(options.scorer or prompt_set.scorer or DEFAULT_SCORER)
    jobs = plan(prompt_set, dataset, mode, options.seed, options.repeats)
    meter = make_meter(model.size_bytes)

    # The experiment's own footprint is metered from here: model load, generations and
    # everything else (rendering, scoring, analysis) until the result is complete.
    run_start = meter.start()
    load_start = meter.start()
    backend = backend_factory(model.path, options)
    load = meter.stop(load_start)
    generations: list[Generation] = []
    interrupted = False
    try:
        if mode == CHAT and not getattr(backend, "has_chat_template", True):
            raise GreenPromptError(
                f"{model.path}: this model has no chat template; use --mode {COMPLETION} (or 'mode: {COMPLETION}' in the prompt set)"
            )
        model = identify_model(model, backend)
        for gen in run_jobs(backend, meter, jobs, intensity, progress):
            generations.append(gen)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        backend.close()

    scores = tuple(0.0 if g.error else scorer(g.output, g.target) for g in generations)
    analysis = analyze(
        [v.name for v in prompt_set.variants],
        generations,
        scores,
        AnalysisOptions(
            min_quality=options.min_quality,
            baseline=options.baseline,
            repeats=options.repeats,
            ci_level=options.ci_level,
            n_bootstrap=options.bootstrap,
            seed=options.seed,
            volume_per_day=options.volume,
            price_in=options.price_in,
            price_out=options.price_out,
        ),
    )
    footprint = _footprint(meter.stop(run_start), load, generations, intensity)
    queries, reason = payback(footprint.total.gco2e, analysis.get(analysis.baseline), analysis.switch_target)
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
        variants=analysis.variants,
        min_quality=options.min_quality,
        recommended=analysis.recommended,
        interrupted=interrupted,
        model_load_s=load.wall_s,
        wall_s=footprint.total.wall_s,
        repeats=options.repeats,
        ci_level=options.ci_level,
        n_bootstrap=options.bootstrap,
        baseline=analysis.baseline,
        energy_fit=analysis.energy_fit,
        energy_fit_note=analysis.energy_fit_note,
        footprint=replace(footprint, payback_queries=queries, payback_reason=reason),
        volume_per_day=options.volume,
        price_in=options.price_in,
        price_out=options.price_out,
    )


def _footprint(total: Measurement, load: Measurement, generations: list[Generation], intensity: CarbonIntensity) -> Footprint:
    """Split the run's metered total into model load, generations and the remainder
    (rendering, scoring, bookkeeping), so the parts add up to the total exactly."""

    def span(wall: float, energy: float | None) -> Span:
        return Span(wall, energy, gco2e(energy, intensity))

    gen_wall = sum(g.wall_s for g in generations)
    known = [g.energy_j for g in generations if g.energy_j is not None]
    gen_energy = sum(known) if len(known) == len(generations) else None
    overhead_energy = (
        None if None in (total.energy_j, load.energy_j, gen_energy) else total.energy_j - load.energy_j - gen_energy
    )
    return Footprint(
        total=span(total.wall_s, total.energy_j),
        model_load=span(load.wall_s, load.energy_j),
        generations=span(gen_wall, gen_energy),
        overhead=span(total.wall_s - load.wall_s - gen_wall, overhead_energy),
    )


def identify_model(model: ModelInfo, backend) -> ModelInfo:
    """Fill name and quantization from the GGUF metadata the backend read."""
    meta = getattr(backend, "metadata", {}) or {}
    return replace(
        model,
        name=meta.get("general.name") or model.name,
        quantization=getattr(backend, "quantization", None) or model.quantization,
    )
