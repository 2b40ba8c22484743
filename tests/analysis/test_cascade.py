"""Several models and cascades: unit tests of the logic with fake backends (the model files
are the real packaged ones, so they resolve; only generation is faked)."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenprompt.analysis.cascades import cascade_points
from greenprompt.analysis.scoring import get_scorer
from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.inputs.aliases import ALIASES, locate
from greenprompt.inputs.cascade_spec import make_cascade
from greenprompt.records import JobRole
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError

from fakes import LARGE, SMALL, ModelFakes, gen


@pytest.fixture
def task(tmp_path):
    rows = "\n".join(f"review #{i} here,{'positive' if i % 3 else 'negative'}" for i in range(8))
    (tmp_path / "d.csv").write_text("text,label\n" + rows + "\n")
    (tmp_path / "set.yaml").write_text(
        "dataset: d.csv\nscorer: choice:positive,negative\nvariants:\n"
        "  - {name: plain, template: '{{ text }}'}\n  - {name: asked, template: 'Sentiment of {{ text }}?'}\n"
    )
    return tmp_path / "set.yaml"


def _by(result):
    return {v.name: v for v in result.variants}


def test_two_models_make_variant_at_model_points_loaded_one_at_a_time(task):
    fakes = ModelFakes()
    result = run_comparison(Config(prompts=str(task), models=(SMALL, LARGE), bootstrap=0), executor=LocalExecutor(fakes))
    assert set(_by(result)) == {"plain@smollm2-135m", "asked@smollm2-135m", "plain@gemma3-270m", "asked@gemma3-270m"}
    assert fakes.loaded == [SMALL, LARGE] and fakes.most_open == 1
    assert [m.name for m in result.models] == [SMALL, LARGE]
    assert [m.mode for m in result.models] == ["chat", "completion"]  # gemma has no chat template
    by = _by(result)
    assert by["plain@gemma3-270m"].quality == 1.0 and by["plain@smollm2-135m"].quality < 1.0
    # CPU burnt per call is 3x on the large model, and the estimated energy follows it
    assert by["plain@gemma3-270m"].energy_j > 2 * by["plain@smollm2-135m"].energy_j


def test_a_cascade_counts_every_attempt(task):
    result = run_comparison(Config(prompts=str(task), cascade=f"{SMALL},{LARGE}", escalate_when="invalid", bootstrap=0),
                     executor=LocalExecutor(ModelFakes()))
    gens = {(g.variant, g.item_id): g for g in result.generations}
    point = _by(result)[f"plain@{SMALL}>{LARGE}"]
    expected, escalated = [], 0
    for item in {g.item_id for g in result.generations}:
        small = gens[(f"plain@{SMALL}", item)]
        up = small.output == "hmm"
        escalated += up
        expected.append(small.energy_j + (gens[(f"plain@{LARGE}", item)].energy_j if up else 0.0))
    assert point.energy_j == pytest.approx(sum(expected) / len(expected))
    assert point.cascade.escalation_rate == pytest.approx(escalated / 8) and 0 < escalated < 8
    assert point.quality == 1.0  # every invalid answer went to the large model, which is right
    assert point.cascade.gco2e_vs_large == pytest.approx(point.gco2e / _by(result)[f"plain@{LARGE}"].gco2e)
    assert point.cascade.gco2e_vs_large < 1


def test_the_verifier_call_is_counted_too(task):
    result = run_comparison(Config(prompts=str(task), cascade=f"{SMALL},{LARGE}", escalate_when="verifier", bootstrap=0),
                     executor=LocalExecutor(ModelFakes()))
    gens = {(g.role, g.variant, g.item_id): g for g in result.generations}
    checks = [g for g in result.generations if g.role is JobRole.VERIFY]
    assert len(checks) == 16 and all("Proposed answer" in g.prompt for g in checks)
    assert {g.label for g in checks} == {f"plain@{SMALL}#verify", f"asked@{SMALL}#verify"}  # as stored and exported
    point = _by(result)[f"asked@{SMALL}>{LARGE}"]
    total = 0.0
    gens = {(g.variant, g.item_id) if g.role is JobRole.ANSWER else (g.label, g.item_id): g for g in result.generations}
    for item in range(8):
        small, check = gens[(f"asked@{SMALL}", str(item))], gens[(f"asked@{SMALL}#verify", str(item))]
        up = check.output != "yes"
        total += small.energy_j + check.energy_j + (gens[(f"asked@{LARGE}", str(item))].energy_j if up else 0.0)
    assert point.energy_j == pytest.approx(total / 8)
    assert point.quality == 1.0
    # verifier calls are measured and counted in the footprint, but never ranked
    assert not any(v.name.endswith("#verify") for v in result.variants)
    assert result.footprint.generations.energy_j == pytest.approx(sum(g.energy_j for g in result.generations))


def test_calibration_marks_the_greenest_threshold_meeting_min_quality(task):
    result = run_comparison(Config(prompts=str(task), cascade=f"{SMALL},{LARGE}", escalate_when="low-confidence",
                                    calibrate=True, min_quality=0.9, bootstrap=0), executor=LocalExecutor(ModelFakes()))
    points = [v for v in result.variants if v.cascade and v.cascade.variant == "plain"]
    assert sorted(p.cascade.threshold for p in points) == [-2.0, -0.1]
    low, high = sorted(points, key=lambda p: p.cascade.threshold)
    assert low.cascade.escalation_rate == 0 and high.cascade.escalation_rate == 0.5  # lp < -0.1: the unsure half
    assert high.quality == 1.0 and high.cascade.calibrated_choice and not low.cascade.calibrated_choice


def test_cascade_and_model_errors_are_one_clear_line(task):
    with pytest.raises(GreenPromptError, match="nope: model file not found.*gemma3-270m"):
        run_comparison(Config(prompts=str(task), models=(SMALL, LARGE), cascade=f"{SMALL},nope"), executor=LocalExecutor(ModelFakes()))
    with pytest.raises(GreenPromptError, match="two different models"):
        run_comparison(Config(prompts=str(task), models=(SMALL, LARGE), cascade=f"{SMALL},{SMALL}"), executor=LocalExecutor(ModelFakes()))
    with pytest.raises(GreenPromptError, match="--threshold"):
        make_cascade(f"{SMALL},{LARGE}", "low-confidence")
    with pytest.raises(GreenPromptError, match="--escalate-when"):
        make_cascade(f"{SMALL},{LARGE}", "sometimes")
    with pytest.raises(GreenPromptError, match="race"):
        run_comparison(Config(prompts=str(task), cascade=f"{SMALL},{LARGE}", strategy="race"), executor=LocalExecutor(ModelFakes()))
    with pytest.raises(GreenPromptError, match="used twice"):
        run_comparison(Config(prompts=str(task), models=(SMALL, SMALL)), executor=LocalExecutor(ModelFakes()))


@given(st.lists(st.tuples(st.floats(-5, 0), st.floats(0.01, 5), st.floats(0.01, 5), st.booleans()), min_size=1, max_size=30))
def test_calibration_curves_are_monotone(rows):
    gens = []
    for i, (lp, small_j, large_j, right) in enumerate(rows):
        gens += [gen("v@s", i, small_j, output="positive" if right else "negative", target="positive", logprob=lp),
                 gen("v@l", i, large_j, output="positive", target="positive")]
    spec = make_cascade("s,l", "low-confidence", calibrate=True)
    points = sorted(cascade_points(spec, ["v"], gens, get_scorer("choice:positive,negative").valid), key=lambda p: p.threshold)
    assert points and all(len(p.generations) == len(rows) for p in points)
    rates = [p.escalation_rate for p in points]
    energies = [sum(g.energy_j for g in p.generations) for p in points]
    assert rates == sorted(rates)
    assert all(a <= b + 1e-9 for a, b in zip(energies, energies[1:]))
    # the lowest threshold escalates nothing: it costs what the small model costs
    assert rates[0] == 0 and energies[0] == pytest.approx(sum(r[1] for r in rows))


def test_models_from_an_experiment_file_and_a_prompt_set(task, tmp_path):
    from greenprompt.inputs.experiment_file import load_experiment
    from greenprompt.inputs.prompt_sets import load_prompt_set

    (tmp_path / "exp.yaml").write_text(
        f"prompts: set.yaml\nmodels:\n  - {{model: {SMALL}, name: small}}\n  - {{model: {LARGE}, name: big, mode: completion}}\n"
        "cascade: small,big\nescalate_when: invalid\n"
    )
    exp = load_experiment(tmp_path / "exp.yaml")
    assert [(m.ref, m.name, m.mode) for m in exp.options["models"]] == [(SMALL, "small", None), (LARGE, "big", "completion")]
    result = run_comparison(Config(**exp.options, bootstrap=0), executor=LocalExecutor(ModelFakes()))
    assert "plain@small>big" in _by(result) and {m.name for m in result.models} == {"small", "big"}
    (tmp_path / "set2.yaml").write_text(
        task.read_text() + f"models: [{SMALL}, {LARGE}]\ncascade: {{small: {SMALL}, large: {LARGE}, escalate_when: invalid}}\n"
    )
    ps = load_prompt_set(tmp_path / "set2.yaml")
    assert [m.ref for m in ps.models] == [SMALL, LARGE] and ps.cascade.escalate_when == "invalid"


def test_stored_cascades_come_back_from_the_store(task, tmp_path):
    from greenprompt.analysis.result import result_from_store
    from greenprompt.engine.store import RunStore

    store = tmp_path / "runs.db"
    result = run_comparison(Config(prompts=str(task), cascade=f"{SMALL},{LARGE}", escalate_when="invalid", bootstrap=0,
                                    store=str(store)), executor=LocalExecutor(ModelFakes()))
    with RunStore(store) as s:
        again = result_from_store(s.load_run(result.run_id))
    assert [(v.name, v.energy_j, v.quality) for v in again.variants] == [(v.name, v.energy_j, v.quality) for v in result.variants]
    assert [m.name for m in again.models] == [SMALL, LARGE]


def test_aliases_are_installed_for_the_tests():
    # the dev extra installs both packaged models; without them the real two-model tests could not run
    assert all(locate(name).is_file() for name in ALIASES)
    assert json.dumps(sorted(ALIASES)) == json.dumps([LARGE, SMALL])


def test_the_report_shows_models_and_cascades(task):
    from rich.console import Console

    from greenprompt.outputs.terminal import print_report

    result = run_comparison(Config(prompts=str(task), cascade=f"{SMALL},{LARGE}", escalate_when="low-confidence",
                                    calibrate=True, min_quality=0.9, bootstrap=0), executor=LocalExecutor(ModelFakes()))
    console = Console(record=True, width=200)
    print_report(result, console)
    text = console.export_text()
    assert f"Model {SMALL}:" in text and "135M Q4_1" in text and "268M Q4_K_M" in text and "completion mode" in text
    # names with brackets are printed as they are, not taken for markup
    assert f"✔ plain@{SMALL}>{LARGE}[lp<-0.1]" in text and "escalated" in text
