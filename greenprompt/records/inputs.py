"""What a run starts from: prompt variants, models, datasets, carbon intensity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

CHAT = "chat"
COMPLETION = "completion"
MODES = (CHAT, COMPLETION)

STANDALONE = "standalone"
PREFIX_CACHE = "prefix-cache"
SERVING_PROFILES = (STANDALONE, PREFIX_CACHE)


@dataclass(frozen=True)
class GenerationParams:
    """Sampling parameters for one variant."""

    max_tokens: int = 64
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    grammar: str | None = None  # GBNF text: llama.cpp admits only what it derives (prompt files' `grammar:`)


@dataclass(frozen=True)
class Variant:
    """One prompt variant: a Jinja2 template (and optional system prompt)."""

    name: str
    template: str
    system: str | None = None
    params: GenerationParams = GenerationParams()
    source: str = ""  # file the variant was read from, for error messages
    model: str | None = None  # several models: the model this point runs on (name is `base@model`)
    base: str | None = None  # several models: the variant's own name


@dataclass(frozen=True)
class ModelSpec:
    """A model asked for by the user: an alias or a GGUF path (None: the embedded default),
    with an optional short name for `variant@name` and an optional mode."""

    ref: str | None
    name: str | None = None
    mode: str | None = None


@dataclass(frozen=True)
class CascadeSpec:
    """Try `small` first; escalate to `large` when `escalate_when` says the answer is not
    good enough: invalid (no valid answer), low-confidence (mean token log-probability below
    `threshold`) or verifier (the small model, asked with `verifier`, rejects its answer)."""

    small: str
    large: str
    escalate_when: str
    threshold: float | None = None
    calibrate: bool = False
    verifier: str | None = None


@dataclass(frozen=True)
class RunModel:
    """One model of a run: the short name in `variant@name`, its mode and its identity."""

    name: str
    mode: str
    info: "ModelInfo"


@dataclass(frozen=True)
class PromptSet:
    """Variants plus the defaults a prompt-set file may carry for a run."""

    variants: tuple[Variant, ...]
    path: str
    scorer: str | None = None
    target: str | None = None
    dataset: str | None = None
    model: str | None = None
    mode: str | None = None
    models: tuple[ModelSpec, ...] = ()
    cascade: CascadeSpec | None = None


@dataclass(frozen=True)
class Item:
    """One dataset row. `columns` are the template variables."""

    id: str
    columns: Mapping[str, Any]
    target: str | None


@dataclass(frozen=True)
class DatasetInfo:
    """What a finished run keeps of its dataset."""

    path: str
    n_items: int
    column_names: tuple[str, ...]
    target_column: str | None


@dataclass(frozen=True)
class Dataset:
    path: str
    items: tuple[Item, ...]
    column_names: tuple[str, ...]
    target_column: str | None

    def info(self) -> DatasetInfo:
        return DatasetInfo(self.path, len(self.items), self.column_names, self.target_column)


@dataclass(frozen=True)
class ModelInfo:
    """Identity of a GGUF file."""

    path: str
    sha256: str
    name: str
    size_bytes: int
    quantization: str | None = None
    architecture: str | None = None
    parameters: int | None = None  # summed over the GGUF's tensor shapes
    has_chat_template: bool | None = None


@dataclass(frozen=True)
class CarbonIntensity:
    g_per_kwh: float
    source: str
    pue: float = 1.0
