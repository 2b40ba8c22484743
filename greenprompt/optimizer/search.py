"""The search: rounds of rewrites measured through the engine on the search split.

Round 0 measures the baseline alone (its answers are the evidence cap-output reads). Round
r proposes every applicable single rewrite of the parents (round 1: the baseline; later
rounds: the frontier members not yet rewritten, a beam) and runs them with the baseline as
ONE comparison of an in-memory prompt set on the search split, racing with the
non-inferiority margin D as its indifference margin, within what is left of the budget. A
rendered prompt (template, system, parameters) already measured is never proposed again, and
the baseline's answers of later rounds are cache hits of the store. The search stops at
--rounds, at the budget, or when a round adds nothing to the frontier.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

from greenprompt.inputs.hosted_models import frontier_spec
from greenprompt.optimizer.rewrites import ParentEvidence, RewriteContext, propose
from greenprompt.records import Dataset, PromptSet, RunResult, Variant, VariantSummary
from greenprompt.records.config import RACE, Config, OptimizeConfig
from greenprompt.records.optimize import RewriteStep

# Parents per later round: the greenest frontier members not yet rewritten. Each parent
# proposes about six candidates, so four keep a round near the size of round 1 x 4.
BEAM = 4
# Options of the same name that mean something else to optimize than to compare.
OWN = {"baseline", "budget", "export", "json_file"}


def engine_config(config: OptimizeConfig, baseline: str, *, race: bool, budget: int | None = None) -> Config:
    """The comparison the engine runs for one round (or the confirmation)."""
    names = {f.name for f in dataclasses.fields(Config)}
    shared = {f.name: getattr(config, f.name) for f in dataclasses.fields(config) if f.name in names and f.name not in OWN}
    extra: dict[str, Any] = {"strategy": RACE, "race_margin": config.max_quality_loss} if race else {}
    return Config(**shared, **extra, baseline=baseline, budget=budget)


def ranking_cost(frontier_on: str | None) -> Callable[[VariantSummary], float | None]:
    """What "greener" means to the search and the choice: the measured J/query, or with
    `--frontier-on hosted:P/M` the midpoint of the projected gCO2e/query on P/M (the
    comparisons already project every variant on each --hosted model, P/M among them)."""
    spec = frontier_spec(frontier_on)
    if spec is None:
        return lambda s: s.energy_j
    return lambda s: next((h.gco2e_mid for h in s.hosted if h.spec == spec), None)


def cost_label(frontier_on: str | None) -> str:
    spec = frontier_spec(frontier_on)
    return "energy per query" if spec is None else f"projected carbon per query on {spec}"


@dataclass(frozen=True)
class Measured:
    """A prompt measured on the search split."""

    variant: Variant
    lineage: tuple[RewriteStep, ...]
    round: int
    summary: VariantSummary
    scores: dict[str, float]  # item id -> score
    evidence: ParentEvidence

    @property
    def content(self) -> tuple:
        return content(self.variant)


def content(v: Variant) -> tuple:
    """What makes two variants the same prompt: the rendered text's sources and parameters."""
    return (v.template, v.system, v.params)


def scores_of(result: RunResult, name: str) -> tuple[dict[str, float], ParentEvidence]:
    """A variant's scores by item and its answers (in item order) as a parent's evidence."""
    pairs = sorted(((g, s) for g, s in zip(result.generations, result.scores) if g.variant == name and g.role.value == "answer"),
                   key=lambda gs: gs[0].index)
    evidence = ParentEvidence(
        outputs=tuple(g.output for g, _ in pairs),
        correct=tuple(s > 0.5 for _, s in pairs),  # binary scorers: 1; graded ones (f1, numeric tolerance): above half
        completion_tokens=tuple(g.completion_tokens for g, _ in pairs),
    )
    return {g.item_id: s for g, s in pairs}, evidence


@dataclass
class SearchState:
    """What the search knows (mutable, private to the search)."""

    config: OptimizeConfig
    prompt_set: PromptSet
    baseline: Variant
    dataset: Dataset  # the search split
    run: Callable[[Config, PromptSet, Dataset], RunResult]
    context: Callable[[ParentEvidence], RewriteContext]
    allowed: tuple[str, ...]
    measured: dict[str, Measured] = field(default_factory=dict)
    expanded: set[str] = field(default_factory=set)
    runs: list[RunResult] = field(default_factory=list)
    generations: int = 0
    stop_reason: str = ""

    @property
    def n_items(self) -> int:
        return len(self.dataset.items)

    def spent_j(self) -> float:
        return sum((r.footprint.total.energy_j or 0.0) for r in self.runs if r.footprint)

    def remaining(self) -> int | None:
        return None if self.config.budget is None else self.config.budget - self.generations

    def cost(self, summary: VariantSummary) -> float | None:
        """The figure the search ranks on (see ranking_cost)."""
        return ranking_cost(self.config.frontier_on)(summary)


def measure(state: SearchState, variants: Sequence[tuple[Variant, tuple[RewriteStep, ...]]], round_no: int) -> RunResult:
    """One comparison: the baseline and `variants` on the search split (racing from round 1)."""
    base = state.baseline.name
    racing = round_no > 0
    # The budget counts every answer of the search's comparisons, the baseline's cache hits
    # of later rounds too: racing may drop the baseline early, so leaving them out would let
    # the candidates overrun the budget by the baseline's unused share (measured: 83 of 60).
    budget = state.remaining()
    members = (state.baseline,) if not racing else (state.baseline, *(v for v, _ in variants))
    prompt_set = replace(state.prompt_set, variants=members)
    result = state.run(engine_config(state.config, base, race=racing, budget=budget), prompt_set, state.dataset)
    state.runs.append(result)
    if result.interrupted:  # Ctrl-C or SIGTERM inside the comparison: its run is stored, the search ends
        raise KeyboardInterrupt
    summaries = {s.name: s for s in result.variants}
    for variant, lineage in ([(state.baseline, ())] if not racing else variants):
        summary = summaries.get(variant.name)
        if summary is None or summary.n == 0:
            continue  # the budget ran out before its first item
        scores, evidence = scores_of(result, variant.name)
        state.measured[variant.name] = Measured(variant, lineage, round_no, summary, scores, evidence)
    answers = [g for g in result.generations if g.role.value == "answer"]
    state.generations += len(answers)
    return result


def frontier(measured: Sequence[Measured], cost: Callable[[VariantSummary], float | None] = ranking_cost(None)) -> list[Measured]:
    """The members no other dominates on the search split (higher quality at no more cost,
    or less cost at no less quality; cost: J/query unless ranking_cost says otherwise),
    greenest first. Left out: a member without a cost, and one racing dropped (dominated with
    confidence; its figures cover its first items only, where a lucky start once put it on
    the frontier)."""
    points = [(m, cost(m.summary)) for m in measured if cost(m.summary) is not None and m.summary.dropped_by is None]

    def dominated(qa: float, ea: float) -> bool:
        return any(b.summary.quality >= qa and eb <= ea and (b.summary.quality > qa or eb < ea) for b, eb in points)

    return [m for m, e in sorted(points, key=lambda p: p[1]) if not dominated(m.summary.quality, e)]


def proposals(state: SearchState, parents: Sequence[Measured]) -> list[tuple[Variant, tuple[RewriteStep, ...]]]:
    """Every applicable single rewrite of the parents, each rendered prompt once and never
    one already measured."""
    seen = {m.content for m in state.measured.values()}
    names = set(state.measured)
    out = []
    for parent in parents:
        state.expanded.add(parent.variant.name)
        for child, step in propose(parent.variant, state.context(parent.evidence), state.allowed):
            if content(child) in seen or child.name in names:
                continue
            seen.add(content(child))
            names.add(child.name)
            out.append((child, (*parent.lineage, step)))
    return out


def spent(state: SearchState, round_no: int) -> str:
    """Why the budget stops the search after `round_no`, or ""."""
    if state.remaining() is not None and state.remaining() <= 0:
        return f"round {round_no}: the budget of {state.config.budget} generations is spent"
    if state.config.budget_j is not None and state.spent_j() >= state.config.budget_j:
        return f"round {round_no}: the energy budget of {state.config.budget_j:g} J is spent"
    return ""


def search_rounds(state: SearchState) -> None:
    """Round 0 (the baseline), then rounds of rewrites until a stopping rule holds."""
    measure(state, (), 0)
    state.stop_reason = spent(state, 0)
    for round_no in range(1, state.config.rounds + 1):
        if state.stop_reason:
            return
        front = frontier(list(state.measured.values()), state.cost)
        parents = [m for m in front if m.variant.name not in state.expanded][:BEAM]
        if round_no == 1:
            parents = [state.measured[state.baseline.name]]
        if not parents:
            state.stop_reason = f"round {round_no}: no frontier member left to rewrite"
            return
        candidates = proposals(state, parents)
        if not candidates:
            state.stop_reason = f"round {round_no}: no rewrite applies to the parents"
            return
        before = {m.variant.name for m in front}
        measure(state, candidates, round_no)
        after = {m.variant.name for m in frontier(list(state.measured.values()), state.cost)}
        state.stop_reason = spent(state, round_no) or ("" if after - before else f"round {round_no} added nothing to the frontier")
    state.stop_reason = state.stop_reason or f"--rounds {state.config.rounds} done"
