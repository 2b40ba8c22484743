"""Grid carbon intensity from codecarbon's bundled, offline data; carbon of an energy figure."""

from __future__ import annotations

import json
from importlib import resources

from greenprompt.errors import GreenPromptError
from greenprompt.records import CarbonIntensity

WORLD = "WORLD"
J_PER_KWH = 3.6e6


def _codecarbon_json(name: str) -> dict:
    # Read the data files directly: codecarbon's trackers would look up the location online.
    with resources.files("codecarbon").joinpath("data", "private_infra", name).open("r", encoding="utf-8") as f:
        return json.load(f)


def grid_intensity(country: str | None = None, g_per_kwh: float | None = None, pue: float = 1.0) -> CarbonIntensity:
    """Carbon intensity for `country` (ISO 3166 alpha-3), a given figure, or the world average."""
    if pue < 1.0:
        raise GreenPromptError(f"--pue must be at least 1.0 (a data centre cannot use less than its IT load), got {pue}")
    if g_per_kwh is not None:
        if g_per_kwh < 0:
            raise GreenPromptError(f"--carbon-intensity must be >= 0 g/kWh, got {g_per_kwh}")
        return CarbonIntensity(g_per_kwh, "given with --carbon-intensity", pue)
    code = (country or WORLD).upper()
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
