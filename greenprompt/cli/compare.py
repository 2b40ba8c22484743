"""`greenprompt compare`: its options (derived from Config), one API call, the presentation."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Optional

import typer

from greenprompt.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_INTERRUPTED,
    JsonOption,
    QuietOption,
    print_checks,
    print_json,
    sigterm_as_interrupt,
    stderr,
    stdout,
)
from greenprompt.cli.options import given_on_command_line, with_config_options
from greenprompt.records.config import Config

ConfigOption = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        "-c",
        envvar="GREENPROMPT_CONFIG",
        help="Experiment file: prompt set, dataset, model, metering, thresholds and outputs in one YAML file.",
    ),
]


@with_config_options(Config)
def compare(
    ctx: typer.Context,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    **options,
) -> None:
    """Run every prompt variant over the dataset, metered, and rank them on quality vs carbon."""
    from greenprompt.api.compare import configure, run_configured
    from greenprompt.outputs.terminal import ProgressDisplay

    given = given_on_command_line(ctx, options)
    with sigterm_as_interrupt(), ProgressDisplay(stderr, enabled=stderr.is_terminal and not quiet) as progress:
        checked, prompt_set = configure(experiment=config, given=given)
        result = run_configured(checked, prompt_set, progress)
    present(result, as_json, quiet)
    stopped = next((r for r in result.profiles if r.interrupted), None)
    if stopped is not None:
        # the run's header keeps every option: its id and its store are all a resume needs
        store = f" --store {shlex.quote(checked.store)}" if checked.store else ""
        stderr.print(f"interrupted: resume with `greenprompt compare --resume {stopped.run_id}{store}`",
                     markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    if result.gate is not None:
        print_checks(result.gate.checks, quiet, to_stderr=True, checked=result.gate.checked)
        if not result.gate.passed:
            raise typer.Exit(EXIT_CHECK_FAILED)


def present(result, as_json: bool, quiet: bool, export: Optional[Path] = None) -> None:
    """A run's result as the report or the JSON document, after the export's line (quiet:
    the document alone, if asked for); shared by compare and runs show."""
    from greenprompt.api.compare import to_json
    from greenprompt.outputs.terminal import print_report

    if result.written and not as_json and not quiet:
        where = export or Path(result.written[0]).parent
        stderr.print(f"exported {len(result.written)} files to {where}")
    if result.mlflow_run_id and not quiet:
        stderr.print(f"logged to MLflow as run {result.mlflow_run_id}")
    if as_json:
        print_json(to_json(result))
    elif not quiet:
        print_report(result, stdout)
