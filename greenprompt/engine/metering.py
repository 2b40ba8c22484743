"""Time, energy and contention of each metered span, with the method behind the figure.

`--energy-model cpu` (the default): hardware energy counters where readable (RAPL under
/sys/class/powercap, NVIDIA NVML) -> `measured`; else (typical VMs) a power model ->
`estimated`: CPU seconds x watts per busy thread + memory watts attributed to the model x wall
time. `tokens`: a generation's joules from its token counts, calibrated on a quiet cpu run of
the same model (engine.calibration) -> `estimated-tokens`. `codecarbon`: codecarbon's
process-mode rules (the same CPU rule; its v3 RAM rule from the process's memory) ->
`estimated-codecarbon`. Every span also records the contention (engine.contention).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from greenprompt.engine.calibration import Calibration, load_calibration
from greenprompt.engine.contention import ContentionProbe
from greenprompt.inputs.machine import proc_cpu_model
from greenprompt.records import EnergyModel, Measurement
from greenprompt.records.config import CODECARBON, CPU, TOKENS

MEASURED = "measured"
ESTIMATED = "estimated"
TOKENS_METHOD = "estimated-tokens"
CODECARBON_METHOD = "estimated-codecarbon"

POWERCAP_DIR_ENV = "GREENPROMPT_POWERCAP_DIR"
DEFAULT_POWERCAP_DIR = "/sys/class/powercap"
# Our attribution of memory power to the inference: the model's resident size at 3 W per 8 GB
# (the DDR3/DDR4 rate codecarbon used before v3). A choice, not codecarbon's current rule: its
# v3 rule (5 W per estimated DIMM, 10 W minimum on x86) charges a whole machine's memory
# however small the model; `--energy-model codecarbon` applies that one.
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
    ram_probe: Callable[[], float] | None = None  # codecarbon mode: RAM watts re-read per span

    def energy_j(self, wall_s: float, cpu_s: float) -> float:
        ram_w = self.ram_probe() if self.ram_probe is not None else self.ram_w
        return cpu_s * self.cpu_w_per_thread + wall_s * ram_w


def cpu_model_name() -> str:
    """The CPU's model name: /proc/cpuinfo where there is one (instant), else codecarbon's
    detection (py-cpuinfo, which takes about a second)."""
    found = proc_cpu_model()
    if found:
        return found
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
        ram_source=(
            f"greenprompt's attribution of memory power to the inference: {gb:.3f} GB model resident size "
            "x 3 W per 8 GB (codecarbon's pre-v3 rate; not its v3 RAM rule, see --energy-model codecarbon)"
        ),
    )


def codecarbon_power_model() -> PowerModel:
    """codecarbon's process-mode rules: its CPU rule (TDP x the process's CPU share, which is
    CPU seconds x TDP / threads, as in cpu mode) and its v3 RAM rule, computed by codecarbon's
    own RAM class from this process's memory (a DIMM-count model: 5 W per DIMM on x86, 10 W
    minimum), re-read for every span as its tracker re-reads it every measurement."""
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    from codecarbon.external.ram import RAM

    ram = RAM(tracking_mode="process")
    w, source = cpu_power_per_thread()

    def ram_w() -> float:
        return float(ram.total_power().W)

    return PowerModel(
        cpu_w_per_thread=w,
        cpu_source=source,
        ram_w=ram_w(),
        ram_source=(
            "codecarbon's v3 RAM rule for process tracking (codecarbon.external.ram.RAM): "
            "this process's memory -> estimated DIMMs x 5 W, at least 10 W; re-read every span"
        ),
        ram_probe=ram_w,
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
    """Meters wall time, process CPU time, energy and contention of a span.

    `time.process_time()` covers every thread of this process, llama.cpp's workers
    included, which is what the power model needs. In tokens mode a generation's energy
    comes from its token counts (`stop(..., tokens=...)`), and every enclosing span (the
    run's total) takes the same figures, so the parts still add up to the total.
    """

    def __init__(
        self,
        power: PowerModel,
        counters: list[EnergyCounter] | None = None,
        notes: list[str] | None = None,
        probe: ContentionProbe | None = None,
        mode: str = CPU,
        calibration: Calibration | None = None,
        threads: int = 1,
    ):
        self.power = power
        self.counters = list(counters or []) if mode == CPU else []
        self.notes = list(notes or []) if mode == CPU else []
        self.probe = probe
        self.mode = mode
        self.calibration = calibration
        self.threads = threads
        self.method = {TOKENS: TOKENS_METHOD, CODECARBON: CODECARBON_METHOD}.get(mode, MEASURED if self.counters else ESTIMATED)
        self._token_adjust_j = 0.0  # tokens mode: token-model J minus CPU-estimate J so far

    def start(self) -> tuple:
        sample = self.probe.sample() if self.probe else None
        return time.perf_counter(), time.process_time(), self._read(), sample, self._token_adjust_j

    def stop(self, start: tuple, tokens: tuple[int, int] | None = None) -> Measurement:
        """The span since `start`; `tokens` (evaluated prompt, completion) marks a generation."""
        wall0, cpu0, e0, sample0, adjust0 = start
        e1 = self._read()
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        contention = self.probe.share(sample0, self.probe.sample()) if self.probe else None
        estimate = self.power.energy_j(wall, cpu)
        if self.mode == TOKENS:
            if tokens is not None:
                energy = self.calibration.energy_j(*tokens)
                self._token_adjust_j += energy - estimate
                return Measurement(wall, cpu, energy, TOKENS_METHOD, contention=contention)
            return Measurement(wall, cpu, estimate + self._token_adjust_j - adjust0, TOKENS_METHOD, contention=contention)
        if e0 is not None and e1 is not None:
            return Measurement(wall, cpu, e1 - e0, MEASURED, contention=contention)
        note = "energy counter unreadable" if self.counters else ""
        method = CODECARBON_METHOD if self.mode == CODECARBON else ESTIMATED
        return Measurement(wall, cpu, estimate, method, note, contention=contention)

    def _read(self) -> float | None:
        if not self.counters:
            return None
        try:
            return sum(c.read_j() for c in self.counters)
        except (OSError, ValueError) as e:
            self.notes.append(f"energy counter read failed ({e}); estimated instead")
            return None

    def describe(self) -> EnergyModel:
        constants = {
            "energy_model": self.mode,
            "threads": self.threads,
            "cpu_w_per_thread": self.power.cpu_w_per_thread,
            "cpu_w_source": self.power.cpu_source,
            "ram_w": self.power.ram_w,
            "ram_w_source": self.power.ram_source,
            "notes": list(dict.fromkeys(self.notes)),
        }
        if self.method == MEASURED:
            names = ", ".join(c.name for c in self.counters)
            desc = f"measured by hardware counters: {names} (whole-device energy during each generation)"
        elif self.mode == TOKENS:
            c = self.calibration
            desc = (
                f"{c.label}: {c.j_per_prompt_token:.4g} J/prompt token + {c.j_per_completion_token:.4g} J/completion "
                f"token + {c.j_per_call:.4g} J/call; model loads and overhead: CPU seconds x W per busy thread"
            )
            constants["calibration"] = c.to_dict()
        elif self.mode == CODECARBON:
            desc = (
                "estimated with codecarbon's process-mode rules: CPU seconds x TDP per thread + "
                "codecarbon's v3 RAM power (DIMM model of this process's memory) x wall seconds"
            )
        else:
            desc = (
                "estimated, no hardware energy counters here: "
                "CPU seconds x W per busy thread + model memory W x wall seconds"
            )
        return EnergyModel(method=self.method, description=desc, constants=constants)


def make_meter(
    model_size_bytes: int, mode: str = CPU, model_sha256: str = "", threads: int = 1, proc_root: str | Path = "/proc"
) -> Meter:
    """The meter of one model for `--energy-model mode`: in cpu mode hardware counters when
    readable, else the power model. Raises GreenPromptError in tokens mode without a
    calibration for this model, CPU and thread count. `proc_root`: where /proc is (tests)."""
    probe = ContentionProbe(proc_root)
    if mode == CODECARBON:
        return Meter(codecarbon_power_model(), probe=probe, mode=mode, threads=threads)
    power = default_power_model(model_size_bytes)
    if mode == TOKENS:
        calibration = load_calibration(model_sha256, cpu_model_name(), threads)
        return Meter(power, probe=probe, mode=mode, calibration=calibration, threads=threads)
    counters, notes = find_counters()
    return Meter(power, counters, notes, probe=probe, threads=threads)
