"""Experiment files: one YAML file holds a whole reproducible comparison (prompt set inline
or by path, dataset, model, scorer, metering, thresholds and outputs).

The keys are derived from the config fields (greenprompt.records.config): a field's `key`
and `section`. Precedence, highest first: command-line options or API keywords, the
experiment file, GREENPROMPT_* environment variables, built-in defaults (`resolve_config`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greenprompt.inputs.aliases import ALIASES
from greenprompt.inputs.cascade_spec import cascade_options
from greenprompt.inputs.model_specs import specs_from_data
from greenprompt.inputs.yaml_files import check_keys, read_yaml
from greenprompt.records.config import OPTIMIZE, OUTPUTS, THRESHOLDS, Config, OptimizeConfig, meta
from greenprompt.records.errors import GreenPromptError

SECTIONS = (THRESHOLDS, OUTPUTS, OPTIMIZE)  # optimize: `greenprompt optimize`'s own options


def file_keys(section: str | None = None, cls: type = Config) -> dict[str, dataclasses.Field]:
    """The experiment-file keys of one section (None: the top level), derived from the
    config fields of `cls`: key -> field."""
    keys = {}
    for f in dataclasses.fields(cls):
        m = meta(f)
        if m.key is not None and m.section == section:
            keys[m.key] = f
    return keys


TOP_KEYS = (*file_keys(), *SECTIONS)


@dataclass(frozen=True)
class Experiment:
    path: Path
    values: dict[str, Any]  # config field -> value, every section, paths resolved
    inline_prompts: dict[str, Any] | None = None

    @property
    def options(self) -> dict[str, Any]:
        """The top-level options (those of the comparison itself)."""
        top = file_keys()
        return {k: v for k, v in self.values.items() if k in {f.name for f in top.values()}}


def _mapping(value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GreenPromptError(f"{where} must be a mapping of {', '.join(allowed)}")
    check_keys(value, allowed, where)
    return dict(value)


def _read(p: Path) -> dict[str, Any]:
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise GreenPromptError(f"{p}: cannot read the experiment file ({e.strerror}); `greenprompt init` writes a starter") from None
    except UnicodeDecodeError as e:
        raise GreenPromptError(f"{p}: the experiment file is not UTF-8 text ({e.reason})") from None
    return _mapping(read_yaml(text, str(p)), str(p), TOP_KEYS)


def _value(f: dataclasses.Field, value: Any, p: Path) -> Any:
    """A file value as the field takes it: paths relative to the file (aliases kept)."""
    base = p.parent
    if f.name == "models" and value is not None:
        return specs_from_data(value, str(p), base)
    if meta(f).path and value is not None and not (f.name == "model" and str(value) in ALIASES):
        return str(base / str(value))
    if isinstance(value, list):
        return tuple(value)
    if f.name == "node_carbon" and isinstance(value, dict):  # `node_carbon: {host: g}`: the --node-carbon form
        return tuple(f"{host}={g}" for host, g in value.items())
    return value


def _cascade(values: dict[str, Any], options: dict[str, Any], given: dict[str, Any], p: Path) -> None:
    """`cascade:` as a mapping sets the rule's options too: each may be given once."""
    twice = [k for k in options if k != "cascade" and k in given]
    if twice:
        raise GreenPromptError(f"{p}: {', '.join(twice)} given both at the top and under cascade:; keep one")
    values.update(options)


def load_experiment(path: str | Path, cls: type = Config) -> Experiment:
    """Read and check an experiment file; relative paths are relative to the file. One file
    serves compare (cls Config) and optimize (OptimizeConfig): every key of either is
    accepted, and the values are those of `cls`'s fields (the other command's are skipped)."""
    p = Path(path)
    data = _read(p)
    values: dict[str, Any] = {}
    inline = None
    if isinstance(data.get("prompts"), dict):
        inline = data.pop("prompts")
    for section in (None, *SECTIONS):
        keys = file_keys(section, cls)
        known = {**file_keys(section, Config), **file_keys(section, OptimizeConfig)}
        where = str(p) if section is None else f"{p}: {section}"
        if section is None:
            given = {k: v for k, v in data.items() if k not in SECTIONS}
        else:
            given = _mapping(data.get(section), where, tuple(known))
        for key, value in given.items():
            f = keys.get(key)
            if f is None:
                continue  # the other command's option
            if section == OUTPUTS and not value:
                continue  # an empty output entry writes nothing, as before
            if f.name == "cascade" and value is not None:
                _cascade(values, cascade_options(value, str(p)), given, p)
                continue
            values[f.name] = _value(f, value, p)
    if "prompts" not in values and inline is None:
        raise GreenPromptError(f"{p}: no 'prompts' (a prompt-set path, or the set itself with its 'variants')")
    return Experiment(p, values, inline)
