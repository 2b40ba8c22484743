import pytest

from greenprompt.analysis.projection import payback, project
from greenprompt.records import VariantSummary


def summary(name, energy_j, gco2e, p_cl=100.0, c_cl=10.0):
    return VariantSummary(name, 0.8, 10, 0, 100.0, 10.0, p_cl, c_cl, energy_j, gco2e, 0.2)


def test_annual_figures_and_cost():
    p = project(summary("a", 3.6, 0.5), volume_per_day=1000, price_in=0.03, price_out=0.06)
    assert p.annual_kwh == pytest.approx(3.6 * 1000 * 365 / 3.6e6)
    assert p.annual_kgco2e == pytest.approx(0.5 * 1000 * 365 / 1000)
    # 1,000 queries x (100 tokens x 0.03 + 10 tokens x 0.06) / 1,000 tokens
    assert p.cost_per_1k_queries == pytest.approx(100 * 0.03 + 10 * 0.06)
    empty = project(summary("a", None, None), None, None, None)
    assert (empty.annual_kwh, empty.annual_kgco2e, empty.cost_per_1k_queries) == (None, None, None)


def test_payback():
    base, green = summary("base", 2.0, 0.002), summary("green", 1.0, 0.0005)
    queries, why = payback(3.0, base, green)
    assert queries == pytest.approx(3.0 / 0.0015) and "green" in why
    assert payback(3.0, base, base) == (None, "the chosen variant is the baseline (base): switching saves nothing")
    knee = "knee of the frontier: no min_quality given"
    assert payback(3.0, base, green, knee)[1] == f"switching from base to green ({knee}) saves 0.0015 g per query"
    assert payback(3.0, green, base)[0] is None and "saves nothing" in payback(3.0, green, base)[1]
    assert payback(None, base, green)[0] is None
