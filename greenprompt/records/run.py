"""A stored run's own records: the header written when it starts (everything but its
generations, the whole resolved configuration included) and the footprint segment each
process that worked on it adds when it stops. One to_dict/from_dict each: the store keeps
exactly these dicts, and older stored shapes are brought up to date by the store's
migrations, never by branches here."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from greenprompt.records.config import Config
from greenprompt.records.inputs import (
    CarbonIntensity,
    CascadeSpec,
    DatasetInfo,
    GenerationParams,
    ModelInfo,
    ModelSpec,
    PromptSet,
    RunModel,
    Variant,
)
from greenprompt.records.result import EnergyModel


@dataclass(frozen=True)
class AnalysisOptions:
    """How a run's records are analysed; stored with the run, overridable by `runs show`."""

    min_quality: float | None = None
    baseline: str | None = None  # default: the first variant
    repeats: int = 1
    ci_level: float = 0.95
    n_bootstrap: int = 2000
    seed: int = 0
    volume_per_day: float | None = None
    price_in: float | None = None
    price_out: float | None = None
    strategy: str = "exhaustive"
    race_confidence: float = 0.95  # racing's settings, recorded with the run
    race_margin: float = 0.0
    # The hosted projections' options (issue 16) are stored once, in the header's config
    # (HostedConfig), not here: a run's stored shape did not change, so no store migration.
    hosted: tuple = ()  # PROVIDER/MODEL projected with EcoLogits (--hosted)
    hosted_zone: str | None = None
    frontier_on: str | None = None  # None/local: measured carbon; hosted:P/M: that projection

    IN_CONFIG = ("hosted", "hosted_zone", "frontier_on")

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k not in self.IN_CONFIG}

    @classmethod
    def from_dict(cls, data: dict[str, Any], config: Config | None) -> "AnalysisOptions":
        hosted = {} if config is None else {k: getattr(config, k) for k in cls.IN_CONFIG}
        return cls(**{**data, **hosted})  # the config's values (runs stored by dd7fb8a also had them here)

    @classmethod
    def from_config(cls, config: Config) -> "AnalysisOptions":
        return cls(
            min_quality=config.min_quality,
            baseline=config.baseline,
            repeats=config.repeats,
            ci_level=config.ci_level,
            n_bootstrap=config.bootstrap,
            seed=config.seed,
            volume_per_day=config.volume,
            price_in=config.price_in,
            price_out=config.price_out,
            strategy=config.strategy,
            race_confidence=config.race_confidence,
            race_margin=config.race_margin,
            hosted=config.hosted,
            hosted_zone=config.hosted_zone,
            frontier_on=config.frontier_on,
        )


@dataclass(frozen=True)
class MeteredModel:
    """One model of a run and how its generations are metered."""

    name: str  # the short name in `variant@name`
    mode: str
    info: ModelInfo
    energy: EnergyModel

    @property
    def run_model(self) -> RunModel:
        return RunModel(self.name, self.mode, self.info)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "mode": self.mode, "info": asdict(self.info), "energy": asdict(self.energy)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MeteredModel":
        e = data["energy"]
        return cls(data["name"], data["mode"], ModelInfo(**data["info"]), EnergyModel(e["method"], e["description"], e["constants"]))


@dataclass(frozen=True)
class RunHeader:
    """Everything about a run except its generations and footprint."""

    run_id: str
    started_at: str
    prompt_set: PromptSet  # variants expanded to `variant@model` with several models
    dataset: DatasetInfo
    models: tuple[MeteredModel, ...]
    scorer: str
    carbon: CarbonIntensity
    serving: str
    analysis: AnalysisOptions
    config: Config | None  # the whole resolved configuration; None for runs stored before it was kept

    @property
    def variant_names(self) -> list[str]:
        return [v.name for v in self.prompt_set.variants]

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "prompt_set": asdict(self.prompt_set),
            "dataset": asdict(self.dataset),
            "models": [m.to_dict() for m in self.models],
            "scorer": self.scorer,
            "carbon": asdict(self.carbon),
            "serving": self.serving,
            "analysis": self.analysis.to_dict(),
            "config": None if self.config is None else self.config.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunHeader":
        config = None if data["config"] is None else Config.from_dict(data["config"])
        return cls(
            run_id=data["run_id"],
            started_at=data["started_at"],
            prompt_set=_prompt_set(data["prompt_set"]),
            dataset=DatasetInfo(**{**data["dataset"], "column_names": tuple(data["dataset"]["column_names"])}),
            models=tuple(MeteredModel.from_dict(m) for m in data["models"]),
            scorer=data["scorer"],
            carbon=CarbonIntensity(**data["carbon"]),
            serving=data["serving"],
            analysis=AnalysisOptions.from_dict(data["analysis"], config),
            config=config,
        )


def _prompt_set(data: dict[str, Any]) -> PromptSet:
    variants = tuple(
        Variant(**{**v, "params": GenerationParams(**{**v["params"], "stop": tuple(v["params"]["stop"])})})
        for v in data["variants"]
    )
    models = tuple(ModelSpec(**m) for m in data["models"])
    cascade = CascadeSpec(**data["cascade"]) if data["cascade"] else None
    return PromptSet(**{**data, "variants": variants, "models": models, "cascade": cascade})


@dataclass(frozen=True)
class SegmentPart:
    """Time and energy (None: unknown) of one part of a process's footprint."""

    wall_s: float
    energy_j: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"wall_s": self.wall_s, "energy_j": self.energy_j}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SegmentPart":
        return cls(data["wall_s"], data["energy_j"])


ZERO = SegmentPart(0.0, 0.0)


@dataclass(frozen=True)
class NodePart:
    """One cluster node's share of a process's footprint (--executor ray): its actors' model
    loads and prefix fills, the time they held a model waiting for work, and their start-up
    (worker processes, and on the driver's node Ray's own start when greenprompt started it).
    Keyed by host name for carbon (--node-carbon); Ray's node id changes on every start."""

    host: str
    node_id: str
    cpu: str
    model_load: SegmentPart = ZERO
    prefix_fill: SegmentPart = ZERO
    idle: SegmentPart = ZERO
    startup: SegmentPart = ZERO

    PARTS = ("model_load", "prefix_fill", "idle", "startup")

    def to_dict(self) -> dict[str, Any]:
        return {"host": self.host, "node_id": self.node_id, "cpu": self.cpu,
                **{part: getattr(self, part).to_dict() for part in self.PARTS}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "NodePart":
        return cls(data["host"], data["node_id"], data["cpu"], **{p: SegmentPart.from_dict(data[p]) for p in cls.PARTS})


@dataclass(frozen=True)
class FootprintSegment:
    """One process's own footprint beyond its generations: model loads, the one-time
    evaluation of cached prefixes, the time an executor's workers waited for work, and the
    remainder (rendering, scoring, storing, analysis), so that the parts add up to its total."""

    model_load: SegmentPart
    prefix_fill: SegmentPart
    overhead: SegmentPart
    idle: SegmentPart = ZERO
    nodes: tuple[NodePart, ...] = ()  # per cluster node (--executor ray): parts of the four above, by node

    PARTS = ("model_load", "prefix_fill", "overhead", "idle")

    def to_dict(self) -> dict[str, Any]:
        return {**{part: getattr(self, part).to_dict() for part in self.PARTS}, "nodes": [n.to_dict() for n in self.nodes]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FootprintSegment":
        return cls(**{part: SegmentPart.from_dict(data[part]) for part in cls.PARTS},
                   nodes=tuple(NodePart.from_dict(n) for n in data["nodes"]))
