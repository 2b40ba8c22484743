"""Issue 13 item 7, end to end with the real default model: a `choice:` label set that
matches no target, and the default scorer `exact` on free-text answers, both score 0.000
everywhere; the report and the --json document say so, with a hint."""

import json

from conftest import EXAMPLE
from fakes import invoke


def _report(run_id: str, store) -> str:
    return " ".join(invoke("runs", "show", run_id, "--store", store).stdout.split())  # rich wraps long lines


def test_a_label_set_that_matches_no_target(tmp_path):
    store = tmp_path / "runs.db"
    doc = json.loads(invoke("compare", EXAMPLE, "--scorer", "choice:yes,no", "--limit", 2, "--store", store, "--json").stdout)
    assert all(v["quality"] == 0 for v in doc["variants"])
    (warning,) = doc["warnings"]
    assert warning.startswith("no target is a label of scorer choice:yes,no (labels: yes, no; targets: negative, positive)")
    assert "--scorer choice:negative,positive" in warning
    assert f"Warning: {warning}." in _report(doc["run_id"], store)
    # re-scored with labels the targets are: the warning is gone
    rescored = json.loads(invoke("runs", "show", doc["run_id"], "--store", store, "--scorer", "choice:positive,negative",
                                 "--json").stdout)
    assert not any(w.startswith("no target is a label") for w in rescored["warnings"])


def test_the_default_scorer_on_free_text_answers(tmp_path):
    (tmp_path / "qa.csv").write_text(
        "question,answer\n"
        "What is the capital of France?,Paris is the capital of France.\n"
        "How many legs does a spider have?,A spider has eight legs.\n"
    )
    (tmp_path / "qa.yaml").write_text(
        "dataset: qa.csv\ntarget: answer\nvariants:\n"
        "  - name: short\n    template: 'Answer in one sentence: {{ question }}'\n    max_tokens: 12\n"
    )
    store = tmp_path / "runs.db"
    doc = json.loads(invoke("compare", tmp_path / "qa.yaml", "--limit", 2, "--store", store, "--json").stdout)
    assert doc["scorer"] == "exact" and doc["variants"][0]["quality"] == 0
    (warning,) = doc["warnings"]
    assert warning.startswith("every answer of every variant scores 0 with scorer exact (the default scorer")
    assert "--scorer contains" in warning and "--scorer f1" in warning
    assert f"Warning: {warning}." in _report(doc["run_id"], store)
