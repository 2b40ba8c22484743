"""`--budget` through the real CLI with the real default model: the --json document and the
report say that the budget stopped the run, and how many items each variant really ran."""

import json

import jsonschema

from conftest import EXAMPLE, ROOT
from fakes import invoke


def test_budget_says_it_stopped_the_run_and_what_each_variant_ran(tmp_path):
    store = tmp_path / "runs.db"
    doc = json.loads(invoke("compare", EXAMPLE, "--limit", 3, "--budget", 6, "--store", store, "--json", "--bootstrap", 0).stdout)
    stop = doc["stopped_by"]
    assert {k: stop[k] for k in ("rule", "budget", "generations", "planned")} == {
        "rule": "budget", "budget": 6, "generations": 6, "planned": 12,
    }
    # items outer, variants inner: the first two variants ran 2 of the 3 items, the others 1
    ran = {v["name"]: v["n"] for v in doc["variants"]}
    assert stop["items"] == ran and sorted(ran.values()) == [1, 1, 2, 2]
    assert doc["dataset"]["n_items"] == 3 and not doc["interrupted"]
    schema = json.loads((ROOT / "docs" / "json.schema.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(doc)  # docs/json.md's contract

    # the report, the same run again (served from the store's cache) and the stored run
    for args in (("compare", EXAMPLE, "--limit", 3, "--budget", 6, "--store", store, "--bootstrap", 0),
                 ("runs", "show", doc["run_id"], "--store", store, "--bootstrap", 0)):
        report = " ".join(invoke(*args).stdout.split())  # the line may wrap
        assert "Stopped by --budget 6: 6 of 12 planned generations ran" in report
        assert all(f"{name} {n}" in report for name, n in ran.items())


def test_a_budget_the_plan_fits_in_says_nothing(tmp_path):
    doc = json.loads(invoke("compare", EXAMPLE, "--limit", 1, "--budget", 50, "--json", "--bootstrap", 0).stdout)
    assert doc["stopped_by"] is None and doc["totals"]["generations"] == 4
