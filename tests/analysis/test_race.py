"""Racing: drop what is dominated with confidence, keep the rest, find the same frontier."""

import numpy as np
import pytest

from greenprompt.analysis.race import dominated_with_confidence
from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError

from fakes import ScriptedBackend, gen


def synthetic(spec, n=40, seed=0):
    """spec: {name: (p_correct, mean J)} -> generations and scores, the same items for all."""
    rng = np.random.default_rng(seed)
    gens, scores = [], []
    for item in range(n):
        for name, (p, joules) in spec.items():
            gens.append(gen(name, item, rng.normal(joules, joules * 0.05)))
            scores.append(float(rng.random() < p))
    return gens, scores


def test_a_clearly_worse_variant_is_dropped_and_a_tradeoff_is_kept():
    gens, scores = synthetic({"good": (0.9, 1.0), "worse": (0.2, 3.0), "pricey-best": (0.99, 5.0)})
    dropped = dominated_with_confidence(["good", "worse", "pricey-best"], gens, scores, repeats=1, level=0.95)
    assert dropped == {"worse": "good"}


def test_nothing_is_dropped_without_evidence():
    gens, scores = synthetic({"a": (0.5, 1.0), "b": (0.5, 1.0)}, n=40)
    assert dominated_with_confidence(["a", "b"], gens, scores, repeats=1, level=0.95) == {}
    few, few_scores = synthetic({"good": (0.9, 1.0), "worse": (0.2, 3.0)}, n=1)
    assert dominated_with_confidence(["good", "worse"], few, few_scores, repeats=1, level=0.95) == {}


PLAN = {"A": (1.0, 2.0), "B": (0.5, 12.0), "C": (0.0, 0.3), "D": (1.0, 12.0)}


@pytest.fixture
def scripted(tmp_path):
    rows = "\n".join(f"{i},yes" for i in range(40))
    (tmp_path / "d.csv").write_text("n,target\n" + rows + "\n")
    variants = "\n".join(f"  - {{name: {t}, template: '{t}: {{{{ n }}}}'}}" for t in PLAN)
    (tmp_path / "set.yaml").write_text(f"dataset: d.csv\nscorer: exact\nvariants:\n{variants}\n")
    return tmp_path


def test_race_and_exhaustive_find_the_same_frontier(scripted):
    options = dict(prompts=str(scripted / "set.yaml"), bootstrap=500, no_cache=True)
    full = ScriptedBackend(PLAN)
    exhaustive = run_comparison(Config(**options, store=str(scripted / "a.db")), executor=LocalExecutor(full))
    raced = ScriptedBackend(PLAN)
    race = run_comparison(Config(**options, store=str(scripted / "b.db"), strategy="race", block=5), executor=LocalExecutor(raced))

    def frontier(result):
        return sorted(v.name for v in result.variants if v.on_frontier)

    assert frontier(exhaustive) == frontier(race) == ["A", "C"]
    # the frontier pair runs to the end; the dominated pair stops at the first check (5 items)
    assert len(full.calls) == 160 and len(raced.calls) == 2 * 40 + 2 * 5
    by = {v.name: v for v in race.variants}
    assert by["A"].dropped_at is None and by["C"].dropped_at is None and by["A"].n == 40
    assert by["B"].dropped_at is not None and by["D"].dropped_at is not None  # reported, with their estimates
    assert by["B"].n == by["B"].dropped_at and by["B"].energy_j is not None
    assert not race.interrupted and race.strategy == "race"


def test_budget_stops_the_run(scripted):
    result = run_comparison(Config(prompts=str(scripted / "set.yaml"), bootstrap=0, budget=10, store=str(scripted / "c.db")),
                     executor=LocalExecutor(ScriptedBackend(PLAN)))
    assert len(result.generations) == 10 and not result.interrupted


@pytest.mark.parametrize("options, message", [({"strategy": "fastest"}, "--strategy"), ({"budget": 0}, "--budget"),
                                              ({"race_confidence": 1.0}, "--race-confidence"), ({"block": 1}, "--block")])
def test_bad_race_options(scripted, options, message):
    with pytest.raises(GreenPromptError, match=message):
        run_comparison(Config(prompts=str(scripted / "set.yaml"), **options), executor=LocalExecutor(ScriptedBackend(PLAN)))


def test_an_indifference_margin_drops_a_costlier_variant_of_equal_quality():
    # Both right on the same 60% of items, except 40 items where exactly one is right,
    # half each way: equal quality, with a noisy paired difference.
    gens, scores = [], []
    for item in range(200):
        base = float(item % 5 < 3)
        flip = item % 10 == 0 or item % 10 == 5
        green, pricey = (1.0 - base, base) if flip and item % 20 < 10 else (base, 1.0 - base) if flip else (base, base)
        gens += [gen("green", item, 1.0), gen("pricey", item, 3.0)]
        scores += [green, pricey]
    assert sum(scores[0::2]) == sum(scores[1::2])
    strict = dominated_with_confidence(["green", "pricey"], gens, scores, repeats=1, level=0.95)
    lenient = dominated_with_confidence(["green", "pricey"], gens, scores, repeats=1, level=0.95, margin=0.1)
    # without a margin, equal quality cannot be shown "at least as good" with confidence
    assert strict == {}
    assert lenient == {"pricey": "green"}


def test_a_margin_never_drops_a_variant_that_is_clearly_better():
    gens, scores = synthetic({"green": (0.3, 1.0), "best": (0.95, 3.0)}, n=60, seed=4)
    assert dominated_with_confidence(["green", "best"], gens, scores, repeats=1, level=0.95, margin=0.1) == {}


@pytest.mark.parametrize("frontier_on, survivor", [(None, "wordy"), ("hosted:openai/gpt-4o-mini", "terse")])
def test_racing_drops_on_the_carbon_the_frontier_ranks_on(tmp_path, frontier_on, survivor):
    # Both always right. `wordy` costs a quarter of the CPU here but answers in 61 tokens;
    # `terse` answers in 1, so on a hosted model (whose cost grows with the answer) it is
    # the greener one. Racing must drop the one the chosen frontier calls dominated.
    plan = {"wordy": (1.0, 2.0, 60), "terse": (1.0, 8.0, 0)}
    (tmp_path / "d.csv").write_text("n,target\n" + "\n".join(f"{i},yes" for i in range(30)) + "\n")
    variants = "\n".join(f"  - {{name: {t}, template: '{t}: {{{{ n }}}}'}}" for t in plan)
    (tmp_path / "set.yaml").write_text(f"dataset: d.csv\nscorer: contains\nvariants:\n{variants}\n")
    hosted = () if frontier_on is None else ("openai/gpt-4o-mini",)
    config = Config(prompts=str(tmp_path / "set.yaml"), bootstrap=0, no_cache=True, strategy="race", block=5,
                    store=str(tmp_path / "r.db"), hosted=hosted, frontier_on=frontier_on)
    result = run_comparison(config, executor=LocalExecutor(ScriptedBackend(plan)))
    dropped = {v.name: v.dropped_by for v in result.variants if v.dropped_at is not None}
    assert dropped == {({"wordy", "terse"} - {survivor}).pop(): survivor}
