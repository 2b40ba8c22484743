"""The executor seam: what the driver ships, and what comes back.

The driver plans, looks up the cache and the resumed run, races and writes the store; an
executor only generates. It receives waves of jobs with a `BackendSpec` (plain data, no
closures: another process or machine can build the backend from it) and yields, as they
happen, each finished generation (`JobDone`) and the events the run's footprint needs
(`ModelLoaded`, `PrefixFilled`, `Idle`). `engine.local.LocalExecutor` runs them in this
process; another executor (a Ray cluster) implements the same protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol, Sequence, Union

from greenprompt.records import EnergyModel, Generation, Job, Measurement, NodePart, Request


@dataclass(frozen=True)
class PrefixPlan:
    """Prefix-cache serving: the requests of one variant over the dataset; their shared
    token prefix (tokenised by the backend) is evaluated once and kept under `key`."""

    key: str  # the variant's name; its jobs restore this prefix
    requests: tuple[Request, ...]


@dataclass(frozen=True)
class BackendSpec:
    """Everything needed to build and drive one model's backend for one serving profile."""

    model_name: str
    model_path: str
    size_bytes: int  # the meter's memory power follows the resident model size
    mode: str
    n_ctx: int
    threads: int | None
    seed: int
    serving: str
    prefixes: tuple[PrefixPlan, ...] = ()  # filled before the first job under prefix-cache serving
    energy_model: str = "cpu"  # --energy-model: how the executor meters (engine.metering)
    model_sha256: str = ""  # keys the tokens mode's calibration and the cache
    backend_version: str = ""  # the llama.cpp build (engine.plan.backend_version): keys the cache

    @property
    def load_key(self) -> tuple:
        """Specs with the same load key share one loaded model (e.g. two serving profiles)."""
        return (self.model_name, self.model_path, self.mode, self.n_ctx, self.threads, self.seed)


@dataclass(frozen=True)
class ShippedJob:
    seq: int  # the job's number in the plan, given back with its generation
    job: Job


@dataclass(frozen=True)
class JobDone:
    """A finished (or failed) generation, metered where it ran; gCO2e is left to the driver,
    which knows the run's carbon intensity."""

    seq: int
    generation: Generation


@dataclass(frozen=True)
class ModelLoaded:
    model: str
    measurement: Measurement


@dataclass(frozen=True)
class PrefixFilled:
    model: str
    measurement: Measurement


@dataclass(frozen=True)
class Idle:
    """Time an executor's workers held a model waiting for work (none in this process)."""

    measurement: Measurement


Event = Union[JobDone, ModelLoaded, PrefixFilled, Idle]


class Executor(Protocol):
    def energy_model(self, spec: BackendSpec) -> EnergyModel:
        """How generations for this spec are metered (stored in the run header)."""

    def open_run(self, specs: Sequence[BackendSpec]) -> None:
        """A run starts: begin metering its whole span."""

    def execute(self, spec: BackendSpec, jobs: Sequence[ShippedJob]) -> Iterator[Event]:
        """Generate the jobs (in any order), yielding results and events as they happen.
        A KeyboardInterrupt raised inside propagates; what was yielded is kept."""

    def release(self, spec: BackendSpec) -> None:
        """No more jobs for this model in this run: its memory may be freed."""

    def close_run(self) -> Measurement:
        """The run's whole span since open_run (the driver's scoring and storing included)."""

    def nodes(self) -> tuple[NodePart, ...]:
        """The run's footprint parts per cluster node (none for a single process)."""

    def close(self) -> None:
        """Free every model; the executor may be used again afterwards."""
