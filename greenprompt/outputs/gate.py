"""The CI gate: thresholds on quality, carbon and energy, and regressions against a
baseline result, checked on a run's JSON document. Pure functions over plain dicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence
from xml.etree import ElementTree as ET

from greenprompt.outputs import units
from greenprompt.records import Choice
from greenprompt.records.errors import GreenPromptError


@dataclass(frozen=True)
class Thresholds:
    min_quality: float | None = None
    max_gco2e: float | None = None
    max_energy_j: float | None = None
    max_regression_pct: float | None = None


@dataclass(frozen=True)
class Check:
    variant: str
    name: str
    passed: bool
    message: str


def chosen(doc: dict[str, Any]) -> Choice:
    """The run's chosen variant and the rule that chose it; a document written before
    `chosen` existed gets it by the same rule from its recommended, knee and min_quality."""
    c = doc.get("chosen")
    if c:
        return Choice(c["variant"], c["rule"], c["reason"])
    return Choice.of(doc.get("recommended"), doc.get("knee"), doc.get("min_quality"))


def selection(doc: dict[str, Any], names: Sequence[str], all_variants: bool) -> str:
    """Which variants the gate checks and why, in one line."""
    if all_variants:
        return "every variant (--all)"
    if names:
        return f"{', '.join(names)} (named with --variant)"
    c = chosen(doc)
    return f"{c.variant}, the run's chosen variant ({c.reason}); --variant NAME or --all checks others"


def select_variants(doc: dict[str, Any], names: Sequence[str], all_variants: bool) -> list[dict[str, Any]]:
    """The variants to check: those named, all of them, or the run's chosen one (the
    greenest meeting the run's min_quality, else the knee of the frontier)."""
    by_name = {v["name"]: v for v in doc["variants"]}
    if all_variants:
        return list(doc["variants"])
    if names:
        missing = [n for n in names if n not in by_name]
        if missing:
            raise GreenPromptError(f"--variant {', '.join(missing)}: not in this run; variants: {', '.join(by_name)}")
        return [by_name[n] for n in names]
    c = chosen(doc)
    if c.variant not in by_name:
        raise GreenPromptError(f"this run chooses no variant ({c.reason}); pass --variant NAME or --all")
    return [by_name[c.variant]]


def _outside(value: float, ci: list[float] | None) -> bool:
    """True when `value` lies outside the interval; with no interval, any difference counts."""
    return ci is None or not (ci[0] <= value <= ci[1])


def check_variant(v: dict[str, Any], t: Thresholds, baseline: dict[str, Any] | None) -> list[Check]:
    name = v["name"]
    checks: list[Check] = []
    if t.min_quality is not None:
        ok = v["quality"] >= t.min_quality
        checks.append(Check(name, "min-quality", ok, f"quality {v['quality']:.3f} {'≥' if ok else '<'} {t.min_quality:g}"))
    for key, limit, label, fmt in (
        ("gco2e", t.max_gco2e, "max-gco2e", units.carbon),
        ("energy_j", t.max_energy_j, "max-energy-j", units.energy),
    ):
        if limit is None:
            continue
        value = v.get(key)
        ok = value is not None and value <= limit
        shown = "unknown" if value is None else fmt(value)
        checks.append(Check(name, label, ok, f"{key} per query {shown} {'≤' if ok else '>'} {fmt(limit)}"))
    if baseline is not None and t.max_regression_pct is not None:
        pct = t.max_regression_pct
        base_q, q = baseline["quality"], v["quality"]
        drop = (base_q - q) / base_q * 100 if base_q else (0.0 if q >= base_q else float("inf"))
        failed = drop > pct and _outside(base_q, v.get("quality_ci"))
        checks.append(Check(name, "quality-regression", not failed,
                            f"quality {q:.3f} vs baseline {base_q:.3f} ({-drop:+.1f}%, limit -{pct:g}%)"))
        base_g, g = baseline.get("gco2e"), v.get("gco2e")
        if base_g and g is not None:
            rise = (g - base_g) / base_g * 100
            failed = rise > pct and _outside(base_g, v.get("gco2e_ci"))
            checks.append(Check(name, "carbon-regression", not failed,
                                f"gco2e {units.carbon(g)} vs baseline {units.carbon(base_g)} ({rise:+.1f}%, limit +{pct:g}%)"))
    return checks


def run_checks(
    doc: dict[str, Any],
    thresholds: Thresholds,
    baseline_doc: dict[str, Any] | None = None,
    names: Sequence[str] = (),
    all_variants: bool = False,
) -> list[Check]:
    """Every check for every selected variant. A variant missing from the baseline fails
    its regression check rather than passing silently."""
    base_by_name = {v["name"]: v for v in baseline_doc["variants"]} if baseline_doc else {}
    results = []
    for v in select_variants(doc, names, all_variants):
        base = base_by_name.get(v["name"])
        if baseline_doc is not None and thresholds.max_regression_pct is not None and base is None:
            results.append(Check(v["name"], "regression", False, "not in the baseline result"))
        results.extend(check_variant(v, thresholds, base))
    return results


def junit_xml(doc: dict[str, Any], checks: Sequence[Check], checked: str = "") -> str:
    """JUnit XML: one test case per check per variant; `checked` (`selection`) is a property."""
    suite = ET.Element(
        "testsuite",
        name="greenprompt",
        tests=str(len(checks)),
        failures=str(sum(not c.passed for c in checks)),
        errors="0",
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="run_id", value=str(doc.get("run_id")))
    if checked:
        ET.SubElement(properties, "property", name="checked", value=checked)
    for c in checks:
        case = ET.SubElement(suite, "testcase", classname=f"greenprompt.{c.variant}", name=c.name)
        if not c.passed:
            ET.SubElement(case, "failure", message=c.message).text = c.message
        else:
            ET.SubElement(case, "system-out").text = c.message
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)


def markdown_summary(doc: dict[str, Any], checks: Sequence[Check], checked: str = "") -> str:
    """A Markdown verdict and table, fit for a CI job summary or a pull-request comment;
    `checked` (`selection`) says which variants the checks are on and why."""
    failed = [c for c in checks if not c.passed]
    verdict = "❌ **greenprompt check failed**" if failed else "✅ **greenprompt check passed**"
    lines = [
        verdict,
        "",
        f"Run `{doc.get('run_id')}` · model {doc['model']['name']} · {doc['dataset']['n_items']} items · "
        f"scorer `{doc['scorer']}` · energy {doc['energy_method']} · {doc['carbon_intensity_g_per_kwh']:g} gCO2e/kWh",
        "",
        "| rank | variant | quality | energy/query | CO2e/query | frontier |",
        "| ---: | --- | ---: | ---: | ---: | :---: |",
    ]
    for v in doc["variants"]:
        lines.append(
            f"| {v['pareto_rank']} | {v['name']} | {v['quality']:.3f} | {units.energy(v['energy_j'])} | "
            f"{units.carbon(v['gco2e'])} | {'★' if v['on_frontier'] else ''} |"
        )
    lines += ["", *([f"Checked: {checked}.", ""] if checked else []), "| check | variant | result |", "| --- | --- | --- |"]
    for c in checks:
        lines.append(f"| {c.name} | {c.variant} | {'✅' if c.passed else '❌'} {c.message} |")
    return "\n".join(lines) + "\n"
