"""The configuration of a comparison: every option, declared once.

Each field carries its metadata (help text, command-line flag, check, experiment-file key,
whether it is a path). The `compare`/`estimate` command-line options, the experiment-file
keys, the GREENPROMPT_* environment variables and the API keyword arguments are all derived
from these fields: the environment and the precedence rule in greenprompt.records.options
(`resolve_config`, re-exported here), the file
keys in greenprompt.inputs.experiment_file, the options in greenprompt.cli.options.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from greenprompt.records.config_groups import ExecutionConfig, HostedConfig
from greenprompt.records.errors import GreenPromptError
from greenprompt.records.inputs import MODES, SERVING_PROFILES, ModelSpec
from greenprompt.records.options import (  # noqa: F401  (re-exported: callers import them from here)
    ENV_PREFIX,
    Meta,
    _at_least,
    _between,
    check_names,
    env_name,
    env_values,
    field_type,
    fold,
    meta,
    option,
    parse_text,
    resolve_config,
)

EXHAUSTIVE, RACE = "exhaustive", "race"
STRATEGIES = (EXHAUSTIVE, RACE)
THRESHOLDS, OUTPUTS = "thresholds", "outputs"  # experiment-file sections
CPU, TOKENS, CODECARBON = "cpu", "tokens", "codecarbon"  # --energy-model
ENERGY_MODELS = (CPU, TOKENS, CODECARBON)


def _serving_ok(value: str) -> bool:
    names = [p.strip() for p in str(value).split(",") if p.strip()]
    return bool(names) and all(n in SERVING_PROFILES for n in names) and len(set(names)) == len(names)


ROWS = "must be a positive number of rows, got {value}"


@dataclass(frozen=True)
class InputConfig:
    """Options shared by the commands that read a prompt set and a dataset.
    None means "from the prompt set, else the default"."""

    # The directory rule is inputs.prompt_sets.is_variant_file's.
    prompts: str | None = option(
        None,
        "YAML prompt-set file, or a directory of one-variant files: its .md and .txt files, except README*, LICENSE*, "
        "CHANGELOG* (any case) and names starting with _ or .",
        path=True, argument=True,
    )
    dataset: str | None = option(
        None, "CSV, TSV, JSON, JSONL or Parquet file (default: the prompt set's 'dataset').", short="-d", path=True
    )
    model: str | None = option(None, "One model (a GGUF file or alias); `models` takes several.", flag=None, path=True, folds_into="models")
    target: str | None = option(None, "Reference column (default: target, label, answer or output).")
    limit: int | None = option(None, "Use the first N rows.", check=(_at_least(1), "--limit " + ROWS))
    sample: int | None = option(None, "Use a seeded random sample of N rows.", check=(_at_least(1), "--sample " + ROWS))
    seed: int = option(0, "Seed for sampling rows and for generation.")
    mode: str | None = option(
        None,
        "chat (the model's chat template) or completion (raw text, for base models).",
        choices=MODES,
        check=(lambda v: v is None or v in MODES, f"--mode must be one of {', '.join(MODES)}, got {{value!r}}"),
    )
    n_ctx: int = option(2048, "Context window in tokens.", check=(_at_least(16), "--n-ctx must be at least 16 tokens, got {value}"))
    country: str | None = option(None, "ISO 3166 alpha-3 code for grid carbon intensity (default: world average).")
    region: str | None = option(None, "Region within --country where codecarbon has data (US states, Canadian and Chinese provinces).")
    carbon_intensity: float | None = option(None, "Grid carbon intensity in gCO2e/kWh (overrides --country).")
    pue: float = option(1.0, "Power usage effectiveness of the data centre.")
    # several models: `--model` values (REF or NAME=REF) or ModelSpec
    models: tuple = option(
        (),
        "GGUF file or alias (smollm2-135m, gemma3-270m; see `greenprompt models`), as NAME=MODEL to "
        "name it; repeat to compare models (default: the embedded SmolLM2-135M-Instruct).",
        flag="--model",
        short="-m",
        path=True,
    )

    def validate(self) -> None:
        """Every field's check; the first that fails raises its message."""
        if self.prompts is None:
            raise GreenPromptError("no prompt set: pass PROMPTS (a YAML file or a directory) or -c EXPERIMENT.yaml")
        for f in dataclasses.fields(self):
            m = meta(f)
            value = getattr(self, f.name)
            if m.check is not None and not m.check[0](value):
                raise GreenPromptError(m.check[1].format(value=value))
            if m.choices and value is not None and value not in m.choices:  # the CLI checks them; the API and files too
                raise GreenPromptError(f"{m.flag or f.name} must be one of {', '.join(m.choices)}, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: tuples as lists, model specs as {model, name, mode}."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "InputConfig":
        """The inverse of to_dict; keys missing (an older stored run) take their defaults."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise GreenPromptError(f"stored configuration: unknown option(s) {', '.join(unknown)}")
        values = dict(data)
        for name, value in data.items():  # JSON has lists where the config has tuples
            if isinstance(value, list):
                values[name] = tuple(_model_spec(v) if name == "models" else v for v in value)
        return cls(**values)


def _plain(value: Any) -> Any:
    if isinstance(value, ModelSpec):
        return {"model": value.ref, "name": value.name, "mode": value.mode}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _model_spec(value: Any) -> Any:
    if isinstance(value, dict):
        return ModelSpec(value.get("model"), value.get("name"), value.get("mode"))
    return value


@dataclass(frozen=True)
class EstimateConfig(InputConfig):
    """`greenprompt estimate`: the input options plus where the energy model comes from."""

    calibration: str | None = option(
        None,
        "A run: a stored run (id, unique prefix or 'last') or a `compare --json` file; its fitted energy model "
        "and completion lengths are used.",
        flag="--from",
        path=True,
        key=None,
        check=(
            lambda v: v is not None,
            "estimate needs an energy model: pass --from RUN (a stored run, e.g. last) or RESULTS.json written by `compare --json`",
        ),
    )
    store: str | None = option(
        None, "Run store of --from RUN (default: $GREENPROMPT_HOME/greenprompt.db, else the user data directory).", path=True, key=None
    )
    completion_tokens: float | None = option(
        None,
        "Completion length guess for variants not in the stored run.",
        key=None,
        check=(lambda v: v is None or v >= 0, "--completion-tokens must be >= 0, got {value}"),
    )


def _price_ok(value: float | None) -> bool:
    return value is None or value >= 0


PRICE = "--price-in and --price-out must be >= 0 per 1,000 tokens"
GATE = "thresholds:"


@dataclass(frozen=True)
class Config(HostedConfig, ExecutionConfig, InputConfig):
    """Everything `greenprompt compare` takes; None means "from the prompt set, else default"."""

    scorer: str | None = option(None, "exact, contains, regex:PAT, choice:1=positive,0=negative, numeric[:TOL], f1.")
    threads: int | None = option(
        None,
        "llama.cpp threads for decode and prefill (default 1: load-robust energy figures, since "
        "threads that wait for a descheduled sibling are counted as CPU work; N is faster).",
        check=(_at_least(1), "--threads must be at least 1, got {value}"),
    )
    energy_model: str = option(
        CPU,
        "cpu (CPU time x W per thread + model memory; hardware counters where readable), tokens "
        "(per-token model calibrated on a quiet cpu run of this model) or codecarbon (codecarbon's "
        "process-mode CPU and RAM rules, to compare with its tracker). See docs/methodology.md.",
        choices=ENERGY_MODELS,
        check=(lambda v: v in ENERGY_MODELS, f"--energy-model must be one of {', '.join(ENERGY_MODELS)}, got {{value!r}}"),
    )
    min_quality: float | None = option(
        None, "Choose the greenest variant with at least this quality (the gate checks the chosen one; without it, the knee)."
    )
    repeats: int = option(
        1,
        "Run every (variant, item) this many times; the energy spread is measurement noise.",
        check=(_at_least(1), "--repeats must be at least 1, got {value}"),
    )
    ci_level: float = option(
        0.95,
        "Confidence level of the bootstrap intervals.",
        check=(_between(0, 1), "--ci-level must be between 0 and 1 (e.g. 0.95), got {value}"),
    )
    bootstrap: int = option(
        2000,
        "Bootstrap resamples (0: no intervals).",
        check=(_at_least(0), "--bootstrap must be >= 0 resamples (0 turns intervals off), got {value}"),
    )
    baseline: str | None = option(None, "Variant the others are compared with (default: the first).")
    volume: float | None = option(
        None,
        "Queries per day, for annual kWh and kgCO2e per variant.",
        check=(_at_least(0), "--volume must be >= 0 queries per day, got {value}"),
    )
    price_in: float | None = option(None, "API price per 1,000 prompt tokens (cl100k), for cost per 1k queries.", check=(_price_ok, PRICE))
    price_out: float | None = option(None, "API price per 1,000 completion tokens (cl100k).", check=(_price_ok, PRICE))
    store: str | None = option(
        None, "Run store (SQLite) file (default: $GREENPROMPT_HOME/greenprompt.db, else the user data directory).", path=True
    )
    resume: str | None = option(
        None, "Continue the stored, unfinished run RUN (id, unique prefix, or 'last') with its stored options.", key=None
    )
    no_cache: bool = option(False, "Generate everything afresh instead of reusing stored generations.")
    strategy: str = option(
        EXHAUSTIVE,
        "exhaustive (every variant on every item) or race (stop variants dominated with confidence).",
        choices=STRATEGIES,
        check=(lambda v: v in STRATEGIES, f"--strategy must be one of {', '.join(STRATEGIES)}, got {{value!r}}"),
    )
    race_confidence: float = option(
        0.95,
        "Confidence for dropping a variant when racing.",
        check=(_between(0, 1), "--race-confidence must be between 0 and 1, got {value}"),
    )
    race_margin: float = option(
        0.02,
        "Racing: a quality difference this small counts as none (default 0.02, see docs/methodology.md); "
        "0 drops only strictly dominated variants.",
        check=(_between(0, 1, lo_inclusive=True), "--race-margin must be between 0 and 1 (a quality difference), got {value}"),
    )
    budget: int | None = option(
        None,
        "Stop after this many generations (the report and --json's stopped_by then say so).",
        check=(_at_least(1), "--budget must be at least 1 generation, got {value}"),
    )
    block: int | None = option(
        None,
        "Racing: items per block between checks (default: a tenth, at least 5).",
        check=(_at_least(2), "--block must be at least 2 items, got {value}"),
    )
    cascade: str | None = option(
        None, "SMALL,LARGE: try the small model first and escalate to the large one (models by name, alias or path)."
    )
    escalate_when: str | None = option(
        None,
        "Cascade rule: invalid (no valid answer), low-confidence (mean token log-probability below "
        "--threshold) or verifier (the small model rejects its answer).",
    )
    threshold: float | None = option(None, "low-confidence: escalate below this mean token log-probability, e.g. -0.5.")
    calibrate: bool = option(
        False, "low-confidence: put the cascade at every observed threshold on the frontier, marking the greenest meeting --min-quality."
    )
    serving: str = option(
        "standalone",
        "Serving profile: standalone (empty KV cache per query), prefix-cache (each variant's shared "
        "prompt prefix cached), or both comma-separated to report side by side.",
        check=(_serving_ok, f"--serving {{value!r}}: give one or more of {', '.join(SERVING_PROFILES)}, comma-separated, each once"),
    )
    # outputs: what the run writes besides the store
    export: str | None = option(
        None,
        "Write ranked prompt files, results.csv, generations.jsonl and emissions.csv to this folder: a new or empty one, "
        "or a previous export, which is replaced as a whole.",
        path=True, section=OUTPUTS,
    )
    parquet: bool = option(False, "With --export: also results.parquet and generations.parquet.", section=OUTPUTS)
    mlflow: bool = option(
        False, "Log the run to MLflow (MLFLOW_TRACKING_URI, default ./mlruns); needs greenprompt-cli[mlflow].", section=OUTPUTS
    )
    json_file: str | None = option(
        None, "Write the JSON document (as --json prints it) to this file.", flag=None, path=True, section=OUTPUTS, key="json"
    )
    junit: str | None = option(
        None, "With thresholds: write JUnit XML here (one test case per check per variant).", flag=None, path=True, section=OUTPUTS
    )
    summary: str | None = option(None, "With thresholds: write a Markdown summary here.", flag=None, path=True, section=OUTPUTS)
    # thresholds: the gate applied to the finished run (the CLI exits 1 when it fails)
    gate_min_quality: float | None = option(None, "Fail when quality is below this.", flag=None, section=THRESHOLDS, key="min_quality")
    max_gco2e: float | None = option(None, "Fail when gCO2e per query is above this.", flag=None, section=THRESHOLDS)
    max_energy_j: float | None = option(None, "Fail when J per query is above this.", flag=None, section=THRESHOLDS)
    against: str | None = option(None, "Baseline results JSON to compare with.", flag=None, path=True, section=THRESHOLDS)
    max_regression: float = option(
        0.0,
        "With against: fail when quality drops or carbon rises by more than this %.",
        flag=None,
        section=THRESHOLDS,
        check=(_at_least(0), "--max-regression must be >= 0 percent, got {value}"),
    )
    check_variants: tuple = option(
        (), "Variants to check (default: the run's chosen one: the greenest meeting min_quality, else the knee).",
        flag=None, section=THRESHOLDS, key="variants",
    )
    check_all: bool = option(False, "Check every variant.", flag=None, section=THRESHOLDS, key="all")

    @property
    def has_gate(self) -> bool:
        """Whether any threshold is set (then the finished run is gated)."""
        return any(v is not None for v in (self.gate_min_quality, self.max_gco2e, self.max_energy_j, self.against))


OPTIMIZE = "optimize"  # the experiment-file section of `greenprompt optimize`'s own options


def _as_in_config(name: str) -> Any:
    """A field declared once in Config, shared by OptimizeConfig (same flag, key and check)."""
    f = Config.__dataclass_fields__[name]
    return dataclasses.field(default=f.default, metadata=f.metadata)


def _rewrites_ok(value: tuple | str) -> bool:
    return isinstance(value, str) or all(isinstance(v, str) and v.strip() for v in value)


@dataclass(frozen=True)
class OptimizeConfig(HostedConfig, ExecutionConfig, InputConfig):
    """Everything `greenprompt optimize` takes: the input options, the scoring and metering
    options it shares with compare, and its own (the experiment file's `optimize:` section)."""

    scorer: str | None = _as_in_config("scorer")
    threads: int | None = _as_in_config("threads")
    energy_model: str = _as_in_config("energy_model")
    ci_level: float = _as_in_config("ci_level")
    bootstrap: int = _as_in_config("bootstrap")
    race_confidence: float = _as_in_config("race_confidence")
    store: str | None = _as_in_config("store")
    no_cache: bool = _as_in_config("no_cache")
    baseline: str | None = option(
        None, "The variant to improve (default: the prompt set's first).", section=OPTIMIZE
    )
    test_split: float = option(
        0.3,
        "Share of the items held out from the search; every reported winner is re-measured on them.",
        section=OPTIMIZE,
        check=(_between(0, 1), "--test-split must be between 0 and 1 (a share of the items), got {value}"),
    )
    budget: int | None = option(
        None,
        "Generations the search may run (default: no limit; --rounds and a round adding nothing stop it).",
        section=OPTIMIZE,
        check=(_at_least(1), "--budget must be at least 1 generation, got {value}"),
    )
    budget_j: float | None = option(
        None, "Joules the search may spend (checked after each round).", section=OPTIMIZE,
        check=(lambda v: v is None or v > 0, "--budget-j must be > 0 joules, got {value}"),
    )
    rounds: int = option(
        3, "Rounds of rewrites (round 1 rewrites the baseline, later ones the frontier).", section=OPTIMIZE,
        check=(_at_least(1), "--rounds must be at least 1, got {value}"),
    )
    max_quality_loss: float = option(
        0.02,
        "Non-inferiority margin D: a candidate may lose at most this much quality (lower bound of its paired "
        "difference to the baseline >= -D); also the racing margin of the search.",
        section=OPTIMIZE,
        check=(_between(0, 1, lo_inclusive=True), "--max-quality-loss must be between 0 and 1 (a quality difference), got {value}"),
    )
    rewrites: tuple = option(
        (), "Rewrites to use, repeat or comma-separate (default: all that apply; see docs/optimize.md).", section=OPTIMIZE,
        check=(_rewrites_ok, "--rewrites: give rewrite names, got {value!r}"),
    )
    export: str | None = option(
        None, "Write the winners as prompt files (that `greenprompt compare` reads) to this folder.", path=True, section=OPTIMIZE
    )
    json_file: str | None = option(
        None, "Write the JSON document (as --json prints it) to this file.", flag=None, path=True, section=OPTIMIZE, key="json"
    )
