"""Facts about this machine that the meter and the exports both name."""

from __future__ import annotations

from pathlib import Path


def proc_cpu_model() -> str | None:
    """The CPU's model name from /proc/cpuinfo (instant), or None where there is none."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None
