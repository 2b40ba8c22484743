"""The only orchestration: resolve inputs, plan jobs, run them metered, score and analyse."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Iterator, Sequence

from greenprompt.analysis.analyze import AnalysisOptions
from greenprompt.engine.cascade_jobs import verifier_job
from greenprompt.inputs.cascade_spec import LOW_CONFIDENCE, VERIFIER, VERIFY_SUFFIX, make_cascade
from greenprompt.engine.backends import check_mode
from greenprompt.inputs.carbon import gco2e
from greenprompt.records.errors import GreenPromptError
from greenprompt.inputs.resolve import resolve_inputs
from greenprompt.records.config import EXHAUSTIVE, RACE, STRATEGIES, Config
from greenprompt.engine.metering import Meter, make_meter
from greenprompt.inputs.prompt_sets import Renderer, load_prompt_set
from greenprompt.records import (
    PREFIX_CACHE,
    SERVING_PROFILES,
    STANDALONE,
    CarbonIntensity,
    Dataset,
    Generation,
    Job,
    Measurement,
    PromptSet,
    Request,
    RunModel,
    RunResult,
    Variant,
)
from greenprompt.analysis.result import build_result, make_header, score_and_analyze
from greenprompt.analysis.scoring import get_scorer
from greenprompt.engine.store import (
    FINISHED,
    INTERRUPTED,
    RUNNING,
    RunStore,
    default_store_path,
)
from greenprompt.inputs.tokens import count_cl100k

DEFAULT_SCORER = "exact"

ProgressFn = Callable[[Generation, int, int], None]


def serving_profiles(serving: str) -> tuple[str, ...]:
    """The serving profiles named by `--serving` ("standalone,prefix-cache"), in order."""
    names = tuple(p.strip() for p in serving.split(",") if p.strip())
    unknown = [p for p in names if p not in SERVING_PROFILES]
    if not names or unknown or len(set(names)) != len(names):
        raise GreenPromptError(
            f"--serving {serving!r}: give one or more of {', '.join(SERVING_PROFILES)}, comma-separated, each once"
        )
    return names


# No tokenizer packs more than this many characters into a token on average: a longer
# prompt cannot fit the context whatever the text, so it is refused before the run.
MAX_CHARS_PER_TOKEN = 64


def check_rendering(prompt_set: PromptSet, dataset: Dataset, n_ctx: int) -> None:
    """Render every variant for every item once, so a template error or a prompt far too
    long for the context stops the run before any energy is spent. The renders are not
    kept: jobs are rendered again as they run."""
    renderer = Renderer(prompt_set.variants)
    limit = n_ctx * MAX_CHARS_PER_TOKEN
    for item in dataset.items:
        for variant in prompt_set.variants:
            system, text = renderer.render(variant, item)
            size = len(text) + len(system or "")
            if size > limit:
                raise GreenPromptError(
                    f"{dataset.path}: item {item.id}: variant '{variant.name}' renders a {size:,}-character prompt, "
                    f"far more than a {n_ctx}-token context holds; shorten the data or raise --n-ctx"
                )


def plan(
    variants: Sequence[Variant], dataset: Dataset, mode: str, seed: int, repeats: int = 1, logprobs: bool = False
) -> Iterator[Job]:
    """Yield every (item, repeat, variant) job in run order. Items are the outer loop and
    variants the inner one, so slow drifts of a shared machine affect every variant alike.
    Repeats of a sampled variant (temperature > 0) use seeds seed, seed+1, ..."""
    renderer = Renderer(variants)
    for index, item in enumerate(dataset.items):
        rendered = {v.name: renderer.render(v, item) for v in variants}
        for repeat in range(repeats):
            for variant in variants:
                system, text = rendered[variant.name]
                job_seed = seed + repeat if variant.params.temperature > 0 else seed
                request = Request(
                    mode=mode, text=text, system=system, params=variant.params, seed=job_seed, logprobs=logprobs
                )
                yield Job(variant=variant.name, item_id=item.id, index=index, request=request, target=item.target, repeat=repeat)


def cache_key(model_sha256: str, job: Job, serving: str) -> str:
    """Identifies a generation: model, exact request, parameters, seed, serving profile and
    repeat index (a repeat is a new measurement, never a cache hit of the previous one)."""
    r = job.request
    p = r.params
    material = [model_sha256, r.mode, r.system, r.text, p.max_tokens, p.temperature, list(p.stop), r.seed, serving, job.repeat]
    if r.logprobs:  # only then: keys of runs that never asked for log-probabilities stay as they were
        material.append("logprobs")
    return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode("utf-8")).hexdigest()


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
        prefix_tokens=out.prefix_tokens if out else 0,
        mean_logprob=out.mean_logprob if out else None,
        prefill_s=out.prefill_s if out else None,
        decode_s=out.decode_s if out else None,
        energy_j=m.energy_j,
        energy_method=m.method,
        gco2e=gco2e(m.energy_j, intensity),
        finish_reason=out.finish_reason if out else None,
        error=error,
        repeat=job.repeat,
    )


def from_cache(hit: Generation, job: Job) -> Generation:
    """A stored generation reused for this job: its output and its originally measured energy."""
    return replace(hit, variant=job.variant, item_id=job.item_id, index=job.index, target=job.target, repeat=job.repeat, cached=True)


def _load_backend(model_path: str, options: Config):
    from greenprompt.engine.backends.llama_cpp import LlamaCppBackend

    return LlamaCppBackend(model_path, n_ctx=options.n_ctx, threads=options.threads, seed=options.seed)


class _Model:
    """The model in memory: at most one at a time, loaded on first use (a fully cached run
    never loads it) and kept while the same model is asked for again (e.g. by the next
    serving profile). Each load is metered once, and claimed by the run it served."""

    def __init__(self, factory, options: Config):
        self.factory, self.options = factory, options
        self.backend = None
        self.loaded: RunModel | None = None
        self.unclaimed_load: Measurement | None = None

    def get(self, model: RunModel, meter: Meter):
        if self.loaded != model:
            self.close()
            start = meter.start()
            self.backend = self.factory(model.info.path, self.options)
            self.loaded = model
            load = meter.stop(start)
            self.unclaimed_load = load if self.unclaimed_load is None else _add(self.unclaimed_load, load)
            check_mode(self.backend, model.mode, model.info.path)
        return self.backend

    def claim_load(self, method: str) -> Measurement:
        """Load measurements not yet counted by any run; zero when there are none."""
        load, self.unclaimed_load = self.unclaimed_load, None
        return load or Measurement(0.0, 0.0, 0.0, method)

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()
        self.backend, self.loaded = None, None


def _add(a: Measurement, b: Measurement) -> Measurement:
    energy = None if a.energy_j is None or b.energy_j is None else a.energy_j + b.energy_j
    return Measurement(a.wall_s + b.wall_s, a.cpu_s + b.cpu_s, energy, a.method)


def shared_prefix(token_lists: list[list[int]]) -> list[int]:
    """The longest token prefix every prompt shares, leaving each prompt at least one
    token of its own to evaluate (the model needs fresh logits to start generating)."""
    if not token_lists:
        return []
    first = token_lists[0]
    n = min(len(t) for t in token_lists) - 1
    for tokens in token_lists[1:]:
        i = 0
        while i < n and tokens[i] == first[i]:
            i += 1
        n = i
    return list(first[: max(n, 0)])


def _fill_prefixes(backend, variants, inputs, mode: str, seed: int, meter: Meter) -> Measurement:
    """Prefix-cache serving: evaluate each variant's shared prompt prefix once, as a
    deployment that caches it would, and return the metered cost."""
    if not hasattr(backend, "fill_prefix"):
        raise GreenPromptError(f"--serving {PREFIX_CACHE}: this backend cannot cache a prompt prefix")
    tokens: dict[str, list[list[int]]] = {}
    for job in plan(variants, inputs.dataset, mode, seed):
        tokens.setdefault(job.variant, []).append(backend.prompt_tokens(job.request))
    start = meter.start()
    for variant, lists in tokens.items():
        backend.fill_prefix(variant, shared_prefix(lists))
    return meter.stop(start)


def _validate(options: Config, prompt_set: PromptSet) -> None:
    serving_profiles(options.serving)
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
        (options.strategy in STRATEGIES, f"--strategy must be one of {', '.join(STRATEGIES)}, got {options.strategy!r}"),
        (0 < options.race_confidence < 1, f"--race-confidence must be between 0 and 1, got {options.race_confidence}"),
        (0 <= options.race_margin < 1, f"--race-margin must be between 0 and 1 (a quality difference), got {options.race_margin}"),
        (options.budget is None or options.budget >= 1, f"--budget must be at least 1 generation, got {options.budget}"),
        (options.block is None or options.block >= 2, f"--block must be at least 2 items, got {options.block}"),
    ]
    for ok, message in checks:
        if not ok:
            raise GreenPromptError(message)


def _analysis_options(options: Config) -> AnalysisOptions:
    return AnalysisOptions(
        min_quality=options.min_quality,
        baseline=options.baseline,
        repeats=options.repeats,
        ci_level=options.ci_level,
        n_bootstrap=options.bootstrap,
        seed=options.seed,
        volume_per_day=options.volume,
        price_in=options.price_in,
        price_out=options.price_out,
        strategy=options.strategy,
        race_confidence=options.race_confidence,
        race_margin=options.race_margin,
    )


def race_block(options: Config, n_items: int) -> int:
    """Items per racing block: given, else a tenth of the dataset (at least 5)."""
    return options.block or max(5, n_items // 10)


def expand_variants(prompt_set: PromptSet, models: Sequence[RunModel]) -> PromptSet:
    """With several models each (variant, model) pair is a point of its own, `variant@model`."""
    if len(models) < 2:
        return prompt_set
    variants = tuple(
        replace(v, name=f"{v.name}@{m.name}", model=m.name, base=v.name) for m in models for v in prompt_set.variants
    )
    return replace(prompt_set, variants=variants)


def _model_variants(prompt_set: PromptSet, model: RunModel) -> tuple[Variant, ...]:
    return tuple(v for v in prompt_set.variants if v.model in (None, model.name))


def compare(
    options: Config,
    progress: ProgressFn | None = None,
    backend_factory: Callable[[str, Config], object] = _load_backend,
    prompt_set: PromptSet | None = None,
) -> RunResult:
    """Run every variant over the dataset through each model, metered, scored and analysed.

    Every generation is stored as it finishes; a request already in the store is served
    from it (flagged `cached`) unless `no_cache`; `resume` continues a stored run. Raises
    GreenPromptError for bad input before any generation. On Ctrl-C the finished
    generations are kept and the result is marked `interrupted`. `prompt_set`, when
    given, is used instead of reading `options.prompts` (e.g. one inline in an experiment file).
    """
    prompt_set = prompt_set or load_prompt_set(options.prompts)
    if options.cascade:
        prompt_set = replace(prompt_set, cascade=make_cascade(
            options.cascade, options.escalate_when, options.threshold, options.calibrate,
            prompt_set.cascade.verifier if prompt_set.cascade else None,
        ))
    _validate(options, prompt_set)
    inputs = resolve_inputs(options, prompt_set=prompt_set)
    inputs = replace(inputs, prompt_set=expand_variants(inputs.prompt_set, inputs.models))
    _validate_points(options, inputs)
    scorer = get_scorer(options.scorer or prompt_set.scorer or DEFAULT_SCORER).spec
    check_rendering(prompt_set, inputs.dataset, options.n_ctx)
    profiles = serving_profiles(options.serving)
    if options.resume and len(profiles) > 1:
        raise GreenPromptError("--resume continues one stored run: give the --serving profile of that run only")
    meters = {m.name: make_meter(m.info.size_bytes) for m in inputs.models}
    holder = _Model(backend_factory, options)
    results: list[RunResult] = []
    try:
        with RunStore(default_store_path(options.store)) as store:
            for i, serving in enumerate(profiles):
                # one progress bar over every profile's jobs
                step = progress and (lambda g, done, total, i=i: progress(g, i * total + done, len(profiles) * total))
                result = _start_or_resume(options, inputs, scorer, serving, store, meters, holder, step)
                results.append(result)
                if result.interrupted:
                    break
    finally:
        holder.close()
    return replace(results[0], other_servings=tuple(results[1:]))


def _validate_points(options: Config, inputs) -> None:
    names = [v.name for v in inputs.prompt_set.variants]
    if options.baseline is not None and options.baseline not in names:
        raise GreenPromptError(f"--baseline {options.baseline}: no such variant; variants: {', '.join(names)}")
    if inputs.prompt_set.cascade is not None and options.strategy == RACE:
        raise GreenPromptError("--strategy race cannot be combined with a cascade: a cascade needs every variant on both models")


def _n_jobs(inputs, repeats: int) -> int:
    """Every planned generation, verifier calls included."""
    cascade = inputs.prompt_set.cascade
    total = 0
    for model in inputs.models:
        n = len(inputs.dataset.items) * repeats * len(_model_variants(inputs.prompt_set, model))
        verifies = cascade is not None and cascade.escalate_when == VERIFIER and cascade.small == model.name
        total += 2 * n if verifies else n
    return total


def _start_or_resume(options, inputs, scorer, serving, store, meters, holder, progress) -> RunResult:
    if options.resume:
        stored = store.load_run(options.resume)
        if stored.row.status == RUNNING:
            raise GreenPromptError(f"run {stored.row.id} is still running in another process; wait for it or stop it first")
        header, segments = stored.header, stored.segments
        prior = {seq: (key, gen) for seq, key, gen in stored.generations}
        store.reopen_run(header["run_id"])
    else:
        run_id = f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        header = make_header(
            run_id, started_at, inputs.prompt_set, inputs.dataset.info(), inputs.models, scorer,
            inputs.intensity, {m.name: meters[m.name].describe() for m in inputs.models}, serving,
            _analysis_options(options),
        )
        segments, prior = [], {}
        store.create_run(run_id, header, _n_jobs(inputs, options.repeats))
    return _run(options, inputs, header, segments, prior, store, meters, progress, holder)


def _run(options, inputs, header, segments, prior, store: RunStore, meters, progress, holder: _Model) -> RunResult:
    """Execute the jobs a run still lacks, model by model, then build its result from all
    of its records. Job numbers follow the plan (each model's jobs, then its verifier
    calls), so a resumed run finds every stored generation in its place."""
    run_id = header["run_id"]
    n_jobs = _n_jobs(inputs, options.repeats)
    intensity = CarbonIntensity(**header["carbon"])
    by_seq = {seq: gen for seq, (_, gen) in prior.items()}
    racing = options.strategy == RACE
    block = race_block(options, len(inputs.dataset.items))
    scorer = get_scorer(header["scorer"])
    cascade = inputs.prompt_set.cascade
    dropped: dict[str, str] = {}
    prefix_cache = header["serving"] == PREFIX_CACHE
    # the run's own span is metered with the largest model's meter (memory power follows size)
    run_meter = meters[max(inputs.models, key=lambda m: m.info.size_bytes).name]
    prefix_fill = Measurement(0.0, 0.0, 0.0, run_meter.method)
    run_start = run_meter.start()
    fresh: list[Generation] = []  # generated by this process
    interrupted = False
    filled: set[str] = set()

    def obtain(seq: int, job: Job, model: RunModel) -> Generation:
        """The generation for job `seq`: stored by an earlier process, cached, or run now."""
        nonlocal prefix_fill
        key = cache_key(model.info.sha256, job, header["serving"])
        if seq in prior:
            if prior[seq][0] != key:
                raise GreenPromptError(
                    f"--resume {run_id}: job {seq + 1} ({job.variant}, item {job.item_id}) differs from the stored run; "
                    "resume with the same prompt set, dataset, models and options"
                )
            return prior[seq][1]
        hit = None if options.no_cache else store.cached(key)
        if hit is not None and not (job.request.logprobs and hit.mean_logprob is None):
            gen = from_cache(hit, job)
        else:
            meter = meters[model.name]
            backend = holder.get(model, meter)
            if prefix_cache:
                if model.name not in filled:
                    fill = _fill_prefixes(backend, _model_variants(inputs.prompt_set, model), inputs, model.mode, options.seed, meter)
                    prefix_fill = _add(prefix_fill, fill)
                    filled.add(model.name)
                # outside the metered window: a deployment keeps the prefix resident
                backend.use_prefix(job.variant.removesuffix(VERIFY_SUFFIX))
            gen = run_job(backend, meter, job, intensity)
            fresh.append(gen)
        store.add_generation(run_id, seq, key, gen)
        by_seq[seq] = gen
        if progress:
            progress(gen, len(by_seq), n_jobs)
        return gen

    try:
        base = 0
        for model in inputs.models:
            variants = _model_variants(inputs.prompt_set, model)
            names = [v.name for v in variants]
            n_model = len(inputs.dataset.items) * options.repeats * len(variants)
            verifies = cascade is not None and cascade.escalate_when == VERIFIER and cascade.small == model.name
            logprobs = cascade is not None and cascade.escalate_when == LOW_CONFIDENCE and cascade.small == model.name
            last_index = 0
            jobs = plan(variants, inputs.dataset, model.mode, options.seed, options.repeats, logprobs)
            for local, job in enumerate(jobs):
                if racing and job.index != last_index:
                    last_index = job.index
                    if job.index % block == 0:
                        dropped.update(_race_check(names, dropped, by_seq, scorer, options))
                if job.variant in dropped:
                    continue
                if options.budget is not None and len(by_seq) >= options.budget:
                    break
                gen = obtain(base + local, job, model)
                if verifies:
                    obtain(base + n_model + local, verifier_job(job, gen.output, cascade), model)
            base += 2 * n_model if verifies else n_model
            if len(inputs.models) > 1:
                holder.close()  # one model in memory at a time
    except KeyboardInterrupt:
        interrupted = True

    generations = [by_seq[s] for s in sorted(by_seq)]
    analysis_options = _analysis_options(options)
    spec, scores, analysis = score_and_analyze(header, generations, analysis_options)
    segment = _segment(run_meter.stop(run_start), holder.claim_load(run_meter.method), prefix_fill, fresh)
    # Racing and a budget end a run on purpose, with fewer generations than jobs.
    complete = not interrupted and (racing or options.budget is not None or len(generations) == n_jobs)
    store.finish_run(run_id, FINISHED if complete else INTERRUPTED, segment)
    return build_result(header, generations, [*segments, segment], spec, scores, analysis, analysis_options, not complete)


def _race_check(names, dropped, by_seq, scorer, options: Config) -> dict[str, str]:
    """Variants dominated with confidence on the items evaluated so far."""
    from greenprompt.analysis.race import dominated_with_confidence

    active = [n for n in names if n not in dropped]
    gens = [by_seq[s] for s in sorted(by_seq) if by_seq[s].variant in active]
    scores = [0.0 if g.error else scorer(g.output, g.target) for g in gens]
    return dominated_with_confidence(
        active, gens, scores, options.repeats, options.race_confidence, options.seed, options.race_margin
    )


def _segment(total: Measurement, load: Measurement, prefix_fill: Measurement, fresh: list[Generation]) -> dict:
    """This process's own footprint beyond its generations: model load, the one-time
    evaluation of cached prefixes, and the remainder (rendering, scoring, storing,
    analysis), so that the parts add up to its total."""
    gen_wall = sum(g.wall_s for g in fresh)
    energies = [g.energy_j for g in fresh]
    overhead_j = None
    if total.energy_j is not None and load.energy_j is not None and prefix_fill.energy_j is not None and None not in energies:
        overhead_j = total.energy_j - load.energy_j - prefix_fill.energy_j - sum(energies)
    return {
        "model_load": {"wall_s": load.wall_s, "energy_j": load.energy_j},
        "prefix_fill": {"wall_s": prefix_fill.wall_s, "energy_j": prefix_fill.energy_j},
        "overhead": {"wall_s": total.wall_s - load.wall_s - prefix_fill.wall_s - gen_wall, "energy_j": overhead_j},
    }
