"""Files for other programs: ranked prompt files, results.csv and generations.jsonl."""

from __future__ import annotations

import csv
import json
import os
import platform
import re
from pathlib import Path

from greenprompt.inputs.machine import proc_cpu_model
from greenprompt.inputs.prompt_sets import dump_variant_file
from greenprompt.outputs.document import generation_rows, variant_row
from greenprompt.outputs.export_folder import MANIFEST, manifest_text, write_folder
from greenprompt.outputs.export_folder import prepare_export_dir as prepare_export_dir  # the API checks the folder first
from greenprompt.records import CarbonIntensity, JobRole, RunResult

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, limit: int = 80) -> str:
    """A file-name stem that cannot leave its directory or hide itself."""
    stem = _UNSAFE.sub("-", name).strip("-.")[:limit].strip("-.")
    return stem or "variant"


def export_run(result: RunResult, directory: str | Path, parquet: bool = False) -> list[Path]:
    """Write one prompt file per variant (named to sort by rank, readable by
    `greenprompt compare`), results.csv, generations.jsonl, a codecarbon-compatible
    emissions.csv, with `parquet` results/generations as Parquet, and the manifest that
    marks the folder as an export. The folder must be new, empty or a previous export,
    which is replaced as a whole (outputs.export_folder). Returns the paths."""
    return write_folder(directory, lambda out: _write_profile(result, out, parquet))


def _write_profile(result: RunResult, out: Path, parquet: bool) -> list[Path]:
    written = _write(result, out)
    written.append(write_emissions_csv(result, out / "emissions.csv"))
    if parquet:
        written += _write_parquet(result, out)
    manifest = out / MANIFEST
    manifest.write_text(manifest_text(result.run_id, result.serving), encoding="utf-8")
    return [*written, manifest]


# Where the run's carbon intensity came from, as codecarbon names a location. codecarbon
# itself, with no location, falls back to Canada (GeoMetadata.from_geo_js) and, for a code
# missing from its energy mix, to the world average (Emissions.get_country_emissions): so a
# world-average run is written as "WORLD", a code its dashboard reads as a string and its
# emissions code turns into the world average greenprompt used. Regions are lower-case, as
# codecarbon's GeoMetadata writes them; a country-wide figure has the country as its region.
_REGIONAL = re.compile(r"^(?P<region>.+), (?P<country>USA|Canada|China): ")
_COUNTRY_CODES = {"USA": "USA", "Canada": "CAN", "China": "CHN"}


def export_profiles(result: RunResult, directory: str | Path, parquet: bool = False) -> tuple[str, ...]:
    """The run's files; further serving profiles go beside the first one's, one folder each
    (the whole folder written at once, as export_run writes one)."""

    def write(out: Path) -> list[Path]:
        written = _write_profile(result, out, parquet)
        for other in result.other_servings:
            (out / other.serving).mkdir()
            written += _write_profile(other, out / other.serving, parquet)
        return written

    return tuple(map(str, write_folder(directory, write)))


def _country_names() -> dict[str, str]:
    from importlib import resources

    path = resources.files("codecarbon").joinpath("data", "private_infra", "global_energy_mix.json")
    return {code: row["country_name"] for code, row in json.loads(path.read_text(encoding="utf-8")).items()}


def carbon_location(carbon: CarbonIntensity) -> tuple[str, str, str]:
    """(country_iso_code, country_name, region) of the intensity record, read from its
    source (stored with every run, also runs stored before this column was filled)."""
    names = _country_names()
    regional = _REGIONAL.match(carbon.source)
    if regional:
        code = _COUNTRY_CODES[regional["country"]]
        return code, names.get(code, regional["country"]), regional["region"].lower()
    if carbon.source.startswith("world average"):
        return "WORLD", "World", "world"
    if carbon.source.startswith("given with"):
        return "WORLD", f"unknown (intensity given: {carbon.g_per_kwh:g} g/kWh)", "unknown"
    name = carbon.source.split(", ", 1)[0]
    code = next((c for c, n in names.items() if n == name), None)
    return (code, name, name.lower()) if code else ("WORLD", name, name.lower())


def _cpu_model(result: RunResult) -> str:
    """The CPU the meter priced (named in its stored constants), else this machine's."""
    source = str(result.energy.constants.get("cpu_w_source", ""))
    for pattern in (r"^codecarbon cpu_power\.csv: (.+) TDP [\d.]+ W / \d+ threads$",
                    r"^codecarbon's default, (.+) is not in its CPU power data$"):
        found = re.match(pattern, source)
        if found:
            return found[1]
    return proc_cpu_model() or platform.processor() or "unknown CPU"


def _ram_total_gb() -> float:
    """This machine's RAM in GB of 1024³ bytes, as codecarbon's RAM.machine_memory_GB."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return 0.0


def emissions_rows(result: RunResult) -> list[dict]:
    """One row per variant in codecarbon's emissions.csv columns (kg, kWh, W, seconds), so
    codecarbon's dashboard and loaders read greenprompt's results. Every column is filled
    as codecarbon fills it on a machine without GPU or cloud: the location of the run's
    carbon intensity, the CPU the meter priced, the machine's RAM, and codecarbon's
    defaults (0 for what is not measured, "N" for on_cloud, "process" tracking)."""
    from dataclasses import fields

    import codecarbon
    from codecarbon.output_methods.emissions_data import EmissionsData

    columns = [f.name for f in fields(EmissionsData)]
    constants = result.energy.constants
    country_iso_code, country_name, region = carbon_location(result.carbon)
    machine = dict(
        timestamp=result.started_at, project_name="greenprompt", run_id=result.run_id, country_name=country_name,
        country_iso_code=country_iso_code, region=region, cloud_provider="", cloud_region="", os=platform.platform(),
        python_version=platform.python_version(), codecarbon_version=codecarbon.__version__, cpu_count=os.cpu_count(),
        cpu_model=_cpu_model(result), gpu_count=0, gpu_model="", ram_total_size=_ram_total_gb(),
        tracking_mode="process", on_cloud="N", pue=result.carbon.pue, wue=0.0, water_consumed=0.0,
        cpu_utilization_percent=0.0, gpu_utilization_percent=0.0, ram_utilization_percent=0.0, ram_used_gb=0.0,
    )
    rows = []
    for v in result.variants:
        gens = [g for g in result.generations if g.role is JobRole.ANSWER and g.variant == v.name and not g.error]
        duration = sum(g.wall_s for g in gens)
        energy_kwh = sum(g.energy_j or 0.0 for g in gens) / 3.6e6
        if result.energy.method == "estimated":
            cpu_kwh = sum(g.cpu_s for g in gens) * constants["cpu_w_per_thread"] / 3.6e6
            ram_kwh = duration * constants["ram_w"] / 3.6e6
        else:
            cpu_kwh, ram_kwh = energy_kwh, 0.0
        emissions_kg = sum(g.gco2e or 0.0 for g in gens) / 1000
        row = dict.fromkeys(columns, "")
        row.update(machine)
        row.update(
            experiment_id=v.name, duration=duration, emissions=emissions_kg,
            emissions_rate=emissions_kg / duration if duration else 0.0,
            cpu_power=cpu_kwh * 3.6e6 / duration if duration else 0.0, gpu_power=0.0,
            ram_power=constants.get("ram_w", 0.0), cpu_energy=cpu_kwh, gpu_energy=0.0, ram_energy=ram_kwh,
            energy_consumed=energy_kwh,
        )
        rows.append({k: row[k] for k in columns})
    return rows


def write_emissions_csv(result: RunResult, path: Path) -> Path:
    rows = emissions_rows(result)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["timestamp"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def _write_parquet(result: RunResult, out: Path) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    results = _flat_variant_rows(result)
    paths = [out / "results.parquet", out / "generations.parquet"]
    pq.write_table(pa.Table.from_pylist(results), paths[0])
    pq.write_table(pa.Table.from_pylist(list(generation_rows(result))), paths[1])
    return paths


def _flat_variant_rows(result: RunResult) -> list[dict]:
    """Variant rows for tables: intervals and the baseline comparison are nested, so a cell holds them as JSON."""
    return [
        {**{k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in variant_row(s).items()}, "serving": result.serving}
        for s in result.variants
    ]


def _write(result: RunResult, out: Path) -> list[Path]:
    variants = {v.name: v for v in result.prompt_set.variants}
    width = max(2, len(str(len(result.variants))))
    written = []
    for position, summary in enumerate(result.variants, 1):
        if summary.name not in variants:
            continue  # a cascade combines two prompt files' answers; it is in results.csv
        # The rank prefix keeps every prompt file a variant file when the folder is read back
        # (inputs.prompt_sets.is_variant_file): a variant named README is written as 01-README.md.
        path = out / f"{position:0{width}d}-{safe_filename(summary.name)}.md"
        metrics = {k: v for k, v in variant_row(summary).items() if k != "name"}
        metrics.update(scorer=result.scorer, model_sha256=result.model.sha256, run_id=result.run_id, serving=result.serving)
        path.write_text(dump_variant_file(variants[summary.name], metrics), encoding="utf-8")
        written.append(path)

    rows = _flat_variant_rows(result)
    csv_path = out / "results.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["name"])
        writer.writeheader()
        writer.writerows(rows)
    written.append(csv_path)

    jsonl_path = out / "generations.jsonl"
    with jsonl_path.open("w", encoding="utf-8") as f:
        for row in generation_rows(result):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    written.append(jsonl_path)
    return written
