"""The one place the API calls the engine: a rename there is a one-line change here."""

from __future__ import annotations

from typing import Any

from greenprompt.records import PromptSet, RunResult
from greenprompt.records.config import Config


def run_comparison(config: Config, prompt_set: PromptSet | None = None, progress=None, executor: Any = None) -> RunResult:
    """Plan, generate, meter, store and analyse one comparison (`executor`: the engine's
    executor seam; None is the local, in-process one)."""
    from greenprompt.engine.driver import run_comparison as run  # lazy: llama_cpp and the metering stack

    return run(config, prompt_set=prompt_set, progress=progress, executor=executor)
