"""The hosted projections (`--hosted`) in the terminal report: one compact block per hosted
model, after the measured tables and apart from them, each under its label (what EcoLogits
projected from, and what it leaves out), so a projection is never read as a measurement."""

from __future__ import annotations

import html

from rich.console import Console
from rich.table import Table
from rich.text import Text

from greenprompt.outputs import units
from greenprompt.outputs.fit import Column, Layout, fitted
from greenprompt.outputs.tables import variant_ids
from greenprompt.records import RunResult, VariantSummary
from greenprompt.records.hosted import HostedProjection

FRONTIER_CAPTION = "★ frontier ◆ knee on local quality vs this projection's midpoint (--frontier-on); per query"


def hosted_specs(result: RunResult) -> list[str]:
    """The hosted models projected on, in the order they were given."""
    return list(dict.fromkeys(h.spec for v in result.variants for h in v.hosted))


def _range(pair: tuple[float, float], fmt) -> str:
    low, high = pair
    return fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"


def frontier_marks(v: VariantSummary) -> str:
    return ("★" if v.on_frontier else "") + ("◆" if v.knee else "")


def label_lines(hs: list[HostedProjection], suffix: str = "") -> list[Text]:
    """One hosted model's label (what was projected, from what) and EcoLogits' warnings."""
    spec = hs[0].spec
    lines = [Text(f"Hosted: {spec}, {hs[0].label}{suffix}", style="dim")]
    codes = sorted({c for h in hs for c in h.warnings})
    if codes:
        lines.append(Text(f"EcoLogits warnings for {spec}: {', '.join(codes)}", style="yellow"))
    return lines


def projection_columns(hs: list[HostedProjection]) -> list[Column]:
    """The projected figures per query, one row per projection (same model)."""
    return [Column("answer tokens (cl100k)", tuple(f"{h.completion_tokens:.1f}" for h in hs)),
            Column("energy (projected)", tuple(_range(h.energy_j, units.energy) for h in hs)),
            Column("gCO2e (projected)", tuple(_range(h.gco2e, units.carbon) for h in hs)),
            Column("usage", tuple(_range(h.gco2e_usage, units.carbon) for h in hs), move=2),
            Column("embodied", tuple(_range(h.gco2e_embodied, units.carbon) for h in hs), move=1)]


def hosted_block(result: RunResult, spec: str, console: Console) -> tuple[list[Text], list[Table]]:
    """One hosted model's label, warnings and table of per-query projections."""
    rows: list[tuple[VariantSummary, HostedProjection]] = [
        (v, h) for v in result.variants for h in v.hosted if h.spec == spec
    ]
    if not rows:
        return [], []
    first = rows[0][1]
    ranked_on = result.frontier_on == f"hosted:{spec}"
    lines = label_lines([h for _, h in rows], " — the frontier ranks on it" if ranked_on else "")
    ids = variant_ids(result)
    vs = [v for v, _ in rows]
    hs = [h for _, h in rows]
    columns = [Column("id", tuple(ids.get(v.name, "") for v in vs), "left", key=True),
               Column("variant", tuple(Text(v.name) for v in vs), "left", key=True, wrap=True)]
    if ranked_on:
        columns.insert(0, Column("", tuple(frontier_marks(v) for v in vs), "left"))
    columns += projection_columns(hs)
    if result.price_in is not None or result.price_out is not None:
        columns.append(Column("cost per 1k queries", tuple(
            f"{v.projection.cost_per_1k_queries:.4g}" if v.projection.cost_per_1k_queries is not None else "" for v in vs
        ), move=3))
    layout = Layout(f"Projected on {spec} (EcoLogits {first.ecologits_version})", caption=FRONTIER_CAPTION if ranked_on else None,
                    continued=f"Projected on {spec}, continued")
    return lines, fitted(console, layout, columns)


def print_hosted(result: RunResult, console: Console) -> None:
    """Every hosted model's block, in the order given."""
    for spec in hosted_specs(result):
        lines, tables = hosted_block(result, spec, console)
        for line in lines:
            console.print(line)
        for t in tables:
            console.print(t)


def hosted_html(result: RunResult) -> str:
    """The HTML report's section: per hosted model, its label and each variant's measured
    figures (this machine) beside the projected ones (EcoLogits), in columns named so."""
    sections = []
    for spec in hosted_specs(result):
        rows = [(v, h) for v in result.variants for h in v.hosted if h.spec == spec]
        codes = sorted({c for _, h in rows for c in h.warnings})
        head = "".join(f"<th>{t}</th>" for t in ("variant", "answer tokens (cl100k)", "energy / query, measured here",
                                                  "energy / query, projected", "CO2e / query, measured here",
                                                  "CO2e / query, projected", "usage", "embodied"))
        body = "".join(
            f"<tr><td>{html.escape(v.name)}{(' ' + frontier_marks(v)) if result.frontier_on == f'hosted:{spec}' else ''}"
            f"</td><td>{h.completion_tokens:.1f}</td><td>{units.energy(v.energy_j)}</td><td>{_range(h.energy_j, units.energy)}"
            f"</td><td>{units.carbon(v.gco2e)}</td><td>{_range(h.gco2e, units.carbon)}</td>"
            f"<td>{_range(h.gco2e_usage, units.carbon)}</td><td>{_range(h.gco2e_embodied, units.carbon)}</td></tr>"
            for v, h in rows
        )
        warn = f"<p class=warning>EcoLogits warnings: {html.escape(', '.join(codes))}</p>" if codes else ""
        sections.append(f"<h3>{html.escape(spec)}</h3><p class='meta'>{html.escape(rows[0][1].label)}</p>{warn}"
                        f"<table class='hosted'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    if not sections:
        return ""
    return "<h2>Projected on hosted models (EcoLogits)</h2>" + "".join(sections)
