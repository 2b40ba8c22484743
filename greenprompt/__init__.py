"""greenprompt: compare prompt variants on quality and measured energy and carbon.

The public API is imported lazily so that `greenprompt --help` stays fast: the heavy
libraries (llama_cpp, datasets, codecarbon) load only when a run needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "compare": "greenprompt.api.compare",
    "optimize": "greenprompt.api.optimize",
    "OptimizeConfig": "greenprompt.records.config",
    "OptimizeResult": "greenprompt.records.optimize",
    "to_json": "greenprompt.api.compare",
    "check": "greenprompt.api.check",
    "estimate": "greenprompt.api.tools",
    "init": "greenprompt.api.tools",
    "models": "greenprompt.api.tools",
    "list_runs": "greenprompt.api.runs",
    "show_run": "greenprompt.api.runs",
    "export_stored_run": "greenprompt.api.runs",
    "remove_run": "greenprompt.api.runs",
    "report": "greenprompt.api.runs",
    "Config": "greenprompt.records.config",
    "EstimateConfig": "greenprompt.records.config",
    "GateOutcome": "greenprompt.records",
    "load_prompt_set": "greenprompt.inputs.prompt_sets",
    "load_dataset": "greenprompt.inputs.datasets",
    "resolve_model": "greenprompt.inputs.model_specs",
    "get_scorer": "greenprompt.analysis.scoring",
    "GreenPromptError": "greenprompt.records.errors",
    "RunResult": "greenprompt.records",
    "PromptSet": "greenprompt.records",
    "export_run": "greenprompt.outputs.export",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'greenprompt' has no attribute {name!r}")
