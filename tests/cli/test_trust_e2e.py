"""End to end with the real default model: intervals, comparisons, accounting, estimate."""

import json

import pytest

from conftest import EXAMPLE
from fakes import invoke


@pytest.fixture(scope="module")
def repeated(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "runs.db"
    result = invoke(
        "compare", EXAMPLE, "--limit", 3, "--repeats", 2, "--json", "--baseline", "explain-first", "--store", store,
        "--volume", 10000, "--price-in", 0.03, "--price-out", 0.06, "--min-quality", 0.0,
    )
    path = tmp_path_factory.mktemp("run") / "run.json"
    path.write_text(result.stdout)
    return json.loads(result.stdout), path


def test_intervals_and_paired_comparisons(repeated):
    doc, _ = repeated
    assert doc["repeats"] == 2 and doc["baseline"] == "explain-first"
    for v in doc["variants"]:
        assert v["n"] == 6
        for key in ("quality", "energy_j", "gco2e"):
            low, high = v[f"{key}_ci"]
            assert low <= v[key] + 1e-12 and v[key] - 1e-12 <= high
        assert 0 <= v["p_frontier"] <= 1
        assert v["energy_prefill_j"] + v["energy_decode_j"] == pytest.approx(v["energy_j"])
        if v["name"] == "explain-first":
            assert v["vs_baseline"] is None
        else:
            cmp = v["vs_baseline"]
            assert cmp["baseline"] == "explain-first"
            assert cmp["delta_quality_ci"][0] <= cmp["delta_quality_ci"][1]
            assert isinstance(cmp["significant"], bool)
    by = {v["name"]: v for v in doc["variants"]}
    # Four-token answers against 96-token reasoning: a carbon difference no resample can hide.
    one_word = by["one-word"]["vs_baseline"]
    assert one_word["significant_gco2e"] and one_word["delta_gco2e_pct_ci"][1] < 0


def test_experiment_accounting_and_projection(repeated):
    doc, _ = repeated
    exp = doc["experiment"]
    parts = [exp["model_load"], exp["generations"], exp["overhead"]]
    assert exp["energy_j"] == pytest.approx(sum(p["energy_j"] for p in parts))
    assert exp["wall_s"] == pytest.approx(sum(p["wall_s"] for p in parts))
    assert exp["generations"]["energy_j"] == pytest.approx(doc["totals"]["energy_j"])
    assert exp["payback_queries"] is None or exp["payback_queries"] > 0
    assert exp["payback_reason"]
    for v in doc["variants"]:
        assert v["annual_kwh"] == pytest.approx(v["energy_j"] * 10000 * 365 / 3.6e6)
        assert v["cost_per_1k_queries"] > 0
    model = doc["energy_model"]
    assert model["j_per_completion_token"] > 0 and 0 <= model["r2"] <= 1


def test_table_shows_intervals(repeated):
    result = invoke("compare", EXAMPLE, "--limit", 2, "--volume", 1000)
    for text in ("95% CI", "p(front)", "Against the baseline", "Experiment footprint", "Energy model", "kWh/year"):
        assert text in result.stdout


def test_estimate_counts_the_same_prompt_tokens_without_generating(repeated):
    doc, path = repeated
    result = invoke("estimate", EXAMPLE, "--from", path, "--limit", 3, "--json")
    est = json.loads(result.stdout)
    measured = {v["name"]: v for v in doc["variants"]}
    assert {v["name"] for v in est["variants"]} == set(measured)
    for v in est["variants"]:
        assert v["prompt_tokens"] == pytest.approx(measured[v["name"]]["prompt_tokens"])
        assert v["completion_tokens_source"] == "run"
        fit = doc["energy_model"]
        expected = (fit["j_per_prompt_token"] * v["prompt_tokens"] + fit["j_per_completion_token"] * v["completion_tokens"]
                    + fit["j_per_call"])
        assert v["energy_j"] == pytest.approx(expected)
    assert any("stored run" in note for note in est["notes"])


def test_estimate_with_a_guess_for_new_variants(repeated, tmp_path):
    _, path = repeated
    other = tmp_path / "new.yaml"
    other.write_text("dataset: " + str(EXAMPLE.parent / "reviews.csv") + "\nvariants: [{name: brand-new, template: '{{ text }}'}]\n")
    fails = invoke("estimate", other, "--from", path, code=2)
    assert "--completion-tokens" in fails.stderr
    ok = invoke("estimate", other, "--from", path, "--completion-tokens", 5, "--json")
    v = json.loads(ok.stdout)["variants"][0]
    assert v["completion_tokens"] == 5 and v["completion_tokens_source"] == "guess"
    no_model = invoke("estimate", other, code=2)
    assert "--from" in no_model.stderr


def test_region_intensity():
    result = invoke("compare", EXAMPLE, "--limit", 1, "--country", "USA", "--region", "california", "--json", "--bootstrap", 0)
    doc = json.loads(result.stdout)
    assert "California" in doc["carbon_intensity_source"] and 0 < doc["carbon_intensity_g_per_kwh"] < 475
    assert doc["variants"][0]["quality_ci"] is None
