"""Writing an output file: its folder made, an unwritable place one clear error."""

from __future__ import annotations

from pathlib import Path

from greenprompt.records.errors import GreenPromptError


def write_text(path: str | Path, text: str) -> Path:
    """Write a file, creating its folder; an unwritable place is a GreenPromptError."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    except OSError as e:
        raise GreenPromptError(f"{p}: cannot write ({e.strerror})") from None
    return p
