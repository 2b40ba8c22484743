"""`--hosted` through the real CLI with the real default model on 2 items: the --json `hosted`
list holds EcoLogits' own figures for each variant's mean cl100k answer length; the stored
run is re-ranked on a hosted model by `runs show --frontier-on`, labelled as a projection,
with the cost column of the run's prices; `report --html` shows it beside the measurement;
an unknown model is one line naming the closest ones, exit 2, before any generation."""

import json
import math

import jsonschema
from ecologits.tracers.utils import llm_impacts

from conftest import EXAMPLE, ROOT
from fakes import invoke

MINI, LARGE = "openai/gpt-4o-mini", "openai/gpt-4"


def test_hosted_projections_through_the_cli(tmp_path):
    store = tmp_path / "runs.db"
    doc = json.loads(invoke("compare", EXAMPLE, "--limit", 2, "--store", store, "--bootstrap", 0, "--price-out", 0.0006,
                            "--hosted", MINI, "--hosted", LARGE, "--json").stdout)
    schema = json.loads((ROOT / "docs" / "json.schema.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    assert doc["frontier_on"] is None
    for v in doc["variants"]:
        assert [(h["provider"], h["model"]) for h in v["hosted"]] == [("openai", "gpt-4o-mini"), ("openai", "gpt-4")]
        for h in v["hosted"]:
            direct = llm_impacts(h["provider"], h["model"], v["completion_tokens_cl100k"], math.inf)
            assert h["completion_tokens_cl100k"] == v["completion_tokens_cl100k"] and h["zone"] == "USA"
            assert h["gco2e"] == [direct.gwp.value.min * 1000, direct.gwp.value.max * 1000]
            assert h["energy_j"] == [direct.energy.value.min * 3.6e6, direct.energy.value.max * 3.6e6]
        assert v["hosted"][1]["gco2e"][0] > v["hosted"][0]["gco2e"][0]  # the larger model

    shown = invoke("runs", "show", doc["run_id"], "--store", store, "--bootstrap", 0, "--frontier-on", f"hosted:{LARGE}",
                   "--json").stdout
    ranked = json.loads(shown)
    by_mid = sorted(ranked["variants"], key=lambda v: (sum(v["hosted"][1]["gco2e"]), -v["quality"]))
    assert ranked["frontier_on"] == f"hosted:{LARGE}" and by_mid[0]["on_frontier"]  # the greenest there is on its frontier
    report = " ".join(invoke("runs", "show", doc["run_id"], "--store", store, "--bootstrap", 0,
                             "--frontier-on", f"hosted:{LARGE}").stdout.split())
    assert "projected with EcoLogits" in report and f"for {LARGE} from the local answers' token counts" in report
    assert "prompt tokens not modelled" in report and "cost per 1k queries" in report and "the frontier ranks on it" in report

    html = tmp_path / "r.html"
    invoke("report", doc["run_id"], "--store", store, "--html", html)
    page = html.read_text()
    assert "Projected on hosted models (EcoLogits)" in page and "CO2e / query, measured here" in page

    bad = invoke("runs", "show", doc["run_id"], "--store", store, "--frontier-on", "hosted:openai/gpt-4o", code=2)
    assert "needs --hosted openai/gpt-4o too" in bad.stderr


def test_an_unknown_hosted_model_names_the_closest_and_runs_nothing(tmp_path):
    store = tmp_path / "runs.db"
    bad = invoke("compare", EXAMPLE, "--limit", 2, "--store", store, "--hosted", "openai/gpt4o-mini", code=2)
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and "openai/gpt-4o-mini" in lines[0] and "closest" in lines[0]
    assert not store.exists()
