"""Command-line options derived from the config fields (greenprompt.records.config): a
command declares its own few parameters and `with_config_options` adds one typer option
per field that has a flag, with the field's help, short flag and default."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer
from click.core import ParameterSource

from greenprompt.records.config import env_name, field_type, meta


def config_parameters(cls: type, argument_required: bool = False) -> list[inspect.Parameter]:
    """One keyword parameter per field with a flag (or the positional argument)."""
    params = []
    for f in dataclasses.fields(cls):
        m = meta(f)
        if m.argument:
            info = typer.Argument(help=m.help, show_default=False)
            kind, default = (Path, inspect.Parameter.empty) if argument_required else (Optional[Path], None)
        elif m.flag is None:
            continue
        else:
            # the variable is named in the help only: it is read by resolve_config (so that
            # the file beats it and a bad value names it), not by click
            info = typer.Option(m.flag, *([m.short] if m.short else []), help=f"{m.help} (env: {env_name(f)})")
            kind, default = _annotation(cls, f, m.path), f.default
        params.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind, info]))
    return params


def _annotation(cls: type, f: dataclasses.Field, path: bool) -> Any:
    kind = field_type(cls, f.name)
    if kind is bool:
        return bool
    if kind is tuple:
        return Optional[list[str]]
    if path and f.name != "models":  # models may be aliases, not paths
        kind = Path
    return Optional[kind]


def with_config_options(cls: type, argument_required: bool = False) -> Callable[[Callable], Callable]:
    """Give `func(ctx, <own parameters>, **options)` the options of `cls` in typer's eyes."""

    def decorate(func: Callable) -> Callable:
        own = [p for p in inspect.signature(func, eval_str=True).parameters.values() if p.kind != inspect.Parameter.VAR_KEYWORD]
        params = own + config_parameters(cls, argument_required)
        func.__signature__ = inspect.Signature(params)
        return func

    return decorate


def given_on_command_line(ctx: typer.Context, options: dict[str, Any]) -> dict[str, Any]:
    """The options typed on the command line (not click's defaults): those are the highest
    source of the precedence rule; the environment and the defaults are `resolve_config`'s."""
    given = {}
    for name, value in options.items():
        # by name: typer may bring its own copy of click and so its own ParameterSource enum
        if getattr(ctx.get_parameter_source(name), "name", "") == ParameterSource.COMMANDLINE.name:
            given[name] = tuple(value) if isinstance(value, list) else value
    return given
