"""The CI gate: unit tests on synthetic results, and the real CLI on a real run."""

import json
from xml.etree import ElementTree as ET

import pytest

from greenprompt.outputs.gate import Thresholds, junit_xml, markdown_summary, run_checks
from greenprompt.records.errors import GreenPromptError

from conftest import EXAMPLE
from fakes import invoke


def doc(**variants):
    rows = []
    for name, (quality, gco2e, extra) in variants.items():
        rows.append({"name": name, "quality": quality, "gco2e": gco2e, "energy_j": gco2e * 1e4, "pareto_rank": 1,
                     "on_frontier": True, **extra})
    return {"run_id": "r", "variants": rows, "recommended": None, "knee": rows[0]["name"],
            "model": {"name": "m"}, "dataset": {"n_items": 10}, "scorer": "exact", "energy_method": "estimated",
            "carbon_intensity_g_per_kwh": 475}


def test_thresholds_on_the_knee_by_default():
    d = doc(a=(0.8, 0.001, {}), b=(0.5, 0.0005, {}))
    checks = run_checks(d, Thresholds(min_quality=0.7, max_gco2e=0.002))
    assert [(c.variant, c.name, c.passed) for c in checks] == [("a", "min-quality", True), ("a", "max-gco2e", True)]
    checks = run_checks(d, Thresholds(min_quality=0.7), all_variants=True)
    assert [c.passed for c in checks] == [True, False]
    with pytest.raises(GreenPromptError, match="not in this run"):
        run_checks(d, Thresholds(min_quality=0.1), names=["zzz"])


def test_regression_needs_to_exceed_the_limit_and_the_interval():
    base = doc(a=(0.80, 0.0010, {}))
    within_ci = doc(a=(0.70, 0.0010, {"quality_ci": [0.60, 0.85], "gco2e_ci": [0.0009, 0.0011]}))
    beyond_ci = doc(a=(0.70, 0.0013, {"quality_ci": [0.65, 0.75], "gco2e_ci": [0.00125, 0.00135]}))
    small = doc(a=(0.79, 0.00101, {}))
    t = Thresholds(max_regression_pct=5)
    assert all(c.passed for c in run_checks(within_ci, t, base))  # a 12% drop, but inside the noise
    assert [c.passed for c in run_checks(beyond_ci, t, base)] == [False, False]
    assert all(c.passed for c in run_checks(small, t, base))  # within 5%
    missing = run_checks(doc(b=(0.9, 0.001, {})), t, base)
    assert missing[0].name == "regression" and not missing[0].passed


def test_junit_and_summary():
    d = doc(a=(0.8, 0.001, {}))
    checks = run_checks(d, Thresholds(min_quality=0.9, max_energy_j=100))
    suite = ET.fromstring(junit_xml(d, checks))
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["min-quality", "max-energy-j"]
    assert cases[0].find("failure") is not None and cases[1].find("failure") is None
    md = markdown_summary(d, checks)
    assert md.startswith("❌") and "| min-quality | a | ❌" in md and "| 1 | a | 0.800 |" in md




@pytest.fixture(scope="module")
def results_file(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gate")
    result = invoke("compare", str(EXAMPLE), "--limit", "2", "--json", "--store", str(tmp / "s.db"),
                    "--min-quality", "0.0")
    path = tmp / "run.json"
    path.write_text(result.stdout)
    return path, json.loads(result.stdout)


def test_check_exit_codes_files_and_store_source(results_file, tmp_path):
    path, run = results_file
    ok = invoke("check", str(path), "--min-quality", "0", "--junit", str(tmp_path / "j.xml"),
                "--summary", str(tmp_path / "s.md"))
    # which variant and why, then its checks (tests/outputs/test_chosen.py)
    assert ok.stdout.startswith("Checked: ") and ok.stdout.splitlines()[1].startswith("PASS")
    assert ET.parse(tmp_path / "j.xml").getroot().get("failures") == "0"
    assert (tmp_path / "s.md").read_text().startswith("✅")

    fail = invoke("check", str(path), "--max-gco2e", "1e-12", "--all", "--json", code=1)
    verdict = json.loads(fail.stdout)
    assert verdict["passed"] is False and len(verdict["checks"]) == len(run["variants"])

    same = invoke("check", str(path), "--against", str(path), "--max-regression", "1")
    assert "quality-regression" in same.stdout

    invoke("check", run["run_id"], "--store", str(path.parent / "s.db"), "--min-quality", "0")


def test_check_bad_input(results_file, tmp_path):
    path, _ = results_file
    nothing = invoke("check", str(path), code=2)
    assert "nothing to check" in nothing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    broken = invoke("check", str(bad), "--min-quality", "0.5", code=2)
    assert "not a JSON document" in broken.stderr
