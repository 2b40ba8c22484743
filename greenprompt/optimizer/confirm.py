"""Choosing and confirming: the greenest candidates non-inferior on the search split are
re-measured on the held-out split, which the search never saw, and tested there with Holm's
correction (optimize.decide); the greenest that passes is recommended, else the baseline.
"Greenest" is on SearchState.cost: J/query, or the projected gCO2e/query on P/M with
`--frontier-on hosted:P/M`; the held-out test itself is the same either way."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Sequence

from greenprompt.optimizer.decide import MIN_CLAIM_ITEMS, Verdict, holm, paired, verdict
from greenprompt.optimizer.search import Measured, SearchState, cost_label, engine_config, scores_of
from greenprompt.records import RunResult, VariantSummary
from greenprompt.records.optimize import Candidate, Figures

# Candidates re-measured on the held-out split: each costs a pass over it, and each more
# one makes Holm's correction stricter for the others.
MAX_CONFIRM = 3


@dataclass(frozen=True)
class Confirmation:
    result: RunResult | None
    dev: dict[str, Verdict]  # every candidate greener than the baseline, tested on the search split
    test: dict[str, Verdict]  # the confirmed ones, Holm-corrected
    tested: tuple[str, ...]  # greenest first
    winner: str | None
    greener_held_out: tuple[str, ...] = ()  # the tested candidates using less J/query than the baseline there


def alpha(state: SearchState) -> float:
    """One-sided level: 1 - --ci-level (0.05 by default)."""
    return 1 - state.config.ci_level


def dev_verdicts(state: SearchState) -> dict[str, Verdict]:
    """Every candidate greener than the baseline on the search split, tested against it
    there; one racing dropped is not (a greener one at least as good dominated it)."""
    base = state.measured[state.baseline.name]
    base_cost = state.cost(base.summary)
    out = {}
    for m in state.measured.values():
        cost = state.cost(m.summary)
        if m is base or cost is None or base_cost is None or m.summary.dropped_by:
            continue
        if cost < base_cost:
            deltas = paired(base.scores, m.scores)
            out[m.variant.name] = verdict(m.variant.name, deltas, state.config.max_quality_loss, alpha(state),
                                          state.config.bootstrap, state.config.seed)
    return out


def confirm(state: SearchState, test_split) -> Confirmation:
    """Re-measure the greenest dev-non-inferior candidates with the baseline on the held-out
    split (every item, no racing) and test them there, Holm-corrected."""
    dev = dev_verdicts(state)
    chosen = greenest_passing(state, dev)[:MAX_CONFIRM]
    if not chosen:
        return Confirmation(None, dev, {}, (), None)
    prompt_set = replace(state.prompt_set, variants=(state.baseline, *(m.variant for m in chosen)))
    result = state.run(engine_config(state.config, state.baseline.name, race=False), prompt_set, test_split)
    if result.interrupted:
        raise KeyboardInterrupt
    base_scores, _ = scores_of(result, state.baseline.name)
    tested = [(m.variant.name, paired(base_scores, scores_of(result, m.variant.name)[0])) for m in chosen]
    verdicts = holm(tested, state.config.max_quality_loss, alpha(state), state.config.bootstrap, state.config.seed)
    by_name = {v.name: v for v in verdicts}
    cost = {s.name: state.cost(s) for s in result.variants}
    # non-inferior AND greener (on the same cost) on the held-out split: a candidate greener on the search
    # split only (measured: +6% J/query held out, for a prompt 4% greener on the search items) saves nothing
    greener = {n for n, e in cost.items() if e is not None and cost.get(state.baseline.name) is not None
               and e < cost[state.baseline.name]}
    winner = next((m.variant.name for m in chosen if by_name[m.variant.name].passed and m.variant.name in greener), None)
    return Confirmation(result, dev, by_name, tuple(m.variant.name for m in chosen), winner, tuple(sorted(greener)))


def greenest_passing(state: SearchState, dev: dict[str, Verdict]) -> list[Measured]:
    """The candidates non-inferior on the search split, greenest first (on state.cost)."""
    return sorted((state.measured[n] for n, v in dev.items() if v.passed), key=lambda m: state.cost(m.summary))


def figures(summary: VariantSummary, v: Verdict | None = None) -> Figures:
    ci = summary.stats.quality_ci if summary.stats else None
    return Figures(summary.n, summary.quality, ci, summary.energy_j, summary.gco2e, summary.prompt_tokens,
                   summary.completion_tokens, v.to_dict() if v else None, summary.dropped_by)


def candidates(state: SearchState, conf: Confirmation, front: Sequence[str]) -> tuple[Candidate, ...]:
    """Every measured prompt as a record: dev figures from the round that measured it, test
    figures from the confirmation; the baseline first, then the rest greenest first."""
    test = {s.name: s for s in conf.result.variants} if conf.result else {}
    ordered = sorted(state.measured.values(), key=lambda m: (m.round > 0, state.cost(m.summary) or float("inf")))
    out = []
    for m in ordered:
        name = m.variant.name
        params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(m.variant.params).items()}
        out.append(Candidate(
            name=name, lineage=m.lineage, template=m.variant.template, system=m.variant.system, params=params,
            round=m.round, dev=figures(m.summary, conf.dev.get(name)),
            test=figures(test[name], conf.test.get(name)) if name in test else None, on_frontier=name in front,
            **hosted_of(test.get(name), m.summary),
        ))
    return tuple(out)


def hosted_of(test: VariantSummary | None, dev: VariantSummary) -> dict:
    """A candidate's projections (--hosted): from its held-out answers when it was confirmed,
    else from its search-split ones, and which of the two."""
    summary, split = (test, "test") if test is not None else (dev, "dev")
    return {"hosted": summary.hosted, "hosted_from": split if summary.hosted else None}


def claim_note(n_test: int) -> str | None:
    if n_test < MIN_CLAIM_ITEMS:
        return (f"non-inferiority cannot be claimed: {n_test} held-out item(s), fewer than {MIN_CLAIM_ITEMS} "
                "(the figures are shown; use more rows or a larger --test-split)")
    return None


def resolution_note(n_test: int, margin: float) -> str | None:
    """Said when one held-out item weighs more than the margin D: then the paired test can
    pass only a candidate that loses hardly any item (benchmarks/optimize.py: 36 held-out
    items at D = 0.02 refused a candidate 2 items better, lower bound -0.056)."""
    if n_test < MIN_CLAIM_ITEMS or margin <= 0 or n_test * margin >= 1:
        return None
    return (f"one held-out item is 1/{n_test} = {1 / n_test:.3f} of the quality, more than --max-quality-loss "
            f"{margin:g}: only a candidate that loses hardly any item can be shown non-inferior "
            f"(from {math.ceil(1 / margin)} held-out items on, one item weighs less than the margin)")


def outcome_note(state: SearchState, conf: Confirmation) -> str:
    """What the confirmation found, in one plain sentence."""
    if conf.winner is not None:
        return (f"{conf.winner} is non-inferior to {state.baseline.name} on the held-out split and uses less "
                f"{cost_label(state.config.frontier_on)}")
    if not conf.tested:
        return (f"no candidate greener than {state.baseline.name} was non-inferior on the search split: "
                f"keep the baseline {state.baseline.name}")
    passed = [n for n in conf.tested if conf.test[n].passed]
    if passed:
        return (f"{', '.join(passed)} non-inferior on the held-out split but not greener there than {state.baseline.name}: "
                f"keep the baseline {state.baseline.name}")
    return (f"none of {', '.join(conf.tested)} was non-inferior on the held-out split (Holm-corrected): "
            f"keep the baseline {state.baseline.name}")
