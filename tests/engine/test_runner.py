"""Runner logic with a fake backend (unit tests only; end-to-end tests use the real model)."""

import pytest

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError

from fakes import FakeBackend


@pytest.fixture
def example(tmp_path, monkeypatch):
    monkeypatch.setenv("GREENPROMPT_HOME", str(tmp_path / "home"))
    (tmp_path / "d.csv").write_text("text,label\ngood film,positive\nbad film,negative\nboom,negative\n")
    (tmp_path / "set.yaml").write_text(
        "dataset: d.csv\nscorer: choice:positive,negative\nvariants:\n"
        "  - {name: a, template: '{{ text }}'}\n  - {name: b, template: 'Review: {{ text }}'}\n"
    )
    return tmp_path


def test_jobs_interleave_variants_and_failures_are_recorded(example):
    backend = FakeBackend()
    result = run_comparison(Config(prompts=str(example / "set.yaml")), executor=LocalExecutor(lambda *_: backend))
    assert [(r.text) for r in backend.calls[:2]] == ["good film", "Review: good film"]
    assert len(result.generations) == 6 and backend.closed
    failed = [g for g in result.generations if g.error]
    assert len(failed) == 2 and all("backend exploded" in g.error for g in failed)
    by_name = {v.name: v for v in result.variants}
    assert by_name["a"].errors == 1 and by_name["a"].quality == pytest.approx(2 / 3)
    assert all(g.energy_j is not None and g.energy_method == "estimated" for g in result.generations)
    assert result.model.quantization == "Q4_1"  # read from the GGUF header, no model load


def test_interrupt_keeps_finished_generations(example):
    backend = FakeBackend(interrupt_after=3)
    result = run_comparison(Config(prompts=str(example / "set.yaml")), executor=LocalExecutor(lambda *_: backend))
    assert result.interrupted and len(result.generations) == 3 and backend.closed


def test_bad_input_fails_before_the_model_loads(example):
    (example / "bad.yaml").write_text("dataset: d.csv\nvariants: [{name: a, template: '{{ missing }}'}]\n")

    def never(*_):
        raise AssertionError("model must not load")

    with pytest.raises(GreenPromptError, match="missing"):
        run_comparison(Config(prompts=str(example / "bad.yaml")), executor=LocalExecutor(never))
    with pytest.raises(GreenPromptError, match="no dataset"):
        (example / "nodata.yaml").write_text("variants: [{name: a, template: x}]\n")
        run_comparison(Config(prompts=str(example / "nodata.yaml")), executor=LocalExecutor(never))


def test_footprint_parts_add_up_to_the_total(example):
    result = run_comparison(Config(prompts=str(example / "set.yaml")), executor=LocalExecutor(FakeBackend))
    f = result.footprint
    parts = (f.model_load, f.generations, f.overhead)
    assert f.total.energy_j == pytest.approx(sum(p.energy_j for p in parts))
    assert f.total.wall_s == pytest.approx(sum(p.wall_s for p in parts))
    assert f.total.gco2e == pytest.approx(sum(p.gco2e for p in parts))
    assert f.generations.energy_j == pytest.approx(sum(g.energy_j for g in result.generations))
    assert all(p.wall_s >= 0 for p in parts)


def test_repeats_and_their_seeds(example):
    (example / "t.yaml").write_text(
        "dataset: d.csv\nvariants:\n  - {name: greedy, template: '{{ text }}'}\n"
        "  - {name: sampled, template: '{{ text }}', temperature: 0.7}\n"
    )
    backend = FakeBackend()
    result = run_comparison(
        Config(prompts=str(example / "t.yaml"), repeats=3, seed=10, limit=1), executor=LocalExecutor(lambda *_: backend
    ))
    assert [g.repeat for g in result.generations] == [0, 0, 1, 1, 2, 2]
    seeds = [(r.params.temperature > 0, r.seed) for r in backend.calls]
    assert seeds == [(False, 10), (True, 10), (False, 10), (True, 11), (False, 10), (True, 12)]
    assert all(v.n == 3 for v in result.variants)


def test_bad_analysis_options(example):
    for options, message in (
        ({"baseline": "nope"}, "no such variant; variants: a, b"),
        ({"repeats": 0}, "--repeats"),
        ({"ci_level": 1.5}, "--ci-level"),
        ({"volume": -1}, "--volume"),
    ):
        with pytest.raises(GreenPromptError, match=message):
            run_comparison(Config(prompts=str(example / "set.yaml"), **options), executor=LocalExecutor(FakeBackend))
