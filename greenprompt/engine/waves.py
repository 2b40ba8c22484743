"""One run's planned jobs, released to the executor in waves.

A wave is what can be shipped without waiting for a decision: a model's answers up to the
next racing check (all of them when not racing), then the verifier calls for those answers
(each needs its answer's text). Before a wave is shipped, jobs the resumed run already has
and cache hits are taken from the store; only the rest reach the executor. Everything that
comes back is written to the store here, by the driver's process alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from greenprompt.analysis.hosted import race_generations
from greenprompt.analysis.race import dominated_with_confidence
from greenprompt.analysis.scoring import get_scorer
from greenprompt.engine.cascade_jobs import verifier_job
from greenprompt.engine.executor import Executor, Idle, JobDone, ModelLoaded, PrefixFilled, ShippedJob
from greenprompt.engine.plan import ModelPlan, PlannedJob, cache_key, race_block
from greenprompt.engine.store import RunStore
from greenprompt.inputs.carbon import node_intensities, with_run_carbon
from greenprompt.records import CarbonIntensity, CascadeSpec, Generation, Job, JobRole, Measurement, RunHeader
from greenprompt.records.config import RACE, Config
from greenprompt.records.errors import GreenPromptError

ProgressFn = Callable[[Generation, int, int], None]


def _zero() -> Measurement:
    return Measurement(0.0, 0.0, 0.0, "")


def add(a: Measurement, b: Measurement) -> Measurement:
    energy = None if a.energy_j is None or b.energy_j is None else a.energy_j + b.energy_j
    return Measurement(a.wall_s + b.wall_s, a.cpu_s + b.cpu_s, energy, b.method)


def from_cache(hit: Generation, job: Job, carbon: CarbonIntensity) -> Generation:
    """A stored generation reused for this job: its output and its originally measured
    energy, with this run's carbon for that energy."""
    reused = replace(
        hit, variant=job.variant, item_id=job.item_id, index=job.index, target=job.target, repeat=job.repeat,
        role=job.role, cached=True, remeasured=False,
    )
    return with_run_carbon((reused,), carbon)[0]


def energy_identity(header: RunHeader, model_sha256: str) -> str | None:
    """What a stored energy figure depends on beyond its request: how the run metered this
    model (method, description and every constant: the CPU and its power source, memory
    power, a calibration; not the meter's notes, which only comment) and the --threads
    setting. None when the run does not say (stored before its configuration was kept):
    such an energy is never taken as applying."""
    model = next((m for m in header.models if m.info.sha256 == model_sha256), None)
    if model is None or header.config is None:
        return None
    e = model.energy
    constants = {k: v for k, v in dict(e.constants).items() if k != "notes"}
    return json.dumps([e.method, e.description, constants, header.config.threads], sort_keys=True, default=str)


@dataclass
class RunState:
    """What the driver knows while one run executes (mutable, private to this module and
    the driver): the run's generations by job number and the footprint events so far."""

    header: RunHeader
    config: Config
    store: RunStore
    executor: Executor
    cascade: CascadeSpec | None
    n_jobs: int
    prior: dict[int, tuple[str, Generation]]  # job number -> (cache key, generation) of a resumed run
    progress: ProgressFn | None = None
    by_seq: dict[int, Generation] = field(default_factory=dict)
    fresh: list[Generation] = field(default_factory=list)  # generated for this process
    dropped: dict[str, str] = field(default_factory=dict)  # raced out: variant -> the one dominating it
    model_load: Measurement = field(default_factory=_zero)
    prefix_fill: Measurement = field(default_factory=_zero)
    idle: Measurement = field(default_factory=_zero)
    remeasure: set[int] = field(default_factory=set)  # jobs re-run: their cached energy did not apply
    identities: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (run id, model sha256) -> energy identity

    def __post_init__(self) -> None:
        self.by_seq = {seq: gen for seq, (_, gen) in self.prior.items()}

    def record(self, seq: int, key: str, gen: Generation) -> None:
        self.store.add_generation(self.header.run_id, seq, key, gen)
        self.by_seq[seq] = gen
        if self.progress:
            self.progress(gen, len(self.by_seq), self.n_jobs)


def run_waves(state: RunState, plans: Sequence[ModelPlan]) -> bool:
    """Run every model's jobs the run still lacks; True when interrupted (Ctrl-C), with
    everything finished so far stored."""
    try:
        for plan in plans:
            stopped = not _run_model(state, plan)
            if len(plans) > 1:
                state.executor.release(plan.spec)  # one model in memory at a time
            if stopped:
                break
    except KeyboardInterrupt:
        return True
    return False


def _run_model(state: RunState, plan: ModelPlan) -> bool:
    """One model's waves; False when the budget ran out."""
    config = state.config
    racing = config.strategy == RACE
    n_items = 1 + max((a.job.index for a in plan.answers), default=-1)
    block = race_block(config, n_items) if racing else max(n_items, 1)
    for start in range(0, n_items, block):
        if racing and start > 0:
            state.dropped.update(_race_check(state, plan.variants))
        answers = [a for a in plan.answers if start <= a.job.index < start + block and a.job.variant not in state.dropped]
        admitted, exhausted = _admit(state, plan, answers)
        _run_wave(state, plan, admitted)
        if plan.verify_base is not None:
            checks = [
                PlannedJob(plan.verify_seq(a), verifier_job(a.job, state.by_seq[a.seq].output, state.cascade))
                for a in admitted
            ]
            _run_wave(state, plan, checks)
        if exhausted:
            return False
    return True


def _admit(state: RunState, plan: ModelPlan, answers: list[PlannedJob]) -> tuple[list[PlannedJob], bool]:
    """The answers `--budget` still allows, counted as one job after the other would count
    them (an answer and its verifier call), and whether the budget is now spent."""
    budget = state.config.budget
    if budget is None:
        return answers, False
    count = len(state.by_seq)
    for i, answer in enumerate(answers):
        if count >= budget:
            return answers[:i], True
        count += answer.seq not in state.by_seq
        if plan.verify_base is not None:
            count += plan.verify_seq(answer) not in state.by_seq
    return answers, False


def _run_wave(state: RunState, plan: ModelPlan, jobs: Sequence[PlannedJob]) -> None:
    """Take what the store already has, ship the rest, record what comes back. A job whose
    request equals one shipped in this wave waits for it and is then a cache hit, as it
    would have been had the two run one after the other."""
    ship, held, keys = [], [], {}
    for planned in jobs:
        key = cache_key(plan.spec, planned.job)
        if planned.seq in state.prior:
            _check_resumed(state, planned, key)
            continue
        if not state.config.no_cache:
            if key in keys.values():
                held.append(planned)
                continue
            hit, stale = _cache_hit(state, planned.job, key, plan.model.info.sha256)
            if hit is not None:
                state.record(planned.seq, key, from_cache(hit, planned.job, state.header.carbon))
                continue
            if stale:
                state.remeasure.add(planned.seq)
        keys[planned.seq] = key
        ship.append(ShippedJob(planned.seq, planned.job))
    if ship:
        for event in state.executor.execute(plan.spec, ship):
            _take(state, event, keys)
    if held:
        _run_wave(state, plan, held)


def _cache_hit(state: RunState, job: Job, key: str, model_sha256: str) -> tuple[Generation | None, bool]:
    """The first generation stored under `key` whose energy applies to this run (same
    energy identity: energy model, constants, CPU, threads), and whether a stored answer was
    passed over because its energy does not. Such a job is generated again, a fresh
    measurement stored as usual, rather than its answer reused with a guessed energy."""
    wanted = energy_identity(state.header, model_sha256)
    stale = False
    for run_id, hit in state.store.cache_hits(key):
        if job.request.logprobs and hit.mean_logprob is None:
            continue  # stored without the log-probabilities this job needs: not an answer to it
        if (run_id, model_sha256) not in state.identities:
            state.identities[run_id, model_sha256] = energy_identity(state.store.header(run_id), model_sha256)
        if wanted is not None and state.identities[run_id, model_sha256] == wanted:
            return hit, False
        stale = True
    return None, stale


def _check_resumed(state: RunState, planned: PlannedJob, key: str) -> None:
    if state.prior[planned.seq][0] != key:
        raise GreenPromptError(
            f"--resume {state.header.run_id}: job {planned.seq + 1} ({planned.job.variant}, item {planned.job.item_id}) "
            "differs from the stored run; resume with the same prompt set, dataset, models and options"
        )


def _take(state: RunState, event, keys: dict[int, str]) -> None:
    """One thing the executor reported."""
    if isinstance(event, JobDone):
        gen = event.generation
        nodes = node_intensities(state.config.node_carbon)  # --node-carbon: a node's generations at its intensity
        (gen,) = with_run_carbon((replace(gen, remeasured=event.seq in state.remeasure),), state.header.carbon, nodes)
        state.fresh.append(gen)
        state.record(event.seq, keys[event.seq], gen)
    elif isinstance(event, ModelLoaded):
        state.model_load = add(state.model_load, event.measurement)
    elif isinstance(event, PrefixFilled):
        state.prefix_fill = add(state.prefix_fill, event.measurement)
    elif isinstance(event, Idle):
        state.idle = add(state.idle, event.measurement)
    else:
        raise TypeError(f"an executor reported {event!r}")


def _race_check(state: RunState, names: Sequence[str]) -> dict[str, str]:
    """Variants dominated with confidence on the items evaluated so far."""
    scorer = get_scorer(state.header.scorer)
    config = state.config
    active = [n for n in names if n not in state.dropped]
    gens = [g for _, g in sorted(state.by_seq.items()) if g.role is JobRole.ANSWER and g.variant in active]
    scores = [0.0 if g.error else scorer(g.output, g.target) for g in gens]
    gens = race_generations(gens, config.frontier_on, config.hosted_zone)  # the carbon the frontier ranks on
    return dominated_with_confidence(
        active, gens, scores, config.repeats, config.race_confidence, config.seed, config.race_margin
    )
