"""Issue 13 item 5: the variant a run chooses (the one the gate checks by default and the
payback switches to) and the rule that chose it, on synthetic documents."""

from xml.etree import ElementTree as ET

from greenprompt.outputs.gate import Thresholds, chosen, junit_xml, markdown_summary, run_checks, selection
from greenprompt.records import Choice

KNEE = "knee of the frontier: no min_quality given"


def _doc(chosen_key: bool = True) -> dict:
    """`one-word` is the knee; `terse` is greener and worse; no min_quality."""
    rows = [
        {"name": "one-word", "quality": 0.667, "gco2e": 0.002, "energy_j": 20.0, "pareto_rank": 1, "on_frontier": True, "knee": True},
        {"name": "terse", "quality": 0.333, "gco2e": 0.001, "energy_j": 10.0, "pareto_rank": 1, "on_frontier": True, "knee": False},
    ]
    doc = {"run_id": "r", "variants": rows, "recommended": None, "knee": "one-word", "min_quality": None,
           "model": {"name": "m"}, "dataset": {"n_items": 3}, "scorer": "choice:positive,negative",
           "energy_method": "estimated", "carbon_intensity_g_per_kwh": 475}
    if chosen_key:
        doc["chosen"] = {"variant": "one-word", "rule": "knee", "reason": KNEE}
    return doc


def test_the_rule_that_chooses():
    assert Choice.of("a", "b", 0.5) == Choice("a", "greenest_meeting_min_quality", "greenest variant with quality ≥ 0.5")
    assert Choice.of(None, "b", None) == Choice("b", "knee", KNEE)
    assert Choice.of(None, "b", 0.9) == Choice("b", "knee", "knee of the frontier: no variant reaches quality ≥ 0.9")
    nothing = Choice.of(None, None, None)
    assert nothing.variant is None and nothing.rule == "none" and "no min_quality given" in nothing.reason


def test_the_gate_says_which_variant_it_checks_and_why():
    doc = _doc()
    checks = run_checks(doc, Thresholds(min_quality=0.5))
    assert [(c.variant, c.passed) for c in checks] == [("one-word", True)]
    checked = selection(doc, (), False)
    assert checked.startswith(f"one-word, the run's chosen variant ({KNEE})")
    suite = ET.fromstring(junit_xml(doc, checks, checked))
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["checked"] == checked
    assert f"Checked: {checked}." in markdown_summary(doc, checks, checked)
    assert selection(doc, ("terse",), False) == "terse (named with --variant)"
    assert selection(doc, (), True) == "every variant (--all)"


def test_a_document_from_before_chosen_gets_the_same_choice():
    old = _doc(chosen_key=False)
    assert chosen(old) == Choice("one-word", "knee", KNEE) == chosen(_doc())
    assert [c.variant for c in run_checks(old, Thresholds(min_quality=0.5))] == ["one-word"]


def test_the_report_line_names_the_variant_and_the_rule():
    from types import SimpleNamespace

    from greenprompt.outputs.notices import chosen_line

    def line(recommended, knee, min_quality):
        return chosen_line(SimpleNamespace(chosen=Choice.of(recommended, knee, min_quality), min_quality=min_quality))

    assert line("terse", "one-word", 0.3).startswith("Enough is enough: the greenest variant with quality ≥ 0.3 is terse, the chosen")
    assert line(None, "one-word", None).startswith(f"Chosen: one-word, the {KNEE} (the gate checks it")
    assert line(None, "one-word", 0.9).startswith("Enough is enough: no variant reaches quality ≥ 0.9. Chosen: one-word, the knee")
    assert line(None, None, None).startswith("No variant chosen: no knee")
