import pytest

from greenprompt.analysis.summary import summarize

from fakes import gen


def test_ranking_knee_and_recommendation():
    gens = [gen("cheap", i, 1.0) for i in range(2)] + [gen("good", i, 2.0) for i in range(2)]
    gens += [gen("bad", i, 3.0) for i in range(2)]
    scores = [0.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    variants, recommended = summarize(["cheap", "good", "bad"], gens, scores, min_quality=0.9)
    by = {v.name: v for v in variants}
    assert [v.name for v in variants] == ["good", "cheap", "bad"]
    assert by["cheap"].quality == 0.5 and by["good"].quality == 1.0
    assert by["good"].pareto_rank == by["cheap"].pareto_rank == 1 and by["bad"].pareto_rank == 2
    assert by["cheap"].on_frontier and not by["bad"].on_frontier
    assert sum(v.knee for v in variants) == 1
    assert recommended == "good"
    assert summarize(["cheap"], gens[:2], scores[:2], min_quality=0.9)[1] is None


def test_errors_score_zero_and_costs_exclude_them():
    gens = [gen("a", 0, 2.0, completion_tokens=4), gen("a", 1, 0.5, error="RuntimeError: x", completion_tokens=0)]
    (v,), _ = summarize(["a"], gens, [1.0, 0.0])
    assert v.errors == 1 and v.n == 2 and v.quality == 0.5
    assert v.energy_j == pytest.approx(2.0) and v.completion_tokens == 4


def test_unknown_energy_stays_unknown():
    (v,), _ = summarize(["a"], [gen("a", 0, None)], [1.0])
    assert v.energy_j is None and v.gco2e is None
