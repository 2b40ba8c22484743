"""YAML files people write (prompt sets, experiment files): parse errors and unknown keys as
one line naming the file and what is allowed."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import yaml

from greenprompt.records.errors import GreenPromptError


def read_yaml(text: str, where: str) -> Any:
    """Parse YAML; a syntax error becomes one line naming the file and line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" line {mark.line + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise GreenPromptError(f"{where}:{at}: invalid YAML ({problem}); fix the file's syntax") from None


def check_keys(data: Mapping, allowed: Iterable[str], where: str) -> None:
    """Reject unknown keys, listing the allowed ones."""
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise GreenPromptError(
            f"{where}: unknown key(s) {', '.join(map(str, unknown))}; allowed keys: {', '.join(allowed)}"
        )
