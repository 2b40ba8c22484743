"""The streamed settlement of per-machine counters (engine.ray_counters), without Ray: a
generation waits until a sample follows its end and every call that might overlap it is back."""

import pytest

from greenprompt.engine.executor import JobDone, ModelLoaded
from greenprompt.engine.node_energy import Span
from greenprompt.engine.ray_counters import Settlement, without_energy
from greenprompt.records import Measurement

from fakes import gen as make_generation


def test_generations_wait_for_their_intervals_to_settle_and_every_joule_counts_once():
    s = Settlement({"h": (0.0, 0.0)})
    gen = make_generation()
    s.hosts["h"].hold(Span("1", 0.5, 1.5, 1.0), JobDone(1, gen))  # straddles the sample at 1.0
    s.add({"h": (1.0, 4.0)}, inflight={"call-2"})  # a call in flight may have started before 1.0
    assert s.returned(None) == []  # not settled: that call's span is unknown
    s.hosts["h"].hold(Span("2", 0.8, 1.0, 1.0), JobDone(2, gen))
    done = s.returned("call-2")  # 0-1 s: 4 J shared 0.5:1 (CPU time x wall fraction inside)
    assert [e.seq for e in done] == [2] and done[0].generation.energy_j == pytest.approx(4 * 1 / 1.5)
    s.add({"h": (2.0, 6.0)}, inflight=())
    (last,) = s.returned(None)
    assert last.seq == 1 and last.generation.energy_method == "measured"
    total = done[0].generation.energy_j + last.generation.energy_j + s.hosts["h"].idle_total_j
    assert total == pytest.approx(6.0)  # conservation over the window 0 -> 2 s


def test_a_counted_hosts_own_estimates_carry_no_energy():
    load = ModelLoaded("m", Measurement(2.0, 1.5, 30.0, "estimated"))
    assert without_energy(load).measurement.energy_j == 0.0 and without_energy(load).measurement.wall_s == 2.0
    counted = ModelLoaded("m", Measurement(0.0, 0.0, 3.0, "measured"))
    assert without_energy(counted) is counted
