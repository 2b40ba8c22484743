import pytest

from greenprompt.outputs import units


@pytest.mark.parametrize(
    "value, expected",
    [
        (0.0123, "12.3 mJ"),
        (1.5, "1.5 J"),
        (2500.0, "2.5 kJ"),
        (0.0009996, "1 mJ"),
        (None, "n/a"),
        (0, "0 J"),
    ],
)
def test_energy(value, expected):
    assert units.energy(value) == expected


def test_carbon_and_duration():
    assert units.carbon(3.2e-5) == "32 µg"
    assert units.carbon(0.45) == "450 mg"
    assert units.duration(0.25) == "250 ms"
    assert units.duration(90) == "1.5 min"
