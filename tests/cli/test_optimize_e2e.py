"""`greenprompt optimize` through the real CLI: bad input is one line and exit 2 before
any generation; a small search with the real default model gives the --json document and
the report (a few items: non-inferiority cannot be claimed, and the report says so)."""

import json

import pytest
from test_bad_input import assert_one_line_error

from conftest import EXAMPLE
from fakes import invoke


@pytest.mark.parametrize(
    "args, fragments",
    [
        (("--rewrites", "cap-output,shorten"), ("--rewrites: unknown rewrite(s) shorten", "answer-format")),
        (("--baseline", "nope"), ("--baseline nope: no such variant", "terse")),
        (("--limit", 3, "--test-split", 0.1), ("--test-split 0.1 of 3 item(s) leaves no test item",)),
        (("--limit", 10, "--budget", 5), ("--budget 5 is below one round", "7 search item(s) take 21 generations")),
        (("--test-split", 1.5), ("--test-split must be between 0 and 1",)),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, fragments):
    result = invoke("optimize", EXAMPLE, "--store", tmp_path / "runs.db", *args, code=None)
    assert_one_line_error(result, *fragments)
    assert not (tmp_path / "runs.db").exists()  # refused before any comparison opened the store


def test_a_small_search_with_the_real_model(tmp_path):
    """One run: the report on stdout and the document written by the experiment file's optimize: json."""
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"prompts: {EXAMPLE}\nlimit: 4\nbootstrap: 200\n"
                   "optimize:\n  baseline: terse\n  test_split: 0.5\n  rounds: 1\n  json: result.json\n")
    report = " ".join(invoke("optimize", "-c", exp, "--rewrites", "answer-format", "--rewrites", "cap-output",
                             "--store", tmp_path / "runs.db").stdout.split())
    doc = json.loads((tmp_path / "result.json").read_text())
    assert doc["baseline"] == "terse" and doc["split"]["n_search"] == 2 and doc["split"]["n_test"] == 2
    names = [c["name"] for c in doc["candidates"]]
    assert names[0] == "terse" and len(names) >= 2 and doc["recommended"] in names
    rewrites = {s["rewrite"] for c in doc["candidates"] for s in c["lineage"]}
    assert rewrites and rewrites <= {"answer-format", "cap-output"}
    assert doc["candidates"][0]["dev"]["n"] == 2 and doc["experiment"]["energy_j"] > 0
    assert doc["non_inferiority_claimed"] is False
    assert any("non-inferiority cannot be claimed" in n for n in doc["notes"])
    assert "Candidates" in report and "The search's own footprint" in report and "Payback" in report
    assert "non-inferiority cannot be claimed" in report and "Recommended: " in report
