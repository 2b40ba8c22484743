"""Grid carbon intensity from codecarbon's bundled, offline data; carbon of an energy figure."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from greenprompt.records import CarbonIntensity, Generation
from greenprompt.records.errors import GreenPromptError

WORLD = "WORLD"
J_PER_KWH = 3.6e6


LBS_PER_MWH_TO_G_PER_KWH = 453.59237 / 1000
# codecarbon's factors for the fossil part of a regional energy mix (kg/kWh), as its
# Emissions._region_energy_mix_to_emissions_rate uses them for Canadian provinces.
FOSSIL_KG_PER_KWH = {"coal": 0.995725971, "petroleum": 0.8166885263, "naturalGas": 0.7438415916}
REGION_FILES = {
    "USA": "2023/usa_emissions.json",
    "CAN": "2023/canada_energy_mix.json",
    "CHN": "2023/china_provincial_emissions.json",
}


def _codecarbon_json(name: str) -> dict:
    # Read the data files directly: codecarbon's trackers would look up the location online.
    # Found without importing codecarbon, whose __init__ loads its tracker (rapidfuzz,
    # psutil...): 0.07 s and 6 MB of a one-item `compare`, measured.
    spec = importlib.util.find_spec("codecarbon")
    root = Path(next(iter(spec.submodule_search_locations)))
    with root.joinpath("data", "private_infra", *name.split("/")).open("r", encoding="utf-8") as f:
        return json.load(f)


def _region_intensity(country: str, region: str, pue: float) -> CarbonIntensity:
    if country not in REGION_FILES:
        raise GreenPromptError(
            f"--region {region}: codecarbon has regional data only for {', '.join(REGION_FILES)}; "
            f"drop --region or use --country with one of them"
        )
    data = _codecarbon_json(REGION_FILES[country])
    key = region.strip().lower()
    if country == "USA":
        rows = {k: v for k, v in data.items() if not k.startswith("_")}
        match = next((k for k, v in rows.items() if key in (k, str(v.get("regionCode", "")).lower())), None)
        if match:
            source = data.get("_source", {})
            return CarbonIntensity(
                rows[match]["emissions"] * LBS_PER_MWH_TO_G_PER_KWH,
                f"{match.title()}, USA: {source.get('name', 'EPA eGRID')} {source.get('year', '')} (codecarbon's bundled data)",
                pue,
            )
        choices = sorted(rows)
    elif country == "CAN":
        if key in data:
            mix = data[key]
            kg = sum(mix.get(src, 0.0) / mix["total"] * f for src, f in FOSSIL_KG_PER_KWH.items())
            return CarbonIntensity(
                kg * 1000, f"{key.title()}, Canada: 2023 energy mix x fossil emission factors (codecarbon's bundled data)", pue
            )
        choices = sorted(data)
    else:
        provinces = data["data"]
        match = next((k for k, v in provinces.items() if key == k.lower() or key in v.get("names", [])), None)
        if match:
            row = provinces[match]
            return CarbonIntensity(
                float(row["emission_factor"]),
                f"{row['description']}, China: MEE/NBS {row.get('year', '')} provincial factor, CO2 only (codecarbon's bundled data)",
                pue,
            )
        choices = sorted(provinces)
    raise GreenPromptError(f"--region {region}: not found for {country}; known regions: {', '.join(choices)}")


def grid_intensity(
    country: str | None = None, g_per_kwh: float | None = None, pue: float = 1.0, region: str | None = None
) -> CarbonIntensity:
    """Carbon intensity for `country` (ISO 3166 alpha-3) and optional `region`, a given
    figure, or the world average."""
    if pue < 1.0:
        raise GreenPromptError(f"--pue must be at least 1.0 (a data centre cannot use less than its IT load), got {pue}")
    if g_per_kwh is not None:
        if g_per_kwh < 0:
            raise GreenPromptError(f"--carbon-intensity must be >= 0 g/kWh, got {g_per_kwh}")
        return CarbonIntensity(g_per_kwh, "given with --carbon-intensity", pue)
    code = (country or WORLD).upper()
    if region:
        return _region_intensity(code, region, pue)
    if code == WORLD:
        data = _codecarbon_json("carbon_intensity_per_source.json")
        return CarbonIntensity(
            float(data["world_average"]),
            "world average (IEA Global Energy & CO2 Status Report 2019, via codecarbon's bundled data)",
            pue,
        )
    mix = _codecarbon_json("global_energy_mix.json")
    if code not in mix:
        raise GreenPromptError(
            f"--country {country}: no carbon intensity for this code in codecarbon's data; "
            "use an ISO 3166 alpha-3 code such as FRA, DEU, USA, or WORLD, or --carbon-intensity G_PER_KWH"
        )
    row = mix[code]
    return CarbonIntensity(
        float(row["carbon_intensity"]),
        f"{row.get('country_name', code)}, {row.get('year', 'year unknown')} energy mix (codecarbon's bundled data)",
        pue,
    )


def gco2e(energy_j: float | None, intensity: CarbonIntensity) -> float | None:
    """Grams CO2e for an energy figure: kWh x g/kWh x PUE. Unknown energy stays unknown."""
    if energy_j is None:
        return None
    return energy_j / J_PER_KWH * intensity.g_per_kwh * intensity.pue


def node_intensities(node_carbon: Iterable[str]) -> dict[str, float]:
    """--node-carbon HOST=G_PER_KWH values as {host: g/kWh} (the last one given for a host wins)."""
    return {host: float(g) for host, _, g in (str(v).rpartition("=") for v in node_carbon)}


def node_intensity(intensity: CarbonIntensity, host: str | None, nodes: Mapping[str, float]) -> CarbonIntensity:
    """The intensity of the node named `host`: its own --node-carbon figure (the run's PUE
    kept), else the run's."""
    if host is None or host not in nodes:
        return intensity
    return CarbonIntensity(nodes[host], f"--node-carbon {host}={nodes[host]:g}", intensity.pue)


def with_run_carbon(
    generations: Iterable[Generation], intensity: CarbonIntensity, nodes: Mapping[str, float] | None = None
) -> tuple[Generation, ...]:
    """The one place a run's generations get their carbon: each one's energy at this run's
    intensity and PUE, whether it was measured now or reused from the cache (whose stored
    gCO2e belongs to the run that measured it). Every carbon figure of a run (variants,
    intervals, comparisons, frontier, totals, exports, gate) is built from these. A
    generation whose figure is already this run's is kept, not copied: copying all 30,000 of
    test_scale's generations while the analysis holds them raised its peak memory."""
    nodes = nodes or {}  # per-node intensities by host (--node-carbon): a node's generations use its own
    return tuple(_with(g, gco2e(g.energy_j, node_intensity(intensity, g.host, nodes))) for g in generations)


def _with(g: Generation, carbon: float | None) -> Generation:
    return g if g.gco2e == carbon else replace(g, gco2e=carbon)
