"""The body of one model-holding Ray actor (engine.ray_executor wraps it with `ray.remote`).

A plain class, importable without Ray at module level: it asks Ray only for where it runs
and how many CPUs it was given. It runs shipped jobs through a LocalExecutor of its own, so
each model is loaded once per actor and kept for its jobs, generations are metered exactly
as locally (its own process's CPU time), and every generation is stamped with the node that
ran it. It never reads a hardware energy counter: several actors on one node would each count
the whole package (engine.ray_counters reads one counter per machine instead, and splits it by
the spans the actors report here).
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, replace
from typing import Callable

from greenprompt.engine.executor import BackendSpec, Event, Idle, JobDone, ModelLoaded, PrefixFilled, ShippedJob
from greenprompt.engine.local import LocalExecutor
from greenprompt.engine.metering import Meter, cpu_model_name, default_power_model, make_meter
from greenprompt.engine.node_energy import NodeCounter, Span
from greenprompt.records import Measurement


@dataclass(frozen=True)
class NodeInfo:
    node_id: str
    host: str
    cpu: str


@dataclass(frozen=True)
class Shipment:
    """What one actor call gives back: its events (generations stamped with the node) and, per
    generation, its span on the node's clock for the per-node counter split."""

    events: tuple[Event, ...]
    spans: tuple[Span, ...]


def assigned_cpus() -> int:
    """The CPUs Ray gave this actor: llama.cpp's n_threads and n_threads_batch. llama-cpp-python's
    own default (every core of the machine) ignores Ray's allocation and would oversubscribe the node."""
    import ray

    return max(1, int(ray.get_runtime_context().get_assigned_resources().get("CPU", 1)))


def process_age_s() -> float:
    """Wall seconds since this process started (/proc/self/stat's start time); 0.0 without /proc."""
    try:
        fields = open("/proc/self/stat").read().rsplit(")", 1)[1].split()
        boot = next(float(line.split()[1]) for line in open("/proc/stat") if line.startswith("btime"))
        return max(0.0, time.time() - (boot + float(fields[19]) / os.sysconf("SC_CLK_TCK")))
    except (OSError, ValueError, IndexError, StopIteration):
        return 0.0


def without_counters(meter: Meter) -> Meter:
    """The same meter with no hardware counter: an actor's own share is its CPU time."""
    if not meter.counters:
        return meter
    return Meter(meter.power, probe=meter.probe, mode=meter.mode, calibration=meter.calibration, threads=meter.threads)


class Worker:
    """One actor: a LocalExecutor in this process, its jobs' node stamped on each generation,
    the time it holds a model between calls reported as Idle."""

    def __init__(self, backend_factory: Callable | None = None, meter_factory: Callable | None = None):
        import ray

        cpu0 = time.process_time()  # this worker's start-up so far: interpreter, imports, Ray's worker
        self.threads = assigned_cpus()
        self.node = NodeInfo(ray.get_runtime_context().get_node_id(), socket.gethostname(), cpu_model_name())
        self._spec: BackendSpec | None = None
        self._meter_factory = meter_factory
        self.local = LocalExecutor(backend_factory, self._meter)
        self._idle: tuple | None = None  # a meter span open while a model waits for the next call
        wall = process_age_s()
        self.startup = Measurement(wall, cpu0, default_power_model(0).energy_j(wall, cpu0), "estimated")

    def _meter(self, size: int) -> Meter:
        if self._meter_factory is not None:
            return self._meter_factory(size)
        spec = self._spec
        return without_counters(make_meter(size, spec.energy_model, spec.model_sha256, self.threads))

    def info(self) -> tuple[NodeInfo, int, Measurement]:
        return self.node, self.threads, self.startup

    def counter(self, root: str | None) -> bool:
        """Whether this machine has a readable package counter: asked of an actor already
        running, so that a reader actor (a process) is started only where there is one."""
        return NodeCounter(root).available()

    def run(self, spec: BackendSpec, jobs: list[ShippedJob]) -> Shipment:
        """Generate `jobs` with this actor's model for `spec` (loaded on first use)."""
        spec = replace(spec, threads=self.threads)
        self._spec = spec
        events: list[Event] = []
        idle = self._stop_idle()
        if idle is not None:
            events.append(idle)
        spans = []
        for shipped in jobs:
            start, cpu0 = time.time(), time.process_time()
            for event in self.local.execute(spec, [shipped]):
                if isinstance(event, JobDone):
                    node = self.node
                    event = JobDone(event.seq, replace(event.generation, node_id=node.node_id, host=node.host, cpu=node.cpu))
                elif isinstance(event, (ModelLoaded, PrefixFilled)):  # before the generation: not in its span
                    start, cpu0 = start + event.measurement.wall_s, cpu0 + event.measurement.cpu_s
                events.append(event)
            spans.append(Span(str(shipped.seq), start, time.time(), max(0.0, time.process_time() - cpu0)))
        self._idle = (spec, self.local.meter(spec).start())
        return Shipment(tuple(events), tuple(spans))

    def _stop_idle(self) -> Idle | None:
        if self._idle is None:
            return None
        spec, start = self._idle
        self._idle = None
        return Idle(self.local.meter(spec).stop(start))

    def release(self, spec: BackendSpec) -> tuple[Event, ...]:
        """No more jobs for this model: free it; the time it waited since the last call is idle."""
        idle = self._stop_idle()
        self.local.release(replace(spec, threads=self.threads))
        return (idle,) if idle else ()

    def close(self) -> tuple[Event, ...]:
        idle = self._stop_idle()
        self.local.close()
        return (idle,) if idle else ()
