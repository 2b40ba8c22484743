"""The report's energy line for runs whose meter did not record where its W/thread came from
(runs stored before issue 12): the line without that clause, not a KeyError."""

from types import SimpleNamespace

from greenprompt.outputs.energy_lines import method_line
from greenprompt.records import EnergyModel


def _result(constants):
    return SimpleNamespace(energy=EnergyModel("estimated", "CPU time x W", constants),
                           generations=(), profiles=())


def test_the_method_line_without_a_recorded_source():
    line = method_line(_result({"cpu_w_per_thread": 10.0, "ram_w": 0.1}))
    assert line.endswith("attributed to the model's memory"), line


def test_the_method_line_names_the_source_when_recorded():
    line = method_line(_result({"cpu_w_per_thread": 10.0, "ram_w": 0.1, "cpu_w_source": "RAPL-less default"}))
    assert line.endswith("; W/thread: RAPL-less default"), line
