"""The configuration of a comparison: every option, declared once."""

from __future__ import annotations

from dataclasses import dataclass

EXHAUSTIVE, RACE = "exhaustive", "race"
STRATEGIES = (EXHAUSTIVE, RACE)


@dataclass(frozen=True)
class InputConfig:
    """Options shared by the commands that read a prompt set and a dataset.
    None means "from the prompt set, else the default"."""

    prompts: str
    dataset: str | None = None
    model: str | None = None
    target: str | None = None
    limit: int | None = None
    sample: int | None = None
    seed: int = 0
    mode: str | None = None
    n_ctx: int = 2048
    country: str | None = None
    region: str | None = None
    carbon_intensity: float | None = None
    pue: float = 1.0
    models: tuple = ()  # several models: `--model` values (REF or NAME=REF) or ModelSpec; `model` is one



@dataclass(frozen=True)
class Config(InputConfig):
    """Everything `greenprompt compare` takes; None means "from the prompt set, else default"."""

    scorer: str | None = None
    threads: int | None = None
    min_quality: float | None = None
    repeats: int = 1
    ci_level: float = 0.95
    bootstrap: int = 2000
    baseline: str | None = None
    volume: float | None = None
    price_in: float | None = None
    price_out: float | None = None
    store: str | None = None
    resume: str | None = None
    no_cache: bool = False
    strategy: str = EXHAUSTIVE
    race_confidence: float = 0.95
    race_margin: float = 0.0
    budget: int | None = None
    block: int | None = None
    serving: str = "standalone"  # one profile, or several comma-separated to report side by side
    cascade: str | None = None  # "small,large": overrides the prompt set's cascade
    escalate_when: str | None = None
    threshold: float | None = None
    calibrate: bool = False
