"""`greenprompt check`: gate a run on thresholds (exit 1 when a check fails)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from greenprompt.cli.common import EXIT_CHECK_FAILED, JsonOption, QuietOption, StoreOption, print_checks, print_json


def check(
    source: Annotated[str, typer.Argument(help="A stored run (id, prefix or 'last') or a results JSON file from `compare --json`.")],
    min_quality: Annotated[Optional[float], typer.Option("--min-quality", help="Fail when quality is below this.")] = None,
    max_gco2e: Annotated[Optional[float], typer.Option("--max-gco2e", help="Fail when gCO2e per query is above this.")] = None,
    max_energy_j: Annotated[Optional[float], typer.Option("--max-energy-j", help="Fail when J per query is above this.")] = None,
    against: Annotated[Optional[Path], typer.Option(help="Baseline results JSON to compare with.")] = None,
    max_regression: Annotated[
        float,
        typer.Option(
            "--max-regression",
            help="With --against: fail when quality drops or carbon rises by more than this %, beyond the run's interval.",
        ),
    ] = 0.0,
    variant: Annotated[
        Optional[list[str]],
        typer.Option(help="Variant to check (repeatable; default: the run's chosen one: greenest meeting its min quality, else the knee)."),
    ] = None,
    all_variants: Annotated[bool, typer.Option("--all", help="Check every variant.")] = False,
    junit: Annotated[Optional[Path], typer.Option(help="Write JUnit XML here (one test case per check per variant).")] = None,
    summary: Annotated[Optional[Path], typer.Option(help="Write a Markdown summary here (for a CI job summary or PR comment).")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Gate a run on quality, carbon and energy thresholds: exit 1 when any check fails."""
    from greenprompt.api.check import check as run_check

    gate = run_check(
        source,
        min_quality=min_quality,
        max_gco2e=max_gco2e,
        max_energy_j=max_energy_j,
        against=against,
        max_regression=max_regression,
        variants=variant or (),
        all_variants=all_variants,
        junit=junit,
        summary=summary,
        store=store,
    )
    if as_json:
        print_checks(gate.checks, quiet=True, to_stderr=True, checked=gate.checked)
        print_json({"run_id": gate.run_id, "passed": gate.passed, "checked": gate.checked,
                    "checks": [c.__dict__ for c in gate.checks]})
    else:
        print_checks(gate.checks, quiet, to_stderr=False, checked=gate.checked)
    if not gate.passed:
        raise typer.Exit(EXIT_CHECK_FAILED)
