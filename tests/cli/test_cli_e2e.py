"""End to end: the real CLI with the real embedded default model, on a few items."""

import csv
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import EXAMPLE, ROOT, SST2_FORMAT
from fakes import invoke

# One xdist worker for the tests that compare measured energy or CPU share (pyproject addopts).
pytestmark = pytest.mark.xdist_group("energy")

CONTRACT_KEYS = {
    "run_id", "model", "dataset", "scorer", "energy_method", "carbon_intensity_g_per_kwh",
    "variants", "frontier", "totals",
}
VARIANT_KEYS = {
    "name", "quality", "n", "errors", "prompt_tokens", "completion_tokens", "energy_j", "gco2e",
    "latency_s", "pareto_rank", "on_frontier",
}


@pytest.fixture(scope="module")
def json_run(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "runs.db"
    result = invoke("compare", EXAMPLE, "--limit", 2, "--json", "--country", "FRA", "--store", store)
    return json.loads(result.stdout)


def test_json_document_has_the_contract(json_run):
    doc = json_run
    assert CONTRACT_KEYS <= set(doc)
    assert doc["model"]["name"] and len(doc["model"]["sha256"]) == 64 and doc["model"]["path"].endswith(".gguf")
    assert doc["dataset"]["n_items"] == 2 and doc["scorer"] == "choice:positive,negative"
    assert doc["energy_method"] == "estimated"
    assert "France" in doc["carbon_intensity_source"]
    assert [v["name"] for v in doc["variants"]] and {v["name"] for v in doc["variants"]} == {
        "terse", "one-word", "few-shot", "explain-first"
    }
    for v in doc["variants"]:
        assert VARIANT_KEYS <= set(v)
        assert v["n"] == 2 and v["energy_j"] > 0 and v["gco2e"] > 0 and v["prompt_tokens"] > 0
        assert v["on_frontier"] == (v["pareto_rank"] == 1)
        assert 0 <= v["quality"] <= 1
    assert doc["frontier"] == [v["name"] for v in doc["variants"] if v["pareto_rank"] == 1]
    totals = doc["totals"]
    assert totals["generations"] == 8
    assert totals["energy_j"] == pytest.approx(sum(v["energy_j"] * v["n"] for v in doc["variants"]))


def test_output_length_drives_energy(json_run):
    by = {v["name"]: v for v in json_run["variants"]}
    # One-word answers (max 4 tokens) against step-by-step reasoning: energy follows output length.
    assert by["one-word"]["completion_tokens"] < by["explain-first"]["completion_tokens"]
    assert by["one-word"]["energy_j"] < by["explain-first"]["energy_j"]


def test_table_report():
    result = invoke("compare", EXAMPLE, "--limit", 1, "--min-quality", 0.5)
    out = result.stdout
    for text in ("terse", "one-word", "few-shot", "explain-first", "frontier", "estimated", "CO2e", "latency", "quality vs carbon"):
        assert text in out
    assert "Enough is enough" in out
    # figures with their units (the former `"J" in out and "g" in out` held for any text)
    assert re.search(r"\d [nµmk]?J\b", out) and re.search(r"\d [nµmk]?g\b", out), out


def test_export_and_round_trip(tmp_path):
    out_dir = tmp_path / "ranked"
    result = invoke("compare", EXAMPLE, "--limit", 1, "--export", out_dir, "--json")
    doc = json.loads(result.stdout)
    files = sorted(p.name for p in out_dir.iterdir())
    md = [f for f in files if f.endswith(".md")]
    assert len(md) == 4 and md[0].startswith("01-") and "results.csv" in files and "generations.jsonl" in files
    ranked = [v["name"] for v in doc["variants"]]
    assert [m.split("-", 1)[1][:-3] for m in md] == ranked
    rows = list(csv.DictReader((out_dir / "results.csv").open()))
    assert [r["name"] for r in rows] == ranked
    gens = [json.loads(line) for line in (out_dir / "generations.jsonl").open()]
    assert len(gens) == 4 and all({"prompt", "output", "energy_j", "gco2e", "score", "error"} <= set(g) for g in gens)

    again = invoke(
        "compare", out_dir, "--dataset", ROOT / "prompts" / "reviews.csv", "--scorer", "choice:positive,negative",
        "--limit", 1, "--json",
    )
    back = json.loads(again.stdout)
    assert sorted(v["name"] for v in back["variants"]) == sorted(ranked)
    # Same prompts, same model, temperature 0: the same answers, so the same quality.
    assert {v["name"]: v["quality"] for v in back["variants"]} == {v["name"]: v["quality"] for v in doc["variants"]}


def test_sst2_with_explicit_options():
    result = invoke(
        "compare", ROOT / "tests" / "data" / "sst2-prompts.yaml", "--dataset", SST2_FORMAT, "--limit", 3,
        "--scorer", "choice:1=positive,0=negative", "--json", "--carbon-intensity", 100, "--pue", 1.5,
    )
    doc = json.loads(result.stdout)
    assert doc["carbon_intensity_g_per_kwh"] == 100 and doc["pue"] == 1.5
    v = doc["variants"][0]
    assert v["gco2e"] == pytest.approx(v["energy_j"] / 3.6e6 * 100 * 1.5)


def test_json_stdout_is_pure_in_a_real_process(tmp_path):
    env = {**os.environ, "GREENPROMPT_HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "greenprompt", "compare", str(EXAMPLE), "--limit", "1", "--json"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # llama.cpp's own logging must not reach stdout
    assert doc["totals"]["generations"] == 4


def test_completion_mode_sends_raw_text(tmp_path):
    prompts = tmp_path / "set.yaml"
    prompts.write_text(
        "variants:\n"
        "  - {name: raw, template: \"Review: {{ text }}\\nSentiment (positive or negative):\", max_tokens: 3}\n"
    )
    docs = {}
    for mode in ("completion", "chat"):
        result = invoke(
            "compare", prompts, "--dataset", ROOT / "prompts" / "reviews.csv", "--limit", 1,
            "--scorer", "choice:positive,negative", "--mode", mode, "--json",
        )
        docs[mode] = json.loads(result.stdout)
    raw, chat = docs["completion"]["variants"][0], docs["chat"]["variants"][0]
    assert docs["completion"]["mode"] == "completion"
    assert 0 < raw["completion_tokens"] <= 3
    # Same text; chat mode wraps it in the model's chat template, completion mode does not.
    assert raw["prompt_tokens_cl100k"] == chat["prompt_tokens_cl100k"]
    assert raw["prompt_tokens"] < chat["prompt_tokens"]
