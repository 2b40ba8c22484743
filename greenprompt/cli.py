"""The `greenprompt` command: thin typer wrappers over the Python API."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console

from greenprompt import __version__
from greenprompt.errors import GreenPromptError

EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="greenprompt",
    help="Green prompt engineering: rank prompt variants on quality vs measured energy and carbon.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

# Piped or captured output gets room for the whole table instead of rich's 80 columns.
stdout = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 120)
stderr = Console(stderr=True)


@contextmanager
def _clean_errors() -> Iterator[None]:
    """Bad input becomes one line on stderr and exit code 2; Ctrl-C exits 130."""
    try:
        yield
    except GreenPromptError as e:
        stderr.print(f"[bold red]error:[/] {e}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _version(value: bool) -> None:
    if value:
        print(f"greenprompt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Green prompt engineering: rank prompt variants on quality vs measured energy and carbon."""


@app.command()
def compare(
    prompts: Annotated[Path, typer.Argument(help="YAML prompt-set file, or a directory of one-variant .md/.txt files.")],
    dataset: Annotated[Optional[str], typer.Option("--dataset", "-d", help="CSV, TSV, JSON, JSONL or Parquet file (default: the prompt set's 'dataset').")] = None,
    model: Annotated[Optional[str], typer.Option("--model", "-m", help="GGUF model file (default: the embedded SmolLM2-135M-Instruct).")] = None,
    target: Annotated[Optional[str], typer.Option(help="Reference column (default: target, label, answer or output).")] = None,
    scorer: Annotated[Optional[str], typer.Option(help="exact, contains, regex:PAT, choice:1=positive,0=negative, numeric[:TOL], f1.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Use the first N rows.")] = None,
    sample: Annotated[Optional[int], typer.Option(help="Use a seeded random sample of N rows.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for sampling rows and for generation.")] = 0,
    mode: Annotated[Optional[str], typer.Option(help="chat (the model's chat template) or completion (raw text, for base models).")] = None,
    n_ctx: Annotated[int, typer.Option("--n-ctx", help="Context window in tokens.")] = 2048,
    threads: Annotated[Optional[int], typer.Option(help="llama.cpp decode threads (default: half the logical CPUs); prefill uses all.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO 3166 alpha-3 code for grid carbon intensity (default: world average).")] = None,
    region: Annotated[Optional[str], typer.Option(help="Region within --country where codecarbon has data (US states, Canadian and Chinese provinces).")] = None,
    carbon_intensity: Annotated[Optional[float], typer.Option("--carbon-intensity", help="Grid carbon intensity in gCO2e/kWh (overrides --country).")] = None,
    pue: Annotated[float, typer.Option(help="Power usage effectiveness of the data centre.")] = 1.0,
    min_quality: Annotated[Optional[float], typer.Option("--min-quality", help="Name the greenest variant with at least this quality.")] = None,
    repeats: Annotated[int, typer.Option(help="Run every (variant, item) this many times; the energy spread is measurement noise.")] = 1,
    ci_level: Annotated[float, typer.Option("--ci-level", help="Confidence level of the bootstrap intervals.")] = 0.95,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples (0: no intervals).")] = 2000,
    baseline: Annotated[Optional[str], typer.Option(help="Variant the others are compared with (default: the first).")] = None,
    volume: Annotated[Optional[float], typer.Option(help="Queries per day, for annual kWh and kgCO2e per variant.")] = None,
    price_in: Annotated[Optional[float], typer.Option("--price-in", help="API price per 1,000 prompt tokens (cl100k), for cost per 1k queries.")] = None,
    price_out: Annotated[Optional[float], typer.Option("--price-out", help="API price per 1,000 completion tokens (cl100k).")] = None,
    export: Annotated[Optional[Path], typer.Option(help="Write ranked prompt files, results.csv and generations.jsonl here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout instead of the report.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run every prompt variant over the dataset, metered, and rank them on quality vs carbon."""
    with _clean_errors():
        from greenprompt.document import run_document
        from greenprompt.export import export_run, prepare_export_dir
        from greenprompt.report import ProgressDisplay, print_report
        from greenprompt.runner import CompareOptions, compare as run_compare

        options = CompareOptions(
            prompts=str(prompts),
            dataset=dataset,
            model=model,
            target=target,
            scorer=scorer,
            limit=limit,
            sample=sample,
            seed=seed,
            mode=mode,
            n_ctx=n_ctx,
            threads=threads,
            country=country,
            region=region,
            carbon_intensity=carbon_intensity,
            pue=pue,
            min_quality=min_quality,
            repeats=repeats,
            ci_level=ci_level,
            bootstrap=bootstrap,
            baseline=baseline,
            volume=volume,
            price_in=price_in,
            price_out=price_out,
        )
        if export is not None:
            prepare_export_dir(export)
        with ProgressDisplay(stderr, enabled=stderr.is_terminal and not quiet) as progress:
            result = run_compare(options, progress=progress)
        if export is not None:
            written = export_run(result, export)
            if not as_json:
                stderr.print(f"exported {len(written)} files to {export}")
        if as_json:
            sys.stdout.write(json.dumps(run_document(result), indent=2) + "\n")
        else:
            print_report(result, stdout)
        if result.interrupted:
            raise typer.Exit(EXIT_INTERRUPTED)


@app.command()
def estimate(
    prompts: Annotated[Path, typer.Argument(help="YAML prompt-set file, or a directory of one-variant files.")],
    calibration: Annotated[Optional[Path], typer.Option("--from", help="A `compare --json` result: its fitted energy model and completion lengths.")] = None,
    completion_tokens: Annotated[Optional[float], typer.Option("--completion-tokens", help="Completion length guess for variants not in the stored run.")] = None,
    dataset: Annotated[Optional[str], typer.Option("--dataset", "-d", help="Dataset file (default: the prompt set's).")] = None,
    model: Annotated[Optional[str], typer.Option("--model", "-m", help="GGUF model file whose tokenizer counts the prompts.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Use the first N rows.")] = None,
    sample: Annotated[Optional[int], typer.Option(help="Use a seeded random sample of N rows.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for sampling rows.")] = 0,
    mode: Annotated[Optional[str], typer.Option(help="chat or completion.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO 3166 alpha-3 code for grid carbon intensity.")] = None,
    region: Annotated[Optional[str], typer.Option(help="Region within --country (US states, Canadian and Chinese provinces).")] = None,
    carbon_intensity: Annotated[Optional[float], typer.Option("--carbon-intensity", help="Grid carbon intensity in gCO2e/kWh.")] = None,
    pue: Annotated[float, typer.Option(help="Power usage effectiveness.")] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
) -> None:
    """Predict each variant's energy and carbon from token counts, without generating."""
    with _clean_errors():
        from greenprompt.document import estimate_document
        from greenprompt.estimate import EstimateOptions, estimate as run_estimate
        from greenprompt.report import print_estimate

        est = run_estimate(
            EstimateOptions(
                prompts=str(prompts),
                calibration=str(calibration) if calibration else None,
                completion_tokens=completion_tokens,
                dataset=dataset,
                model=model,
                limit=limit,
                sample=sample,
                seed=seed,
                mode=mode,
                country=country,
                region=region,
                carbon_intensity=carbon_intensity,
                pue=pue,
            )
        )
        if as_json:
            sys.stdout.write(json.dumps(estimate_document(est), indent=2) + "\n")
        else:
            print_estimate(est, stdout)


def main() -> None:
    app()
