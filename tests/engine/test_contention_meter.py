"""Contention recorded per generation from a fake /proc tree: the Meter samples it at the
start and stop of every span, each Generation keeps it, the run summarises it (--json) and
the report says so in one line when it was high."""

import io
import json

import pytest
from rich.console import Console

from greenprompt.engine.contention import ContentionProbe
from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.engine.metering import Meter, PowerModel
from greenprompt.outputs.document import run_document
from greenprompt.outputs.terminal import print_report
from greenprompt.records import Generation
from greenprompt.records.config import Config
from greenprompt.records.generation import contention_summary

from conftest import ROOT
from fakes import BusyProc, FakeBackend, backend_on, gen


def run(tmp_path, proc_root, backend=FakeBackend, **options):
    config = Config(prompts=str(ROOT / "prompts" / "reviews.yaml"), limit=4, bootstrap=0, no_cache=True,
                    store=str(tmp_path / "runs.db"), **options)
    return run_comparison(config, executor=LocalExecutor(backend, proc_root=str(proc_root)))


def test_the_meter_samples_contention_at_start_and_stop(tmp_path):
    proc = BusyProc(tmp_path, 0.3)
    meter = Meter(PowerModel(4.0, "t", 1.0, "t"), probe=ContentionProbe(tmp_path))
    start = meter.start()
    proc.tick()
    assert meter.stop(start).contention == pytest.approx(0.3)


def test_every_generation_records_it_and_the_run_summarises_it(tmp_path):
    proc = BusyProc(tmp_path / "proc", 0.48)
    result = run(tmp_path, proc.root, backend_on(proc))
    assert result.generations and all(g.contention == pytest.approx(0.48) for g in result.generations)
    doc = json.loads(json.dumps(run_document(result)))
    assert doc["contention"]["n"] == len(result.generations)
    assert doc["contention"]["mean"] == pytest.approx(0.48) and doc["contention"]["max"] == pytest.approx(0.48)
    console = Console(file=io.StringIO(), width=300)
    print_report(result, console)
    lines = [line for line in console.file.getvalue().splitlines() if "Contention:" in line]
    assert len(lines) == 1
    assert "other processes used 48% of the CPU" in lines[0] and "--energy-model tokens" in lines[0]


def test_a_quiet_run_says_nothing_about_it(tmp_path):
    proc = BusyProc(tmp_path / "proc", 0.05)
    result = run(tmp_path, proc.root, backend_on(proc))
    assert run_document(result)["contention"]["mean"] == pytest.approx(0.05)
    console = Console(file=io.StringIO(), width=300)
    print_report(result, console)
    assert "Contention" not in console.file.getvalue()


def test_without_proc_it_is_unknown_never_zero(tmp_path):
    result = run(tmp_path, tmp_path / "no-proc")
    assert all(g.contention is None for g in result.generations)
    assert run_document(result)["contention"] == {"mean": None, "max": None, "n": 0}


def test_stored_with_the_generation_and_older_records_read_as_unknown():
    g = gen()
    data = {**g.to_dict(), "contention": 0.25}
    assert Generation.from_dict(data).contention == 0.25
    del data["contention"]  # a generation stored before contention was recorded
    assert Generation.from_dict(data).contention is None


def test_the_summary_is_wall_time_weighted_over_fresh_generations():
    from dataclasses import replace

    gens = [replace(gen(), wall_s=3.0, contention=0.1), replace(gen(), wall_s=1.0, contention=0.5),
            replace(gen(), cached=True, contention=0.9), replace(gen(), contention=None)]
    s = contention_summary(gens)
    assert (s.mean, s.max, s.n) == (pytest.approx(0.2), 0.5, 2)
