"""`greenprompt optimize`: its options (derived from OptimizeConfig), one API call, the report."""

from __future__ import annotations

import typer

from greenprompt.cli.common import JsonOption, QuietOption, print_json, sigterm_as_interrupt, stderr, stdout
from greenprompt.cli.compare import ConfigOption
from greenprompt.cli.options import given_on_command_line, with_config_options
from greenprompt.records.config import OptimizeConfig


@with_config_options(OptimizeConfig)
def optimize(
    ctx: typer.Context,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    **options,
) -> None:
    """Write greener rewrites of a prompt, search them on part of the data and confirm the
    winner on held-out items (see docs/optimize.md)."""
    from greenprompt.api.optimize import configure_optimize, run_configured_optimize
    from greenprompt.outputs.optimize_report import print_optimize
    from greenprompt.outputs.terminal import ProgressDisplay

    given = given_on_command_line(ctx, options)
    with sigterm_as_interrupt(), ProgressDisplay(stderr, enabled=stderr.is_terminal and not quiet) as progress:
        checked, prompt_set = configure_optimize(experiment=config, given=given)
        result = run_configured_optimize(checked, prompt_set, progress)
    if result.written and not as_json and not quiet:
        stderr.print(f"exported {len(result.written)} prompt files to {checked.export}", highlight=False)
    if as_json:
        print_json(result.to_dict())
    elif not quiet:
        print_optimize(result, stdout)
