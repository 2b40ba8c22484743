"""What `--budget` did to a run, for the report and the --json document: how many of the
planned generations ran and how many items each variant ran on (its figures are over those
items only, and the first variants in run order get one more item than the last ones)."""

from __future__ import annotations

from typing import Any

from greenprompt.records import JobRole, RunResult


def items_run(result: RunResult) -> dict[str, int]:
    """Each ranked variant: the dataset items it has an answer for, in ranking order."""
    items: dict[str, set[str]] = {v.name: set() for v in result.variants if v.cascade is None}
    for g in result.generations:
        if g.role is JobRole.ANSWER and g.variant in items:
            items[g.variant].add(g.item_id)
    return {name: len(ids) for name, ids in items.items()}


def budget_document(result: RunResult) -> dict[str, Any] | None:
    """The --json key `stopped_by`: null when the run went to the end of its plan (or was
    interrupted: `interrupted` says so), else what stopped it and each variant's items."""
    stop = result.budget_stop
    if stop is None:
        return None
    return {
        "rule": "budget",
        "budget": stop.budget,
        "generations": stop.generations,
        "planned": stop.planned,
        "items": items_run(result),
    }


def budget_line(result: RunResult) -> str | None:
    """One line for the report, when the budget stopped the run."""
    stop = result.budget_stop
    if stop is None:
        return None
    counts = ", ".join(f"{name} {n}" for name, n in items_run(result).items())
    return (
        f"Stopped by --budget {stop.budget}: {stop.generations} of {stop.planned} planned generations ran; "
        f"items run of {result.dataset.n_items}: {counts} (each variant's figures are over its own items)"
    )
