"""`estimate`, `init` and `models`: the commands that neither run nor read the store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from greenprompt.api.runs import load_document
from greenprompt.outputs.files import write_text
from greenprompt.records.config import EstimateConfig, resolve_config
from greenprompt.records.errors import GreenPromptError

STARTER_FILES = ("greenprompt.yaml", "prompts.yaml", "reviews.csv")


def estimate(prompts: str | Path, **options: Any):
    """Predict each variant's J and gCO2e per query from token counts, without generating.
    `options` are those of `greenprompt estimate` (calibration is its `--from`: a results
    file or a stored run in `store`); the
    GREENPROMPT_* environment fills what is not given."""
    from greenprompt.engine.estimate import estimate as run_estimate

    given = {k: str(v) if isinstance(v, Path) else v for k, v in {"prompts": prompts, **options}.items()}
    config = resolve_config(EstimateConfig, given, {}, os.environ)
    # the one resolver of run references (a results file, or a stored run's id, prefix or 'last'), as check's
    return run_estimate(config, load_document(config.calibration, config.store))


def init(directory: str | Path = ".", force: bool = False) -> list[Path]:
    """Write a commented starter experiment file, prompt set and dataset; the files written."""
    from importlib import resources

    targets = [Path(directory) / name for name in STARTER_FILES]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise GreenPromptError(f"{', '.join(existing)} already exist(s); use --force to overwrite")
    starter = resources.files("greenprompt").joinpath("starter")
    return [write_text(t, starter.joinpath(name).read_text(encoding="utf-8")) for name, t in zip(STARTER_FILES, targets)]


def models(models_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """The model aliases (installed or not, and how to install) and the GGUF files under `models_dir`."""
    from greenprompt.inputs.aliases import list_models

    return list_models(Path(models_dir) if models_dir else None)
