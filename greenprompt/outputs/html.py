"""Reports people want to look at: a self-contained HTML page (plotly, its JavaScript
inlined: no network needed to view it) and the same chart as PNG or SVG (matplotlib)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from greenprompt.outputs import notices, units
from greenprompt.outputs.document import run_document
from greenprompt.outputs.files import write_text
from greenprompt.outputs.hosted import hosted_html
from greenprompt.records import RunResult
from greenprompt.records.errors import GreenPromptError

CHART_ID = "greenprompt-frontier"


def _needs(module: str):
    try:
        return __import__(module)
    except ImportError:
        raise GreenPromptError(
            f"the report needs {module}: install it with `pip install plotly matplotlib` (the greenprompt-cli[report] extra)"
        ) from None


def _points(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Plottable variants: those with a known carbon figure, in mg per query."""
    return [v for v in doc["variants"] if v["gco2e"] is not None]


def _error(ci, value, scale=1.0):
    if not ci:
        return 0.0, 0.0
    return (value - ci[0]) * scale, (ci[1] - value) * scale


def frontier_figure(result: RunResult):
    """The interactive Pareto chart: a marker per variant with interval bars, the frontier
    line, the knee, the baseline and the recommended variant marked; hover shows the prompt."""
    _needs("plotly")
    import plotly.graph_objects as go

    doc = run_document(result)
    templates = {v.name: v.template for v in result.prompt_set.variants}
    points = _points(doc)
    fig = go.Figure()
    front = sorted((v for v in points if v["on_frontier"]), key=lambda v: v["gco2e"])
    if len(front) > 1:
        fig.add_trace(go.Scatter(
            x=[v["gco2e"] * 1e3 for v in front], y=[v["quality"] for v in front], mode="lines",
            name="Pareto frontier", line={"dash": "dot", "color": "#2ca02c"}, hoverinfo="skip",
        ))
    for v in points:
        role = [r for r, on in (("frontier", v["on_frontier"]), ("knee", v["knee"]),
                                ("baseline", v["name"] == doc.get("baseline")),
                                ("recommended", v["name"] == doc.get("recommended")),
                                ("chosen", v["name"] == doc["chosen"]["variant"])) if on]
        ex = _error(v.get("gco2e_ci"), v["gco2e"], 1e3)
        ey = _error(v.get("quality_ci"), v["quality"])
        prompt = html.escape(templates.get(v["name"], ""))[:400].replace("\n", "<br>")
        hover = (
            f"<b>{html.escape(v['name'])}</b> ({', '.join(role) or 'rank ' + str(v['pareto_rank'])})<br>"
            f"quality {v['quality']:.3f}<br>{units.carbon(v['gco2e'])} CO2e / query<br>"
            f"{units.energy(v['energy_j'])} / query ({doc['energy_method']})<br>"
            f"{v['prompt_tokens']:.0f} tokens in, {v['completion_tokens']:.0f} out<br><br>{prompt}"
        )
        fig.add_trace(go.Scatter(
            x=[v["gco2e"] * 1e3], y=[v["quality"]], mode="markers+text", name=v["name"], text=[v["name"]],
            textposition="top center", hovertemplate=hover + "<extra></extra>",
            marker={"size": 16 if v["knee"] or v["name"] == doc.get("recommended") else 11,
                    "symbol": "star" if v["name"] == doc.get("recommended") else "diamond" if v["knee"]
                    else "square" if v["name"] == doc.get("baseline") else "circle",
                    "color": "#2ca02c" if v["on_frontier"] else "#7f7f7f"},
            error_x={"type": "data", "symmetric": False, "array": [ex[1]], "arrayminus": [ex[0]], "visible": any(ex)},
            error_y={"type": "data", "symmetric": False, "array": [ey[1]], "arrayminus": [ey[0]], "visible": any(ey)},
        ))
    fig.update_layout(
        title="Quality vs carbon per query (★ recommended, ◆ knee, ■ baseline)",
        xaxis_title="mgCO2e per query (left is greener)", yaxis_title="quality", template="plotly_white",
        height=520, showlegend=True,
    )
    return fig


def _table(doc: dict[str, Any]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("rank", "variant", "quality", "interval", "p(front)", "tokens in",
                                              "tokens out", "energy / query", "CO2e / query", "latency"))
    rows = []
    for v in doc["variants"]:
        ci = v.get("quality_ci")
        p_front = "" if v.get("p_frontier") is None else f"{v['p_frontier']:.2f}"
        rows.append(
            f"<tr class='{'frontier' if v['on_frontier'] else ''}'><td>{v['pareto_rank']}</td><td>{html.escape(v['name'])}"
            f"{' ★' if v['on_frontier'] else ''}{' ◆' if v['knee'] else ''}</td><td>{v['quality']:.3f}</td>"
            f"<td>{f'{ci[0]:.2f}–{ci[1]:.2f}' if ci else ''}</td>"
            f"<td>{p_front}</td>"
            f"<td>{v['prompt_tokens']:.1f}</td><td>{v['completion_tokens']:.1f}</td><td>{units.energy(v['energy_j'])}</td>"
            f"<td>{units.carbon(v['gco2e'])}</td><td>{units.duration(v['latency_s'])}</td></tr>"
        )
    return f"<table id='ranking'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _items(result: RunResult, limit: int = 2000) -> str:
    rows = []
    for g, score in list(zip(result.generations, result.scores))[:limit]:
        rows.append(
            f"<tr><td>{html.escape(g.item_id)}</td><td>{html.escape(g.label)}</td>"
            f"<td class='text'>{html.escape(g.output)}</td><td>{html.escape(g.target or '')}</td>"
            f"<td>{score:.2f}</td><td>{units.energy(g.energy_j)}</td>"
            f"<td>{'cached' if g.cached else ''}{html.escape(g.error or '')}</td></tr>"
        )
    more = f"<p>First {limit} of {len(result.generations)} generations.</p>" if len(result.generations) > limit else ""
    return (
        "<table id='items'><thead><tr><th>item</th><th>variant</th><th>output</th><th>target</th><th>score</th>"
        f"<th>energy</th><th>note</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"
    )


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right; vertical-align: top; }
th:nth-child(2), td:nth-child(2), td.text { text-align: left; }
tr.frontier { background: #eef8ee; font-weight: 600; }
.meta { color: #555; font-size: 13px; }
.warning { color: #8a5300; background: #fff4e0; padding: 4px 8px; }
"""


def write_html(result: RunResult, path: str | Path) -> Path:
    """One self-contained HTML file: chart, ranked table and per-item outputs."""
    fig = frontier_figure(result)
    doc = run_document(result)
    chart = fig.to_html(full_html=False, include_plotlyjs=True, div_id=CHART_ID, config={"displaylogo": False})
    m = result.energy.constants
    meta = (
        f"Run {html.escape(result.run_id)} · model {html.escape(result.model.name)} ({result.model.quantization}) · "
        f"{result.dataset.n_items} items from {html.escape(result.dataset.path)} · scorer {html.escape(result.scorer)} · "
        f"energy <b>{doc['energy_method']}</b> (CPU time × {m.get('cpu_w_per_thread', 0):g} W/thread + memory; "
        f"{html.escape(str(m.get('cpu_w_source', '')))}) · carbon {result.carbon.g_per_kwh:g} gCO2e/kWh "
        f"({html.escape(result.carbon.source)}), PUE {result.carbon.pue:g}"
    )
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>greenprompt report "
        f"{html.escape(result.run_id)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>greenprompt: quality vs carbon</h1><p class='meta'>{meta}</p>"
        f"{''.join(f'<p class=warning>{html.escape(w)}</p>' for w in notices.warning_lines(result))}"
        f"<p id='chosen'>{html.escape(notices.chosen_line(result))}</p>"
        f"<p id='footprint' class='meta'>{'<br>'.join(map(html.escape, notices.footprint_lines(result)))}</p>{chart}"
        f"<h2>Ranking</h2>{_table(doc)}{hosted_html(result)}<h2>Outputs</h2>{_items(result)}</body></html>"
    )
    return write_text(path, page)


def write_image(result: RunResult, path: str | Path) -> Path:
    """The chart as a static PNG or SVG (by the file's suffix), for papers and pull requests."""
    matplotlib = _needs("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    doc = run_document(result)
    points = _points(doc)
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    front = sorted((v for v in points if v["on_frontier"]), key=lambda v: v["gco2e"])
    if len(front) > 1:
        ax.plot([v["gco2e"] * 1e3 for v in front], [v["quality"] for v in front], ":", color="#2ca02c", label="frontier")
    for v in points:
        ex = _error(v.get("gco2e_ci"), v["gco2e"], 1e3)
        ey = _error(v.get("quality_ci"), v["quality"])
        marker = "*" if v["name"] == doc.get("recommended") else "D" if v["knee"] else "s" if v["name"] == doc.get("baseline") else "o"
        ax.errorbar([v["gco2e"] * 1e3], [v["quality"]], xerr=[[ex[0]], [ex[1]]], yerr=[[ey[0]], [ey[1]]], fmt=marker,
                    color="#2ca02c" if v["on_frontier"] else "#7f7f7f", markersize=9, capsize=3)
        ax.annotate(v["name"], (v["gco2e"] * 1e3, v["quality"]), textcoords="offset points", xytext=(6, 6), fontsize=9)
    ax.set_xlabel("mgCO2e per query (left is greener)")
    ax.set_ylabel("quality")
    ax.set_title(f"Quality vs carbon ({doc['energy_method']} energy, {result.carbon.g_per_kwh:g} gCO2e/kWh)")
    ax.grid(alpha=0.3)
    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg"):
        raise GreenPromptError(f"{out}: the image must end in .png or .svg")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, bbox_inches="tight")
    except OSError as e:
        raise GreenPromptError(f"{out}: cannot write the image ({e.strerror})") from None
    finally:
        plt.close(fig)
    return out
