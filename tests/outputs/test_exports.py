"""Exports for other programs: codecarbon-compatible emissions.csv and Parquet."""

import dataclasses
import json

import pandas as pd
import pytest
from codecarbon.output_methods.emissions_data import EmissionsData

from conftest import EXAMPLE
from fakes import invoke


def test_emissions_csv_and_parquet(tmp_path):
    out = tmp_path / "out"
    result = invoke("compare", str(EXAMPLE), "--limit", "2", "--json", "--export", str(out),
                    "--parquet", "--bootstrap", "0")
    doc = json.loads(result.stdout)
    emissions = pd.read_csv(out / "emissions.csv")
    assert list(emissions.columns) == [f.name for f in dataclasses.fields(EmissionsData)]
    by = {v["name"]: v for v in doc["variants"]}
    assert sorted(emissions["experiment_id"]) == sorted(by)
    for _, row in emissions.iterrows():
        v = by[row["experiment_id"]]
        assert row["run_id"] == doc["run_id"] and row["project_name"] == "greenprompt"
        assert row["energy_consumed"] == pytest.approx(v["energy_j"] * v["n"] / 3.6e6)  # kWh, all of the variant's queries
        assert row["emissions"] == pytest.approx(v["gco2e"] * v["n"] / 1000)  # kg
        assert row["cpu_energy"] + row["ram_energy"] == pytest.approx(row["energy_consumed"], rel=1e-6)
    generations = pd.read_parquet(out / "generations.parquet")
    assert len(generations) == doc["totals"]["generations"] and {"output", "energy_j", "score"} <= set(generations.columns)
    results = pd.read_parquet(out / "results.parquet")
    assert list(results["name"]) == [v["name"] for v in doc["variants"]]
