"""`greenprompt.compare`: everything `greenprompt compare` does, from Python.

from greenprompt import compare
result = compare("prompts/reviews.yaml", limit=5)
result = compare(experiment="greenprompt.yaml")      # thresholds, outputs and all
result.gate.passed                                   # when the file sets thresholds
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

from greenprompt.api.engine import executor_keyword, run_comparison
from greenprompt.api.gate import apply_gate
from greenprompt.api.resume import resume_requested, resumed_config
from greenprompt.inputs.hosted_models import check_hosted
from greenprompt.outputs.files import write_text
from greenprompt.records import GateOutcome, PromptSet, RunResult
from greenprompt.records.config import Config, check_names, resolve_config


def gather_sources(
    cls: type, caller: str, prompts: str | Path | PromptSet | None, experiment: str | Path | None,
    given: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, Any], PromptSet | None]:
    """The keywords (checked against `cls`'s fields), the experiment file's values for
    `cls`, and the prompt set when given as one or inline in the file: what `resolve_config`
    ranks, for compare and optimize alike."""
    from greenprompt.inputs.experiment_file import load_experiment

    given = {k: str(v) if isinstance(v, Path) else v for k, v in (given or {}).items()}
    check_names(cls, given, caller)
    exp = load_experiment(experiment, cls) if experiment is not None else None
    from_file = dict(exp.values) if exp else {}
    prompt_set = None
    if isinstance(prompts, PromptSet):
        prompt_set, given["prompts"] = prompts, prompts.path
    elif prompts is not None:
        given["prompts"] = str(prompts)
    elif exp is not None and exp.inline_prompts is not None:
        from greenprompt.inputs.prompt_sets import prompt_set_from_data

        prompt_set = prompt_set_from_data(exp.inline_prompts, exp.path)
        from_file["prompts"] = str(exp.path)
    return given, from_file, prompt_set


def configure(
    prompts: str | Path | PromptSet | None = None,
    experiment: str | Path | None = None,
    given: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Config, PromptSet | None]:
    """The checked configuration from the keywords (or command line), the experiment file
    and the GREENPROMPT_* environment, in that order (`resolve_config`); and the prompt set
    when it is given as one or inline in the experiment file."""
    given, from_file, prompt_set = gather_sources(Config, "compare()", prompts, experiment, given)
    environ = os.environ if environ is None else environ
    resume = resume_requested(given, environ)
    if resume:  # the stored run's options, a conflicting one refused (api.resume)
        config, stored_set = resumed_config(resume, given, from_file, environ)
        check_hosted(config.hosted, config.hosted_zone, config.frontier_on)
        return config, prompt_set or stored_set
    config = resolve_config(Config, given, from_file, environ)
    check_hosted(config.hosted, config.hosted_zone, config.frontier_on)  # before any generation
    return config, prompt_set


def compare(
    prompts: str | Path | PromptSet | None = None,
    *,
    experiment: str | Path | None = None,
    progress=None,
    executor: Any = None,
    **options: Any,
) -> RunResult:
    """Run a comparison as `greenprompt compare` does and return its `RunResult`.

    `prompts` is a prompt-set file or directory, or a `PromptSet`; `experiment` an
    experiment file (as `compare -c`). `options` are the fields of `greenprompt.Config`
    (those of `greenprompt compare` with underscores, plus the file-only json_file, junit,
    summary and thresholds gate_min_quality, max_gco2e, max_energy_j, against,
    max_regression, check_variants, check_all). Precedence: these keywords, then the
    experiment file, then GREENPROMPT_* variables, then defaults. `progress(generation,
    done, total)` is called after each generation. `executor` is the --executor option
    ("local" or "ray") or an executor object of the engine's seam (engine.executor), which then runs the plan.

    The result carries `written` (files exported), `mlflow_run_id` and, when thresholds are
    set, `gate` (a GateOutcome): a failed gate is reported there, never raised.
    """
    executor, options = executor_keyword(executor, options)
    config, prompt_set = configure(prompts, experiment, options)
    return run_configured(config, prompt_set, progress, executor)


def run_configured(config: Config, prompt_set: PromptSet | None = None, progress=None, executor: Any = None) -> RunResult:
    """Run a checked configuration, then write its outputs and apply its gate."""
    from greenprompt.outputs.export import prepare_export_dir

    if config.export is not None:
        prepare_export_dir(config.export)  # refuse an unwritable folder before any generation
    result = run_comparison(config, prompt_set, progress, executor)
    result = deliver(result, config)
    if config.has_gate and not any(r.interrupted for r in result.profiles):
        result = replace(result, gate=gate_run(result, config))
    return result


def deliver(result: RunResult, config: Config) -> RunResult:
    """The outputs besides the store: export folder, JSON file, MLflow."""
    written: tuple[str, ...] = ()
    if config.export is not None:
        from greenprompt.outputs.export import export_profiles

        written = export_profiles(result, config.export, config.parquet)
    if config.json_file is not None:
        write_text(config.json_file, json.dumps(to_json(result), indent=2) + "\n")
    mlflow_id = None
    if config.mlflow:
        from greenprompt.outputs.mlflow import log_run

        mlflow_id = log_run(result)
    return replace(result, written=written, mlflow_run_id=mlflow_id)


def gate_run(result: RunResult, config: Config) -> GateOutcome:
    """The configuration's thresholds on the finished run, with its JUnit and summary files."""
    from greenprompt.api.runs import load_document

    baseline = load_document(config.against, config.store) if config.against else None
    return apply_gate(
        to_json(result),
        min_quality=config.gate_min_quality,
        max_gco2e=config.max_gco2e,
        max_energy_j=config.max_energy_j,
        baseline=baseline,
        max_regression=config.max_regression,
        variants=config.check_variants,
        all_variants=config.check_all,
        junit=config.junit,
        summary=config.summary,
    )


def to_json(result: RunResult) -> dict[str, Any]:
    """The document `greenprompt compare --json` prints."""
    from greenprompt.outputs.document import run_document

    return run_document(result)
