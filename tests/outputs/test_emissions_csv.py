"""emissions.csv read back by codecarbon's own code: its dashboard's data path, its CSV
writer and its emissions computation, and by pandas with the dtypes codecarbon's own files have.

codecarbon's dashboard (`codecarbon.viz.carbonboard`) needs dash, which is not installed
here (an optional extra, `codecarbon[carbonboard]`). Its data code, `codecarbon.viz.data.Data`,
imports only `dash.dash_table.DataTable` (a container of `data` and `columns`), so that one
class is stood in for and every other call is codecarbon's: `viz()` reads the file with
`pd.read_csv`, then the callbacks call the `Data` methods and string methods below on it.
"""

import dataclasses
import sys
import types

import pandas as pd
import pytest
from codecarbon.core.emissions import Emissions
from codecarbon.core.units import Energy
from codecarbon.external.geography import GeoMetadata
from codecarbon.input import DataSource
from codecarbon.output_methods.emissions_data import EmissionsData
from codecarbon.output_methods.file import FileOutput

from greenprompt import compare
from greenprompt.analysis.energy_fit import fit_warning
from greenprompt.inputs.carbon import grid_intensity
from greenprompt.outputs.document import run_document
from greenprompt.outputs.export import write_emissions_csv
from greenprompt.outputs.terminal import energy_model_line
from greenprompt.records import EnergyFit

from conftest import EXAMPLE

NUMERIC = {f.name for f in dataclasses.fields(EmissionsData) if f.type in ("float", float)}
# empty in codecarbon's own file on a machine without GPU, cloud or geolocation
EMPTY_IN_CODECARBON = {"cloud_provider", "cloud_region", "gpu_model", "longitude", "latitude"}
STRINGS = {f.name for f in dataclasses.fields(EmissionsData)} - NUMERIC - {"timestamp"} - EMPTY_IN_CODECARBON


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    store = tmp_path_factory.mktemp("emissions") / "runs.db"
    return compare(EXAMPLE, limit=2, store=str(store), no_cache=True, bootstrap=0)


def _data_class():
    """codecarbon.viz.data.Data, with dash's DataTable stood in for (see the module doc)."""
    if "dash" not in sys.modules:
        dash = types.ModuleType("dash")
        dash.dash_table = types.SimpleNamespace(DataTable=types.SimpleNamespace)
        sys.modules["dash"] = dash
    from codecarbon.viz.data import Data

    return Data


def carbonboard(path):
    """What carbonboard's `viz` and its callbacks do with the file, in their order."""
    Data = _data_class()
    df = pd.read_csv(path)  # carbonboard.viz
    data = Data()
    project = data.get_project_data(df, df["project_name"].iloc[0])
    summary = data.get_project_summary(project.data)
    location = f"{summary['region']}, {summary['country_name']}"  # update_project_data
    assert round(summary["total"]["energy_consumed"], 1) >= 0 and sum(df["energy_consumed"]) > 0
    data.get_car_miles(summary["total"]["emissions"])  # update_exemplary_equivalents
    data.get_tv_time(summary["total"]["emissions"])
    data.get_household_fraction(summary["total"]["emissions"])
    regional_shown = summary["country_iso_code"].upper() in ["USA", "CAN"]  # update_show_regional_comparison
    data.get_cloud_emissions_barchart_data(summary["total"]["energy_consumed"], summary["on_cloud"],
                                           summary["cloud_provider"], summary["cloud_region"])
    if not regional_shown or summary["country_iso_code"] != "USA":
        # update_regional_comparison_choropleth; for the USA see test_codecarbons_own_usa_data_breaks_its_dashboard
        data.get_regional_emissions_choropleth_data(summary["total"]["energy_consumed"], summary["country_iso_code"])
    return summary, location


@pytest.mark.parametrize(
    "where, iso, name, region",
    [
        ({}, "WORLD", "World", "world"),
        ({"country": "FRA"}, "FRA", "France", "france"),
        ({"country": "USA", "region": "california"}, "USA", "United States", "california"),
        ({"g_per_kwh": 56.0}, "WORLD", "unknown (intensity given: 56 g/kWh)", "unknown"),
    ],
)
def test_codecarbons_dashboard_reads_our_file(result, tmp_path, where, iso, name, region):
    path = write_emissions_csv(dataclasses.replace(result, carbon=grid_intensity(**where)), tmp_path / "emissions.csv")
    summary, location = carbonboard(path)
    assert (summary["country_iso_code"], summary["country_name"], summary["region"]) == (iso, name, region)
    assert location == f"{region}, {name}" and summary["on_cloud"] == "N"


def test_codecarbons_own_usa_data_breaks_its_dashboard():
    # Not our file: codecarbon 3.3's bundled usa_emissions.json has a `_source` entry that
    # the dashboard's regional chart does not skip, whatever file it was given.
    data = _data_class()()
    with pytest.raises(KeyError, match="regionCode"):
        data.get_regional_emissions_choropleth_data(1.0, "USA")


def test_pandas_reads_codecarbons_dtypes(result, tmp_path):
    df = pd.read_csv(write_emissions_csv(result, tmp_path / "emissions.csv"))
    assert list(df.columns) == [f.name for f in dataclasses.fields(EmissionsData)]
    for column in NUMERIC:
        assert pd.api.types.is_numeric_dtype(df[column]), column
    for column in STRINGS:
        assert df[column].map(lambda x: isinstance(x, str) and x != "").all(), column
    for column in EMPTY_IN_CODECARBON:
        assert df[column].isna().all(), column
    row = df.iloc[0]
    assert row["tracking_mode"] == "process" and row["gpu_count"] == 0 and row["water_consumed"] == 0
    assert row["ram_total_size"] > 0 and row["cpu_count"] >= 1
    # the CPU the meter priced, named in the run's energy constants
    assert row["cpu_model"] in result.energy.constants["cpu_w_source"]


def test_codecarbons_writer_appends_to_our_file(result, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    path = write_emissions_csv(result, out / "emissions.csv")
    ours = pd.read_csv(path)
    theirs = EmissionsData(**{**ours.iloc[0].to_dict(), "run_id": "codecarbon-run", "cloud_provider": "",
                              "cloud_region": "", "gpu_model": ""})
    FileOutput("emissions.csv", str(out)).out(theirs, None)
    both = pd.read_csv(path)
    assert list(out.iterdir()) == [path], "codecarbon backed our file up: it found the header invalid"
    assert len(both) == len(ours) + 1 and both["run_id"].iloc[-1] == "codecarbon-run"


def test_codecarbon_recomputes_our_world_average_emissions(result, tmp_path):
    # a world-average run is written as WORLD, which codecarbon turns into its world average
    row = pd.read_csv(write_emissions_csv(result, tmp_path / "emissions.csv")).iloc[0]
    kg = Emissions(DataSource()).get_private_infra_emissions(
        Energy.from_energy(kWh=row["energy_consumed"]), GeoMetadata(country_iso_code=row["country_iso_code"])
    )
    assert result.carbon.source.startswith("world average")
    assert kg == pytest.approx(row["emissions"], rel=1e-9)


# ---- the fitted energy model's warning, in the report and the JSON (needs a real result too)


@pytest.mark.parametrize("fit, shown", [
    (EnergyFit(0.01, 0.05, -2.58, 0.03, 40, warning=fit_warning(0.01, 0.05, -2.58, 0.03)), False),
    (EnergyFit(0.01, 0.05, 0.2, 0.97, 40), True),
])
def test_an_untrustworthy_fit_is_reported_as_such(result, fit, shown):
    bad = dataclasses.replace(result, energy_fit=fit)
    line = energy_model_line(bad)
    assert ("/call" in line) is shown  # the equation is printed only when it holds
    if not shown:
        assert line.startswith("Energy model: not usable (negative J per call, R² 0.03 < 0.5")
    doc = run_document(bad)["energy_model"]
    assert doc["warning"] == fit.warning and doc["r2"] == fit.r2


def test_the_json_energy_model_always_has_a_warning_key(result):
    assert "warning" in run_document(result)["energy_model"]
    assert "warning" in run_document(dataclasses.replace(result, energy_fit=None))["energy_model"]
