"""The search on the fake backend whose answers ramble up to max_tokens on a third of the
items: capping the output is the win it must find (a search that always returns the
baseline fails here), confirmed on the held-out split, with its payback."""

from pathlib import Path

import pytest

from greenprompt.engine.local import LocalExecutor
from greenprompt.optimizer.run import run_optimize
from greenprompt.records.config import OptimizeConfig
from greenprompt.records.errors import GreenPromptError

from fakes import WORDY_PROMPTS, RamblingBackend, TokenMeter, write_reviews


def write_set(tmp_path: Path, rows: int) -> tuple[Path, Path]:
    prompts = tmp_path / "prompts.yaml"
    prompts.write_text(WORDY_PROMPTS)
    return prompts, write_reviews(tmp_path / "reviews.csv", rows)


def optimize(tmp_path: Path, rows: int = 100, **options):
    prompts, data = write_set(tmp_path, rows)
    config = OptimizeConfig(prompts=str(prompts), dataset=str(data), scorer="exact", bootstrap=400, **options)
    return run_optimize(config, executor=LocalExecutor(RamblingBackend, TokenMeter))


def test_search_finds_the_cap_output_win(tmp_path):
    result = optimize(tmp_path, rounds=2)
    assert result.recommended != "wordy", result.notes
    winner, base = result.candidate(result.recommended), result.candidate("wordy")
    assert "cap-output" in [s.rewrite for s in winner.lineage]
    assert winner.test.energy_j <= 0.5 * base.test.energy_j
    assert winner.test.verdict["non_inferior"] and result.claimed
    assert result.split == {"n_search": 70, "n_test": 30, "test_split": 0.3, "seed": 0}
    assert result.payback_queries == pytest.approx(result.experiment.energy_j / (base.test.energy_j - winner.test.energy_j))
    assert result.recommended in result.frontier
    raced_out = [c for c in result.candidates if c.dev.dropped_by]
    assert raced_out and not any(c.on_frontier or c.test for c in raced_out)  # dominated with confidence: never confirmed
    # the compressor's scoring pass (the real model's logits) is part of the search's footprint
    spent = result.experiment
    assert any(s.rewrite == "compress" for c in result.candidates for s in c.lineage)
    assert spent.compress_j > 0 and spent.energy_j == pytest.approx(spent.search_j + spent.confirm_j + spent.compress_j)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"rewrites": ("cap-output,shorten",)}, "--rewrites: unknown rewrite(s) shorten"),
        ({"baseline": "nope"}, "--baseline nope: no such variant; variants: wordy"),
        ({"test_split": 0.01}, "--test-split 0.01 of 10 item(s) leaves no test item"),
        ({"test_split": 0.99}, "--test-split 0.99 of 10 item(s) leaves no item to search on"),
        ({"budget": 20}, "--budget 20 is below one round: the baseline, then it and one candidate, on each of the 7 search item(s)"),
    ],
)
def test_bad_input_is_refused_before_any_generation(tmp_path, options, message):
    backend = RamblingBackend()
    prompts, data = write_set(tmp_path, 10)
    with pytest.raises(GreenPromptError) as e:
        run_optimize(OptimizeConfig(prompts=str(prompts), dataset=str(data), **options), executor=LocalExecutor(lambda *_: backend))
    assert message in str(e.value)
    assert backend.calls == []


def test_a_budget_stops_the_search(tmp_path):
    result = optimize(tmp_path, rows=40, budget=90)
    assert 84 <= result.experiment.generations <= 90  # the baseline's 28, then 62 of round 1 (the engine stops at the budget)
    assert "budget of 90 generations is spent" in " ".join(result.notes)


def test_an_interrupted_comparison_ends_the_search(tmp_path):
    from fakes import FakeBackend

    backend = FakeBackend(interrupt_after=3)
    prompts, data = write_set(tmp_path, 20)
    config = OptimizeConfig(prompts=str(prompts), dataset=str(data), rewrites=("answer-format",), bootstrap=0)
    with pytest.raises(KeyboardInterrupt):
        run_optimize(config, executor=LocalExecutor(lambda *_: backend))
    assert backend.n_calls == 4  # round 0 stopped at its fourth call; no later round asked for more


def test_an_energy_budget_spent_by_the_baseline_stops_before_round_1(tmp_path):
    result = optimize(tmp_path, rows=20, budget_j=0.001, rewrites=("cap-output",))
    assert [c.name for c in result.candidates] == ["wordy"] and result.recommended == "wordy"
    assert "round 0: the energy budget of 0.001 J is spent" in " ".join(result.notes)


def test_a_candidate_greener_on_the_search_split_only_is_not_recommended(tmp_path):
    from greenprompt.inputs.datasets import load_dataset
    from greenprompt.optimizer.split import split_dataset

    from fakes import FlippingBackend

    prompts, data = write_set(tmp_path, 60)
    held_out = split_dataset(load_dataset(data), 0.5, 0).test
    costly = {int(item.columns["text"].split("#")[1].split()[0]) for item in held_out.items}
    backend = FlippingBackend("Give only the answer", costly)  # answer-format's directive under `contains`
    config = OptimizeConfig(prompts=str(prompts), dataset=str(data), scorer="contains", rewrites=("answer-format",),
                            test_split=0.5, bootstrap=300, rounds=1)
    result = run_optimize(config, executor=LocalExecutor(backend, TokenMeter))
    base, cand = result.candidates  # the baseline and its one answer-format rewrite
    assert cand.dev.energy_j < base.dev.energy_j and cand.test.energy_j > base.test.energy_j
    assert cand.test.verdict["non_inferior"]
    assert result.recommended == "wordy" and result.payback_queries is None
    assert f"{cand.name} non-inferior on the held-out split but not greener there than wordy" in " ".join(result.notes)
