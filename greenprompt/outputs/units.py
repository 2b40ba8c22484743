"""Human-readable figures with SI prefixes (mJ/J/kJ, µg/mg/g/kg), three significant digits."""

from __future__ import annotations

_PREFIXES = ((1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"))


def si(value: float | None, unit: str, digits: int = 3) -> str:
    """`si(0.0123, 'J')` -> '12.3 mJ'. None -> 'n/a'."""
    if value is None:
        return "n/a"
    if value == 0:
        return f"0 {unit}"
    magnitude = abs(value)
    factor, prefix = next((p for p in _PREFIXES if magnitude >= p[0] * 0.9995), _PREFIXES[-1])
    scaled = value / factor
    return f"{scaled:.{digits}g} {prefix}{unit}".replace("e+0", "e")


def energy(joules: float | None) -> str:
    return si(joules, "J")


def carbon(grams: float | None) -> str:
    return si(grams, "g")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return si(seconds, "s") if seconds < 60 else f"{seconds / 60:.1f} min"


def percent(value: float) -> str:
    """'5.4%', '32%', '100%', '250%': two significant digits, whole numbers from 100 on
    (the `.2g` format alone printed 100 as '1e+02'); '<0.01%' for a tiny non-zero value."""
    magnitude = abs(value)
    if magnitude >= 99.5:
        return f"{value:.0f}%"
    if magnitude >= 0.01 or value == 0:
        return f"{value:.2g}%"
    return "<0.01%"
