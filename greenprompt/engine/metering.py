"""Time and energy of each generation, with the method that produced the figure.

`measured`: hardware energy counters (RAPL under /sys/class/powercap, NVIDIA NVML),
read at the start and end of a span. `estimated`: no counters (typical VMs), so a power
model: CPU seconds x watts per busy thread + memory watts for the model x wall time.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from greenprompt.records import EnergyModel, Measurement

MEASURED = "measured"
ESTIMATED = "estimated"

POWERCAP_DIR_ENV = "GREENPROMPT_POWERCAP_DIR"
DEFAULT_POWERCAP_DIR = "/sys/class/powercap"
# codecarbon's pre-v3 RAM heuristic: 3 W for every 8 GB of DDR3/DDR4 memory.
RAM_W_PER_GB = 3.0 / 8.0


class EnergyCounter(Protocol):
    """A cumulative hardware energy counter."""

    name: str

    def read_j(self) -> float: ...


class RaplCounter:
    """Sum of the top-level RAPL package domains; handles counter wrap-around."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root or os.environ.get(POWERCAP_DIR_ENV) or DEFAULT_POWERCAP_DIR)
        self.name = f"RAPL ({self.root})"
        self.domains: list[tuple[Path, float]] = []
        for d in sorted(self.root.glob("*-rapl:*")):
            # Subdomains (intel-rapl:0:0, core/uncore/dram) are inside the package figure.
            if d.name.count(":") != 1:
                continue
            energy = d / "energy_uj"
            try:
                int(energy.read_text())
                max_range = float((d / "max_energy_range_uj").read_text())
            except (OSError, ValueError):
                continue
            self.domains.append((energy, max_range))
        self._last: list[float] | None = None
        self._total_j = 0.0

    def available(self) -> bool:
        return bool(self.domains)

    def read_j(self) -> float:
        """Cumulative joules since the first read, unwrapping each domain's counter."""
        now = [float(f.read_text()) for f, _ in self.domains]
        if self._last is not None:
            for (_, max_range), a, b in zip(self.domains, self._last, now):
                self._total_j += ((b - a) if b >= a else (b + max_range - a)) / 1e6
        self._last = now
        return self._total_j


class NvmlCounter:
    """Total energy of all NVIDIA GPUs, when pynvml is installed and a GPU is present."""

    name = "NVML"

    def __init__(self):
        import pynvml  # optional; ImportError means no NVML

        pynvml.nvmlInit()
        self._nvml = pynvml
        self._handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())]

    def available(self) -> bool:
        return bool(self._handles)

    def read_j(self) -> float:
        return sum(self._nvml.nvmlDeviceGetTotalEnergyConsumption(h) for h in self._handles) / 1000.0


@dataclass(frozen=True)
class PowerModel:
    """Watts per busy CPU thread and memory watts, with where they came from."""

    cpu_w_per_thread: float
    cpu_source: str
    ram_w: float
    ram_source: str

    def energy_j(self, wall_s: float, cpu_s: float) -> float:
        return cpu_s * self.cpu_w_per_thread + wall_s * self.ram_w


def cpu_model_name() -> str:
    """The CPU's model name: /proc/cpuinfo where there is one (instant), else codecarbon's
    detection (py-cpuinfo, which takes about a second)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    from codecarbon.core.util import detect_cpu_model

    return detect_cpu_model() or "unknown CPU"


def cpu_power_per_thread() -> tuple[float, str]:
    """Watts per busy thread from codecarbon's CPU power data (offline, bundled); the
    lookup (a fuzzy match over thousands of CPU names) is cached per CPU and codecarbon version."""
    from importlib.metadata import version

    from greenprompt.inputs.disk_cache import cached

    threads = os.cpu_count() or 1
    model = cpu_model_name()
    watts, source = cached(
        "cpu_power.json", f"{model}|{threads}|{version('codecarbon')}", lambda: list(_cpu_power_lookup(model, threads))
    )
    return float(watts), str(source)


def _cpu_power_lookup(model: str, threads: int) -> tuple[float, str]:
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    from codecarbon.core.cpu import DEFAULT_POWER_PER_CORE, TDP

    try:
        tdp = TDP._get_cpu_power_from_registry(TDP.__new__(TDP), model)
    except Exception:  # private codecarbon API: fall back to its documented default
        tdp = None
    if tdp:
        # As codecarbon does: the CPU's TDP is what the visible threads draw at full load.
        return float(tdp) / threads, f"codecarbon cpu_power.csv: {model} TDP {tdp:g} W / {threads} threads"
    return float(DEFAULT_POWER_PER_CORE), f"codecarbon's default, {model} is not in its CPU power data"


def default_power_model(model_size_bytes: int) -> PowerModel:
    w, source = cpu_power_per_thread()
    gb = model_size_bytes / 1e9
    return PowerModel(
        cpu_w_per_thread=w,
        cpu_source=source,
        ram_w=RAM_W_PER_GB * gb,
        ram_source=f"3 W per 8 GB (codecarbon's RAM heuristic) x {gb:.3f} GB model resident size",
    )


def find_counters() -> tuple[list[EnergyCounter], list[str]]:
    """Hardware energy counters that can be read here, and why others cannot."""
    counters: list[EnergyCounter] = []
    notes: list[str] = []
    rapl = RaplCounter()
    if rapl.available():
        counters.append(rapl)
    else:
        notes.append(f"no readable RAPL counters under {rapl.root}")
    try:
        nvml = NvmlCounter()
        if nvml.available():
            counters.append(nvml)
        else:
            notes.append("NVML: no GPU")
    except Exception:
        notes.append("NVML: pynvml not installed or no NVIDIA driver")
    return counters, notes


class Meter:
    """Meters wall time, process CPU time and energy of a span.

    `time.process_time()` covers every thread of this process, llama.cpp's workers
    included, which is what the power model needs.
    """

    def __init__(self, power: PowerModel, counters: list[EnergyCounter] | None = None, notes: list[str] | None = None):
        self.power = power
        self.counters = list(counters or [])
        self.notes = list(notes or [])
        self.method = MEASURED if self.counters else ESTIMATED

    def start(self) -> tuple[float, float, float | None]:
        return time.perf_counter(), time.process_time(), self._read()

    def stop(self, start: tuple[float, float, float | None]) -> Measurement:
        wall0, cpu0, e0 = start
        e1 = self._read()
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        if e0 is not None and e1 is not None:
            return Measurement(wall, cpu, e1 - e0, MEASURED)
        if self.counters:
            return Measurement(wall, cpu, self.power.energy_j(wall, cpu), ESTIMATED, "energy counter unreadable")
        return Measurement(wall, cpu, self.power.energy_j(wall, cpu), ESTIMATED)

    def _read(self) -> float | None:
        if not self.counters:
            return None
        try:
            return sum(c.read_j() for c in self.counters)
        except (OSError, ValueError) as e:
            self.notes.append(f"energy counter read failed ({e}); estimated instead")
            return None

    def describe(self) -> EnergyModel:
        if self.method == MEASURED:
            names = ", ".join(c.name for c in self.counters)
            desc = f"measured by hardware counters: {names} (whole-device energy during each generation)"
        else:
            desc = (
                "estimated, no hardware energy counters here: "
                "CPU seconds x W per busy thread + model memory W x wall seconds"
            )
        return EnergyModel(
            method=self.method,
            description=desc,
            constants={
                "cpu_w_per_thread": self.power.cpu_w_per_thread,
                "cpu_w_source": self.power.cpu_source,
                "ram_w": self.power.ram_w,
                "ram_w_source": self.power.ram_source,
                "notes": list(dict.fromkeys(self.notes)),
            },
        )


def make_meter(model_size_bytes: int) -> Meter:
    """A meter using hardware counters when readable, else the power model."""
    counters, notes = find_counters()
    return Meter(default_power_model(model_size_bytes), counters, notes)
