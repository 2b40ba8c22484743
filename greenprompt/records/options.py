"""How a configuration is declared and resolved: the metadata every option carries (`option`,
`Meta`), the GREENPROMPT_* environment variables, unknown-keyword checks and THE precedence
rule (`resolve_config`). The fields themselves are declared in greenprompt.records.config.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from greenprompt.records.errors import GreenPromptError


@dataclass(frozen=True)
class Meta:
    """What a field needs to become a CLI option, a file key, an env variable and a check."""

    help: str
    flag: str | None  # the long flag; None: no command-line option
    short: str | None = None
    check: tuple[Callable[[Any], bool], str] | None = None  # (predicate, message with {value})
    choices: tuple[str, ...] | None = None
    path: bool = False  # relative to the experiment file when read from one
    section: str | None = None  # experiment-file section, None: the top level
    key: str | None = None  # experiment-file key; None: not in the file
    argument: bool = False  # the positional argument of `compare`
    folds_into: str | None = None  # `model` is one entry of `models` (see sources.fold)


_NO = object()


def option(
    default: Any,
    help: str,
    *,
    flag: Any = _NO,
    short: str | None = None,
    check=None,
    path: bool = False,
    section: str | None = None,
    key: Any = _NO,
    choices: tuple[str, ...] | None = None,
    argument: bool = False,
    folds_into: str | None = None,
) -> Any:
    """A config field; flag and key default to the field's name (pass None for none)."""
    meta = Meta(help, flag, short, check, choices, path, section, key, argument, folds_into)
    return field(default=default, metadata={"option": meta})


def meta(f: dataclasses.Field) -> Meta:
    """A field's metadata with its defaults filled in from the field's name."""
    m: Meta = f.metadata["option"]
    flag = None if m.argument else ("--" + f.name.replace("_", "-") if m.flag is _NO else m.flag)
    key = f.name if m.key is _NO else m.key
    return dataclasses.replace(m, flag=flag, key=key)


def _at_least(n: float) -> Callable[[Any], bool]:
    return lambda v: v is None or v >= n


def _between(lo: float, hi: float, *, lo_inclusive: bool = False) -> Callable[[Any], bool]:
    return lambda v: (lo <= v if lo_inclusive else lo < v) and v < hi


ENV_PREFIX = "GREENPROMPT_"
_TRUE, _FALSE = ("1", "true", "t", "yes", "y", "on"), ("0", "false", "f", "no", "n", "off")


def env_name(f: dataclasses.Field) -> str | None:
    """GREENPROMPT_<FLAG>, for the fields that have a command-line option (as click named them)."""
    flag = meta(f).flag
    return None if flag is None else ENV_PREFIX + flag.lstrip("-").replace("-", "_").upper()


def field_type(cls: type, name: str) -> type:
    """The field's value type without None: str, int, float, bool or tuple."""
    hint = typing.get_type_hints(cls)[name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return typing.get_origin(hint) or hint if not args or hint is tuple else (typing.get_origin(args[0]) or args[0])


def parse_text(kind: type, text: str, where: str) -> Any:
    """A value from text (an environment variable): `where` names it in the error."""
    if kind is bool:
        if text.strip().lower() in _TRUE + _FALSE:
            return text.strip().lower() in _TRUE
        raise GreenPromptError(f"{where}={text}: not true or false (1/0, yes/no, on/off)")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise GreenPromptError(f"{where}={text}: not a whole number") from None
    if kind is float:
        try:
            return float(text)
        except ValueError:
            raise GreenPromptError(f"{where}={text}: not a number") from None
    if kind is tuple:  # as click splits a repeatable option's variable: on whitespace
        return tuple(text.split())
    return text


def env_values(cls: type, environ: Mapping[str, str], skip: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields set by GREENPROMPT_* variables (empty ones count as unset), parsed by type.
    Fields in `skip` (set by a source that wins) are not read, so a bad variable there is moot."""
    values = {}
    for f in dataclasses.fields(cls):
        name = env_name(f)
        if f.name in skip or meta(f).folds_into in skip:
            continue
        if name and environ.get(name):
            values[f.name] = parse_text(field_type(cls, f.name), environ[name], name)
    return values


def check_names(cls: type, given: Mapping[str, Any], where: str) -> None:
    """An unknown option names itself and the closest known one."""
    names = [f.name for f in dataclasses.fields(cls)]
    for key in given:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; options: {', '.join(names)}"
            raise GreenPromptError(f"{where}: unexpected keyword argument {key!r}{hint}")


def fold(cls: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """Within one source, a field that `folds_into` another becomes that one: `model: X`
    is `models: [X]` unless the same source names `models` (then `models` wins, as before)."""
    out = dict(values)
    for f in dataclasses.fields(cls):
        into = meta(f).folds_into
        if into and f.name in out:
            value = out.pop(f.name)
            if value is not None and into not in out:
                out[into] = (value,)
    return out


def resolve_config(cls: type, given: Mapping[str, Any], from_file: Mapping[str, Any], environ: Mapping[str, str]) -> Any:
    """THE precedence rule, per field: the command line or API keyword (`given`), else the
    experiment file, else the GREENPROMPT_* environment, else the field's default. Checked."""
    check_names(cls, given, "options")
    sources = [fold(cls, given), fold(cls, from_file)]
    sources.append(fold(cls, env_values(cls, environ, skip={name for source in sources for name in source})))
    values = {}
    for f in dataclasses.fields(cls):
        for source in sources:
            if f.name in source:
                values[f.name] = source[f.name]
                break
    config = cls(**values)
    config.validate()
    return config
