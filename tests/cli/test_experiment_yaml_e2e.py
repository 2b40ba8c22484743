"""Issue 13 item 7, end to end: an experiment file's `models:` entries (a string and a
mapping) and `cascade:` as a prompt set's mapping, through the real CLI with the default
model and gemma3-270m (the dev extra), 2 items."""

import json

from conftest import ROOT
from fakes import invoke


def test_models_and_a_cascade_mapping_in_an_experiment_file(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(
        "prompts:\n"
        f"  dataset: {ROOT / 'prompts' / 'reviews.csv'}\n"
        "  target: label\n"
        "  variants:\n"
        "    - {name: one-word, template: 'Review: {{ text }}\\nSentiment (positive or negative):', max_tokens: 4}\n"
        "models:\n"
        "  - smollm2-135m\n"
        "  - {model: gemma3-270m, name: gemma}\n"
        "cascade:\n"
        "  small: smollm2-135m\n"
        "  large: gemma\n"
        "bootstrap: 0\n"
    )
    doc = json.loads(invoke("compare", "-c", exp, "--limit", 2, "--store", tmp_path / "runs.db", "--json").stdout)
    assert doc["scorer"] == "exact"  # no scorer given anywhere: the documented default
    assert {v["name"] for v in doc["variants"]} == {"one-word@smollm2-135m", "one-word@gemma", "one-word@smollm2-135m>gemma"}
    (cascade,) = [v["cascade"] for v in doc["variants"] if v["cascade"]]
    assert (cascade["small"], cascade["large"], cascade["rule"]) == ("smollm2-135m", "gemma", "invalid")  # the default rule
