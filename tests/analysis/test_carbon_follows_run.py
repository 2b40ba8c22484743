"""Every carbon figure of a run follows that run's intensity and PUE, also when its energy
is reused from the cache: the same run first at the world average, then served entirely
from the cache in France, then at a given intensity and PUE. Every gco2e (generations,
variants, intervals, projections, comparisons, totals, experiment footprint, results.csv,
emissions.csv, generations.jsonl and the gate's checks) is the first run's times exactly
the ratio of the two intensities x PUE."""

from __future__ import annotations

import csv
import json

import pytest

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.inputs.carbon import J_PER_KWH
from greenprompt.outputs.document import run_document
from greenprompt.outputs.export import export_run
from greenprompt.outputs.gate import Thresholds, run_checks
from greenprompt.records.config import Config

from conftest import EXAMPLE
from fakes import FixedBackend, FixedMeter

EXACT = 1e-9


def _run(tmp_path, name: str, **carbon) -> tuple[dict, dict]:
    """One run (its --json document) and its exported files."""
    config = Config(
        prompts=str(EXAMPLE), limit=2, repeats=2, baseline="terse", volume=1000.0, store=str(tmp_path / "store.db"), **carbon
    )
    result = run_comparison(config, executor=LocalExecutor(FixedBackend, FixedMeter))
    doc = json.loads(json.dumps(run_document(result)))
    out = tmp_path / name
    export_run(result, out)
    with (out / "results.csv").open(encoding="utf-8") as f:
        results = {row["name"]: row for row in csv.DictReader(f)}
    with (out / "emissions.csv").open(encoding="utf-8") as f:
        emissions = {row["experiment_id"]: row for row in csv.DictReader(f)}
    generations = [json.loads(line) for line in (out / "generations.jsonl").read_text(encoding="utf-8").splitlines()]
    files = {"results": results, "emissions": emissions, "generations": generations}
    return doc, files


def _factor(doc: dict) -> float:
    return doc["carbon_intensity_g_per_kwh"] * doc["pue"]


def _scaled(value, ratio):
    if value is None:
        return None
    if isinstance(value, list):
        return [_scaled(v, ratio) for v in value]
    return pytest.approx(value * ratio, rel=EXACT, abs=1e-15)


def _assert_gate_uses(doc: dict, variant: dict, expected: float) -> None:
    """The gate passes a --max-gco2e a hair above the expected figure and fails one a hair below."""
    above = run_checks(doc, Thresholds(max_gco2e=expected * (1 + 1e-7)), names=[variant["name"]])
    below = run_checks(doc, Thresholds(max_gco2e=expected * (1 - 1e-7)), names=[variant["name"]])
    assert [c.passed for c in above] == [True] and [c.passed for c in below] == [False]


def _assert_follows(first: tuple[dict, dict], later: tuple[dict, dict]) -> None:
    doc0, files0 = first
    doc, files = later
    ratio = _factor(doc) / _factor(doc0)
    assert ratio != pytest.approx(1.0)
    assert doc["totals"]["cached"] == doc["totals"]["generations"] == doc0["totals"]["generations"]
    assert doc["totals"]["energy_j"] == pytest.approx(doc0["totals"]["energy_j"], rel=EXACT)
    assert doc["totals"]["gco2e"] == _scaled(doc0["totals"]["gco2e"], ratio)
    assert doc["frontier"] == doc0["frontier"] and doc["recommended"] == doc0["recommended"]
    for v0, v in zip(doc0["variants"], doc["variants"], strict=True):
        assert v["name"] == v0["name"]
        assert v["energy_j"] == pytest.approx(v0["energy_j"], rel=EXACT)
        for key in ("gco2e", "gco2e_ci", "annual_kgco2e"):
            assert v[key] == _scaled(v0[key], ratio), (v["name"], key)
        if v0["vs_baseline"] is not None:  # relative figures do not move with the intensity
            for key in ("delta_gco2e_pct", "delta_gco2e_pct_ci"):
                assert v["vs_baseline"][key] == _scaled(v0["vs_baseline"][key], 1.0), (v["name"], key)
        _assert_gate_uses(doc, v, v0["gco2e"] * ratio)
        row0, row = files0["results"][v["name"]], files["results"][v["name"]]
        assert float(row["gco2e"]) == _scaled(float(row0["gco2e"]), ratio)
        assert json.loads(row["gco2e_ci"]) == _scaled(json.loads(row0["gco2e_ci"]), ratio)
        assert float(row["annual_kgco2e"]) == _scaled(float(row0["annual_kgco2e"]), ratio)
        em0, em = files0["emissions"][v["name"]], files["emissions"][v["name"]]
        for key in ("emissions", "emissions_rate"):
            assert float(em[key]) == _scaled(float(em0[key]), ratio), (v["name"], key)
        assert float(em["pue"]) == doc["pue"]
    for g0, g in zip(files0["generations"], files["generations"], strict=True):
        assert g["cached"] and g["gco2e"] == _scaled(g0["gco2e"], ratio)
    # The experiment's own footprint (this process's work, not the first run's): its carbon
    # is its energy at this run's intensity and PUE, part by part.
    per_joule = _factor(doc) / J_PER_KWH
    experiment = doc["experiment"]
    for span in (experiment, *(experiment[p] for p in ("model_load", "prefix_fill", "generations", "overhead"))):
        assert span["gco2e"] == _scaled(span["energy_j"], per_joule)


def test_a_cached_run_in_another_country_scales_every_gco2e_by_the_intensity_ratio(tmp_path):
    world = _run(tmp_path, "world")
    assert world[0]["totals"]["cached"] == 0
    france = _run(tmp_path, "france", country="FRA")
    assert france[0]["carbon_intensity_g_per_kwh"] < world[0]["carbon_intensity_g_per_kwh"] / 5
    _assert_follows(world, france)


def test_a_cached_run_with_a_given_intensity_and_pue_scales_every_gco2e(tmp_path):
    world = _run(tmp_path, "world")
    given = _run(tmp_path, "given", carbon_intensity=100.0, pue=1.2)
    assert (given[0]["carbon_intensity_g_per_kwh"], given[0]["pue"]) == (100.0, 1.2)
    _assert_follows(world, given)
