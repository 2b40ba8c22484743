"""The plan of a comparison: every job, numbered, and what a backend needs to run them.

Jobs are numbered once, in run order: each model's answers (items outer, repeats, then
variants inner, so slow drifts of a shared machine affect every variant alike), then that
model's verifier calls when its cascade asks for them. A resumed run finds every stored
generation under its number. Nothing here generates or meters.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import dataclass, fields, replace
from typing import Iterator, Sequence

from greenprompt.engine.executor import BackendSpec, PrefixPlan
from greenprompt.inputs.cascade_spec import LOW_CONFIDENCE, VERIFIER
from greenprompt.inputs.prompt_sets import Renderer
from greenprompt.records import (
    PREFIX_CACHE,
    SERVING_PROFILES,
    Dataset,
    Job,
    PromptSet,
    Request,
    RunModel,
    Variant,
)
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError

# No tokenizer packs more than this many characters into a token on average: a longer
# prompt cannot fit the context whatever the text, so it is refused before the run.
MAX_CHARS_PER_TOKEN = 64


def serving_profiles(serving: str) -> tuple[str, ...]:
    """The serving profiles named by `--serving` ("standalone,prefix-cache"), in order."""
    names = tuple(p.strip() for p in serving.split(",") if p.strip())
    unknown = [p for p in names if p not in SERVING_PROFILES]
    if not names or unknown or len(set(names)) != len(names):
        raise GreenPromptError(
            f"--serving {serving!r}: give one or more of {', '.join(SERVING_PROFILES)}, comma-separated, each once"
        )
    return names


def check_rendering(prompt_set: PromptSet, dataset: Dataset, n_ctx: int) -> None:
    """Render every variant for every item once, so a template error or a prompt far too
    long for the context stops the run before any energy is spent. The renders are not
    kept: jobs are rendered again as they are planned."""
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
    """Yield every (item, repeat, variant) job in run order. Repeats of a sampled variant
    (temperature > 0) use seeds seed, seed+1, ..."""
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


def backend_version() -> str:
    """The llama.cpp build the local backend generates with: llama-cpp-python's version
    (each of its releases vendors one llama.cpp commit). Another build may answer the same
    request differently (kernels, tokenizer and sampler changes), so it keys the cache."""
    try:
        return importlib.metadata.version("llama_cpp_python")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def cache_key(spec: BackendSpec, job: Job) -> str:
    """Identifies a generation by everything that changes its answer: the model file, the
    llama.cpp build, the context size, the serving profile, the mode, the rendered messages,
    every sampling parameter, the seed and the repeat index (a repeat is a new measurement,
    never a cache hit of the previous one). Not keyed, because they do not change an answer:
    --threads, the energy model, names of variants and items (the energy a cached answer
    carries is checked apart, in engine.waves).

    A later per-request setting (a grammar, top_p, ...) joins the key as a field of
    GenerationParams: a parameter at its default value is left out of the key, so adding
    one keeps every stored key valid, and giving it a value makes a new key."""
    r = job.request
    params = {f.name: getattr(r.params, f.name) for f in fields(r.params) if getattr(r.params, f.name) != f.default}
    material = {
        "model": spec.model_sha256, "llama_cpp": spec.backend_version, "n_ctx": spec.n_ctx, "serving": spec.serving,
        "mode": r.mode, "system": r.system, "text": r.text, "params": params, "seed": r.seed, "repeat": job.repeat,
    }
    if r.logprobs:  # only then: keys of runs that never asked for log-probabilities stay as they were
        material["logprobs"] = True
    return hashlib.sha256(json.dumps(material, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def expand_variants(prompt_set: PromptSet, models: Sequence[RunModel]) -> PromptSet:
    """With several models each (variant, model) pair is a point of its own, `variant@model`."""
    if len(models) < 2:
        return prompt_set
    variants = tuple(
        replace(v, name=f"{v.name}@{m.name}", model=m.name, base=v.name) for m in models for v in prompt_set.variants
    )
    return replace(prompt_set, variants=variants)


def model_variants(prompt_set: PromptSet, model: RunModel) -> tuple[Variant, ...]:
    return tuple(v for v in prompt_set.variants if v.model in (None, model.name))


def race_block(config: Config, n_items: int) -> int:
    """Items per racing block: given, else a tenth of the dataset (at least 5)."""
    return config.block or max(5, n_items // 10)


@dataclass(frozen=True)
class PlannedJob:
    seq: int
    job: Job


@dataclass(frozen=True)
class ModelPlan:
    """One model's jobs in one serving profile. Answer job `base + i` has its verifier call,
    when the cascade asks for one, at `verify_base + i`."""

    model: RunModel
    spec: BackendSpec
    variants: tuple[str, ...]
    answers: tuple[PlannedJob, ...]
    verify_base: int | None  # None: this model's answers are not verified

    @property
    def n_jobs(self) -> int:
        return 2 * len(self.answers) if self.verify_base is not None else len(self.answers)

    def verify_seq(self, answer: PlannedJob) -> int:
        return self.verify_base + answer.seq - self.answers[0].seq


def backend_spec(model: RunModel, config: Config, serving: str, variants: Sequence[Variant], dataset: Dataset) -> BackendSpec:
    """What an executor needs to build and drive this model's backend, as plain data."""
    prefixes: tuple[PrefixPlan, ...] = ()
    if serving == PREFIX_CACHE:
        requests: dict[str, list[Request]] = {}
        for job in plan(variants, dataset, model.mode, config.seed):
            requests.setdefault(job.variant, []).append(job.request)
        prefixes = tuple(PrefixPlan(name, tuple(rs)) for name, rs in requests.items())
    return BackendSpec(
        model_name=model.name, model_path=model.info.path, size_bytes=model.info.size_bytes, mode=model.mode,
        n_ctx=config.n_ctx, threads=config.threads, seed=config.seed, serving=serving, prefixes=prefixes,
        energy_model=config.energy_model, model_sha256=model.info.sha256, backend_version=backend_version(),
    )


def plan_run(prompt_set: PromptSet, dataset: Dataset, models: Sequence[RunModel], config: Config, serving: str) -> tuple[ModelPlan, ...]:
    """Every model's numbered jobs for one serving profile."""
    cascade = prompt_set.cascade
    plans, base = [], 0
    for model in models:
        variants = model_variants(prompt_set, model)
        small = cascade is not None and cascade.small == model.name
        logprobs = small and cascade.escalate_when == LOW_CONFIDENCE
        jobs = plan(variants, dataset, model.mode, config.seed, config.repeats, logprobs)
        answers = tuple(PlannedJob(base + i, job) for i, job in enumerate(jobs))
        verifies = small and cascade.escalate_when == VERIFIER
        spec = backend_spec(model, config, serving, variants, dataset)
        plans.append(ModelPlan(model, spec, tuple(v.name for v in variants), answers, base + len(answers) if verifies else None))
        base += plans[-1].n_jobs
    return tuple(plans)
