"""Small on-disk caches (model sha256, CPU power lookup, energy calibrations) under greenprompt's home."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable


def user_cache_dir() -> Path:
    """greenprompt's folder in the user's cache directory (~/.cache/greenprompt)."""
    return _user_cache_dir(os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))


def cache_dir() -> Path:
    """$GREENPROMPT_HOME if set, else the user's cache directory (~/.cache/greenprompt)."""
    home = os.environ.get("GREENPROMPT_HOME")
    return _path(home) if home else user_cache_dir()


# Token counts look the folder up twice per generation: building the Path each time was 13%
# of the driver's time per generation on the fake backend (profiled). Keyed by the variables
# it depends on, so a changed environment is still followed.
@lru_cache(maxsize=16)
def _path(text: str) -> Path:
    return Path(text)


@lru_cache(maxsize=16)
def _user_cache_dir(xdg: str | None, _home: str | None) -> Path:
    return Path(xdg or Path.home() / ".cache") / "greenprompt"


def read(name: str) -> dict[str, Any]:
    """Every value stored in cache file `name` ({} when absent or unreadable)."""
    try:
        return json.loads((cache_dir() / name).read_text())
    except (OSError, ValueError):
        return {}


def store(name: str, key: str, value: Any) -> None:
    """Store `value` under `key` in cache file `name`, replacing what was there.
    An unwritable home only costs the computation next time."""
    values = read(name)
    values[key] = value
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(values))
        tmp.replace(path)  # atomic: concurrent runs never read half a file
    except OSError:
        pass


def cached(name: str, key: str, compute: Callable[[], Any]) -> Any:
    """The JSON value stored under `key` in cache file `name`, computed and stored if absent."""
    values = read(name)
    if key in values:
        return values[key]
    value = compute()
    store(name, key, value)
    return value
