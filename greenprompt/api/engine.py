"""The one place the API calls the engine: a rename there is a one-line change here."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from greenprompt.records import PromptSet, RunHeader, RunResult
from greenprompt.records.config import Config
from greenprompt.records.config_groups import RAY
from greenprompt.records.errors import GreenPromptError


def run_comparison(config: Config, prompt_set: PromptSet | None = None, progress=None, executor: Any = None) -> RunResult:
    """Plan, generate, meter, store and analyse one comparison (`executor`: the engine's
    executor seam; None: the one --executor names)."""
    from greenprompt.engine.driver import run_comparison as run  # lazy: llama_cpp and the metering stack

    with chosen_executor(config, executor) as chosen:
        return run(config, prompt_set=prompt_set, progress=progress, executor=chosen)


@contextmanager
def chosen_executor(config: Any, executor: Any = None) -> Iterator[Any]:
    """The executor given, else the one --executor names: None (the driver's local one) or a
    Ray executor, whose actors and Ray connection end when the block does. Without Ray
    installed, --executor ray is one GreenPromptError line naming the extra to install."""
    if executor is not None or config.executor != RAY:
        yield executor
        return
    from greenprompt.engine.ray_executor import RayExecutor, import_ray, on_loopback  # lazy: Ray is an optional extra

    import_ray(on_loopback(config.ray_address))
    ray_executor = RayExecutor(config.ray_address, config.workers, config.threads)
    try:
        yield ray_executor
    finally:
        ray_executor.shutdown()


def stored_header(store: str | None, run: str) -> RunHeader:
    """The header of stored run RUN (an id, a unique prefix of one, or `last`), whose
    `run_id` is the full id."""
    from greenprompt.engine.store import RunStore, default_store_path  # lazy: as above, the engine's imports

    path = default_store_path(store)
    if not path.exists():
        raise GreenPromptError(f"--resume {run}: {path}: no run store here; pass the run's --store PATH")
    with RunStore(path) as s:
        return s.header(s.resolve_id(run))


def executor_keyword(executor: Any, options: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """compare()/optimize()'s `executor` keyword is either the --executor option ("local" or
    "ray": it joins the options) or an executor object for the engine's seam (e.g. a
    LocalExecutor around a test backend), which runs the plan as given."""
    if isinstance(executor, str):
        return None, {**options, "executor": executor}
    return executor, options
