"""Hardware counters under --executor ray: one package counter reader per machine, its energy
split among the generations that ran there (engine.node_energy), never counted twice.

Several actors on one machine (or several Ray nodes on one machine, as in a simulated
cluster) would each see the whole package, so the executor reads it once per host: one
`NodeCounter` actor (no CPU, pinned to a node of that host). The driver samples every host's
counter at the start of the run, at the start and end of each wave and after every block of
finished calls (as many as there are actors), and at the end of the run. Actors report each
generation's Span (node wall clock, process CPU seconds). A sample's interval is settled once
every call that might have started before it has come back (the calls in flight when the
driver received it): then all spans touching the interval are known and `split_energy` shares
its energy; a generation is released to the driver once a settled sample follows its end, with
its energy replaced by its share. Unattributed energy (model loads, idle actors, Ray itself)
is the host's idle part. Conservation: the released generations' joules plus the idle part
equal the counter's increase from the first sample to the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from greenprompt.engine.executor import Event, Idle, JobDone, ModelLoaded, PrefixFilled
from greenprompt.engine.metering import MEASURED
from greenprompt.engine.node_energy import NodeCounter, Span, split_energy
from greenprompt.records import Measurement

SPLIT_NOTE = "in the node's package counter, split by CPU time (its idle part)"


def counter_description(names: dict[str, str]) -> str:
    counted = ", ".join(f"{host}: {name}" for host, name in sorted(names.items()))
    return (
        f"measured by each machine's package counter, read once per machine ({counted}), and split among the "
        "generations that ran at the same time by their CPU time (greenprompt.engine.ray_counters); model loads, "
        "idle actors and Ray itself are the machine's idle part; machines without a readable counter: "
        "CPU seconds x W per busy thread + model memory W x wall seconds"
    )


class HostCounter(NodeCounter):
    """The per-machine reader, run as a Ray actor: also says which counter it found."""

    def found(self) -> str:
        """The counter's name when one is readable on this machine, else ''."""
        return self._rapl.name if self.available() else ""


def without_energy(event: Event) -> Event:
    """A model load, prefix fill or idle span on a counted host: its time stays, its energy is
    in the host's counter (the idle part), so its CPU-time estimate would count it twice.
    Figures already from the counter (a released generation, the idle part) pass unchanged."""
    if isinstance(event, JobDone) or event.measurement.method == MEASURED:
        return event
    if isinstance(event, (ModelLoaded, PrefixFilled)):
        return replace(event, measurement=_zeroed(event.measurement))
    if isinstance(event, Idle):
        return Idle(_zeroed(event.measurement))
    return event


def _zeroed(m: Measurement) -> Measurement:
    return replace(m, energy_j=0.0, method=MEASURED, note=SPLIT_NOTE)


@dataclass
class HostSplit:
    """One host's counter: settled samples, and its generations waiting for their share."""

    first: tuple[float, float]
    last: tuple[float, float] = (0.0, 0.0)
    held: dict[str, tuple[Span, JobDone, float]] = field(default_factory=dict)  # key -> span, event, J so far
    idle_j: float = 0.0  # unattributed energy not yet reported
    idle_total_j: float = 0.0

    def __post_init__(self):
        self.last = self.first

    def hold(self, span: Span, event: JobDone) -> None:
        self.held[span.key] = (span, event, 0.0)

    def settle(self, sample: tuple[float, float]) -> list[JobDone]:
        """Share the interval up to `sample` among the spans touching it; the generations that
        ended before it, with their energy."""
        shares, idle = split_energy([self.last, sample], [span for span, _, _ in self.held.values()])
        self.idle_j += idle
        self.idle_total_j += idle
        self.last = sample
        done = []
        for key, (span, event, joules) in list(self.held.items()):
            joules += shares[key]
            if span.end <= sample[0]:
                del self.held[key]
                gen = replace(event.generation, energy_j=joules, energy_method=MEASURED)
                done.append(JobDone(event.seq, gen))
            else:
                self.held[key] = (span, event, joules)
        return done

    def take_idle(self) -> float:
        idle, self.idle_j = self.idle_j, 0.0
        return idle

    def orphans(self) -> list[JobDone]:
        """The held generations with their CPU-time estimate (the counter was lost)."""
        events = [event for _, event, _ in self.held.values()]
        self.held.clear()
        return events


@dataclass
class PendingSample:
    """Samples of every counted host taken together, waiting for the calls then in flight."""

    samples: dict[str, tuple[float, float]]
    waiting: set = field(default_factory=set)


class Settlement:
    """The run's counted hosts and samples waiting to be settled (pure logic; the executor
    takes the samples from the NodeCounter actors)."""

    def __init__(self, first: dict[str, tuple[float, float]]):
        self.hosts = {host: HostSplit(sample) for host, sample in first.items()}
        self.pending: list[PendingSample] = []

    def add(self, samples: dict[str, tuple[float, float]], inflight) -> None:
        self.pending.append(PendingSample(samples, set(inflight)))

    def returned(self, ref) -> list[JobDone]:
        """A call came back (or failed): the samples no longer waiting for any call, settled in order."""
        for p in self.pending:
            p.waiting.discard(ref)
        done: list[JobDone] = []
        while self.pending and not self.pending[0].waiting:
            for host, sample in self.pending.pop(0).samples.items():
                if host in self.hosts:
                    done.extend(self.hosts[host].settle(sample))
        return done

    def drop(self, host: str) -> list[JobDone]:
        """A host's counter is gone: its held generations keep their CPU-time estimate."""
        split = self.hosts.pop(host, None)
        return split.orphans() if split else []
