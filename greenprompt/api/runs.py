"""Stored runs: list, show (re-scored without a model), export, remove, report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from greenprompt.records import RunResult
from greenprompt.records.errors import GreenPromptError


def open_store(store: str | Path | None = None):
    """The run store (default: $GREENPROMPT_HOME/greenprompt.db); it must exist already."""
    from greenprompt.engine.store import RunStore, default_store_path

    path = default_store_path(store)
    if not path.exists():
        raise GreenPromptError(f"{path}: no run store here yet; run `greenprompt compare` first or pass --store PATH")
    return RunStore(path)


def list_runs(store: str | Path | None = None) -> list:
    """Every stored run's row: id, date, prompt set, dataset, model, variants, status."""
    with open_store(store) as s:
        return s.list_runs()


def show_run(
    run: str,
    store: str | Path | None = None,
    *,
    scorer: str | None = None,
    min_quality: float | None = None,
    baseline: str | None = None,
    ci_level: float | None = None,
    bootstrap: int | None = None,
    export: str | Path | None = None,
    parquet: bool = False,
    hosted: tuple[str, ...] = (),
    hosted_zone: str | None = None,
    frontier_on: str | None = None,
) -> RunResult:
    """A stored run recomputed from the store (no model needed), optionally re-scored and exported.
    `hosted`, `hosted_zone`, `frontier_on` replace the stored projections' options when given."""
    from greenprompt.analysis.result import result_from_store

    with open_store(store) as s:
        stored = s.load_run(run)
    names = stored.header.variant_names
    if baseline is not None and baseline not in names:
        raise GreenPromptError(f"--baseline {baseline}: no such variant; variants: {', '.join(names)}")
    projections = _hosted_overrides(stored.header, hosted, hosted_zone, frontier_on)
    result = result_from_store(
        stored, scorer, min_quality=min_quality, baseline=baseline, ci_level=ci_level, n_bootstrap=bootstrap, **projections
    )
    if export is None:
        return result
    from dataclasses import replace

    from greenprompt.outputs.export import export_profiles

    return replace(result, written=export_profiles(result, export, parquet))


def _hosted_overrides(header, hosted: tuple[str, ...], zone: str | None, frontier_on: str | None) -> dict[str, Any]:
    """The hosted-projection overrides of a stored run's analysis, checked against the
    options they combine with (None keeps the stored value)."""
    from greenprompt.analysis.result import analysis_options
    from greenprompt.inputs.hosted_models import check_hosted

    overrides = {"hosted": tuple(hosted) or None, "hosted_zone": zone, "frontier_on": frontier_on}
    options = analysis_options(header, **overrides)
    check_hosted(options.hosted, options.hosted_zone, options.frontier_on)
    return overrides


def export_stored_run(run: str, directory: str | Path, store: str | Path | None = None, parquet: bool = False) -> tuple[str, list[Path]]:
    """Write a stored run's ranked prompt files, results.csv, generations.jsonl and
    emissions.csv: (run id, files written)."""
    from greenprompt.analysis.result import result_from_store
    from greenprompt.outputs.export import export_run

    with open_store(store) as s:
        stored = s.load_run(run)
    return stored.row.id, export_run(result_from_store(stored), directory, parquet=parquet)


def remove_run(run: str, store: str | Path | None = None) -> str:
    """Remove a stored run and its generations; the id removed."""
    with open_store(store) as s:
        run_id = s.resolve_id(run)
        s.remove_run(run_id)
    return run_id


def report(
    run: str,
    store: str | Path | None = None,
    *,
    html: str | Path | None = None,
    png: str | Path | None = None,
    svg: str | Path | None = None,
    hosted: tuple[str, ...] = (),
    hosted_zone: str | None = None,
    frontier_on: str | None = None,
) -> tuple[str, list[Path]]:
    """Write a stored run's HTML report and chart images: (run id, files written); the
    hosted options as `show_run`'s."""
    from greenprompt.analysis.result import result_from_store
    from greenprompt.outputs.html import write_html, write_image

    if not any((html, png, svg)):
        raise GreenPromptError("nothing to write: give --html FILE, --png FILE and/or --svg FILE")
    with open_store(store) as s:
        stored = s.load_run(run)
    result = result_from_store(stored, **_hosted_overrides(stored.header, hosted, hosted_zone, frontier_on))
    written = [write_html(result, Path(html))] if html else []
    written += [write_image(result, Path(image)) for image in (png, svg) if image]
    return result.run_id, written


def load_document(source: str | Path, store: str | Path | None = None) -> dict[str, Any]:
    """A run's JSON document from a results file, or recomputed from the store by run id."""
    from greenprompt.inputs.results_file import read_results_file
    from greenprompt.outputs.document import run_document

    path = Path(source)
    if path.suffix == ".json" or path.is_file():
        return read_results_file(path)
    from greenprompt.analysis.result import result_from_store

    with open_store(store) as s:
        return run_document(result_from_store(s.load_run(str(source))))
