"""`greenprompt runs list/show/export/rm` and `report`: the commands that read the store."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Optional

import typer

from greenprompt.cli.commands import Group
from greenprompt.cli.common import JsonOption, QuietOption, RunArgument, StoreOption, done, print_json, stdout
from greenprompt.records.config_groups import HostedConfig
from greenprompt.records.options import meta


def _help(name: str) -> str:  # the option's help as compare and optimize declare it
    return meta(next(f for f in dataclasses.fields(HostedConfig) if f.name == name)).help


HostedOption = Annotated[Optional[list[str]], typer.Option("--hosted", help=_help("hosted"))]
HostedZoneOption = Annotated[Optional[str], typer.Option("--hosted-zone", help=_help("hosted_zone"))]
FrontierOnOption = Annotated[Optional[str], typer.Option("--frontier-on", help=_help("frontier_on"))]

runs_app = typer.Typer(cls=Group, help="Stored runs: list, show, export, remove.", no_args_is_help=True)


def runs_list(store: StoreOption = None, as_json: JsonOption = False, quiet: QuietOption = False) -> None:
    """List stored runs: id, date, prompt set, dataset, model, variants, status."""
    from dataclasses import asdict

    from rich.table import Table

    from greenprompt.api.runs import list_runs

    rows = list_runs(store)
    if as_json:
        print_json({"runs": [asdict(r) for r in rows]})
        return
    if quiet:
        return
    table = Table(box=None, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("date (UTC)", no_wrap=True)
    for header in ("prompt set", "dataset", "model"):
        table.add_column(header, overflow="fold")
    table.add_column("variants", justify="right")
    table.add_column("status", no_wrap=True)
    table.add_column("done", justify="right", no_wrap=True)
    for r in rows:
        table.add_row(
            r.id,
            r.created_at.replace("T", " ")[:16],
            Path(r.prompt_set).name,
            Path(r.dataset).name,
            r.model,
            str(len(r.variants)),
            r.status,
            f"{r.n_done}/{r.n_jobs}",
        )
    stdout.print(table if rows else "no runs stored yet")


def runs_show(
    run: RunArgument,
    store: StoreOption = None,
    scorer: Annotated[Optional[str], typer.Option(help="Re-score with another scorer (no model needed).")] = None,
    min_quality: Annotated[
        Optional[float], typer.Option("--min-quality", help="Choose the greenest variant with at least this quality (else the knee).")
    ] = None,
    baseline: Annotated[Optional[str], typer.Option(help="Variant the others are compared with.")] = None,
    ci_level: Annotated[Optional[float], typer.Option("--ci-level", help="Confidence level of the intervals.")] = None,
    bootstrap: Annotated[Optional[int], typer.Option(help="Bootstrap resamples.")] = None,
    export: Annotated[
        Optional[Path], typer.Option(help="Also write the ranked prompt files, results.csv and generations.jsonl here.")
    ] = None,
    hosted: HostedOption = None,
    hosted_zone: HostedZoneOption = None,
    frontier_on: FrontierOnOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Show a stored run as compare did, recomputed from the store (no model needed)."""
    from greenprompt.api.runs import show_run
    from greenprompt.cli.compare import present

    result = show_run(
        run, store, scorer=scorer, min_quality=min_quality, baseline=baseline, ci_level=ci_level, bootstrap=bootstrap, export=export,
        hosted=tuple(hosted or ()), hosted_zone=hosted_zone, frontier_on=frontier_on,
    )
    present(result, as_json, quiet, export)


def runs_export(
    run: RunArgument,
    directory: Annotated[Path, typer.Argument(help="Directory to write to.")],
    store: StoreOption = None,
    parquet: Annotated[bool, typer.Option("--parquet", help="Also results.parquet and generations.parquet.")] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write a stored run's ranked prompt files, results.csv, generations.jsonl and emissions.csv."""
    from greenprompt.api.runs import export_stored_run

    run_id, written = export_stored_run(run, directory, store, parquet)
    done(as_json, quiet, f"exported {len(written)} files to {directory}", {"run_id": run_id, "written": list(map(str, written))})


def runs_rm(run: RunArgument, store: StoreOption = None, as_json: JsonOption = False, quiet: QuietOption = False) -> None:
    """Remove a stored run and its generations (they no longer serve as cache)."""
    from greenprompt.api.runs import remove_run

    run_id = remove_run(run, store)
    done(as_json, quiet, f"removed run {run_id}", {"removed": run_id})


def report(
    run: Annotated[str, typer.Argument(help="Stored run: id, unique prefix, or 'last'.")],
    html_file: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
    png: Annotated[Optional[Path], typer.Option(help="Write the chart as PNG here.")] = None,
    svg: Annotated[Optional[Path], typer.Option(help="Write the chart as SVG here.")] = None,
    store: StoreOption = None,
    hosted: HostedOption = None,
    hosted_zone: HostedZoneOption = None,
    frontier_on: FrontierOnOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write a stored run's report: interactive HTML (no network needed) and static images."""
    from greenprompt.api.runs import report as write_report

    run_id, written = write_report(
        run, store, html=html_file, png=png, svg=svg, hosted=tuple(hosted or ()), hosted_zone=hosted_zone, frontier_on=frontier_on
    )
    done(as_json, quiet, f"wrote {', '.join(map(str, written))}", {"run_id": run_id, "written": list(map(str, written))})
