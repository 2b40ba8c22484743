"""Report lines that say what the run decided and what to doubt: the chosen variant and
the rule that chose it, and the run's warnings. Plain strings, for the terminal and HTML."""

from __future__ import annotations

from greenprompt.records import RunResult

USED_BY = "the gate checks it and the payback switches to it"


def chosen_line(result: RunResult) -> str:
    """One line: which variant the run chose and why (records.Choice)."""
    c = result.chosen
    if c.variant is None:
        return f"No variant chosen: {c.reason}."
    if c.rule == "greenest_meeting_min_quality":
        return f"Enough is enough: the {c.reason} is {c.variant}, the chosen variant ({USED_BY})."
    if result.min_quality is None:
        return f"Chosen: {c.variant}, the {c.reason} ({USED_BY}; --min-quality Q chooses the greenest variant reaching Q)."
    return f"Enough is enough: no variant reaches quality ≥ {result.min_quality:g}. Chosen: {c.variant}, the {c.reason} ({USED_BY})."


def warning_lines(result: RunResult) -> list[str]:
    """The run's warnings (records.RunResult.warnings), one line each."""
    return [f"Warning: {w}." for w in result.warnings]
