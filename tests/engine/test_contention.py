"""Contention: the share of the machine's CPU others used during a span, from /proc."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from greenprompt.engine.contention import ContentionProbe

from fakes import write_proc

# One xdist worker for the tests that compare measured energy or CPU share (pyproject addopts).
pytestmark = pytest.mark.xdist_group("energy")


def test_share_from_a_fake_proc_tree(tmp_path):
    probe = ContentionProbe(tmp_path)
    write_proc(tmp_path, total_busy=1000, idle=1000, own=400)
    a = probe.sample()
    # 200 ticks of capacity pass: 100 busy of ours, 60 of others, 40 idle
    write_proc(tmp_path, total_busy=1160, idle=1040, own=500)
    b = probe.sample()
    assert probe.share(a, b) == pytest.approx(60 / 200)


def test_steal_counts_as_contention(tmp_path):
    probe = ContentionProbe(tmp_path)
    write_proc(tmp_path, total_busy=1000, idle=1000, own=400, steal=10)
    a = probe.sample()
    write_proc(tmp_path, total_busy=1150, idle=1050, own=500, steal=60)  # 50 ticks stolen, nobody else
    assert probe.share(a, probe.sample()) == pytest.approx(50 / 200)


def test_unknown_is_none_never_zero(tmp_path):
    probe = ContentionProbe(tmp_path / "missing")
    assert probe.sample() is None and probe.share(None, None) is None
    write_proc(tmp_path, total_busy=10, idle=10, own=1)
    same = ContentionProbe(tmp_path).sample()
    assert ContentionProbe.share(same, same) is None  # no tick passed: not measurable


def _ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    return int(fields[11]) + int(fields[12])


def test_real_proc_counts_a_competing_busy_process():
    """Whatever else the machine is doing, a busy child's CPU ticks are among the others'."""
    probe = ContentionProbe()
    assert probe.sample() is not None, "this machine has /proc; the probe must read it"
    busy = subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 3\nwhile time.time() < end: pass"])
    try:
        time.sleep(0.3)
        a, child_a = probe.sample(), _ticks(busy.pid)
        time.sleep(1.0)
        b, child_b = probe.sample(), _ticks(busy.pid)
    finally:
        busy.kill()
        busy.wait()
    others = (b.total - b.idle) - (a.total - a.idle) - (b.own - a.own)
    child = child_b - child_a
    assert child >= 10  # it ran (up to 100 ticks in the second, less on a loaded machine)
    assert others >= child - 3  # sampling a few ticks apart
    assert probe.share(a, b) >= child / (b.total - a.total) * 0.9
