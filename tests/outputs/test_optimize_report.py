"""The optimize report on synthetic records: the candidates table with lineage and both
splits, the winner's diff coloured, the footprint, the payback, and the plain line when
the baseline stays."""

from dataclasses import replace

from rich.console import Console

from greenprompt.outputs.optimize_report import diff_text, lineage_text, print_optimize
from greenprompt.records.optimize import Candidate, Figures, OptimizeResult, RewriteStep, SearchFootprint

BASE = Candidate("terse", (), "Review: {{ text }}\nPositive or negative?", None, {"max_tokens": 48, "stop": []}, 0,
                 Figures(20, 0.6, (0.4, 0.8), 4.0, 0.0005, 30, 40), Figures(30, 0.6, (0.45, 0.75), 4.2, 0.0005, 30, 40))
STEP = RewriteStep("cap-output", {"max_tokens": 4, "margin": 2, "would_cut": 3, "stop": ["\n"]})
WIN = Candidate("terse+cap4", (STEP,), BASE.template, None, {"max_tokens": 4, "stop": ["\n"]}, 1,
                Figures(20, 0.6, (0.4, 0.8), 0.5, 0.0001, 30, 2, {"non_inferior": True}),
                Figures(30, 0.63, (0.5, 0.8), 0.6, 0.0001, 30, 2, {"non_inferior": True}), True)
RESULT = OptimizeResult(
    "terse", "terse+cap4", (BASE, WIN), ("terse+cap4",),
    SearchFootprint(("r1", "r2", "r3"), 80, 300.0, 60.0, None, 360.0, 0.05, 12.0), 100.0, True, 0.02,
    {"n_search": 70, "n_test": 30, "test_split": 0.3, "seed": 0}, ("terse+cap4 is non-inferior",),
)


def render(result) -> str:
    console = Console(width=200, record=True, color_system=None)
    print_optimize(result, console)
    return console.export_text()


def test_the_report_shows_the_candidates_the_diff_the_footprint_and_the_payback():
    text = render(RESULT)
    assert "cap-output(max_tokens=4, margin=2)" in text and "(baseline)" in text
    assert "0.630 [0.50, 0.80] n=30" in text  # held-out quality with its interval
    assert "+0.030 q, -86% J (test)" in text  # the winner against the baseline, held-out figures
    assert "Recommended: terse+cap4" in text
    assert '-params: {"max_tokens": 48}' in text and '+params: {"max_tokens": 4, "stop": ["\\n"]}' in text
    assert "The search's own footprint: 360 J" in text and "80 generations, 3 stored runs" in text
    assert "Payback: after 100 queries" in text


def test_the_diff_is_coloured():
    styles = {str(span.style) for span in diff_text(BASE, WIN).spans}
    assert {"red", "green"} <= styles


def test_when_the_baseline_stays_the_report_says_so():
    kept = replace(RESULT, recommended="terse", payback_queries=None, notes=("none passed: keep the baseline terse",))
    text = render(kept)
    assert "Recommended: the baseline terse (nothing greener passed)." in text
    assert "Payback: none" in text and "Note: none passed: keep the baseline terse" in text
    assert lineage_text(BASE) == "(baseline)"
