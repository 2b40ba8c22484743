"""`--resume RUN`: the stored run's own configuration, so that `greenprompt compare --resume
last` continues it with nothing else given.

A resumed run must plan exactly the jobs it was started with, so everything that shapes
the plan or the analysis comes from the run's header (RunHeader.config). An option given
on the command line, as an API keyword or in an experiment file that differs from the
stored one is refused, naming it; the GREENPROMPT_* environment does not override a stored
option (it sets defaults, and a stored option is not a default). Free to differ, because
they change neither a generation nor the stored result: the store itself, --no-cache
(which only decides how the missing jobs are produced), and the outputs and thresholds
applied to the finished run (experiment-file sections `outputs:` and `thresholds:`).
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Mapping

from greenprompt.api.engine import stored_header
from greenprompt.records import PromptSet
from greenprompt.records.config import OUTPUTS, THRESHOLDS, Config, env_values, fold, meta, resolve_config
from greenprompt.records.errors import GreenPromptError

FREE = ("store", "resume", "no_cache")


def resume_requested(given: Mapping[str, Any], environ: Mapping[str, str]) -> str | None:
    """The run to resume: `--resume` (or the API's `resume=`), else GREENPROMPT_RESUME."""
    return given.get("resume") or env_values(Config, environ).get("resume")


def resumed_config(
    run: str, given: Mapping[str, Any], from_file: Mapping[str, Any], environ: Mapping[str, str]
) -> tuple[Config, PromptSet | None]:
    """The configuration of stored run RUN, with the free options (store, --no-cache,
    outputs, thresholds) taken from `given`, the file and the environment in that order,
    and the run's own prompt set (so one inline in an experiment file needs no -c again);
    a conflicting plan option raises GreenPromptError naming it."""
    explicit = {**fold(Config, from_file), **fold(Config, given)}  # the command line beats the file
    ambient = env_values(Config, environ)
    header = stored_header(explicit.get("store", ambient.get("store")), run)
    if header.config is None:  # stored before its configuration was kept: resolved as given
        return resolve_config(Config, {**given, "resume": header.run_id}, from_file, environ), None
    stored = dataclasses.replace(header.config, serving=header.serving)  # this run's one profile
    values = {f.name: getattr(stored, f.name) for f in dataclasses.fields(Config)}
    for f in dataclasses.fields(Config):
        m = meta(f)
        if f.name in FREE or m.section in (OUTPUTS, THRESHOLDS):
            for source in (explicit, ambient):
                if f.name in source:
                    values[f.name] = source[f.name]
                    break
        elif f.name in explicit and not _same(stored, f, explicit[f.name]):
            name = m.flag or ("PROMPTS" if m.argument else m.key or f.name)
            raise GreenPromptError(
                f"{name} {_shown(explicit[f.name])}: run {header.run_id} was planned with {name} {_shown(getattr(stored, f.name))}; "
                f"--resume continues it with its stored options: leave {name} out (or start a new run without --resume)"
            )
    values["resume"] = header.run_id  # `last` resolved once: the driver resumes this very run
    config = Config(**values)
    config.validate()
    return config, stored_prompt_set(header.prompt_set)


def stored_prompt_set(prompt_set: PromptSet) -> PromptSet:
    """A run's prompt set as it was read: a header keeps it with several models' points
    expanded (`variant@model`, engine.plan.expand_variants), which the driver does again."""
    variants, seen = [], set()
    for v in prompt_set.variants:
        if v.base is None:
            variants.append(v)
        elif v.base not in seen:
            seen.add(v.base)
            variants.append(dataclasses.replace(v, name=v.base, model=None, base=None))
    return dataclasses.replace(prompt_set, variants=tuple(variants))


def _same(stored: Config, f: dataclasses.Field, value: Any) -> bool:
    """Whether a given value is the stored one, as stored (tuples as lists; a path as the
    file it names from here, so `./a.yaml` is `a.yaml`)."""
    old = getattr(stored, f.name)
    if meta(f).path and isinstance(old, str) and isinstance(value, str):
        return os.path.abspath(old) == os.path.abspath(value)
    as_given = dataclasses.replace(stored, **{f.name: value}).to_dict()[f.name]
    return as_given == stored.to_dict()[f.name]


def _shown(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value) or "(none)"
    return "(none)" if value is None else str(value)
