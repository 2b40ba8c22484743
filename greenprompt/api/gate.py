"""Thresholds on a run's JSON document: the checks, and their JUnit and Markdown files."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from greenprompt.outputs.files import write_text
from greenprompt.records import GateOutcome


def apply_gate(
    doc: dict[str, Any],
    *,
    min_quality: float | None = None,
    max_gco2e: float | None = None,
    max_energy_j: float | None = None,
    baseline: dict[str, Any] | None = None,
    max_regression: float = 0.0,
    variants: Sequence[str] = (),
    all_variants: bool = False,
    junit: str | Path | None = None,
    summary: str | Path | None = None,
) -> GateOutcome:
    """Run the checks on `doc` (against `baseline`, a document, when given) and write the
    JUnit XML and Markdown summary when asked. Never raises for a failed check. Without
    `variants` or `all_variants` the run's chosen variant is checked (`doc["chosen"]`);
    the outcome's `checked` says which and why."""
    from greenprompt.outputs.gate import Thresholds, junit_xml, markdown_summary, run_checks, selection

    thresholds = Thresholds(min_quality, max_gco2e, max_energy_j, float(max_regression) if baseline else None)
    checks = run_checks(doc, thresholds, baseline, variants or (), all_variants)
    checked = selection(doc, variants or (), all_variants)
    if junit is not None:
        write_text(junit, junit_xml(doc, checks, checked))
    if summary is not None:
        write_text(summary, markdown_summary(doc, checks, checked))
    return GateOutcome(doc.get("run_id"), tuple(checks), all(c.passed for c in checks), checked)
