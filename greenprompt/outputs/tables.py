"""The report's tables, each fitted to the terminal (outputs.fit): ranked variants, cascades,
the projection and the serving profiles side by side. Every table names a variant by its id
(the chart's label) and its whole name; the columns that do not fit move to a table below."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from greenprompt.outputs import document, units
from greenprompt.outputs.chart import point_ids
from greenprompt.outputs.fit import Column, Layout, fitted
from greenprompt.records import PREFIX_CACHE, RunResult, VariantSummary

MARKS_CAPTION = ("★ frontier ◆ knee ✔ greenest meeting --min-quality ? frontier place uncertain (p(front) < 0.5) "
                 "✂ dropped by racing; means per query")


def pct_halfwidth(value: float | None, ci: tuple[float, float] | None) -> str:
    """' ±2.1%': the larger distance from the estimate to an interval end, relative."""
    if value is None or ci is None or value == 0:
        return ""
    return f" ±{units.percent(max(value - ci[0], ci[1] - value) / abs(value) * 100)}"


def marks(v: VariantSummary, result: RunResult) -> str:
    """The variant's marks, as MARKS_CAPTION explains them."""
    return "".join(mark for mark, on in (("★", v.on_frontier), ("◆", v.knee), ("✔", v.name == result.recommended),
                                         ("?", v.uncertain), ("✂", v.dropped_at is not None)) if on)


def variant_ids(result: RunResult) -> dict[str, str]:
    """Each variant's id, by its place in the result's ranking (the chart labels its points so)."""
    return dict(zip((v.name for v in result.variants), point_ids(len(result.variants))))


def _keys(result: RunResult, variants, header: str = "variant", prefixes=None, ids=None) -> list[Column]:
    """The id (as in the chart) and the whole name: in every table, the name may wrap. Another
    serving profile's tables pass the first profile's `ids`, so a letter means one variant."""
    ids = ids or variant_ids(result)
    prefixes = prefixes or [""] * len(variants)
    return [Column("id", tuple(ids.get(v.name, "") for v in variants), "left", key=True),
            Column(header, tuple(Text(p + v.name) for p, v in zip(prefixes, variants)), "left", key=True, wrap=True)]


def results_tables(result: RunResult, console: Console, ids: dict[str, str] | None = None) -> list[Table]:
    """Ranked variants with their intervals; the error column appears only when needed. On a
    narrow terminal, tokens, p(front), latency, energy, errors and the interval move below,
    in that order."""
    vs = result.variants
    columns = [Column("rank", tuple(str(v.pareto_rank) for v in vs)),
               Column("", tuple(marks(v, result) for v in vs), "left"),
               *_keys(result, vs, ids=ids),
               Column("quality", tuple(f"{v.quality:.3f}" for v in vs))]
    if any(v.stats for v in vs):
        cis = [v.stats.quality_ci if v.stats else None for v in vs]
        columns += [Column(f"{result.ci_level * 100:g}% CI", tuple(f"{q[0]:.2f}–{q[1]:.2f}" if q else "" for q in cis),
                           move=7),
                    Column("p(front)", tuple(f"{v.stats.p_frontier:.2f}" if v.stats else "" for v in vs), move=3)]
    if any(v.errors for v in vs):
        columns.append(Column("errors", tuple(f"{v.errors}/{v.n}" for v in vs), move=6))
    columns += [
        Column("tok in", tuple(f"{v.prompt_tokens:.1f}" for v in vs), move=2),
        Column("tok out", tuple(f"{v.completion_tokens:.1f}" for v in vs), move=1),
        Column("energy", tuple(units.energy(v.energy_j) for v in vs), move=5),
        Column("CO2e", tuple(units.carbon(v.gco2e) + pct_halfwidth(v.gco2e, v.stats.gco2e_ci if v.stats else None)
                             for v in vs)),
        Column("latency", tuple(units.duration(v.latency_s) for v in vs), move=4),
    ]
    layout = Layout("Variants ranked on quality vs carbon (rank 1 = Pareto frontier)", MARKS_CAPTION,
                    tuple("bold green" if v.on_frontier else None for v in vs), "Variants, continued")
    return fitted(console, layout, columns)


def cascade_tables(result: RunResult, console: Console) -> list[Table]:
    """Each cascade point: its threshold, how often it escalated, its carbon against the large model."""
    points = [v for v in result.variants if v.cascade is not None]
    if not points:
        return []
    rules = [v.cascade.rule if v.cascade.threshold is None else f"{v.cascade.rule} < {v.cascade.threshold:.3g}"
             for v in points]
    columns = [*_keys(result, points, "cascade", ["✔ " if v.cascade.calibrated_choice else "" for v in points]),
               Column("rule", tuple(rules), "left", move=3),
               Column("escalated", tuple(f"{v.cascade.escalation_rate:.0%}" for v in points), move=2),
               Column("quality", tuple(f"{v.quality:.3f}" for v in points)),
               Column("CO2e", tuple(units.carbon(v.gco2e) for v in points)),
               Column("vs large", tuple(f"{v.cascade.gco2e_vs_large:.2f}×" if v.cascade.gco2e_vs_large is not None
                                        else "n/a" for v in points), move=1)]
    layout = Layout("Cascades (cost counts the small attempt, the verifier and the escalated attempts; "
                    "✔ greenest threshold meeting --min-quality)", None,
                    tuple("bold green" if v.cascade.calibrated_choice else None for v in points), "Cascades, continued")
    return fitted(console, layout, columns)


def projection_tables(result: RunResult, console: Console) -> list[Table]:
    """Yearly energy and carbon at the given volume, and the cost per 1000 queries."""
    if result.volume_per_day is None and result.price_in is None and result.price_out is None:
        return []
    vs = result.variants
    columns = _keys(result, vs)
    if result.volume_per_day is not None:
        columns += [Column(f"kWh/year at {result.volume_per_day:,.0f}/day", tuple(
                        f"{v.projection.annual_kwh:.3g}" if v.projection.annual_kwh is not None else "n/a" for v in vs)),
                    Column("kgCO2e/year", tuple(f"{v.projection.annual_kgco2e:.3g}"
                                                if v.projection.annual_kgco2e is not None else "n/a" for v in vs),
                           move=2)]
    if result.price_in is not None or result.price_out is not None:
        columns.append(Column("cost per 1k queries", tuple(
            f"{v.projection.cost_per_1k_queries:.4g}" if v.projection.cost_per_1k_queries is not None else ""
            for v in vs), move=1))
    return fitted(console, Layout("Projection", continued="Projection, continued"), columns)


def serving_tables(result: RunResult, console: Console) -> list[Table]:
    """Each variant's energy per query under every serving profile, side by side."""
    vs = result.variants
    by_profile = [{v.name: v for v in r.variants} for r in result.profiles]
    columns = _keys(result, vs)
    for k, (r, summaries) in enumerate(zip(result.profiles, by_profile)):
        green = document.greenest(r)
        cells = []
        for v in vs:
            s = summaries.get(v.name)
            mark = ("★" if s and s.on_frontier else "") + ("▼" if v.name == green else "")
            cells.append(f"{units.energy(s.energy_j if s else None)} {mark}".rstrip())
        columns.append(Column(r.serving, tuple(cells)))
        if r.serving == PREFIX_CACHE:
            columns.append(Column("cached tok", tuple(
                f"{summaries[v.name].prefix_tokens:.0f}" if v.name in summaries else "" for v in vs), move=2 + k))
    ratios = []
    for v in vs:
        first, last = by_profile[0].get(v.name), by_profile[-1].get(v.name)
        ok = first and last and first.energy_j and last.energy_j is not None
        ratios.append(f"{last.energy_j / first.energy_j:.2f}×" if ok else "n/a")
    columns.append(Column(f"{result.profiles[-1].serving} / {result.profiles[0].serving}", tuple(ratios), move=1))
    layout = Layout("Energy per query by serving profile (★ on that profile's frontier, ▼ greenest)",
                    continued="Serving profiles, continued")
    return fitted(console, layout, columns)


def comparison_tables(result: RunResult, console: Console) -> list[Table]:
    """Each variant against the baseline, paired on the same items (the baseline named once,
    in the title: as one line per variant they wrapped mid-interval at 80 columns)."""
    vs = [v for v in result.variants if v.stats and v.stats.vs_baseline]
    if not vs:
        return []
    cs = [v.stats.vs_baseline for v in vs]

    def ns(significant: bool) -> str:
        return "" if significant else " n.s."

    carbon = [c.delta_gco2e_pct is not None and c.delta_gco2e_pct_ci for c in cs]
    columns = [*_keys(result, vs),
               Column("Δquality", tuple(f"{c.delta_quality:+.3f}{ns(c.significant_quality)}" for c in cs)),
               Column("Δquality CI", tuple(f"[{c.delta_quality_ci[0]:+.3f}, {c.delta_quality_ci[1]:+.3f}]" for c in cs),
                      move=2),
               Column("ΔCO2e", tuple(f"{c.delta_gco2e_pct:+.1f}%{ns(c.significant_gco2e)}" if ok else "n/a"
                                     for c, ok in zip(cs, carbon))),
               Column("ΔCO2e CI", tuple(f"[{c.delta_gco2e_pct_ci[0]:+.1f}, {c.delta_gco2e_pct_ci[1]:+.1f}]%" if ok
                                         else "" for c, ok in zip(cs, carbon)), move=1)]
    title = (f"Against the baseline {cs[0].baseline} ({result.ci_level * 100:g}% paired bootstrap intervals, "
             f"{result.n_bootstrap} resamples; n.s. = not significant)")
    return fitted(console, Layout(title, continued="Against the baseline, continued"), columns)


def estimate_tables(est, console: Console) -> list[Table]:
    """`estimate`'s predicted figures per variant (an Estimate record), fitted the same way."""
    vs = est.variants
    columns = [Column("variant", tuple(Text(v.name) for v in vs), "left", key=True, wrap=True),
               Column("tok in", tuple(f"{v.prompt_tokens:.1f}" for v in vs), move=2),
               Column("tok out", tuple(f"{v.completion_tokens:.1f}" for v in vs), move=3),
               Column("tok out from", tuple("stored run" if v.completion_source == "run" else "your guess" for v in vs),
                      "left", move=1),
               Column("energy", tuple(units.energy(v.energy_j) for v in vs), move=4),
               Column("CO2e", tuple(units.carbon(v.gco2e) for v in vs))]
    return fitted(console, Layout("Estimated per query (predicted, not measured)", continued="Estimated, continued"),
                  columns)
