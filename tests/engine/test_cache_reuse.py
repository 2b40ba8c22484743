"""A cached generation's energy is reused only where it still applies: metered with the same
energy model (method, description, constants), the same --threads setting and so the same
CPU (named in the constants). Otherwise the job is generated again, a fresh measurement, and
the --json document and the terminal report say how many were re-measured."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from rich.console import Console

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.engine.store import RunStore
from greenprompt.engine.waves import energy_identity
from greenprompt.outputs.document import run_document
from greenprompt.outputs.terminal import print_report
from greenprompt.records import EnergyModel
from greenprompt.records.config import Config

from conftest import EXAMPLE
from fakes import FixedBackend, FixedMeter


class CountingBackend(FixedBackend):
    calls = 0

    def generate(self, request):
        CountingBackend.calls += 1
        return super().generate(request)


def _meter(cpu_w: float, cpu: str = "Fake CPU 3000", notes: tuple[str, ...] = ()):
    """A FixedMeter whose stored constants name a power per thread, a CPU and notes."""

    class Meter(FixedMeter):
        def describe(self):
            return EnergyModel("estimated", "fixed test meter", {
                "cpu_w_per_thread": cpu_w, "cpu_w_source": f"codecarbon cpu_power.csv: {cpu} TDP 65 W / 2 threads",
                "ram_w": self.size / 1e9, "notes": list(notes),
            })

    return Meter


def _run(tmp_path, meter, **options) -> tuple[dict, int]:
    """The run's --json document and how many generations its backend produced."""
    before = CountingBackend.calls
    config = Config(prompts=str(EXAMPLE), limit=3, store=str(tmp_path / "store.db"), **options)
    result = run_comparison(config, executor=LocalExecutor(CountingBackend, meter))
    doc = json.loads(json.dumps(run_document(result)))
    console = Console(record=True, width=400)
    print_report(result, console)
    doc["_report"] = console.export_text()
    return doc, CountingBackend.calls - before


def test_the_same_energy_model_reuses_every_cached_generation(tmp_path):
    first, generated = _run(tmp_path, _meter(10.0))
    n = first["totals"]["generations"]
    assert generated == n > 0 and first["totals"]["cached"] == first["totals"]["remeasured"] == 0
    # The meter's notes comment on it (e.g. why no counters were readable): they do not change a figure.
    again, generated = _run(tmp_path, _meter(10.0, notes=("no readable RAPL counters",)))
    assert generated == 0 and again["totals"]["cached"] == n and again["totals"]["remeasured"] == 0
    assert "re-measured" not in again["_report"] and f"{n} served from the cache" in again["_report"]
    assert [v["energy_j"] for v in again["variants"]] == [v["energy_j"] for v in first["variants"]]


@pytest.mark.parametrize(
    ("meter", "options"),
    [
        (_meter(12.0), {}),  # another constant of the energy model
        (_meter(10.0, cpu="Other CPU 9000"), {}),  # another CPU
        (_meter(10.0), {"threads": 2}),  # another thread setting
    ],
    ids=["constants", "cpu", "threads"],
)
def test_energy_metered_another_way_is_measured_again_and_said_so(tmp_path, meter, options):
    first, _ = _run(tmp_path, _meter(10.0))
    n = first["totals"]["generations"]
    second, generated = _run(tmp_path, meter, **options)
    assert generated == n  # every job generated again: a fresh measurement
    assert second["totals"]["remeasured"] == n and second["totals"]["cached"] == 0
    assert f"{n} re-measured" in second["_report"]
    with RunStore(tmp_path / "store.db") as store:
        stored = store.load_run(second["run_id"]).generations
    assert len(stored) == n and all(g.remeasured and not g.cached for _, _, g in stored)
    # stored as usual: a third run metered like the second reuses them, with nothing re-measured
    third, generated = _run(tmp_path, meter, **options)
    assert generated == 0 and third["totals"]["cached"] == n and third["totals"]["remeasured"] == 0
    # and one metered like the first still finds the first run's energies
    fourth, generated = _run(tmp_path, _meter(10.0))
    assert generated == 0 and fourth["totals"]["cached"] == n and fourth["totals"]["remeasured"] == 0


def test_no_cache_reruns_without_calling_it_remeasuring(tmp_path):
    _run(tmp_path, _meter(10.0))
    doc, generated = _run(tmp_path, _meter(12.0), no_cache=True)
    assert generated == doc["totals"]["generations"] and doc["totals"]["remeasured"] == 0


def test_a_run_stored_without_its_configuration_has_no_energy_identity(tmp_path):
    """Runs stored before the configuration was kept do not say their thread setting:
    their energy is never taken as applying (their answers are re-run)."""
    doc, _ = _run(tmp_path, _meter(10.0))
    with RunStore(tmp_path / "store.db") as store:
        header = store.header(doc["run_id"])
    sha = header.models[0].info.sha256
    assert energy_identity(header, sha) is not None
    assert energy_identity(replace(header, config=None), sha) is None
    assert energy_identity(header, "another model") is None
