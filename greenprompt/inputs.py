"""Resolve what every command starts from: prompt set, dataset, mode, carbon intensity and
model, each validated with a clear error before any model work."""

from __future__ import annotations

from dataclasses import dataclass

from greenprompt.carbon import grid_intensity
from greenprompt.data import load_dataset
from greenprompt.errors import GreenPromptError
from greenprompt.models import resolve_model
from greenprompt.prompts import check_columns, load_prompt_set
from greenprompt.records import (
    CHAT,
    MODES,
    CarbonIntensity,
    Dataset,
    ModelInfo,
    PromptSet,
)


@dataclass(frozen=True)
class InputOptions:
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


@dataclass(frozen=True)
class Inputs:
    prompt_set: PromptSet
    dataset: Dataset
    mode: str
    intensity: CarbonIntensity
    model: ModelInfo


def resolve_inputs(options: InputOptions, require_target: bool = True, prompt_set: PromptSet | None = None) -> Inputs:
    """Load and cross-check the inputs; a GreenPromptError names what is wrong."""
    prompt_set = prompt_set or load_prompt_set(options.prompts)
    dataset_path = options.dataset or prompt_set.dataset
    if not dataset_path:
        raise GreenPromptError(f"{prompt_set.path}: no dataset; pass --dataset PATH or set 'dataset:' in the prompt set")
    if options.n_ctx < 16:
        raise GreenPromptError(f"--n-ctx must be at least 16 tokens, got {options.n_ctx}")
    dataset = load_dataset(
        dataset_path,
        target=options.target or prompt_set.target,
        limit=options.limit,
        sample=options.sample,
        seed=options.seed,
        require_target=require_target,
    )
    check_columns(prompt_set, dataset.column_names)
    mode = options.mode or prompt_set.mode or CHAT
    if mode not in MODES:
        raise GreenPromptError(f"--mode must be one of {', '.join(MODES)}, got {mode!r}")
    intensity = grid_intensity(options.country, options.carbon_intensity, options.pue, options.region)
    model = resolve_model(options.model or prompt_set.model)
    return Inputs(prompt_set, dataset, mode, intensity, model)
