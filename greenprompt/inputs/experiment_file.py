"""Experiment files: one YAML file holds a whole reproducible comparison (prompt set inline
or by path, dataset, model, scorer, metering, thresholds and outputs).

Precedence, highest first: command-line options, the experiment file, GREENPROMPT_*
environment variables, built-in defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greenprompt.records.errors import GreenPromptError
from greenprompt.inputs.aliases import ALIASES
from greenprompt.inputs.model_specs import specs_from_data
from greenprompt.inputs.prompt_sets import check_keys, read_yaml

# compare options an experiment file may set, and which of them are paths
OPTION_KEYS = (
    "prompts", "dataset", "model", "target", "scorer", "limit", "sample", "seed", "mode", "n_ctx", "threads",
    "country", "region", "carbon_intensity", "pue", "min_quality", "repeats", "ci_level", "bootstrap", "baseline",
    "volume", "price_in", "price_out", "store", "no_cache", "strategy", "race_confidence", "race_margin", "budget", "block",
    "serving", "models", "cascade", "escalate_when", "threshold", "calibrate",
)
PATH_KEYS = ("prompts", "dataset", "model", "store")
THRESHOLD_KEYS = ("min_quality", "max_gco2e", "max_energy_j", "against", "max_regression", "variants", "all")
OUTPUT_KEYS = ("export", "json", "junit", "summary")
TOP_KEYS = OPTION_KEYS + ("thresholds", "outputs")


@dataclass(frozen=True)
class Experiment:
    path: Path
    options: dict[str, Any]  # compare options, paths resolved
    inline_prompts: dict[str, Any] | None = None
    thresholds: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Path] = field(default_factory=dict)


def _mapping(value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GreenPromptError(f"{where} must be a mapping of {', '.join(allowed)}")
    check_keys(value, allowed, where)
    return dict(value)


def load_experiment(path: str | Path) -> Experiment:
    """Read and check an experiment file; relative paths are relative to the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise GreenPromptError(f"{p}: cannot read the experiment file ({e.strerror}); `greenprompt init` writes a starter") from None
    except UnicodeDecodeError as e:
        raise GreenPromptError(f"{p}: the experiment file is not UTF-8 text ({e.reason})") from None
    data = _mapping(read_yaml(text, str(p)), str(p), TOP_KEYS)
    base = p.parent

    def resolve(value: Any) -> str:
        return str(base / str(value))

    options = {k: v for k, v in data.items() if k in OPTION_KEYS}
    inline = None
    if isinstance(options.get("prompts"), dict):
        inline = options.pop("prompts")
    for key in PATH_KEYS:
        if options.get(key) is not None and not (key == "model" and str(options[key]) in ALIASES):
            options[key] = resolve(options[key])
    if options.get("models") is not None:
        options["models"] = specs_from_data(options["models"], str(p), base)
    thresholds = _mapping(data.get("thresholds"), f"{p}: thresholds", THRESHOLD_KEYS)
    if thresholds.get("against") is not None:
        thresholds["against"] = resolve(thresholds["against"])
    outputs = {k: Path(resolve(v)) for k, v in _mapping(data.get("outputs"), f"{p}: outputs", OUTPUT_KEYS).items() if v}
    if "prompts" not in options and inline is None:
        raise GreenPromptError(f"{p}: no 'prompts' (a prompt-set path, or the set itself with its 'variants')")
    return Experiment(p, options, inline, thresholds, outputs)


def merge(cli: dict[str, Any], from_command_line: set[str], experiment: Experiment | None) -> dict[str, Any]:
    """Option values: given on the command line, else from the file, else the CLI's own
    value (which is the GREENPROMPT_* environment variable or the default)."""
    if experiment is None:
        return dict(cli)
    merged = dict(cli)
    for key, value in experiment.options.items():
        if key not in from_command_line:
            merged[key] = value
    return merged
