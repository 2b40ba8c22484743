"""The `greenprompt optimize` report: the candidates table, the winner's diff against the
baseline, the search's own energy and its payback, and what the search concluded."""

from __future__ import annotations

import difflib
import json
from typing import Any, Mapping

from rich.console import Console
from rich.table import Table
from rich.text import Text

from greenprompt.outputs import units
from greenprompt.outputs.fit import Column, Layout, fitted
from greenprompt.outputs.hosted import label_lines, projection_columns
from greenprompt.records.optimize import Candidate, Figures, OptimizeResult

SPLIT_NAMES = {"test": "held-out split", "dev": "search split"}


def lineage_text(c: Candidate) -> str:
    """The chain of rewrites with their main parameters, e.g. cap-output(max_tokens=3) > drop-block."""
    if not c.lineage:
        return "(baseline)"
    parts = []
    for step in c.lineage:
        shown = {k: v for k, v in step.params.items() if isinstance(v, (int, float, str)) and len(str(v)) <= 16}
        args = ", ".join(f"{k}={v}" for k, v in list(shown.items())[:2])
        parts.append(f"{step.rewrite}({args})" if args else step.rewrite)
    return " > ".join(parts)


def quality_text(f: Figures | None) -> str:
    if f is None:
        return "-"
    ci = f" [{f.quality_ci[0]:.2f}, {f.quality_ci[1]:.2f}]" if f.quality_ci else ""
    dropped = " (raced out)" if f.dropped_by else ""
    return f"{f.quality:.3f}{ci} n={f.n}{dropped}"


def delta_text(c: Candidate, base: Candidate) -> str:
    """Held-out figures when both have them, else the search split's: Δquality and ΔJ/query."""
    for split in ("test", "dev"):
        mine, theirs = getattr(c, split), getattr(base, split)
        if mine and theirs and mine.energy_j is not None and theirs.energy_j:
            dq = mine.quality - theirs.quality
            de = (mine.energy_j / theirs.energy_j - 1) * 100
            return f"{dq:+.3f} q, {de:+.0f}% J ({split})"
    return "-"


def candidates_table(result: OptimizeResult) -> Table:
    base = result.candidate(result.baseline)
    table = Table(title="Candidates (dev: search split, test: held-out split)", show_lines=False)
    for name in ("", "candidate", "lineage", "dev quality [CI]", "test quality [CI]", "J/query dev", "J/query test", "Δ vs baseline"):
        table.add_column(name, overflow="fold")
    for c in result.candidates:
        mark = "★" if c.name == result.recommended else ("·" if c.on_frontier else "")
        table.add_row(
            mark, c.name, lineage_text(c), quality_text(c.dev), quality_text(c.test),
            units.energy(c.dev.energy_j if c.dev else None), units.energy(c.test.energy_j if c.test else None),
            "" if c is base else delta_text(c, base),
        )
    return table


def _prompt_lines(c: Candidate) -> list[str]:
    params: Mapping[str, Any] = {k: v for k, v in c.params.items() if v not in (None, [], ())}
    lines = [f"system: {c.system}"] if c.system else []
    lines += [f"params: {json.dumps(params, sort_keys=True)}", "---"]
    return lines + c.template.splitlines()


def diff_text(base: Candidate, winner: Candidate) -> Text:
    """The winner against the baseline, line by line (difflib), removals red, additions green."""
    text = Text()
    for line in difflib.unified_diff(_prompt_lines(base), _prompt_lines(winner), base.name, winner.name, lineterm=""):
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "cyan" if line.startswith("@@") else ""
        text.append(line + "\n", style=style)
    return text


def footprint_line(result: OptimizeResult) -> str:
    e = result.experiment
    parts = [f"search {units.energy(e.search_j)}", f"held-out confirmation {units.energy(e.confirm_j)}"]
    if e.compress_j:
        parts.append(f"compression scoring {units.energy(e.compress_j)}")
    return (f"The search's own footprint: {units.energy(e.energy_j)}, {units.carbon(e.gco2e)} "
            f"({', '.join(parts)}; {e.generations} generations, {len(e.runs)} stored runs)")


def payback_line(result: OptimizeResult) -> str:
    if result.payback_queries is None and result.recommended != result.baseline:
        return "Payback: none on the energy measured here (the recommended prompt saves no J/query on this machine)."
    if result.payback_queries is None:
        return "Payback: none (no greener prompt was recommended)."
    return (f"Payback: after {result.payback_queries:,.0f} queries the recommended prompt's saving per query "
            "(held-out split) repays the search.")


def print_hosted(result: OptimizeResult, console: Console) -> None:
    """Per --hosted model: the projection of the baseline and of the recommended prompt (each
    from its held-out answers when confirmed there, else its search-split ones), under its label."""
    shown = [result.candidate(n) for n in dict.fromkeys((result.baseline, result.recommended))]
    for spec in dict.fromkeys(h.spec for c in shown for h in c.hosted):
        rows = [(c, h) for c in shown for h in c.hosted if h.spec == spec]
        ranked = result.frontier_on == f"hosted:{spec}"
        for line in label_lines([h for _, h in rows], " — optimize chose the greenest on it" if ranked else ""):
            console.print(line)
        columns = [Column("", tuple("★" if c.name == result.recommended else "" for c, _ in rows), "left"),
                   Column("candidate", tuple(Text(c.name) for c, _ in rows), "left", key=True, wrap=True),
                   Column("from answers on", tuple(SPLIT_NAMES.get(c.hosted_from, "") for c, _ in rows), "left"),
                   *projection_columns([h for _, h in rows])]
        for t in fitted(console, Layout(f"Projected on {spec} (EcoLogits {rows[0][1].ecologits_version})",
                                        continued=f"Projected on {spec}, continued"), columns):
            console.print(t)


def print_optimize(result: OptimizeResult, console: Console) -> None:
    s = result.split
    console.print(Text(f"Split: {s['n_search']} search items, {s['n_test']} held-out items "
                       f"(--test-split {s['test_split']:g}, seed {s['seed']}); margin D = {result.max_quality_loss:g}", style="dim"))
    console.print(candidates_table(result))
    if result.recommended != result.baseline:
        console.print(Text(f"Recommended: {result.recommended} (lineage: {lineage_text(result.candidate(result.recommended))})",
                           style="bold green"))
        console.print(diff_text(result.candidate(result.baseline), result.candidate(result.recommended)))
    else:
        console.print(Text(f"Recommended: the baseline {result.baseline} (nothing greener passed).", style="bold"))
    print_hosted(result, console)
    console.print(footprint_line(result), highlight=False)
    console.print(payback_line(result), highlight=False)
    for note in result.notes:
        console.print(Text(f"Note: {note}", style="yellow" if "cannot" in note or "keep the baseline" in note else ""))
