"""`greenprompt optimize` from a checked configuration to its result: the inputs, the
split, the search on the search split, the confirmation on the held-out split, the
footprint and the payback."""

from __future__ import annotations

from typing import Any, Sequence

from greenprompt.analysis.scoring import get_scorer
from greenprompt.engine.driver import DEFAULT_SCORER, run_comparison
from greenprompt.inputs.carbon import gco2e
from greenprompt.inputs.hosted_models import frontier_spec
from greenprompt.inputs.prompt_sets import load_prompt_set
from greenprompt.inputs.resolve import resolve_inputs
from greenprompt.optimizer.confirm import Confirmation, candidates, claim_note, confirm, outcome_note, resolution_note
from greenprompt.optimizer.rewrites import REWRITES, RewriteContext, unknown_rewrites
from greenprompt.optimizer.scoring_pass import MeteredCompressor
from greenprompt.optimizer.search import SearchState, frontier, search_rounds
from greenprompt.optimizer.split import split_dataset
from greenprompt.records import PromptSet, RunResult, Span, Variant
from greenprompt.records.config import OptimizeConfig
from greenprompt.records.errors import GreenPromptError
from greenprompt.records.optimize import OptimizeResult, SearchFootprint


class Chained:
    """One progress count over the search's comparisons: each reports its own (done, total)."""

    def __init__(self, progress):
        self.progress, self.base, self.last = progress, 0, (0, 0)

    def __call__(self, generation, done: int, total: int) -> None:
        if done < self.last[0]:  # a new comparison
            self.base += self.last[1]
        self.last = (done, total)
        self.progress(generation, self.base + done, self.base + total)


def chosen_rewrites(given: Sequence[str]) -> tuple[str, ...]:
    """--rewrites as names (repeated or comma-separated); empty: every rewrite."""
    given = (given,) if isinstance(given, str) else given  # `rewrites: a,b` in an experiment file
    names = tuple(n.strip() for value in given for n in str(value).split(",") if n.strip())
    unknown = unknown_rewrites(names)
    if unknown:
        raise GreenPromptError(f"--rewrites: unknown rewrite(s) {', '.join(unknown)}; rewrites: {', '.join(REWRITES)}")
    return names or REWRITES


def pick_baseline(prompt_set: PromptSet, name: str | None) -> Variant:
    """--baseline NAME, else the prompt set's first variant."""
    if name is None:
        return prompt_set.variants[0]
    for v in prompt_set.variants:
        if v.name == name:
            return v
    raise GreenPromptError(f"--baseline {name}: no such variant; variants: {', '.join(v.name for v in prompt_set.variants)}")


def check_budget(config: OptimizeConfig, n_search: int) -> None:
    """One round: the baseline on every search item, then it (from the store) and at least
    one candidate on every search item."""
    if config.budget is not None and config.budget < 3 * n_search:
        raise GreenPromptError(
            f"--budget {config.budget} is below one round: the baseline, then it and one candidate, on each of the "
            f"{n_search} search item(s) take {3 * n_search} generations; raise --budget or use fewer rows"
        )


def run_optimize(config: OptimizeConfig, prompt_set: PromptSet | None = None, progress=None, executor: Any = None) -> OptimizeResult:
    """Search greener rewrites of the baseline and confirm the winner on held-out items."""
    config.validate()
    allowed = chosen_rewrites(config.rewrites)
    prompt_set = prompt_set or load_prompt_set(config.prompts)
    if prompt_set.cascade is not None:
        raise GreenPromptError("optimize rewrites one prompt on one model: remove the prompt set's cascade")
    baseline = pick_baseline(prompt_set, config.baseline)
    inputs = resolve_inputs(config, prompt_set=prompt_set)
    if len(inputs.models) > 1:
        raise GreenPromptError(f"optimize rewrites a prompt for one model; the run names {len(inputs.models)}: give one --model")
    split = split_dataset(inputs.dataset, config.test_split, config.seed)
    check_budget(config, len(split.search.items))
    scorer = get_scorer(config.scorer or prompt_set.scorer or DEFAULT_SCORER).spec

    chained = Chained(progress) if progress else None

    def run(engine_config, prompts, dataset) -> RunResult:
        return run_comparison(engine_config, prompts, progress=chained, executor=executor, dataset=dataset)

    squeeze = MeteredCompressor(inputs.models[0], config.threads) if "compress" in allowed else None
    state = SearchState(
        config, prompt_set, baseline, split.search, run,
        lambda evidence: RewriteContext(scorer, (), inputs.mode, evidence, squeeze), allowed,
    )
    try:
        search_rounds(state)
    finally:
        if squeeze is not None:
            squeeze.close()
    conf = confirm(state, split.test)
    compress = (squeeze.energy_j, gco2e(squeeze.energy_j, inputs.intensity), squeeze.wall_s) if squeeze and squeeze.used else None
    return assemble(state, conf, len(split.search.items), len(split.test.items), compress)


def footprint(state: SearchState, conf: Confirmation, compress: tuple | None) -> SearchFootprint:
    """The comparisons' whole spans (model loads, generations, overhead) and the
    compressor's scoring pass: (J, gCO2e, wall s) or None when it never ran."""
    runs = [*state.runs, *([conf.result] if conf.result else [])]
    spans = [r.footprint.total for r in runs if r.footprint]
    if compress is not None:
        spans.append(Span(compress[2], compress[0], compress[1]))
    search_j = state.spent_j()
    confirm_j = conf.result.footprint.total.energy_j if conf.result and conf.result.footprint else None
    known = [s.energy_j for s in spans]
    energy = None if None in known else float(sum(known))
    carbon = [s.gco2e for s in spans]
    return SearchFootprint(
        runs=tuple(r.run_id for r in runs), generations=state.generations, search_j=search_j, confirm_j=confirm_j,
        compress_j=compress[0] if compress else None, energy_j=energy, gco2e=None if None in carbon else float(sum(carbon)),
        wall_s=float(sum(s.wall_s for s in spans)),
    )


def payback(state: SearchState, conf: Confirmation, energy_j: float | None) -> float | None:
    """Queries after which the winner's saving per query (held-out split) repays the
    optimize command's energy; None without a winner or a saving."""
    if conf.winner is None or conf.result is None or energy_j is None:
        return None
    test = {s.name: s.energy_j for s in conf.result.variants}
    base, win = test.get(state.baseline.name), test.get(conf.winner)
    if base is None or win is None or base <= win:
        return None
    return energy_j / (base - win)


def assemble(state: SearchState, conf: Confirmation, n_search: int, n_test: int, compress: tuple | None) -> OptimizeResult:
    front = tuple(m.variant.name for m in frontier(list(state.measured.values()), state.cost))
    spent = footprint(state, conf, compress)
    resolution = resolution_note(n_test, state.config.max_quality_loss)
    notes = [n for n in (outcome_note(state, conf), claim_note(n_test), resolution,
                         f"the search stopped: {state.stop_reason}") if n]
    return OptimizeResult(
        baseline=state.baseline.name,
        recommended=conf.winner or state.baseline.name,
        candidates=candidates(state, conf, front),
        frontier=front,
        experiment=spent,
        payback_queries=payback(state, conf, spent.energy_j),
        claimed=claim_note(n_test) is None,
        max_quality_loss=state.config.max_quality_loss,
        split={"n_search": n_search, "n_test": n_test, "test_split": state.config.test_split, "seed": state.config.seed},
        notes=tuple(notes),
        frontier_on=state.config.frontier_on if frontier_spec(state.config.frontier_on) else None,
    )
