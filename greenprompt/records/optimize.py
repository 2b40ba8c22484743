"""Records of `greenprompt optimize`: the rewrites a candidate went through (its lineage).

A RewriteStep is one applied rewrite with the parameters it chose; a candidate's lineage is
the tuple of its steps from the baseline. One to_dict/from_dict: the --json document and
the exported prompt files keep exactly these dicts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from greenprompt.records.hosted import HostedProjection


@dataclass(frozen=True)
class RewriteStep:
    """One rewrite applied to a parent variant: its registered name and what it did,
    e.g. RewriteStep("cap-output", {"max_tokens": 6, "margin": 2, "would_cut": 1, "stop": ["\\n"]})."""

    rewrite: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # a copy: the caller's dict may change later; a step is shared by every descendant's lineage
        object.__setattr__(self, "params", dict(self.params))

    def __hash__(self) -> int:
        # params is a dict: hashed by its JSON, so lineages can key dicts and sets
        return hash((self.rewrite, json.dumps(self.params, sort_keys=True, default=str)))

    def to_dict(self) -> dict[str, Any]:
        return {"rewrite": self.rewrite, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "RewriteStep":
        return cls(rewrite=str(d["rewrite"]), params=dict(d.get("params") or {}))


# ---- the result of `greenprompt optimize` (helper H's half) --------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Figures:
    """A candidate's figures on one split (per query: quality with its bootstrap interval,
    J, gCO2e, tokens), and its non-inferiority verdict against the baseline there."""

    n: int
    quality: float
    quality_ci: tuple[float, float] | None
    energy_j: float | None
    gco2e: float | None
    prompt_tokens: float
    completion_tokens: float
    verdict: Mapping[str, Any] | None = None  # optimize.decide.Verdict.to_dict(); None for the baseline
    dropped_by: str | None = None  # racing dropped it, dominated by this candidate

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n, "quality": self.quality, "quality_ci": _plain(self.quality_ci), "energy_j": self.energy_j,
            "gco2e": self.gco2e, "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "non_inferiority": _plain(self.verdict), "dropped_by": self.dropped_by,
        }


@dataclass(frozen=True)
class Candidate:
    """One prompt the search measured: the baseline (empty lineage) or a rewrite of it."""

    name: str
    lineage: tuple[RewriteStep, ...]
    template: str
    system: str | None
    params: Mapping[str, Any]  # GenerationParams as a dict (stop as a list)
    round: int  # 0: the baseline
    dev: Figures | None  # on the search split
    test: Figures | None = None  # on the held-out split, when it was confirmed there
    on_frontier: bool = False  # on the search split's quality-vs-cost frontier (J/query, or --frontier-on hosted:P/M)
    # EcoLogits projections (--hosted), never measured: from the held-out answers ("test") when
    # the candidate was confirmed, else from the search split's ("dev"); None without --hosted
    hosted: tuple[HostedProjection, ...] = ()
    hosted_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "lineage": [s.to_dict() for s in self.lineage], "template": self.template,
            "system": self.system, "params": _plain(self.params), "round": self.round,
            "dev": self.dev.to_dict() if self.dev else None, "test": self.test.to_dict() if self.test else None,
            "on_frontier": self.on_frontier, "hosted": [h.to_dict() for h in self.hosted], "hosted_from": self.hosted_from,
        }


@dataclass(frozen=True)
class SearchFootprint:
    """What the optimize command itself cost: its comparisons (stored runs) on the search
    split, the confirmation on the held-out split and a compressor's scoring pass."""

    runs: tuple[str, ...]
    generations: int  # the search's generations (its budget counts these)
    search_j: float | None
    confirm_j: float | None
    compress_j: float | None
    energy_j: float | None  # the sum
    gco2e: float | None
    wall_s: float

    def to_dict(self) -> dict[str, Any]:
        return {"runs": list(self.runs), "generations": self.generations, "search_energy_j": self.search_j,
                "confirm_energy_j": self.confirm_j, "compress_energy_j": self.compress_j,
                "energy_j": self.energy_j, "gco2e": self.gco2e, "wall_s": self.wall_s}


@dataclass(frozen=True)
class OptimizeResult:
    """The search's outcome: the recommended prompt (the baseline when nothing greener
    passed), every candidate, the frontier, the search's own footprint and its payback."""

    baseline: str
    recommended: str
    candidates: tuple[Candidate, ...]
    frontier: tuple[str, ...]
    experiment: SearchFootprint
    payback_queries: float | None
    claimed: bool  # non-inferiority could be claimed (enough held-out items)
    max_quality_loss: float
    split: Mapping[str, Any]  # n_search, n_test, test_split, seed
    notes: tuple[str, ...] = ()
    written: tuple[str, ...] = ()  # files --export wrote
    frontier_on: str | None = None  # hosted:P/M when "greener" meant that projection (--frontier-on)

    def candidate(self, name: str) -> Candidate:
        return next(c for c in self.candidates if c.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline, "recommended": self.recommended,
            "non_inferiority_claimed": self.claimed, "max_quality_loss": self.max_quality_loss,
            "split": _plain(self.split), "candidates": [c.to_dict() for c in self.candidates],
            "frontier": list(self.frontier), "experiment": self.experiment.to_dict(),
            "payback_queries": self.payback_queries, "notes": list(self.notes), "written": list(self.written),
            "frontier_on": self.frontier_on,
        }
