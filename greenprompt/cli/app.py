"""The `greenprompt` command: thin typer wrappers over the Python API."""

from __future__ import annotations

import json
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console

from greenprompt import __version__
from greenprompt.records.errors import GreenPromptError

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

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors on stderr.")]


def _done(as_json: bool, quiet: bool, message: str, document: dict) -> None:
    """How commands that write files or change the store report: JSON, a line, or silence."""
    if as_json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif not quiet:
        stderr.print(message, highlight=False)


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


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops a run like Ctrl-C does: finished work is reported and kept."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _present(result, as_json: bool, export: Optional[Path], json_file: Optional[Path] = None, parquet: bool = False,
             quiet: bool = False) -> None:
    """Print a run's result (report or JSON) and write its export; shared by compare and runs show."""
    from greenprompt.outputs.document import run_document
    from greenprompt.outputs.export import export_run
    from greenprompt.outputs.terminal import print_report

    if export is not None:
        written = export_run(result, export, parquet=parquet)
        # further serving profiles go beside the first one's files, one folder each
        for other in result.other_servings:
            written += export_run(other, export / other.serving, parquet=parquet)
        if not as_json and not quiet:
            stderr.print(f"exported {len(written)} files to {export}")
    if json_file is not None:
        _write_text(json_file, json.dumps(run_document(result), indent=2) + "\n")
    if as_json:
        sys.stdout.write(json.dumps(run_document(result), indent=2) + "\n")
    else:
        print_report(result, stdout)


def _model_values(values: dict, on_command_line: bool) -> tuple[Optional[str], tuple]:
    """(model, models) from the repeatable --model and an experiment file's model/models;
    models named on the command line replace the file's."""
    chosen = values.get("model")
    models = () if on_command_line else tuple(values.get("models") or ())
    if isinstance(chosen, (list, tuple)):
        chosen = [str(m) for m in chosen]
        if len(chosen) > 1:
            return None, tuple(chosen)
        chosen = chosen[0] if chosen else None
    return chosen, models


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


@app.command(context_settings={"auto_envvar_prefix": "GREENPROMPT"})
def compare(
    ctx: typer.Context,
    prompts: Annotated[Optional[Path], typer.Argument(help="YAML prompt-set file, or a directory of one-variant .md/.txt files.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="Experiment file: prompt set, dataset, model, metering, thresholds and outputs in one YAML file.")] = None,
    dataset: Annotated[Optional[str], typer.Option("--dataset", "-d", help="CSV, TSV, JSON, JSONL or Parquet file (default: the prompt set's 'dataset').")] = None,
    model: Annotated[Optional[list[str]], typer.Option("--model", "-m", help="GGUF file or alias (smollm2-135m, gemma3-270m; see `greenprompt models`), as NAME=MODEL to name it; repeat to compare models (default: the embedded SmolLM2-135M-Instruct).")] = None,
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
    store: Annotated[Optional[Path], typer.Option(help="Run store (SQLite) file (default: $GREENPROMPT_HOME/greenprompt.db, else the user data directory).")] = None,
    resume: Annotated[Optional[str], typer.Option(help="Continue the stored run RUN (id, unique prefix, or 'last') where it stopped.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Generate everything afresh instead of reusing stored generations.")] = False,
    strategy: Annotated[str, typer.Option(help="exhaustive (every variant on every item) or race (stop variants dominated with confidence).")] = "exhaustive",
    race_confidence: Annotated[float, typer.Option("--race-confidence", help="Confidence for dropping a variant when racing.")] = 0.95,
    race_margin: Annotated[float, typer.Option("--race-margin", help="Racing: a quality difference this small counts as none (e.g. 0.02); 0 drops only strictly dominated variants.")] = 0.0,
    budget: Annotated[Optional[int], typer.Option(help="Stop after this many generations.")] = None,
    block: Annotated[Optional[int], typer.Option(help="Racing: items per block between checks (default: a tenth, at least 5).")] = None,
    cascade: Annotated[Optional[str], typer.Option(help="SMALL,LARGE: try the small model first and escalate to the large one (models by name, alias or path).")] = None,
    escalate_when: Annotated[Optional[str], typer.Option("--escalate-when", help="Cascade rule: invalid (no valid answer), low-confidence (mean token log-probability below --threshold) or verifier (the small model rejects its answer).")] = None,
    threshold: Annotated[Optional[float], typer.Option(help="low-confidence: escalate below this mean token log-probability, e.g. -0.5.")] = None,
    calibrate: Annotated[bool, typer.Option("--calibrate", help="low-confidence: put the cascade at every observed threshold on the frontier, marking the greenest meeting --min-quality.")] = False,
    serving: Annotated[str, typer.Option(help="Serving profile: standalone (empty KV cache per query), prefix-cache (each variant's shared prompt prefix cached), or both comma-separated to report side by side.")] = "standalone",
    export: Annotated[Optional[Path], typer.Option(help="Write ranked prompt files, results.csv, generations.jsonl and emissions.csv here.")] = None,
    parquet: Annotated[bool, typer.Option("--parquet", help="With --export: also results.parquet and generations.parquet.")] = False,
    mlflow: Annotated[bool, typer.Option("--mlflow", help="Log the run to MLflow (MLFLOW_TRACKING_URI, default ./mlruns); needs greenprompt[mlflow].")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout instead of the report.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run every prompt variant over the dataset, metered, and rank them on quality vs carbon."""
    with _clean_errors():
        from greenprompt.inputs.experiment_file import OPTION_KEYS, load_experiment, merge
        from greenprompt.outputs.export import prepare_export_dir
        from greenprompt.inputs.prompt_sets import prompt_set_from_data
        from greenprompt.outputs.terminal import ProgressDisplay
        from greenprompt.records.config import Config
        from greenprompt.engine.driver import compare as run_compare

        given = dict(ctx.params)
        experiment = load_experiment(config) if config else None
        # by name: typer may bring its own copy of click and so its own ParameterSource enum
        on_command_line = {k for k in given if getattr(ctx.get_parameter_source(k), "name", "") == "COMMANDLINE"}
        values = merge({k: given.get(k) for k in OPTION_KEYS}, on_command_line, experiment)
        values["model"], values["models"] = _model_values(values, "model" in on_command_line)
        prompt_set = None
        if experiment is not None and experiment.inline_prompts is not None and "prompts" not in on_command_line:
            prompt_set = prompt_set_from_data(experiment.inline_prompts, experiment.path)
            values["prompts"] = str(experiment.path)
        if values.get("prompts") is None:
            raise GreenPromptError("no prompt set: pass PROMPTS (a YAML file or a directory) or -c EXPERIMENT.yaml")
        outputs = dict(experiment.outputs) if experiment else {}
        if export is not None:
            outputs["export"] = export
        options = Config(
            **{k: (str(v) if isinstance(v, Path) else v) for k, v in values.items()}, resume=resume
        )
        if outputs.get("export") is not None:
            prepare_export_dir(outputs["export"])
        with _sigterm_as_interrupt(), ProgressDisplay(stderr, enabled=stderr.is_terminal and not quiet) as progress:
            result = run_compare(options, progress=progress, prompt_set=prompt_set)
        _present(result, as_json, outputs.get("export"), outputs.get("json"), parquet, quiet)
        if mlflow:
            from greenprompt.outputs.mlflow import log_run

            mlflow_id = log_run(result)
            if not quiet:
                stderr.print(f"logged to MLflow as run {mlflow_id}")
        stopped = next((r for r in result.profiles if r.interrupted), None)
        if stopped is not None:
            stderr.print(f"interrupted: resume with `greenprompt compare ... --serving {stopped.serving} --resume {stopped.run_id}`")
            raise typer.Exit(EXIT_INTERRUPTED)
        if experiment is not None and experiment.thresholds:
            _gate_experiment(result, experiment, outputs, quiet)


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
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Predict each variant's energy and carbon from token counts, without generating."""
    with _clean_errors():
        from greenprompt.outputs.document import estimate_document
        from greenprompt.engine.estimate import EstimateOptions
        from greenprompt.engine.estimate import estimate as run_estimate
        from greenprompt.outputs.terminal import print_estimate

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


EXIT_CHECK_FAILED = 1



def _write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise GreenPromptError(f"{path}: cannot write ({e.strerror})") from None


def _report_checks(doc: dict, checks, junit: Optional[Path], summary: Optional[Path], quiet: bool, to_stderr: bool = False) -> bool:
    """Write JUnit/Markdown if asked, print one line per check; True when all passed."""
    from greenprompt.outputs.gate import junit_xml, markdown_summary

    if junit is not None:
        _write_text(junit, junit_xml(doc, checks))
    if summary is not None:
        _write_text(summary, markdown_summary(doc, checks))
    for c in checks:
        if not (quiet and c.passed):
            line = f"{'PASS' if c.passed else 'FAIL'} {c.variant}: {c.name}: {c.message}"
            (stderr.print(line, highlight=False, markup=False) if to_stderr else print(line))
    return all(c.passed for c in checks)


def _gate_experiment(result, experiment, outputs: dict, quiet: bool) -> None:
    """Apply an experiment file's thresholds to the run just finished (exit 1 on failure)."""
    from greenprompt.outputs.document import run_document
    from greenprompt.outputs.gate import Thresholds, run_checks

    t = experiment.thresholds
    doc = run_document(result)
    baseline = _load_document(t["against"], None) if t.get("against") else None
    thresholds = Thresholds(t.get("min_quality"), t.get("max_gco2e"), t.get("max_energy_j"),
                            float(t.get("max_regression", 0.0)) if baseline else None)
    checks = run_checks(doc, thresholds, baseline, t.get("variants") or (), bool(t.get("all")))
    if not _report_checks(doc, checks, outputs.get("junit"), outputs.get("summary"), quiet, to_stderr=True):
        raise typer.Exit(EXIT_CHECK_FAILED)


def _load_document(source: str, store: Optional[Path]) -> dict:
    """A run's JSON document from a results file, or recomputed from the store by run id."""
    from greenprompt.inputs.results_file import read_results_file
    from greenprompt.outputs.document import run_document

    path = Path(source)
    if path.suffix == ".json" or path.is_file():
        return read_results_file(path)
    from greenprompt.analysis.result import result_from_store

    with _open_store(store) as s:
        return run_document(result_from_store(s.load_run(source)))


@app.command()
def check(
    source: Annotated[str, typer.Argument(help="A stored run (id, prefix or 'last') or a results JSON file from `compare --json`.")],
    min_quality: Annotated[Optional[float], typer.Option("--min-quality", help="Fail when quality is below this.")] = None,
    max_gco2e: Annotated[Optional[float], typer.Option("--max-gco2e", help="Fail when gCO2e per query is above this.")] = None,
    max_energy_j: Annotated[Optional[float], typer.Option("--max-energy-j", help="Fail when J per query is above this.")] = None,
    against: Annotated[Optional[Path], typer.Option(help="Baseline results JSON to compare with.")] = None,
    max_regression: Annotated[float, typer.Option("--max-regression", help="With --against: fail when quality drops or carbon rises by more than this %, beyond the run's interval.")] = 0.0,
    variant: Annotated[Optional[list[str]], typer.Option(help="Variant to check (repeatable; default: the recommended one).")] = None,
    all_variants: Annotated[bool, typer.Option("--all", help="Check every variant.")] = False,
    junit: Annotated[Optional[Path], typer.Option(help="Write JUnit XML here (one test case per check per variant).")] = None,
    summary: Annotated[Optional[Path], typer.Option(help="Write a Markdown summary here (for a CI job summary or PR comment).")] = None,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failed checks.")] = False,
) -> None:
    """Gate a run on quality, carbon and energy thresholds: exit 1 when any check fails."""
    with _clean_errors():
        from greenprompt.outputs.gate import Thresholds, run_checks

        if all(t is None for t in (min_quality, max_gco2e, max_energy_j, against)):
            raise GreenPromptError("nothing to check: give --min-quality, --max-gco2e, --max-energy-j or --against")
        if max_regression < 0:
            raise GreenPromptError(f"--max-regression must be >= 0 percent, got {max_regression}")
        doc = _load_document(source, store)
        baseline = _load_document(str(against), store) if against else None
        thresholds = Thresholds(min_quality, max_gco2e, max_energy_j, max_regression if against else None)
        checks = run_checks(doc, thresholds, baseline, variant or (), all_variants)
        if as_json:
            passed = _report_checks(doc, checks, junit, summary, quiet=True, to_stderr=True)
            sys.stdout.write(json.dumps({"run_id": doc.get("run_id"), "passed": passed,
                                         "checks": [c.__dict__ for c in checks]}, indent=2) + "\n")
        else:
            passed = _report_checks(doc, checks, junit, summary, quiet)
        if not passed:
            raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
def report(
    run: Annotated[str, typer.Argument(help="Stored run: id, unique prefix, or 'last'.")],
    html_file: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
    png: Annotated[Optional[Path], typer.Option(help="Write the chart as PNG here.")] = None,
    svg: Annotated[Optional[Path], typer.Option(help="Write the chart as SVG here.")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write a stored run's report: interactive HTML (no network needed) and static images."""
    with _clean_errors():
        from greenprompt.outputs.html import write_html, write_image
        from greenprompt.analysis.result import result_from_store

        if not any((html_file, png, svg)):
            raise GreenPromptError("nothing to write: give --html FILE, --png FILE and/or --svg FILE")
        with _open_store(store) as s:
            result = result_from_store(s.load_run(run))
        written = []
        if html_file:
            written.append(write_html(result, html_file))
        for image in (png, svg):
            if image:
                written.append(write_image(result, image))
        _done(as_json, quiet, f"wrote {', '.join(map(str, written))}", {"run_id": result.run_id, "written": list(map(str, written))})


STARTER_FILES = ("greenprompt.yaml", "prompts.yaml", "reviews.csv")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write the starter files.")] = Path("."),
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write a commented starter experiment file and an example prompt set and dataset."""
    with _clean_errors():
        from importlib import resources

        targets = [directory / name for name in STARTER_FILES]
        existing = [str(t) for t in targets if t.exists()]
        if existing and not force:
            raise GreenPromptError(f"{', '.join(existing)} already exist(s); use --force to overwrite")
        for name, target in zip(STARTER_FILES, targets):
            _write_text(target, resources.files("greenprompt").joinpath("starter", name).read_text(encoding="utf-8"))
        _done(as_json, quiet, f"wrote {', '.join(map(str, targets))}; run: greenprompt compare -c {targets[0]}",
              {"written": list(map(str, targets))})


@app.command()
def models(
    models_dir: Annotated[Optional[Path], typer.Option("--models-dir", help="Also list the GGUF files in this directory (searched recursively).")] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """List the model aliases (whether each is installed, and how to install it) and GGUF files."""
    with _clean_errors():
        from rich.table import Table

        from greenprompt.inputs.aliases import list_models

        rows = list_models(models_dir)
        if as_json:
            sys.stdout.write(json.dumps({"models": rows}, indent=2) + "\n")
            return
        if quiet:
            return
        table = Table(box=None, pad_edge=False)
        for header in ("name", "installed", "params", "quantization", "architecture", "mode / template", "file or how to install"):
            table.add_column(header, overflow="fold")
        for r in rows:
            mode = r.get("mode") or ("chat template" if r.get("chat_template") else "no chat template")
            where = r["path"] or (r["install"] if not r["installed"] else "assembled on first use")
            table.add_row(r["name"], "yes" if r["installed"] else "no", r.get("parameters_label", ""),
                          r.get("quantization") or "", r.get("architecture") or "", mode, where)
        stdout.print(table)


runs_app = typer.Typer(help="Stored runs: list, show, export, remove.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")

StoreOption = Annotated[Optional[Path], typer.Option(help="Run store file (default: $GREENPROMPT_HOME/greenprompt.db, else the user data directory).")]
RunArgument = Annotated[str, typer.Argument(help="Run id, a unique prefix of one, or 'last'.")]


def _open_store(store: Optional[Path]):
    from greenprompt.engine.store import RunStore, default_store_path

    path = default_store_path(store)
    if not path.exists():
        raise GreenPromptError(f"{path}: no run store here yet; run `greenprompt compare` first or pass --store PATH")
    return RunStore(path)


@runs_app.command("list")
def runs_list(store: StoreOption = None, as_json: JsonOption = False, quiet: QuietOption = False) -> None:
    """List stored runs: id, date, prompt set, dataset, model, variants, status."""
    with _clean_errors():
        from dataclasses import asdict

        from rich.table import Table

        with _open_store(store) as s:
            rows = s.list_runs()
        if as_json:
            sys.stdout.write(json.dumps({"runs": [asdict(r) for r in rows]}, indent=2) + "\n")
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
            table.add_row(r.id, r.created_at.replace("T", " ")[:16], Path(r.prompt_set).name, Path(r.dataset).name,
                          r.model, str(len(r.variants)), r.status, f"{r.n_done}/{r.n_jobs}")
        stdout.print(table if rows else "no runs stored yet")


@runs_app.command("show")
def runs_show(
    run: RunArgument,
    store: StoreOption = None,
    scorer: Annotated[Optional[str], typer.Option(help="Re-score with another scorer (no model needed).")] = None,
    min_quality: Annotated[Optional[float], typer.Option("--min-quality", help="Name the greenest variant with at least this quality.")] = None,
    baseline: Annotated[Optional[str], typer.Option(help="Variant the others are compared with.")] = None,
    ci_level: Annotated[Optional[float], typer.Option("--ci-level", help="Confidence level of the intervals.")] = None,
    bootstrap: Annotated[Optional[int], typer.Option(help="Bootstrap resamples.")] = None,
    export: Annotated[Optional[Path], typer.Option(help="Also write the ranked prompt files, results.csv and generations.jsonl here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout (as compare --json).")] = False,
    quiet: QuietOption = False,
) -> None:
    """Show a stored run as compare did, recomputed from the store (no model needed)."""
    with _clean_errors():
        from greenprompt.analysis.result import result_from_store

        with _open_store(store) as s:
            stored = s.load_run(run)
        names = [v["name"] for v in stored.header["prompt_set"]["variants"]]
        if baseline is not None and baseline not in names:
            raise GreenPromptError(f"--baseline {baseline}: no such variant; variants: {', '.join(names)}")
        result = result_from_store(
            stored, scorer, min_quality=min_quality, baseline=baseline, ci_level=ci_level, n_bootstrap=bootstrap
        )
        _present(result, as_json, export, quiet=quiet)


@runs_app.command("export")
def runs_export(
    run: RunArgument,
    directory: Annotated[Path, typer.Argument(help="Directory to write to.")],
    store: StoreOption = None,
    parquet: Annotated[bool, typer.Option("--parquet", help="Also results.parquet and generations.parquet.")] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write a stored run's ranked prompt files, results.csv, generations.jsonl and emissions.csv."""
    with _clean_errors():
        from greenprompt.outputs.export import export_run
        from greenprompt.analysis.result import result_from_store

        with _open_store(store) as s:
            stored = s.load_run(run)
        written = export_run(result_from_store(stored), directory, parquet=parquet)
        _done(as_json, quiet, f"exported {len(written)} files to {directory}",
              {"run_id": stored.row.id, "written": list(map(str, written))})


@runs_app.command("rm")
def runs_rm(run: RunArgument, store: StoreOption = None, as_json: JsonOption = False, quiet: QuietOption = False) -> None:
    """Remove a stored run and its generations (they no longer serve as cache)."""
    with _clean_errors():
        with _open_store(store) as s:
            run_id = s.resolve_id(run)
            s.remove_run(run_id)
        _done(as_json, quiet, f"removed run {run_id}", {"removed": run_id})


def main() -> None:
    app()
