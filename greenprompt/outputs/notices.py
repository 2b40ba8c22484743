"""Report lines that say what the run decided, what it cost and what to doubt: the chosen
variant and the rule that chose it, the experiment's footprint and payback, and the run's
warnings. Plain strings, for the terminal and HTML."""

from __future__ import annotations

from greenprompt.outputs import units
from greenprompt.records import PREFIX_CACHE, RunResult

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


def footprint_lines(result: RunResult) -> list[str]:
    """What the experiment itself cost (model load, prefix fill, generations, overhead) and
    the queries after which the chosen variant's saving repays it."""
    f = result.footprint
    if f is None:
        return []
    parts = ", ".join(
        f"{name} {units.energy(span.energy_j)} / {units.duration(span.wall_s)}"
        for name, span in (("model load", f.model_load), ("prefix fill", f.prefix_fill), ("generations", f.generations),
                           ("overhead", f.overhead))
        if name != "prefix fill" or result.serving == PREFIX_CACHE
    )
    lines = [
        f"Experiment footprint: {units.energy(f.total.energy_j)}, {units.carbon(f.total.gco2e)} CO2e, "
        f"{units.duration(f.total.wall_s)} ({parts})"
    ]
    if f.payback_queries is not None:
        lines.append(f"Payback: {f.payback_queries:,.0f} production queries repay this experiment ({f.payback_reason}).")
    else:
        lines.append(f"Payback: none ({f.payback_reason}).")
    return lines
