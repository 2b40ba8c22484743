"""The one place the API calls the engine: a rename there is a one-line change here."""

from __future__ import annotations

from typing import Any

from greenprompt.records import PromptSet, RunHeader, RunResult
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError


def run_comparison(config: Config, prompt_set: PromptSet | None = None, progress=None, executor: Any = None) -> RunResult:
    """Plan, generate, meter, store and analyse one comparison (`executor`: the engine's
    executor seam; None is the local, in-process one)."""
    from greenprompt.engine.driver import run_comparison as run  # lazy: llama_cpp and the metering stack

    return run(config, prompt_set=prompt_set, progress=progress, executor=executor)


def stored_header(store: str | None, run: str) -> RunHeader:
    """The header of stored run RUN (an id, a unique prefix of one, or `last`), whose
    `run_id` is the full id."""
    from greenprompt.engine.store import RunStore, default_store_path  # lazy: as above, the engine's imports

    path = default_store_path(store)
    if not path.exists():
        raise GreenPromptError(f"--resume {run}: {path}: no run store here; pass the run's --store PATH")
    with RunStore(path) as s:
        return s.header(s.resolve_id(run))
