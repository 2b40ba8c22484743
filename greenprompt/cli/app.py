"""The `greenprompt` command: the typer app, its commands (one module per group), main()."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from greenprompt import __version__
from greenprompt.cli import check, compare, misc, optimize, runs
from greenprompt.cli.commands import Command, Group
from greenprompt.cli.common import guarded
from greenprompt.inputs.datasets import start_reader

app = typer.Typer(
    name="greenprompt",
    cls=Group,
    help="Green prompt engineering: rank prompt variants on quality vs measured energy and carbon.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"greenprompt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Green prompt engineering: rank prompt variants on quality vs measured energy and carbon."""


# every command goes through the one exit path (cli.common.guarded) and has plain-text help (cli.commands)
for group, name, func in (
    (app, "compare", compare.compare),
    (app, "optimize", optimize.optimize),
    (app, "estimate", misc.estimate),
    (app, "check", check.check),
    (app, "report", runs.report),
    (app, "init", misc.init),
    (app, "models", misc.models),
    (runs.runs_app, "list", runs.runs_list),
    (runs.runs_app, "show", runs.runs_show),
    (runs.runs_app, "export", runs.runs_export),
    (runs.runs_app, "rm", runs.runs_rm),
):
    group.command(name, cls=Command)(guarded(func))
app.add_typer(runs.runs_app, name="runs")

def main() -> None:
    if sys.argv[1:2] in (["compare"], ["estimate"], ["optimize"]) and "--help" not in sys.argv:
        # a child process imports `datasets` (0.9 s) while this one parses and checks: inputs.datasets
        start_reader()
    app()
