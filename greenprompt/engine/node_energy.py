"""One hardware energy counter per node, its energy split among the generations it powered.

With RAPL every process on a node reads the same package counter, so several Ray actors
metering their own generations with it would each count the whole package: the node's
energy would be counted once per actor. Instead one `NodeCounter` per node samples the
package energy, each actor reports its generations as `Span`s (node wall-clock start and end,
`time.time()`, and the process CPU seconds of the generation), and `split_energy` shares the
sampled energy among them:

- between two consecutive samples the energy (the difference of the cumulative joules) is
  shared among the spans that overlap that interval;
- a span's weight in an interval is its CPU seconds x the fraction of its wall time that
  lies inside the interval (its CPU time is assumed uniform over the span); when the weights
  of the overlapping spans are all zero (no CPU time recorded), their wall time inside the
  interval is the weight instead, so a generation that ran is never charged nothing;
- an interval that no span overlaps goes to the idle part: the node's idle and overhead
  energy (model loads, idle actors, Ray itself), which the footprint reports per node.

The spans' joules plus the idle part equal the counter's energy from the first sample to the
last, whatever the spans are (conservation). The resolution is the sampling interval: an
interval's energy goes wholly to the spans that touch it, idle moments inside it included;
sampling at every span's start and end makes each interval either covered or idle. The
counter must be sampled at least once per wrap-around period of RAPL's counter
(`max_energy_range_uj`, minutes at full load), or a wrap is missed.

NVML (GPUs) is not read here: greenprompt's actors run llama.cpp on the CPU.

On our VMs RAPL is not readable (no /sys/class/powercap/intel-rapl:*), so this module is
tested only on a synthetic powercap tree (tests/engine/test_node_energy.py), never on a real
counter.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from greenprompt.engine.metering import RaplCounter


@dataclass(frozen=True)
class Span:
    """One generation on a node: `start`/`end` are time.time() on that node; `cpu_s` the
    process CPU seconds it used."""

    key: str
    start: float
    end: float
    cpu_s: float


class NodeCounter:
    """The node's RAPL package energy, read by one process per node (a plain class; the Ray
    executor wraps it as an actor placed on the node)."""

    def __init__(self, root: str | Path | None = None):
        # RaplCounter sums the top-level package domains and unwraps each with its
        # max_energy_range_uj; `root` defaults to GREENPROMPT_POWERCAP_DIR or /sys/class/powercap.
        self._rapl = RaplCounter(root)

    def available(self) -> bool:
        return self._rapl.available()

    def sample(self) -> tuple[float, float]:
        """(time.time(), cumulative joules since this counter's first sample)."""
        return time.time(), self._rapl.read_j()


def split_energy(samples: Sequence[tuple[float, float]], spans: Sequence[Span]) -> tuple[dict[str, float], float]:
    """(joules per span key, joules attributed to no span) from the counter's (time, cumulative
    joules) samples; every span key is in the dict (0.0 when no sample interval overlaps it)."""
    ordered = sorted(samples)
    shares = {span.key: 0.0 for span in spans}
    idle = 0.0
    for (t0, e0), (t1, e1) in zip(ordered, ordered[1:]):
        energy = e1 - e0
        if energy < 0:
            raise ValueError(f"cumulative energy went down between samples at {t0} and {t1}: {e0} -> {e1}")
        weights = _weights(t0, t1, spans)
        total = sum(w for _, w in weights)
        if total <= 0:
            idle += energy
            continue
        for key, w in weights:
            shares[key] += energy * w / total
    return shares, idle


def _weights(t0: float, t1: float, spans: Sequence[Span]) -> list[tuple[str, float]]:
    """Each overlapping span's weight in the interval [t0, t1): CPU seconds x the fraction of
    its wall time inside; by wall seconds inside when those are all zero; equal weights when
    only instantaneous spans with no CPU time overlap."""
    inside: list[tuple[str, float, float]] = []  # key, CPU-time weight, wall seconds inside
    for span in spans:
        wall = span.end - span.start
        if wall <= 0:
            # An instantaneous span belongs to the interval holding its instant.
            if t0 <= span.start < t1:
                inside.append((span.key, max(span.cpu_s, 0.0), 0.0))
            continue
        overlap = min(span.end, t1) - max(span.start, t0)
        if overlap > 0:
            inside.append((span.key, max(span.cpu_s, 0.0) * overlap / wall, overlap))
    for column in (1, 2):
        if sum(row[column] for row in inside) > 0:
            return [(row[0], row[column]) for row in inside]
    return [(key, 1.0) for key, _, _ in inside]
