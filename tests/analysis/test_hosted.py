"""EcoLogits projections (`--hosted`): the figures are EcoLogits' own for the variant's mean
cl100k completion tokens, they grow with the model and the answer, they work offline, and
`--frontier-on hosted:P/M` ranks the variants on the projected carbon."""

import math
import socket

import pytest
from ecologits.tracers.utils import llm_impacts

from greenprompt.analysis.analyze import analyze
from greenprompt.analysis.hosted import project_hosted
from greenprompt.records import AnalysisOptions
from greenprompt.records.hosted import HostedProjection

from fakes import gen

SMALL, LARGE = "openai/gpt-4o-mini", "openai/gpt-4"


def _scaled(value, factor):
    """EcoLogits gives a RangeValue, or a plain number where its model has no range."""
    low, high = (value.min, value.max) if hasattr(value, "min") else (value, value)
    return (low * factor, high * factor)


@pytest.mark.parametrize("spec, tokens, zone", [(SMALL, 37, None), ("mistralai/mistral-large-latest", 120.5, "FRA")])
def test_the_figures_are_a_direct_ecologits_call(spec, tokens, zone):
    provider, model = spec.split("/")
    direct = llm_impacts(provider, model, tokens, math.inf, zone)  # None: EcoLogits picks the provider's zone
    p = project_hosted(spec, tokens, zone)
    assert p.energy_j == _scaled(direct.energy.value, 3.6e6)  # kWh -> J
    assert p.gco2e == _scaled(direct.gwp.value, 1000)  # kg -> g
    assert p.gco2e_usage == _scaled(direct.usage.gwp.value, 1000)
    assert p.gco2e_embodied == _scaled(direct.embodied.gwp.value, 1000)
    assert p.warnings == tuple(w.code for w in direct.warnings or ())
    assert p.zone == (zone or {"openai": "USA", "mistralai": "SWE"}[provider])
    assert p.gco2e[0] <= p.gco2e_mid <= p.gco2e[1] and p.energy_j[1] > 0
    assert "prompt tokens not modelled" in p.label and spec in p.label
    assert HostedProjection.from_dict(p.to_dict()) == p


def test_a_larger_model_and_a_longer_answer_give_larger_figures():
    short_small, long_small, short_large = project_hosted(SMALL, 10), project_hosted(SMALL, 200), project_hosted(LARGE, 10)
    for bigger in (long_small, short_large):
        assert bigger.energy_j[0] > short_small.energy_j[0] and bigger.energy_j[1] > short_small.energy_j[1]
        assert bigger.gco2e[0] > short_small.gco2e[0] and bigger.gco2e_usage[1] > short_small.gco2e_usage[1]


def test_the_zone_changes_only_the_usage_carbon():
    usa, fra = project_hosted(SMALL, 50), project_hosted(SMALL, 50, "fra")
    assert fra.zone == "FRA" and fra.energy_j == usa.energy_j and fra.gco2e_embodied == usa.gco2e_embodied
    assert fra.gco2e_usage[1] < usa.gco2e_usage[1]  # France's grid emits less per kWh than the USA's


def test_the_projection_needs_no_network(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert project_hosted(LARGE, 42.0, "DEU").gco2e[1] > 0


def _two_variants():
    """`long`: better and cheaper here, but long answers; `short`: worse, dearer here, 1-token answers."""
    names, gens, scores = ["long", "short"], [], []
    for item in range(3):
        gens += [gen("long", item, 1.0, completion_tokens=300), gen("short", item, 5.0, completion_tokens=1)]
        scores += [1.0, 0.6]
    return names, gens, scores


def test_frontier_on_hosted_ranks_on_the_projected_carbon():
    names, gens, scores = _two_variants()
    local = analyze(names, gens, scores, AnalysisOptions(min_quality=0.5, n_bootstrap=0, hosted=(SMALL,)))
    assert [v.name for v in local.variants if v.on_frontier] == ["long"] and local.recommended == "long"
    hosted = analyze(names, gens, scores, AnalysisOptions(
        min_quality=0.5, n_bootstrap=0, hosted=(SMALL,), frontier_on=f"hosted:{SMALL}"
    ))
    # on the hosted model the 1-token answers cost less: both are on the frontier, the greenest meeting 0.5 is short
    assert {v.name for v in hosted.variants if v.on_frontier} == {"long", "short"} and hosted.recommended == "short"
    by_name = {v.name: v for v in hosted.variants}
    assert by_name["short"].hosted[0].gco2e_mid < by_name["long"].hosted[0].gco2e_mid
    assert by_name["long"].hosted[0].completion_tokens == 300
    # the measured figures are untouched by the projection
    assert [(v.name, v.gco2e) for v in hosted.variants] == [(v.name, v.gco2e) for v in local.variants]


def test_a_stored_races_drops_are_replayed_on_the_frontiers_carbon():
    # `wordy` stopped after 10 of 20 items: on the hosted model its 300-token answers make it
    # dominated by `terse` (equal quality), so the replay names the drop; on the measured
    # carbon it was the greener one, so it is only incomplete there.
    gens, scores = [], []
    for item in range(20):
        gens.append(gen("terse", item, 4.0, completion_tokens=1))
        scores.append(1.0)
        if item < 10:
            gens.append(gen("wordy", item, 1.0, completion_tokens=300))
            scores.append(1.0)
    common = dict(n_bootstrap=0, strategy="race", hosted=(SMALL,))
    hosted = analyze(["terse", "wordy"], gens, scores, AnalysisOptions(**common, frontier_on=f"hosted:{SMALL}"))
    local = analyze(["terse", "wordy"], gens, scores, AnalysisOptions(**common))
    assert {v.name: (v.dropped_at, v.dropped_by) for v in hosted.variants if v.dropped_at} == {"wordy": (10, "terse")}
    assert not any(v.dropped_at for v in local.variants)
