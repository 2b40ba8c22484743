"""Results files written by `compare --json`, read back by `check` and `estimate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from greenprompt.records.errors import GreenPromptError


def read_results_file(path: str | Path) -> dict[str, Any]:
    """A JSON document written by `compare --json`, checked enough to be used."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise GreenPromptError(f"{p}: cannot read the results file ({e.strerror}); pass a file written by `compare --json`") from None
    except ValueError as e:
        raise GreenPromptError(f"{p}: not a JSON document ({e}); pass a file written by `compare --json`") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("variants"), list):
        raise GreenPromptError(f"{p}: not a greenprompt result (no 'variants' list); pass a file written by `compare --json`")
    return doc
