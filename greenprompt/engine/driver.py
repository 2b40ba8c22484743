"""The only orchestration: config -> inputs -> plan -> waves -> executor -> store -> result.

The driver resolves and checks the inputs, plans every job, releases them to an executor
in waves (engine.waves), writes everything that comes back to the store, and builds the
result from the run's records. It alone writes the store, races and decides; the executor
(engine.local.LocalExecutor unless another is given) only generates and meters.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Sequence

from greenprompt.analysis.result import build_result, score_and_analyze
from greenprompt.analysis.scoring import get_scorer
from greenprompt.engine.calibration import record_calibration
from greenprompt.engine.executor import BackendSpec, Executor
from greenprompt.engine.local import LocalExecutor
from greenprompt.engine.metering import cpu_model_name
from greenprompt.engine.plan import ModelPlan, check_rendering, expand_variants, plan_run, serving_profiles
from greenprompt.engine.store import FINISHED, INTERRUPTED, RUNNING, RunStore, default_store_path
from greenprompt.engine.waves import ProgressFn, RunState, run_waves
from greenprompt.inputs.cascade_spec import make_cascade
from greenprompt.inputs.prompt_sets import load_prompt_set
from greenprompt.inputs.resolve import Inputs, resolve_inputs
from greenprompt.records import (
    AnalysisOptions,
    Dataset,
    FootprintSegment,
    Generation,
    Measurement,
    MeteredModel,
    PromptSet,
    RunHeader,
    RunResult,
    SegmentPart,
)
from greenprompt.records.config import RACE, Config
from greenprompt.records.errors import GreenPromptError

DEFAULT_SCORER = "exact"


@dataclass(frozen=True)
class Prepared:
    """The checked inputs of a comparison, ready to plan."""

    inputs: Inputs  # its prompt set expanded to `variant@model` with several models
    scorer: str
    profiles: tuple[str, ...]


def run_comparison(
    config: Config,
    prompt_set: PromptSet | None = None,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
    dataset: Dataset | None = None,
) -> RunResult:
    """Run every variant over the dataset through each model, metered, scored and analysed.

    Every generation is stored as it finishes; a request already in the store is served
    from it (flagged `cached`) unless `no_cache`; `resume` continues a stored run. Raises
    GreenPromptError for bad input before any generation. On Ctrl-C the finished
    generations are kept and the result is marked `interrupted`. `prompt_set`, when given,
    is used instead of reading `config.prompts` (e.g. one inline in an experiment file).
    `progress(generation, done, total)` is called after each stored generation. The
    executor's models are released at the end (it stays usable). `dataset`, when given, is
    run instead of the configured one (greenprompt.optimize runs one split of it at a time).
    """
    prepared = prepare(config, prompt_set, dataset)
    executor = executor or LocalExecutor()
    profiles = prepared.profiles
    results: list[RunResult] = []
    try:
        with RunStore(default_store_path(config.store)) as store:
            for i, serving in enumerate(profiles):
                # one progress bar over every profile's jobs
                step = progress and (lambda g, done, total, i=i: progress(g, i * total + done, len(profiles) * total))
                result = run_profile(config, prepared, serving, store, executor, step)
                results.append(result)
                if result.interrupted:
                    break
    finally:
        executor.close()
    return replace(results[0], other_servings=tuple(results[1:]))


def prepare(config: Config, prompt_set: PromptSet | None, dataset: Dataset | None = None) -> Prepared:
    """Load and cross-check everything a comparison needs, before any model work."""
    prompt_set = prompt_set or load_prompt_set(config.prompts)
    if config.cascade:
        prompt_set = replace(prompt_set, cascade=make_cascade(
            config.cascade, config.escalate_when, config.threshold, config.calibrate,
            prompt_set.cascade.verifier if prompt_set.cascade else None,
        ))
    profiles = serving_profiles(config.serving)
    inputs = resolve_inputs(config, prompt_set=prompt_set, dataset=dataset)
    inputs = replace(inputs, prompt_set=expand_variants(inputs.prompt_set, inputs.models))
    names = [v.name for v in inputs.prompt_set.variants]
    if config.baseline is not None and config.baseline not in names:
        raise GreenPromptError(f"--baseline {config.baseline}: no such variant; variants: {', '.join(names)}")
    if inputs.prompt_set.cascade is not None and config.strategy == RACE:
        raise GreenPromptError("--strategy race cannot be combined with a cascade: a cascade needs every variant on both models")
    scorer = get_scorer(config.scorer or prompt_set.scorer or DEFAULT_SCORER).spec
    check_rendering(prompt_set, inputs.dataset, config.n_ctx)
    if config.resume and len(profiles) > 1:
        raise GreenPromptError("--resume continues one stored run: give the --serving profile of that run only")
    return Prepared(inputs, scorer, profiles)


def run_profile(
    config: Config, prepared: Prepared, serving: str, store: RunStore, executor: Executor, progress: ProgressFn | None
) -> RunResult:
    """Start (or resume) one stored run for one serving profile, run what it lacks, and
    build its result from all of its records."""
    inputs = prepared.inputs
    plans = plan_run(inputs.prompt_set, inputs.dataset, inputs.models, config, serving)
    n_jobs = sum(p.n_jobs for p in plans)
    if config.resume:
        header, segments, prior = _resume(store, config.resume, n_jobs)
    else:
        header, segments, prior = new_header(config, prepared, serving, plans, executor), (), {}
        store.create_run(header, n_jobs)
    executor.open_run([p.spec for p in plans])
    state = RunState(header, config, store, executor, inputs.prompt_set.cascade, n_jobs, prior, progress)
    interrupted = run_waves(state, plans)

    generations = [state.by_seq[s] for s in sorted(state.by_seq)]
    options = AnalysisOptions.from_config(config)
    analysed = score_and_analyze(header, generations, options)
    segment = footprint_segment(
        executor.close_run(), state.model_load, state.prefix_fill, state.idle, state.fresh
    )
    segment = replace(segment, nodes=executor.nodes())  # per cluster node under --executor ray
    # Racing and a budget end a run on purpose, with fewer generations than jobs.
    complete = not interrupted and (config.strategy == RACE or config.budget is not None or len(generations) == n_jobs)
    store.finish_run(header.run_id, FINISHED if complete else INTERRUPTED, segment)
    result = build_result(header, analysed, [*segments, segment], options, not complete, n_jobs)
    if complete:  # a quiet cpu-mode run of one model calibrates --energy-model tokens (engine.calibration)
        record_calibration(result, config, cpu_model_name())
    return result


def _resume(store: RunStore, run: str, n_jobs: int):
    """The stored run to continue, reopened; refused when it is finished (a finished run is
    never changed), still running, or planned with other jobs than this configuration's
    (then its generations would not be its jobs: `runs list` once showed 16/12 done)."""
    stored = store.load_run(run)
    row = stored.row
    if row.status == RUNNING:
        raise GreenPromptError(f"run {row.id} is still running in another process; wait for it or stop it first")
    if row.status == FINISHED:
        raise GreenPromptError(
            f"--resume {row.id}: the run is finished ({row.n_done}/{row.n_jobs} generations), nothing to resume; "
            f"`greenprompt runs show {row.id}` shows it"
        )
    if row.n_jobs is not None and row.n_jobs != n_jobs:
        raise GreenPromptError(
            f"--resume {row.id}: this configuration plans {n_jobs} jobs, the stored run {row.n_jobs}; "
            "resume with the run's own options (`greenprompt compare --resume RUN` takes them from the store)"
        )
    store.reopen_run(stored.header.run_id)
    return stored.header, stored.segments, {seq: (key, gen) for seq, key, gen in stored.generations}


def new_header(config: Config, prepared: Prepared, serving: str, plans: Sequence[ModelPlan], executor: Executor) -> RunHeader:
    inputs = prepared.inputs
    specs: dict[str, BackendSpec] = {p.model.name: p.spec for p in plans}
    now = datetime.now(timezone.utc)
    return RunHeader(
        run_id=f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
        started_at=now.isoformat(timespec="seconds"),
        prompt_set=inputs.prompt_set,
        dataset=inputs.dataset.info(),
        models=tuple(MeteredModel(m.name, m.mode, m.info, executor.energy_model(specs[m.name])) for m in inputs.models),
        scorer=prepared.scorer,
        carbon=inputs.intensity,
        serving=serving,
        analysis=AnalysisOptions.from_config(config),
        config=config,
    )


def footprint_segment(
    total: Measurement, load: Measurement, prefix_fill: Measurement, idle: Measurement, fresh: Sequence[Generation]
) -> FootprintSegment:
    """This process's own footprint beyond its generations: model loads, the one-time
    evaluation of cached prefixes, idle workers, and the remainder (rendering, scoring,
    storing, analysis), so that the parts add up to its total."""
    gen_wall = sum(g.wall_s for g in fresh)
    energies = [g.energy_j for g in fresh]
    parts = (load, prefix_fill, idle)
    overhead_j = None
    if total.energy_j is not None and all(p.energy_j is not None for p in parts) and None not in energies:
        overhead_j = total.energy_j - load.energy_j - prefix_fill.energy_j - idle.energy_j - sum(energies)
    return FootprintSegment(
        model_load=SegmentPart(load.wall_s, load.energy_j),
        prefix_fill=SegmentPart(prefix_fill.wall_s, prefix_fill.energy_j),
        overhead=SegmentPart(total.wall_s - load.wall_s - prefix_fill.wall_s - idle.wall_s - gen_wall, overhead_j),
        idle=SegmentPart(idle.wall_s, idle.energy_j),
    )
