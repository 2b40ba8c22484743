"""The energy paths: RAPL over a fake powercap tree, the power model, carbon conversion."""

import pytest

from greenprompt.engine.metering import ESTIMATED, MEASURED, Meter, PowerModel, RaplCounter, cpu_power_per_thread
from greenprompt.inputs.carbon import gco2e, grid_intensity
from greenprompt.records import CarbonIntensity
from greenprompt.records.errors import GreenPromptError


def fake_rapl(root, domains):
    for name, (energy_uj, max_uj) in domains.items():
        d = root / name
        d.mkdir(parents=True)
        (d / "energy_uj").write_text(str(energy_uj))
        (d / "max_energy_range_uj").write_text(str(max_uj))


def set_energy(root, name, value):
    (root / name / "energy_uj").write_text(str(value))


def test_rapl_sums_packages_ignores_subdomains_and_unwraps(tmp_path):
    fake_rapl(
        tmp_path,
        {"intel-rapl:0": (1_000_000, 10_000_000), "intel-rapl:1": (0, 10_000_000), "intel-rapl:0:0": (5, 10_000_000)},
    )
    rapl = RaplCounter(tmp_path)
    assert rapl.available() and len(rapl.domains) == 2
    assert rapl.read_j() == 0.0
    set_energy(tmp_path, "intel-rapl:0", 3_000_000)  # +2 J
    set_energy(tmp_path, "intel-rapl:1", 500_000)  # +0.5 J
    assert rapl.read_j() == pytest.approx(2.5)
    set_energy(tmp_path, "intel-rapl:0", 1_000_000)  # wrapped: +7 J to the top, +1 J after it
    assert rapl.read_j() == pytest.approx(10.5)


def test_meter_measures_with_counters_and_falls_back_when_unreadable(tmp_path, monkeypatch):
    fake_rapl(tmp_path, {"intel-rapl:0": (0, 10**12)})
    monkeypatch.setenv("GREENPROMPT_POWERCAP_DIR", str(tmp_path))
    rapl = RaplCounter()
    meter = Meter(PowerModel(4.0, "test", 1.0, "test"), [rapl])
    assert meter.method == MEASURED
    start = meter.start()
    set_energy(tmp_path, "intel-rapl:0", 3_000_000)
    m = meter.stop(start)
    assert m.method == MEASURED and m.energy_j == pytest.approx(3.0)

    start = meter.start()
    (tmp_path / "intel-rapl:0" / "energy_uj").unlink()
    m = meter.stop(start)
    assert m.method == ESTIMATED and m.energy_j is not None and "unreadable" in m.note
    assert any("read failed" in n for n in meter.describe().constants["notes"])


def test_unreadable_tree_is_not_available(tmp_path):
    (tmp_path / "intel-rapl:0").mkdir()
    assert not RaplCounter(tmp_path).available()


def test_power_model_and_estimated_meter():
    pm = PowerModel(cpu_w_per_thread=4.0, cpu_source="t", ram_w=0.5, ram_source="t")
    assert pm.energy_j(wall_s=2.0, cpu_s=3.0) == pytest.approx(13.0)
    meter = Meter(pm)
    m = meter.stop(meter.start())
    assert m.method == ESTIMATED and m.energy_j >= 0
    assert meter.describe().constants["cpu_w_per_thread"] == 4.0


def test_cpu_power_comes_from_codecarbon():
    watts, source = cpu_power_per_thread()
    assert watts > 0 and "codecarbon" in source


def test_carbon_intensity_sources():
    world = grid_intensity()
    assert world.g_per_kwh > 0 and "world average" in world.source
    fra = grid_intensity("fra")
    assert 0 < fra.g_per_kwh < world.g_per_kwh and "France" in fra.source
    assert grid_intensity(g_per_kwh=100, pue=1.2) == CarbonIntensity(100, "given with --carbon-intensity", 1.2)
    with pytest.raises(GreenPromptError, match="no carbon intensity"):
        grid_intensity("XXX")
    with pytest.raises(GreenPromptError, match="pue"):
        grid_intensity(pue=0.5)


def test_gco2e_formula():
    # 3.6 MJ = 1 kWh; at 500 g/kWh and PUE 1.5 that is 750 g.
    assert gco2e(3.6e6, CarbonIntensity(500, "t", 1.5)) == pytest.approx(750)
    assert gco2e(None, CarbonIntensity(500, "t")) is None


def test_regional_intensity_and_its_errors():
    assert "California" in grid_intensity("USA", region="CA").source
    assert "Quebec" in grid_intensity("CAN", region="quebec").source
    assert grid_intensity("CHN", region="beijing").g_per_kwh == pytest.approx(555.4)
    with pytest.raises(GreenPromptError, match="regional data only for USA, CAN, CHN"):
        grid_intensity("FRA", region="bretagne")
    with pytest.raises(GreenPromptError, match="not found for USA; known regions"):
        grid_intensity("USA", region="atlantis")


def test_cpu_power_lookup_is_cached(monkeypatch):
    from greenprompt.engine import metering

    first = cpu_power_per_thread()

    def no_lookup(*_):
        raise AssertionError("looked up again")

    monkeypatch.setattr(metering, "_cpu_power_lookup", no_lookup)
    assert cpu_power_per_thread() == first
    assert metering.cpu_model_name()
