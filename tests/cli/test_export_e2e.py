"""End to end, the real CLI and default model: exporting a 1-variant run into the folder of
a 4-variant one leaves a folder that runs 1 variant; a folder that is not an export is
refused with one line before anything is generated."""

import json

from conftest import EXAMPLE, ROOT
from fakes import invoke, stored_generations


def test_exporting_again_replaces_the_previous_export(tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text(
        f"dataset: {ROOT / 'prompts' / 'reviews.csv'}\ntarget: label\nscorer: choice:positive,negative\n"
        "variants:\n  - name: only\n    template: 'Review: {{ text }}\\nSentiment:'\n    max_tokens: 2\n"
    )
    out = tmp_path / "out"
    common = ("--limit", 1, "--bootstrap", 0, "--quiet", "--store", tmp_path / "runs.db")
    invoke("compare", EXAMPLE, "--export", out, *common)
    assert len(list(out.glob("*.md"))) == 4
    invoke("compare", one, "--export", out, *common)
    again = invoke("compare", out, "--dataset", ROOT / "prompts" / "reviews.csv", "--json", *common)
    assert [v["name"] for v in json.loads(again.stdout)["variants"]] == ["only"]


def test_a_folder_that_is_not_an_export_is_refused_before_any_generation(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.md").write_text("my notes")
    store = tmp_path / "runs.db"
    refused = invoke("compare", EXAMPLE, "--limit", 1, "--export", mine, "--store", store, code=2)
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {mine}: ") and "choose a new or empty folder" in lines[0]
    assert (mine / "notes.md").read_text() == "my notes" and len(list(mine.iterdir())) == 1
    assert not store.exists() or stored_generations(store) == 0
