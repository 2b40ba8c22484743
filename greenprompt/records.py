"""Plain frozen records passed between the steps of a run. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

CHAT = "chat"
COMPLETION = "completion"
MODES = (CHAT, COMPLETION)

STANDALONE = "standalone"
PREFIX_CACHE = "prefix-cache"
SERVING_PROFILES = (STANDALONE, PREFIX_CACHE)
# A frontier variant that is on the frontier in fewer resamples than this is flagged.
UNCERTAIN_P_FRONTIER = 0.5


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
class Request:
    """What the backend is asked to generate, fully rendered."""

    mode: str
    text: str  # completion-mode prompt, or the user message in chat mode
    system: str | None
    params: GenerationParams
    seed: int
    logprobs: bool = False  # also report the answer's mean token log-probability

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
    repeat: int = 0


@dataclass(frozen=True)
class BackendOutput:
    """What a backend returns for one request."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    prefill_s: float | None
    decode_s: float | None
    finish_reason: str | None = None
    prefix_tokens: int = 0  # prompt tokens served from a cached prefix, not evaluated
    mean_logprob: float | None = None


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
    repeat: int = 0
    cached: bool = False  # served from the generation cache: its energy was spent by an earlier run
    prefix_tokens: int = 0  # prompt tokens reused from the prefix cache (prefix-cache serving)
    mean_logprob: float | None = None  # mean log-probability of the answer's tokens, when asked for

    def energy_split(self) -> tuple[float | None, float | None]:
        """(prefill J, decode J): the generation's energy shared in proportion to
        llama.cpp's prefill and decode times, so the two parts add up to the whole."""
        if self.energy_j is None or self.prefill_s is None or self.decode_s is None:
            return None, None
        busy = self.prefill_s + self.decode_s
        if busy <= 0:
            return None, None
        share = self.prefill_s / busy
        return self.energy_j * share, self.energy_j * (1 - share)


@dataclass(frozen=True)
class Comparison:
    """A variant against the baseline, paired on the same items."""

    baseline: str
    delta_quality: float
    delta_quality_ci: tuple[float, float]
    delta_gco2e_pct: float | None
    delta_gco2e_pct_ci: tuple[float, float] | None
    significant_quality: bool
    significant_gco2e: bool

    @property
    def significant(self) -> bool:
        return self.significant_quality or self.significant_gco2e


@dataclass(frozen=True)
class VariantStats:
    """Bootstrap uncertainty of one variant's figures."""

    quality_ci: tuple[float, float]
    energy_j_ci: tuple[float, float] | None
    gco2e_ci: tuple[float, float] | None
    p_frontier: float
    vs_baseline: Comparison | None = None


@dataclass(frozen=True)
class Projection:
    """What a variant would cost in production."""

    annual_kwh: float | None = None
    annual_kgco2e: float | None = None
    cost_per_1k_queries: float | None = None


@dataclass(frozen=True)
class CascadeInfo:
    """What a cascade point is and does: its models and rule, how often it escalated, its
    carbon per query relative to always using the large model."""

    variant: str
    small: str
    large: str
    rule: str
    threshold: float | None
    escalation_rate: float
    gco2e_vs_large: float | None
    calibrated_choice: bool = False  # the greenest threshold meeting --min-quality


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
    energy_prefill_j: float | None = None
    energy_decode_j: float | None = None
    stats: VariantStats | None = None
    projection: Projection = Projection()
    dropped_at: int | None = None  # racing: items evaluated when the variant was dropped
    prefix_tokens: float = 0.0  # prompt tokens per query served from the prefix cache
    cascade: CascadeInfo | None = None  # set on cascade points

    @property
    def uncertain(self) -> bool:
        """On the point-estimate frontier, but not in most bootstrap resamples."""
        return self.on_frontier and self.stats is not None and self.stats.p_frontier < UNCERTAIN_P_FRONTIER


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
class EnergyFit:
    """Least-squares energy model over a run's generations: J = a*prompt + b*completion + c."""

    j_per_prompt_token: float
    j_per_completion_token: float
    j_per_call: float
    r2: float
    n: int


@dataclass(frozen=True)
class Span:
    wall_s: float
    energy_j: float | None
    gco2e: float | None


@dataclass(frozen=True)
class Footprint:
    """The experiment's own cost. model_load + prefix_fill + generations + overhead = total."""

    total: Span
    model_load: Span
    generations: Span
    overhead: Span
    payback_queries: float | None = None
    payback_reason: str = ""
    prefix_fill: Span = Span(0.0, 0.0, 0.0)  # prefix-cache serving: shared prefixes evaluated once


@dataclass(frozen=True)
class RunResult:
    """Everything a report or an export needs about a finished run."""

    run_id: str
    started_at: str
    prompt_set: PromptSet
    dataset: DatasetInfo
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
    repeats: int = 1
    ci_level: float = 0.95
    n_bootstrap: int = 0
    baseline: str | None = None
    energy_fit: EnergyFit | None = None
    energy_fit_note: str = ""
    footprint: Footprint | None = None
    volume_per_day: float | None = None
    price_in: float | None = None
    price_out: float | None = None
    strategy: str = "exhaustive"
    models: tuple[RunModel, ...] = ()
    race_confidence: float = 0.95
    race_margin: float = 0.0
    other_servings: tuple["RunResult", ...] = ()  # the same run under further serving profiles

    @property
    def profiles(self) -> tuple["RunResult", ...]:
        """This result and its other serving profiles, in the order they were asked for."""
        return (self, *self.other_servings)

    @property
    def wall_s(self) -> float:
        """Wall time of the experiment (every process that worked on it)."""
        return self.footprint.total.wall_s if self.footprint else 0.0

    @property
    def model_load_s(self) -> float:
        return self.footprint.model_load.wall_s if self.footprint else 0.0
