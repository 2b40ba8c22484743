"""Per-node energy: one RAPL reader per node, its energy split among concurrent generations by
CPU time. RAPL is not readable on our VMs, so the counter is a synthetic powercap tree."""

import pytest

from greenprompt.engine.node_energy import NodeCounter, Span, split_energy


def powercap(root, energy_uj=0, max_uj=10_000_000):
    d = root / "intel-rapl:0"
    d.mkdir(parents=True, exist_ok=True)
    (d / "name").write_text("package-0")
    (d / "energy_uj").write_text(str(energy_uj))
    (d / "max_energy_range_uj").write_text(str(max_uj))
    return root


def set_uj(root, value):
    (root / "intel-rapl:0" / "energy_uj").write_text(str(value))


def test_node_counter_samples_cumulative_joules_across_a_wrap(tmp_path):
    counter = NodeCounter(powercap(tmp_path, energy_uj=8_000_000))
    assert counter.available()
    t0, e0 = counter.sample()
    set_uj(tmp_path, 9_500_000)  # +1.5 J
    _, e1 = counter.sample()
    set_uj(tmp_path, 500_000)  # wrapped at 10 J: +0.5 J to the top, +0.5 J after it
    t2, e2 = counter.sample()
    assert (e0, e1, e2) == pytest.approx((0.0, 1.5, 2.5))
    assert t2 >= t0


def test_node_counter_unavailable_without_rapl(tmp_path):
    assert not NodeCounter(tmp_path).available()


def test_concurrent_spans_share_by_cpu_time_3_to_1():
    samples = [(0.0, 0.0), (1.0, 8.0)]
    shares, idle = split_energy(samples, [Span("a", 0.0, 1.0, 0.9), Span("b", 0.0, 1.0, 0.3)])
    assert shares == pytest.approx({"a": 6.0, "b": 2.0})
    assert idle == 0.0


def test_disjoint_spans_get_their_own_intervals_and_gaps_go_idle():
    samples = [(0.0, 0.0), (1.0, 5.0), (2.0, 6.0), (3.0, 10.0)]
    shares, idle = split_energy(samples, [Span("a", 0.0, 1.0, 0.2), Span("b", 2.0, 3.0, 0.9)])
    assert shares == pytest.approx({"a": 5.0, "b": 4.0})
    assert idle == pytest.approx(1.0)


def test_weight_is_cpu_time_times_the_wall_fraction_inside_the_interval():
    # "long" runs 0-2 s with 1 CPU s (0.5 in each interval); "short" runs 1-2 s with 1.5 CPU s.
    samples = [(0.0, 0.0), (1.0, 3.0), (2.0, 7.0)]
    shares, idle = split_energy(samples, [Span("long", 0.0, 2.0, 1.0), Span("short", 1.0, 2.0, 1.5)])
    assert shares == pytest.approx({"long": 3.0 + 4.0 * 0.5 / 2.0, "short": 4.0 * 1.5 / 2.0})
    assert idle == 0.0


def test_spans_without_cpu_time_share_by_wall_time_and_unsampled_spans_get_zero():
    samples = [(0.0, 0.0), (1.0, 4.0)]
    shares, idle = split_energy(samples, [Span("a", 0.0, 1.0, 0.0), Span("b", 0.5, 1.0, 0.0), Span("late", 5.0, 6.0, 1.0)])
    assert shares == pytest.approx({"a": 4.0 * 1.0 / 1.5, "b": 4.0 * 0.5 / 1.5, "late": 0.0})
    assert idle == 0.0


def test_energy_is_conserved_and_samples_may_come_unordered():
    samples = [(2.5, 9.0), (0.0, 1.0), (1.2, 4.0), (3.0, 12.5), (0.4, 2.0)]
    spans = [Span("a", 0.1, 1.0, 0.7), Span("b", 0.3, 2.6, 1.1), Span("c", 2.9, 2.9, 0.0), Span("d", 7.0, 8.0, 1.0)]
    shares, idle = split_energy(samples, spans)
    assert sum(shares.values()) + idle == pytest.approx(12.5 - 1.0)
    assert idle == pytest.approx(0.0) and shares["d"] == 0.0


def test_conservation_on_a_synthetic_counter_with_a_wrap(tmp_path):
    counter = NodeCounter(powercap(tmp_path, energy_uj=6_000_000))
    samples = [counter.sample()]
    for uj in (9_000_000, 2_000_000, 4_000_000):  # +3 J, wrap +3 J, +2 J
        set_uj(tmp_path, uj)
        samples.append(counter.sample())
    t = [s[0] for s in samples]
    spans = [Span("x", t[0], t[1], 0.2), Span("y", t[1], t[2], 0.1)]
    shares, idle = split_energy(samples, spans)
    assert sum(shares.values()) + idle == pytest.approx(8.0)


def test_a_counter_going_down_is_refused():
    with pytest.raises(ValueError, match="went down"):
        split_energy([(0.0, 5.0), (1.0, 4.0)], [])
