"""`greenprompt estimate`, `init` and `models`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from greenprompt.cli.common import JsonOption, QuietOption, done, print_json, stderr, stdout
from greenprompt.cli.options import given_on_command_line, with_config_options
from greenprompt.records.config import EstimateConfig


@with_config_options(EstimateConfig, argument_required=True)
def estimate(ctx: typer.Context, as_json: JsonOption = False, quiet: QuietOption = False, **options) -> None:
    """Predict each variant's energy and carbon from token counts, without generating."""
    from greenprompt.api.tools import estimate as run_estimate
    from greenprompt.outputs.document import estimate_document
    from greenprompt.outputs.terminal import print_estimate

    given = given_on_command_line(ctx, options)
    est = run_estimate(**given)
    if as_json:
        print_json(estimate_document(est))
    elif not quiet:
        print_estimate(est, stdout)


def init(
    directory: Annotated[Path, typer.Argument(help="Where to write the starter files.")] = Path("."),
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write a commented starter experiment file and an example prompt set and dataset."""
    from greenprompt.api.tools import init as write_starter

    targets = write_starter(directory, force)
    done(
        as_json,
        quiet,
        f"wrote {', '.join(map(str, targets))}; run: greenprompt compare -c {targets[0]}",
        {"written": list(map(str, targets))},
    )


def models(
    models_dir: Annotated[
        Optional[Path],
        typer.Option(
            "--models-dir",
            help="Also list the .gguf files in this directory (searched recursively); one that is not GGUF "
            "(no GGUF magic bytes) is not listed but named as skipped, with the reason.",
        ),
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """List the model aliases (whether each is installed, and how to install it) and GGUF files."""
    from rich.table import Table

    from greenprompt.api.tools import models as list_models

    listed = list_models(models_dir)
    rows = [r for r in listed if r["kind"] != "skipped"]
    skipped = [{"path": r["path"], "reason": r["reason"]} for r in listed if r["kind"] == "skipped"]
    if as_json:
        print_json({"models": rows, "skipped": skipped})
        return
    if quiet:
        return
    for skip in skipped:
        stderr.print(f"skipped {skip['path']}: {skip['reason']}", highlight=False, markup=False, soft_wrap=True)
    table = Table(box=None, pad_edge=False)
    for header in ("name", "installed", "params", "quantization", "architecture", "mode / template", "file or how to install"):
        table.add_column(header, overflow="fold")
    for r in rows:
        mode = r.get("mode") or ("chat template" if r.get("chat_template") else "no chat template")
        where = r["path"] or (r["install"] if not r["installed"] else "assembled on first use")
        table.add_row(
            r["name"],
            "yes" if r["installed"] else "no",
            r.get("parameters_label", ""),
            r.get("quantization") or "",
            r.get("architecture") or "",
            mode,
            where,
        )
    stdout.print(table)
