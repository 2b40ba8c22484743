"""`greenprompt.optimize`: everything `greenprompt optimize` does, from Python.

from greenprompt.api.optimize import optimize
result = optimize("prompts/reviews.yaml", limit=60, baseline="terse", budget=600)
result.recommended, result.payback_queries, result.to_dict()
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

from greenprompt.api.compare import gather_sources
from greenprompt.api.engine import chosen_executor, executor_keyword
from greenprompt.inputs.hosted_models import check_hosted
from greenprompt.optimizer.run import run_optimize
from greenprompt.outputs.files import write_text
from greenprompt.records import PromptSet
from greenprompt.records.config import OptimizeConfig, resolve_config
from greenprompt.records.optimize import OptimizeResult


def configure_optimize(
    prompts: str | Path | PromptSet | None = None,
    experiment: str | Path | None = None,
    given: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[OptimizeConfig, PromptSet | None]:
    """The checked configuration from the keywords (or command line), the experiment file
    (its top-level input options and its optimize: section) and the GREENPROMPT_*
    environment, in that order; and the prompt set when given as one or inline in the file."""
    given, from_file, prompt_set = gather_sources(OptimizeConfig, "optimize()", prompts, experiment, given)
    config = resolve_config(OptimizeConfig, given, from_file, os.environ if environ is None else environ)
    check_hosted(config.hosted, config.hosted_zone, config.frontier_on)  # before any generation
    return config, prompt_set


def optimize(
    prompts: str | Path | PromptSet | None = None,
    *,
    experiment: str | Path | None = None,
    progress=None,
    executor: Any = None,
    **options: Any,
) -> OptimizeResult:
    """Search greener rewrites of a prompt as `greenprompt optimize` does.

    `options` are the fields of `greenprompt.records.config.OptimizeConfig` (the command's
    options with underscores: baseline, test_split, seed, budget, budget_j, rounds,
    max_quality_loss, rewrites, export, json_file, and the input, scoring and metering
    options of compare). Precedence: these keywords, the experiment file (`optimize:`
    section for the optimize options), GREENPROMPT_* variables, defaults. `progress(generation,
    done, total)` is called after each generation of the search's comparisons. `executor` is
    the --executor option ("local" or "ray") or an executor object of the engine's seam.
    """
    executor, options = executor_keyword(executor, options)
    config, prompt_set = configure_optimize(prompts, experiment, options)
    return run_configured_optimize(config, prompt_set, progress, executor)


def run_configured_optimize(config: OptimizeConfig, prompt_set: PromptSet | None = None, progress=None,
                            executor: Any = None) -> OptimizeResult:
    """Run a checked configuration, then write its export folder and JSON file."""
    from greenprompt.outputs.export import prepare_export_dir
    from greenprompt.outputs.optimize_export import export_winners

    if config.export is not None:
        prepare_export_dir(config.export)  # refuse an unwritable folder before any generation
    with chosen_executor(config, executor) as chosen:  # --executor ray: one Ray executor for the whole search
        result = run_optimize(config, prompt_set, progress, chosen)
    if config.export is not None:
        result = replace(result, written=export_winners(result, config.export))
    if config.json_file is not None:
        write_text(config.json_file, json.dumps(result.to_dict(), indent=2) + "\n")
    return result
