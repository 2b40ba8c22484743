"""Per-token energy calibrations for `--energy-model tokens`.

A calibration is J = a x evaluated prompt tokens + b x completion tokens + c for one model
(sha256) on one CPU model at one thread count, fitted (analysis.energy_fit) over the fresh
generations of a finished cpu-mode run, and kept in greenprompt's cache dir
(energy_calibration.json). Every such run updates it, provided the run is one the figure
can be trusted from: one model, standalone serving, at least MIN_GENERATIONS fresh
generations, contention known and low (mean <= HIGH_CONTENTION) and a fit without warning
(no negative term, R² >= 0.5). The newest qualifying run wins: a model's cost on a machine
does not drift, but a quieter, larger run is no reason to keep an older one.
"""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from greenprompt.analysis.energy_fit import fit_energy
from greenprompt.engine.backends.llama_cpp import DEFAULT_THREADS
from greenprompt.inputs import disk_cache
from greenprompt.records import RunResult
from greenprompt.records.config import CPU, TOKENS, Config
from greenprompt.records.errors import GreenPromptError
from greenprompt.records.generation import HIGH_CONTENTION, contention_summary
from greenprompt.records.inputs import STANDALONE

CALIBRATION_FILE = "energy_calibration.json"
MIN_GENERATIONS = 8  # a 3-term least-squares fit over fewer says little about the next prompt


@dataclass(frozen=True)
class Calibration:
    j_per_prompt_token: float
    j_per_completion_token: float
    j_per_call: float
    r2: float
    n: int
    date: str  # YYYY-MM-DD (UTC) of the calibrating run
    host: str
    run_id: str
    contention: float  # the calibrating run's mean contention

    @property
    def label(self) -> str:
        return f"estimated from tokens, calibrated {self.date} on {self.host}"

    def energy_j(self, prompt_tokens: int, completion_tokens: int) -> float:
        return self.j_per_prompt_token * prompt_tokens + self.j_per_completion_token * completion_tokens + self.j_per_call

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def calibration_key(model_sha256: str, cpu_model: str, threads: int) -> str:
    return f"{model_sha256}|{cpu_model}|threads={threads}"


def load_calibration(model_sha256: str, cpu_model: str, threads: int) -> Calibration:
    """The stored calibration, or one GreenPromptError line saying how to make one."""
    data = disk_cache.read(CALIBRATION_FILE).get(calibration_key(model_sha256, cpu_model, threads))
    if data is None:
        raise GreenPromptError(
            f"--energy-model {TOKENS}: no calibration for this model on {cpu_model} with {threads} thread(s); "
            f"run `greenprompt compare ... --energy-model {CPU}` once on a quiet machine to make one"
        )
    return Calibration(**data)


def calibration_from_run(result: RunResult, config: Config, cpu_model: str) -> Calibration | None:
    """The calibration this finished run gives, or None when it does not qualify."""
    if config.energy_model != CPU or len(result.models) != 1 or result.serving != STANDALONE:
        return None
    fresh = [g for g in result.generations if not g.cached and not g.error and g.energy_j is not None]
    quiet = contention_summary(fresh)
    if len(fresh) < MIN_GENERATIONS or quiet.mean is None or quiet.mean > HIGH_CONTENTION:
        return None
    fit, _ = fit_energy(fresh)
    if fit is None or fit.warning:
        return None
    return Calibration(
        fit.j_per_prompt_token, fit.j_per_completion_token, fit.j_per_call, fit.r2, fit.n,
        datetime.now(timezone.utc).date().isoformat(), socket.gethostname(), result.run_id, quiet.mean,
    )


def record_calibration(result: RunResult, config: Config, cpu_model: str) -> Calibration | None:
    """Store the calibration this run gives (see the module's rule); what was stored, or None."""
    calibration = calibration_from_run(result, config, cpu_model)
    if calibration is not None:
        key = calibration_key(result.models[0].info.sha256, cpu_model, config.threads or DEFAULT_THREADS)
        disk_cache.store(CALIBRATION_FILE, key, calibration.to_dict())
    return calibration
