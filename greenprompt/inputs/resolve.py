"""Resolve what every command starts from: prompt set, dataset, mode, carbon intensity and
model, each validated with a clear error before any model work."""

from __future__ import annotations

from dataclasses import dataclass, replace

from greenprompt.inputs.aliases import DEFAULT_ALIAS
from greenprompt.inputs.carbon import grid_intensity
from greenprompt.inputs.datasets import start_loading
from greenprompt.inputs.model_specs import resolve_models, spec_from_option
from greenprompt.inputs.prompt_sets import check_columns, load_prompt_set
from greenprompt.inputs.tokens import warm_encoding
from greenprompt.records import (
    CarbonIntensity,
    CascadeSpec,
    Dataset,
    ModelInfo,
    ModelSpec,
    PromptSet,
    RunModel,
)
from greenprompt.records.config import InputConfig
from greenprompt.records.errors import GreenPromptError


@dataclass(frozen=True)
class Inputs:
    prompt_set: PromptSet
    dataset: Dataset
    mode: str  # the first model's
    intensity: CarbonIntensity
    model: ModelInfo  # the first model
    models: tuple[RunModel, ...] = ()


def model_specs(options: InputConfig, prompt_set: PromptSet) -> tuple[ModelSpec, ...]:
    """The command line's models, else the prompt set's, else the embedded default; a
    cascade's models join the list when they are not in it."""
    if options.models:
        specs = tuple(spec_from_option(m) for m in options.models)
    elif options.model:
        specs = (spec_from_option(options.model),)
    elif prompt_set.models:
        specs = prompt_set.models
    elif prompt_set.model or prompt_set.cascade is None:
        specs = (ModelSpec(prompt_set.model),)
    else:
        specs = ()
    cascade = prompt_set.cascade
    if cascade is not None:
        known = {s.name or s.ref or DEFAULT_ALIAS for s in specs} | {s.ref or DEFAULT_ALIAS for s in specs}
        specs += tuple(ModelSpec(ref) for ref in (cascade.small, cascade.large) if ref not in known)
    return specs


class _Given:
    """A dataset already read (e.g. one split of it: greenprompt.optimize), as a pending one."""

    in_child = False

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    def result(self) -> Dataset:
        return self.dataset


def _start_loading(options: InputConfig, prompt_set: PromptSet, require_target: bool):
    dataset_path = options.dataset or prompt_set.dataset
    if not dataset_path:
        raise GreenPromptError(f"{prompt_set.path}: no dataset; pass --dataset PATH or set 'dataset:' in the prompt set")
    return start_loading(
        dataset_path,
        target=options.target or prompt_set.target,
        limit=options.limit,
        sample=options.sample,
        seed=options.seed,
        require_target=require_target,
    )


def resolve_inputs(
    options: InputConfig, require_target: bool = True, prompt_set: PromptSet | None = None, dataset: Dataset | None = None
) -> Inputs:
    """Load and cross-check the inputs; a GreenPromptError names what is wrong (the
    dataset's errors first, then its columns against the prompts, the carbon options and the
    models, in that order). `dataset`, when given, is used instead of reading the options' one."""
    options.validate()  # the options' own checks (records.config), before any file is read
    prompt_set = prompt_set or load_prompt_set(options.prompts)
    pending = _Given(dataset) if dataset is not None else _start_loading(options, prompt_set, require_target)
    mode = options.mode or prompt_set.mode  # both checked: the option by validate(), the set's on loading
    try:  # meanwhile, on the other core while a child reads the dataset
        intensity = grid_intensity(options.country, options.carbon_intensity, options.pue, options.region)
        specs = model_specs(options, prompt_set)
        models = resolve_models(specs, mode)
        if pending.in_child:
            warm_encoding()
    except GreenPromptError:
        check_columns(prompt_set, pending.result().column_names)  # the earlier checks' errors come first
        raise
    dataset = pending.result()
    check_columns(prompt_set, dataset.column_names)
    if prompt_set.cascade is not None:
        prompt_set = replace(prompt_set, cascade=_name_cascade_models(prompt_set.cascade, specs, models))
    return Inputs(prompt_set, dataset, models[0].mode, intensity, models[0].info, models)


def _name_cascade_models(cascade: CascadeSpec, specs, models) -> CascadeSpec:
    """The cascade's small and large models by their short names (given as names, aliases or paths)."""
    names = {m.name: m.name for m in models}
    names.update({s.ref: m.name for s, m in zip(specs, models) if s.ref})
    small, large = names.get(cascade.small), names.get(cascade.large)
    if small is None or large is None or small == large:
        raise GreenPromptError(
            f"cascade {cascade.small},{cascade.large}: name two different models of the run ({', '.join(m.name for m in models)})"
        )
    return replace(cascade, small=small, large=large)
