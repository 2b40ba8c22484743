"""Issue 13 item 5, end to end with the real default model: every output says which
variant the run chose (the gate's default, the payback's target) and the rule that chose
it, and the starter file from `greenprompt init` gates what its comments say."""

import json
from xml.etree import ElementTree as ET

import pytest

from fakes import invoke

KNEE = "knee of the frontier: no min_quality given"


@pytest.fixture(scope="module")
def starter(tmp_path_factory):
    """The starter experiment, run as written (3 items), and the same prompt set run
    without min_quality into the same store (its generations come from the cache)."""
    tmp = tmp_path_factory.mktemp("starter")
    invoke("init", tmp)
    store = tmp / "runs.db"
    gated = invoke("compare", "-c", tmp / "greenprompt.yaml", "--limit", 3, "--bootstrap", 200, "--store", store, code=None)
    assert gated.exit_code in (0, 1), (gated.stdout, gated.stderr, gated.exception)
    plain = json.loads(invoke("compare", tmp / "prompts.yaml", "--limit", 3, "--bootstrap", 200, "--store", store, "--json").stdout)
    return tmp, store, gated, plain


def test_the_starter_gate_checks_the_greenest_variant_reaching_its_min_quality(starter):
    tmp, _, gated, _ = starter
    results = tmp / "results"
    doc = json.loads((results / "run.json").read_text())
    reaching = [v for v in doc["variants"] if v["quality"] >= 0.5]
    chosen = doc["chosen"]
    if reaching:
        greenest = min(reaching, key=lambda v: v["gco2e"])["name"]
        assert chosen == {"variant": greenest, "rule": "greenest_meeting_min_quality", "reason": "greenest variant with quality ≥ 0.5"}
    else:
        assert chosen == {"variant": doc["knee"], "rule": "knee", "reason": "knee of the frontier: no variant reaches quality ≥ 0.5"}
    # as the starter's comment says: the gate fails only when no variant reaches 0.5
    assert gated.exit_code == (0 if reaching else 1)
    checked = f"{chosen['variant']}, the run's chosen variant ({chosen['reason']})"
    assert f"Checked: {checked}" in gated.stderr
    suite = ET.parse(results / "junit.xml").getroot()
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["checked"].startswith(checked)
    assert [c.get("classname") for c in suite.iter("testcase")] == [f"greenprompt.{chosen['variant']}"]
    assert f"Checked: {checked}" in (results / "summary.md").read_text()
    # the report's chosen line, and the payback line naming the same rule
    assert chosen["reason"] in doc["experiment"]["payback_reason"]
    report = " ".join(gated.stdout.split())  # rich wraps long lines
    assert "Payback: " in report and chosen["reason"] in report.split("Payback: ", 1)[1]
    assert (f"the {chosen['reason']} is {chosen['variant']}, the chosen variant" in report
            or f"Chosen: {chosen['variant']}, the {chosen['reason']}" in report)


def test_without_min_quality_every_output_says_the_knee_is_checked(starter, tmp_path):
    tmp, store, _, plain = starter
    assert plain["min_quality"] is None and plain["recommended"] is None
    knee = plain["knee"]
    assert plain["chosen"] == {"variant": knee, "rule": "knee", "reason": KNEE}
    assert plain["serving_profiles"][0]["chosen"] == plain["chosen"]
    run_json = tmp_path / "run.json"
    run_json.write_text(json.dumps(plain))
    # docs/ci.md's gate on such a run
    gate = invoke("check", run_json, "--min-quality", 0.5, "--summary", tmp_path / "s.md", "--json", code=None)
    verdict = json.loads(gate.stdout)
    assert verdict["checked"].startswith(f"{knee}, the run's chosen variant ({KNEE})")
    assert {c["variant"] for c in verdict["checks"]} == {knee}
    assert f"Checked: {verdict['checked']}." in (tmp_path / "s.md").read_text()
    shown = " ".join(invoke("runs", "show", plain["run_id"], "--store", store).stdout.split())
    assert f"Chosen: {knee}, the {KNEE} (the gate checks it and the payback switches to it;" in shown
    invoke("report", plain["run_id"], "--store", store, "--html", tmp_path / "r.html")
    assert f"Chosen: {knee}, the {KNEE}" in (tmp_path / "r.html").read_text()
