"""How busy the rest of the machine was while we measured: the share of its CPU capacity
used by other processes or stolen by the hypervisor, from /proc/stat and /proc/self/stat.

    contention = (machine busy time - this process's CPU time) / machine CPU capacity

over the span, in clock ticks. Steal time is part of the machine's busy time and not ours,
so it counts as contention. 0 on a quiet machine; 0.5 on two CPUs with one competing busy
loop. A process's CPU time covers all its threads (llama.cpp's workers included). On
systems without /proc the probe is unavailable and the figure is None, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CpuSample:
    """Cumulative clock ticks at one instant."""

    total: int  # every CPU, every state
    idle: int  # idle + iowait
    own: int  # this process: user + system


class ContentionProbe:
    """Reads the machine's and this process's CPU ticks; `root` is /proc (a fake tree in tests)."""

    def __init__(self, root: str | Path = "/proc"):
        self.root = Path(root)
        # sampled twice per generation: the paths are built once, and only /proc/stat's first
        # line is read (pathlib's read_text of both files was 28% of the driver's time per
        # generation on the fake backend, profiled)
        self._machine, self._own = str(self.root / "stat"), str(self.root / "self" / "stat")

    def sample(self) -> CpuSample | None:
        try:
            with open(self._machine, encoding="ascii") as f:
                machine = f.readline().split()
            with open(self._own, encoding="utf-8", errors="replace") as f:
                own = f.read()
        except OSError:
            return None
        if not machine or machine[0] != "cpu":
            return None
        # user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
        ticks = [int(v) for v in machine[1:9]]
        # the command name may hold spaces and parentheses: fields resume after the last ')'
        fields = own.rsplit(")", 1)[-1].split()
        try:
            utime, stime = int(fields[11]), int(fields[12])
        except (IndexError, ValueError):
            return None
        return CpuSample(total=sum(ticks), idle=ticks[3] + ticks[4], own=utime + stime)

    @staticmethod
    def share(start: CpuSample | None, stop: CpuSample | None) -> float | None:
        """The share of the machine's CPU capacity others used between two samples; None when
        unknown (no /proc, or a span shorter than one clock tick)."""
        if start is None or stop is None:
            return None
        capacity = stop.total - start.total
        if capacity <= 0:
            return None
        busy = (stop.total - stop.idle) - (start.total - start.idle)
        others = busy - (stop.own - start.own)
        return min(1.0, max(0.0, others / capacity))
