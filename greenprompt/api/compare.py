"""The Python API for notebooks and scripts: the same records the CLI prints.

    from greenprompt import compare, load_prompt_set, load_dataset
    result = compare("prompts/reviews.yaml", limit=5)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from greenprompt.records import PromptSet, RunResult


def compare(prompts: str | Path | PromptSet, *, progress=None, **options: Any) -> RunResult:
    """Run a comparison and return its `RunResult`.

    `prompts` is a prompt-set file or directory, or a `PromptSet` (from `load_prompt_set`).
    `options` are those of `greenprompt compare` with underscores: dataset, model, target,
    scorer, limit, sample, seed, mode, repeats, baseline, min_quality, country, region,
    carbon_intensity, pue, volume, price_in, price_out, store, no_cache, resume, ...
    `progress(generation, done, total)` is called after each generation.
    """
    from greenprompt.records.config import Config
    from greenprompt.engine.driver import compare as run_compare

    prompt_set = prompts if isinstance(prompts, PromptSet) else None
    path = prompt_set.path if prompt_set else str(prompts)
    try:
        run_options = Config(prompts=path, **options)
    except TypeError as e:
        from greenprompt.records.errors import GreenPromptError

        raise GreenPromptError(f"compare(): {e}") from None
    return run_compare(run_options, progress=progress, prompt_set=prompt_set)


def to_json(result: RunResult) -> dict[str, Any]:
    """The document `greenprompt compare --json` prints."""
    from greenprompt.outputs.document import run_document

    return run_document(result)
