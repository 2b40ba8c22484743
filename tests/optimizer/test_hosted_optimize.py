"""optimize with --hosted: every candidate carries the EcoLogits projections of its answers
(held-out ones when it was confirmed, else the search split's), and --frontier-on hosted:P/M
makes "greenest" mean the projected gCO2e/query on P/M instead of the measured J/query."""

import io
from pathlib import Path

import pytest
from rich.console import Console

from greenprompt.analysis.hosted import project_hosted
from greenprompt.api.runs import show_run
from greenprompt.engine.local import LocalExecutor
from greenprompt.optimizer.confirm import dev_verdicts, greenest_passing
from greenprompt.optimizer.run import run_optimize
from greenprompt.optimizer.search import Measured, SearchState, frontier
from greenprompt.outputs.optimize_report import print_optimize
from greenprompt.records import Variant, VariantSummary
from greenprompt.records.config import OptimizeConfig

from fakes import WORDY_PROMPTS, RamblingBackend, TokenMeter, write_reviews

pytest.importorskip("ecologits")

SMALL, OTHER = "openai/gpt-4o-mini", "mistralai/mistral-large-latest"


def measured(name: str, energy_j: float, answer_tokens: float) -> Measured:
    """A candidate as good as the baseline on 40 items, with this J/query and answer length."""
    summary = VariantSummary(name, 0.5, 40, 0, 10.0, answer_tokens, 10.0, answer_tokens, energy_j, energy_j / 1000, 0.1,
                             hosted=(project_hosted(SMALL, answer_tokens),))
    scores = {str(i): float(i % 2) for i in range(40)}
    return Measured(Variant(name=name, template=name), (), 1, summary, scores, None)


def state(frontier_on: str | None) -> SearchState:
    config = OptimizeConfig(prompts="p.yaml", hosted=(SMALL,), frontier_on=frontier_on, bootstrap=200)
    base = measured("base", 10.0, 50)
    s = SearchState(config, None, base.variant, None, None, None, ())
    # local-green: far less J here, a little shorter answers; short: the shortest answers, little less J;
    # long-answers: least J here, but longer answers than the baseline
    for m in (base, measured("local-green", 2.0, 45), measured("short", 8.0, 5), measured("long-answers", 1.0, 60)):
        s.measured[m.variant.name] = m
    return s


def test_frontier_on_hosted_changes_what_greenest_means():
    local, hosted = state(None), state(f"hosted:{SMALL}")
    assert [m.variant.name for m in greenest_passing(local, dev_verdicts(local))] == ["long-answers", "local-green", "short"]
    # ranked on the projected carbon: the answers' length, not this machine's joules; longer answers are not greener
    assert [m.variant.name for m in greenest_passing(hosted, dev_verdicts(hosted))] == ["short", "local-green"]
    assert hosted.cost(hosted.measured["short"].summary) == project_hosted(SMALL, 5).gco2e_mid
    assert [m.variant.name for m in frontier(list(local.measured.values()), local.cost)] == ["long-answers"]
    assert [m.variant.name for m in frontier(list(hosted.measured.values()), hosted.cost)] == ["short"]


def test_candidates_carry_the_projection_of_their_answers(tmp_path: Path):
    prompts = tmp_path / "prompts.yaml"
    prompts.write_text(WORDY_PROMPTS)
    config = OptimizeConfig(prompts=str(prompts), dataset=str(write_reviews(tmp_path / "reviews.csv", 40)), scorer="exact",
                            bootstrap=200, rounds=1, rewrites=("cap-output", "answer-format"), hosted=(SMALL, OTHER),
                            frontier_on=f"hosted:{SMALL}")
    result = run_optimize(config, executor=LocalExecutor(RamblingBackend, TokenMeter))
    runs = [show_run(r) for r in result.experiment.runs]  # round 0, round 1, the held-out confirmation
    for c in result.candidates:
        run = runs[-1] if c.hosted_from == "test" else runs[c.round]
        assert (c.test is not None) == (c.hosted_from == "test")
        tokens = next(v for v in run.variants if v.name == c.name).completion_tokens_cl100k
        assert c.hosted == (project_hosted(SMALL, tokens), project_hosted(OTHER, tokens))
    assert result.candidate(result.baseline).hosted_from == "test"
    assert result.to_dict()["candidates"][0]["hosted"] == [h.to_dict() for h in result.candidates[0].hosted]
    # the rambling answers cut short: fewer answer tokens, so greener on the hosted model it was chosen on
    winner, base = result.candidate(result.recommended), result.candidate(result.baseline)
    assert winner is not base and winner.hosted[0].gco2e_mid < base.hosted[0].gco2e_mid
    assert result.frontier_on == f"hosted:{SMALL}" and "projected carbon per query on openai/gpt-4o-mini" in result.notes[0]
    console = Console(record=True, width=200, file=io.StringIO())
    print_optimize(result, console)
    text = " ".join(console.export_text().split())
    assert f"Projected on {SMALL}" in text and f"Projected on {OTHER}" in text and "optimize chose the greenest on it" in text

