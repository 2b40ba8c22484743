"""Plain frozen records passed between the steps of a run. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

CHAT = "chat"
COMPLETION = "completion"
MODES = (CHAT, COMPLETION)

STANDALONE = "standalone"


@dataclass(frozen=True)
class GenerationParams:
    """Sampling parameters for one variant."""

    max_tokens: int = 64
    temperature: float = 0.0
    stop: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """One prompt variant: a Jinja2 template (and optional system prompt)."""

    name: str
    template: str
    system: str | None = None
    params: GenerationParams = GenerationParams()
    source: str = ""  # file the variant was read from, for error messages


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


@dataclass(frozen=True)
class Item:
    """One dataset row. `columns` are the template variables."""

    id: str
    columns: Mapping[str, Any]
    target: str | None


@dataclass(frozen=True)
class Dataset:
    path: str
    items: tuple[Item, ...]
    column_names: tuple[str, ...]
    target_column: str | None


@dataclass(frozen=True)
class ModelInfo:
    """Identity of a GGUF file."""

    path: str
    sha256: str
    name: str
    size_bytes: int
    quantization: str | None = None


@dataclass(frozen=True)
class Request:
    """What the backend is asked to generate, fully rendered."""

    mode: str
    text: str  # completion-mode prompt, or the user message in chat mode
    system: str | None
    params: GenerationParams
    seed: int

    def messages(self) -> list[dict[str, str]]:
        msgs = [{"role": "system", "content": self.system}] if self.system else []
        return msgs + [{"role": "user", "content": self.text}]

    def prompt_text(self) -> str:
        """The human-written prompt text (system + user), without chat-template tokens."""
        return f"{self.system}\n\n{self.text}" if self.system else self.text


@dataclass(frozen=True)
class Job:
    variant: str
    item_id: str
    index: int  # position of the item in the dataset
    request: Request
    target: str | None


@dataclass(frozen=True)
class BackendOutput:
    """What a backend returns for one request."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    prefill_s: float | None
    decode_s: float | None
    finish_reason: str | None = None


@dataclass(frozen=True)
class Measurement:
    """Time and energy of one metered span."""

    wall_s: float
    cpu_s: float
    energy_j: float | None
    method: str  # "measured" | "estimated" | "unknown"
    note: str = ""


@dataclass(frozen=True)
class Generation:
    """One finished (or failed) generation with its metering."""

    variant: str
    item_id: str
    index: int
    prompt: str
    output: str
    target: str | None
    prompt_tokens: int
    completion_tokens: int
    prompt_tokens_cl100k: int
    completion_tokens_cl100k: int
    wall_s: float
    cpu_s: float
    prefill_s: float | None
    decode_s: float | None
    energy_j: float | None
    energy_method: str
    gco2e: float | None
    finish_reason: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class VariantSummary:
    """Per-variant aggregates (means are per query)."""

    name: str
    quality: float
    n: int
    errors: int
    prompt_tokens: float
    completion_tokens: float
    prompt_tokens_cl100k: float
    completion_tokens_cl100k: float
    energy_j: float | None
    gco2e: float | None
    latency_s: float
    pareto_rank: int = 0
    on_frontier: bool = False
    knee: bool = False


@dataclass(frozen=True)
class CarbonIntensity:
    g_per_kwh: float
    source: str
    pue: float = 1.0


@dataclass(frozen=True)
class EnergyModel:
    """How energy was obtained, with every constant used."""

    method: str
    description: str
    constants: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    """Everything a report or an export needs about a finished run."""

    run_id: str
    started_at: str
    prompt_set: PromptSet
    dataset: Dataset
    model: ModelInfo
    mode: str
    scorer: str
    carbon: CarbonIntensity
    energy: EnergyModel
    serving: str
    generations: tuple[Generation, ...]
    scores: tuple[float, ...]  # aligned with generations
    variants: tuple[VariantSummary, ...]  # ranked
    min_quality: float | None
    recommended: str | None
    interrupted: bool = False
    model_load_s: float = 0.0
    wall_s: float = 0.0
