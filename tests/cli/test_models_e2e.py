"""End to end with both packaged models through the real CLI, on a few items."""

import json
import os

import pytest

from greenprompt.inputs.aliases import locate

from conftest import EXAMPLE
from fakes import LARGE, SMALL, invoke


@pytest.fixture(scope="module")
def two_models(tmp_path_factory):
    out = tmp_path_factory.mktemp("two-models")
    result = invoke("compare", EXAMPLE, "--limit", 2, "--model", SMALL, "--model", f"gemma={LARGE}",
                    "--cascade", f"{SMALL},gemma", "--escalate-when", "invalid", "--json", "--bootstrap", 200,
                    "--export", out / "export", "--store", out / "runs.db")
    return json.loads(result.stdout), out / "export"


def test_every_variant_on_every_model_is_a_point(two_models):
    doc, _ = two_models
    variants = {"terse", "one-word", "few-shot", "explain-first"}
    names = {v["name"] for v in doc["variants"]}
    assert {f"{v}@{m}" for v in variants for m in (SMALL, "gemma")} <= names
    for v in doc["variants"]:
        assert v["variant"] in variants and v["n"] == 2 and v["energy_j"] > 0


def test_the_output_says_what_each_model_is(two_models):
    doc, _ = two_models
    models = {m["name"]: m for m in doc["models"]}
    small, large = models[SMALL], models["gemma"]
    facts = ("parameters_label", "quantization", "architecture", "mode")
    assert tuple(small[k] for k in facts) == ("135M", "Q4_1", "llama", "chat")
    assert tuple(large[k] for k in facts) == ("268M", "Q4_K_M", "gemma3", "completion")
    assert small["size_bytes"] < large["size_bytes"] and len(large["sha256"]) == 64
    assert doc["model"]["sha256"] == small["sha256"]  # the contract's `model` is the first one


def test_the_larger_model_costs_more_per_generated_token(two_models):
    doc, export = two_models
    gens = [json.loads(line) for line in (export / "generations.jsonl").read_text().splitlines()]

    def decode_joules_per_token(model):
        # the long answers, where decoding dominates (a 4-token answer is mostly per-call cost)
        mine = [g for g in gens if g["variant"] in (f"terse@{model}", f"explain-first@{model}")]
        return sum(g["energy_decode_j"] for g in mine) / sum(g["completion_tokens"] for g in mine)

    # each decoded token multiplies by Gemma's 262k-word output matrix, 5x SmolLM2's
    assert decode_joules_per_token("gemma") > 1.3 * decode_joules_per_token(SMALL)


def test_the_real_cascade_counts_the_small_attempt_and_the_escalations(two_models):
    doc, export = two_models
    gens = {(g["variant"], g["item_id"]): g for g in map(json.loads, (export / "generations.jsonl").read_text().splitlines())}
    by = {v["name"]: v for v in doc["variants"]}
    point = by[f"one-word@{SMALL}>gemma"]
    assert point["cascade"]["rule"] == "invalid" and 0 <= point["cascade"]["escalation_rate"] <= 1
    labels = ("positive", "negative")
    total, escalated = 0.0, 0
    items = {item for (variant, item) in gens if variant == f"one-word@{SMALL}"}
    for item in items:
        small = gens[(f"one-word@{SMALL}", item)]
        up = not any(w in small["output"].lower() for w in labels)
        escalated += up
        total += small["energy_j"] + (gens[("one-word@gemma", item)]["energy_j"] if up else 0.0)
    assert point["energy_j"] == pytest.approx(total / len(items))
    assert point["cascade"]["escalation_rate"] == pytest.approx(escalated / len(items))
    # cascades are ranked but are not prompt files
    files = sorted(p.name for p in export.glob("*.md"))
    assert len(files) == 8 and not any(">" in f for f in files)


def test_models_lists_aliases_and_a_directory(tmp_path):
    os.symlink(locate(SMALL), tmp_path / "mine.gguf")
    result = invoke("models", "--models-dir", tmp_path, "--json")
    rows = {r["name"]: r for r in json.loads(result.stdout)["models"]}
    assert rows[SMALL]["installed"] and rows[LARGE]["installed"]
    assert rows["mine"]["kind"] == "file" and rows["mine"]["parameters_label"] == "135M" and rows["mine"]["chat_template"]
    table = invoke("models")
    assert LARGE in table.stdout and "Q4_K_M" in table.stdout
    bad = invoke("models", "--models-dir", tmp_path / "nowhere", code=2)
    assert "not a directory" in bad.stderr
