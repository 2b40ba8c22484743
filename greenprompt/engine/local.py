"""The local executor: every shipped job generated in this process, one model in memory.

Each generation is metered on its own (the meter of its model); a model load and the
one-time prefix fill are metered and reported as events; the run's whole span is metered
with the largest model's meter (memory power follows the resident size).
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

from greenprompt.engine.backends import check_grammar, check_mode
from greenprompt.engine.backends.llama_cpp import DEFAULT_THREADS
from greenprompt.engine.executor import BackendSpec, Event, JobDone, ModelLoaded, PrefixFilled, ShippedJob
from greenprompt.engine.metering import Meter, make_meter
from greenprompt.inputs.tokens import count_cl100k
from greenprompt.records import PREFIX_CACHE, EnergyModel, Generation, Job, Measurement, NodePart
from greenprompt.records.errors import GreenPromptError

BackendFactory = Callable[[str, BackendSpec], object]  # (model path, spec) -> a loaded backend
MeterFactory = Callable[[int], Meter]  # model size in bytes -> a meter


def load_llama(model_path: str, spec: BackendSpec):
    from greenprompt.engine.backends.llama_cpp import LlamaCppBackend

    return LlamaCppBackend(model_path, n_ctx=spec.n_ctx, threads=spec.threads, seed=spec.seed)


def run_job(backend, meter: Meter, job: Job) -> Generation:
    """Generate one job, metered. A failing generation is recorded, not raised."""
    start = meter.start()
    try:
        out = backend.generate(job.request)
        error = None
    except Exception as e:  # one bad item must not end the run
        out, error = None, f"{type(e).__name__}: {e}"
    # the prompt tokens the model evaluated (a cached prefix is not) and the answer's: the tokens model's inputs
    m = meter.stop(start, tokens=(out.prompt_tokens - out.prefix_tokens, out.completion_tokens) if out else (0, 0))
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
        gco2e=None,
        finish_reason=out.finish_reason if out else None,
        error=error,
        repeat=job.repeat,
        role=job.role,
        contention=m.contention,
    )


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


class LocalExecutor:
    """Runs jobs in this process. The model is loaded on first use (a fully cached run never
    loads it) and kept while the same model is asked for again (e.g. by the next serving
    profile); asking for another one closes it first, so one model is in memory at a time.
    `backend_factory` and `meter_factory` are for tests (fake backends, fixed meters);
    `proc_root` is where the meters read /proc for contention (a fake tree in tests).

    One process, one llama.cpp thread per generation by default (load-robust energy, see
    backends.llama_cpp.default_threads): throughput is the seam's business. A multi-process
    executor implementing engine.executor.Executor (one single-threaded model per worker,
    jobs from `execute`) would recover the speed of several threads without their waiting."""

    def __init__(
        self, backend_factory: BackendFactory | None = None, meter_factory: MeterFactory | None = None, proc_root: str = "/proc"
    ):
        self.backend_factory = backend_factory or load_llama
        self.meter_factory = meter_factory
        self.proc_root = proc_root
        self._meters: dict[str, Meter] = {}
        self._backend = None
        self._loaded: tuple | None = None
        self._filled: set[str] = set()  # models whose prefixes this run has filled
        self._run_meter: Meter | None = None
        self._run_start = None

    def meter(self, spec: BackendSpec) -> Meter:
        if spec.model_path not in self._meters:
            if self.meter_factory is not None:
                self._meters[spec.model_path] = self.meter_factory(spec.size_bytes)
            else:
                self._meters[spec.model_path] = make_meter(
                    spec.size_bytes, spec.energy_model, spec.model_sha256, spec.threads or DEFAULT_THREADS, self.proc_root
                )
        return self._meters[spec.model_path]

    def energy_model(self, spec: BackendSpec) -> EnergyModel:
        return self.meter(spec).describe()

    def open_run(self, specs: Sequence[BackendSpec]) -> None:
        self._filled = set()
        self._run_meter = self.meter(max(specs, key=lambda s: s.size_bytes))
        self._run_start = self._run_meter.start()

    def close_run(self) -> Measurement:
        return self._run_meter.stop(self._run_start)

    def nodes(self) -> tuple[NodePart, ...]:
        return ()  # one process: its parts are the segment's own

    def execute(self, spec: BackendSpec, jobs: Sequence[ShippedJob]) -> Iterator[Event]:
        meter = self.meter(spec)
        for shipped in jobs:
            if self._loaded != spec.load_key:
                yield self._load(spec, meter)
            if spec.serving == PREFIX_CACHE:
                if spec.model_name not in self._filled:
                    yield self._fill_prefixes(spec, meter)
                # outside the metered window: a deployment keeps the prefix resident
                self._backend.use_prefix(shipped.job.variant)
            check_grammar(self._backend, shipped.job.variant, shipped.job.request)
            yield JobDone(shipped.seq, run_job(self._backend, meter, shipped.job))

    def _load(self, spec: BackendSpec, meter: Meter) -> ModelLoaded:
        self.close()
        start = meter.start()
        self._backend = self.backend_factory(spec.model_path, spec)
        self._loaded = spec.load_key
        load = meter.stop(start)
        self._filled.discard(spec.model_name)
        check_mode(self._backend, spec.mode, spec.model_path)
        return ModelLoaded(spec.model_name, load)

    def _fill_prefixes(self, spec: BackendSpec, meter: Meter) -> PrefixFilled:
        """Evaluate each variant's shared prompt prefix once, as a deployment that caches
        it would; only the evaluation is metered, not the tokenisation that finds it."""
        backend = self._backend
        if not hasattr(backend, "fill_prefix"):
            raise GreenPromptError(f"--serving {PREFIX_CACHE}: this backend cannot cache a prompt prefix")
        tokens = {p.key: [backend.prompt_tokens(r) for r in p.requests] for p in spec.prefixes}
        start = meter.start()
        for key, lists in tokens.items():
            backend.fill_prefix(key, shared_prefix(lists))
        self._filled.add(spec.model_name)
        return PrefixFilled(spec.model_name, meter.stop(start))

    def release(self, spec: BackendSpec) -> None:
        if self._loaded == spec.load_key:
            self.close()

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        self._backend, self._loaded = None, None
