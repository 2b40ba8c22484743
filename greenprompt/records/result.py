"""What a finished run is: per-variant summaries, intervals, projections, footprint, result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from greenprompt.records.generation import Generation
from greenprompt.records.hosted import HostedProjection
from greenprompt.records.inputs import CarbonIntensity, DatasetInfo, ModelInfo, PromptSet, RunModel
from greenprompt.records.nodes import NodeSummary

# A frontier variant that is on the frontier in fewer resamples than this is flagged.
UNCERTAIN_P_FRONTIER = 0.5


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
    dropped_by: str | None = None  # racing: the variant that dominated it with confidence
    prefix_tokens: float = 0.0  # prompt tokens per query served from the prefix cache
    cascade: CascadeInfo | None = None  # set on cascade points
    hosted: tuple[HostedProjection, ...] = ()  # EcoLogits projections (--hosted), never measured

    @property
    def uncertain(self) -> bool:
        """On the point-estimate frontier, but not in most bootstrap resamples."""
        return self.on_frontier and self.stats is not None and self.stats.p_frontier < UNCERTAIN_P_FRONTIER


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
    warning: str | None = None  # why the equation should not be trusted (negative term, low R²)


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
    nodes: tuple[NodeSummary, ...] = ()  # per cluster node (--executor ray); their energies are parts of the above


@dataclass(frozen=True)
class Choice:
    """The variant a run chooses (the one the gate tests by default and the payback
    switches to) and the rule that chose it: the greenest variant meeting min_quality,
    else the knee of the frontier. `rule` is "greenest_meeting_min_quality", "knee" or
    "none" (no variant: no min_quality met and no knee, i.e. no carbon figure known)."""

    variant: str | None
    rule: str
    reason: str

    @classmethod
    def of(cls, recommended: str | None, knee: str | None, min_quality: float | None) -> "Choice":
        if recommended is not None and min_quality is not None:
            return cls(recommended, "greenest_meeting_min_quality", f"greenest variant with quality ≥ {min_quality:g}")
        why = "no min_quality given" if min_quality is None else f"no variant reaches quality ≥ {min_quality:g}"
        if knee is not None:
            return cls(knee, "knee", f"knee of the frontier: {why}")
        return cls(None, "none", f"no knee (no carbon figure known) and {why}")

    def to_dict(self) -> dict[str, str | None]:
        return {"variant": self.variant, "rule": self.rule, "reason": self.reason}


@dataclass(frozen=True)
class GateOutcome:
    """The thresholds applied to a run: every check (outputs.gate.Check: variant, name,
    passed, message) and whether all passed. The API returns it; the CLI exits 1 on failure."""

    run_id: str | None
    checks: tuple
    passed: bool
    checked: str = ""  # which variants were checked and why (outputs.gate.selection)


@dataclass(frozen=True)
class BudgetStop:
    """`--budget` ended the run before its plan: `generations` of its `planned` jobs ran,
    so variants ran on fewer items than the dataset has, some on fewer than others."""

    budget: int
    generations: int
    planned: int

    @classmethod
    def of(cls, budget: int | None, generations: int, planned: int | None) -> "BudgetStop | None":
        """The stop, when the budget was reached before every planned job ran (an answer
        and its verifier call may take the count one past the budget)."""
        if budget is None or planned is None or generations < budget or generations >= planned:
            return None
        return cls(budget, generations, planned)


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
    frontier_on: str | None = None  # hosted:P/M when the frontier ranks on that projection (--frontier-on)
    warnings: tuple[str, ...] = ()  # what makes the scores say nothing (a label set no target is in, all zeros)
    budget_stop: BudgetStop | None = None  # --budget ended the run before every planned job ran
    # set by the API after the run (greenprompt.api.compare), never stored
    gate: GateOutcome | None = None
    written: tuple[str, ...] = ()  # files the export wrote
    mlflow_run_id: str | None = None

    @property
    def profiles(self) -> tuple["RunResult", ...]:
        """This result and its other serving profiles, in the order they were asked for."""
        return (self, *self.other_servings)

    @property
    def chosen(self) -> Choice:
        """The variant this run chooses and why (see Choice)."""
        return Choice.of(self.recommended, next((v.name for v in self.variants if v.knee), None), self.min_quality)

    @property
    def wall_s(self) -> float:
        """Wall time of the experiment (every process that worked on it)."""
        return self.footprint.total.wall_s if self.footprint else 0.0

    @property
    def model_load_s(self) -> float:
        return self.footprint.model_load.wall_s if self.footprint else 0.0
