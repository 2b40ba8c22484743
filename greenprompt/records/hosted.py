"""A variant's projection onto a hosted model (EcoLogits): estimated, never measured.

Kept apart from the measured figures of `VariantSummary` on purpose: every output labels it
as a projection (`HostedProjection.label`), and nothing adds it to or compares it with a
metered joule except the frontier when `--frontier-on hosted:P/M` asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Interval = tuple[float, float]


@dataclass(frozen=True)
class HostedProjection:
    """EcoLogits' estimate of one query of a variant on `provider/model`: energy and
    carbon as [low, high] intervals (EcoLogits' own ranges), carbon split into usage
    (electricity in `zone`) and embodied (hardware manufacture) parts."""

    provider: str
    model: str
    zone: str  # ISO 3166 alpha-3 electricity mix the usage carbon is computed in
    ecologits_version: str
    completion_tokens: float  # the variant's mean cl100k completion tokens: EcoLogits' only input
    energy_j: Interval
    gco2e: Interval
    gco2e_usage: Interval
    gco2e_embodied: Interval
    warnings: tuple[str, ...] = ()  # EcoLogits' own warning codes (e.g. model-arch-not-released)

    @property
    def spec(self) -> str:
        return f"{self.provider}/{self.model}"

    @property
    def gco2e_mid(self) -> float:
        """The interval's midpoint: what `--frontier-on hosted:P/M` ranks on."""
        return (self.gco2e[0] + self.gco2e[1]) / 2

    @property
    def label(self) -> str:
        return (
            f"projected with EcoLogits {self.ecologits_version} for {self.spec} from the local answers' token counts "
            f"({self.zone} electricity mix); prompt tokens not modelled"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "zone": self.zone,
            "ecologits_version": self.ecologits_version,
            "completion_tokens_cl100k": self.completion_tokens,
            "energy_j": list(self.energy_j),
            "gco2e": list(self.gco2e),
            "gco2e_usage": list(self.gco2e_usage),
            "gco2e_embodied": list(self.gco2e_embodied),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "HostedProjection":
        def pair(key: str) -> Interval:
            low, high = data[key]
            return (low, high)

        return cls(
            provider=data["provider"],
            model=data["model"],
            zone=data["zone"],
            ecologits_version=data["ecologits_version"],
            completion_tokens=data["completion_tokens_cl100k"],
            energy_j=pair("energy_j"),
            gco2e=pair("gco2e"),
            gco2e_usage=pair("gco2e_usage"),
            gco2e_embodied=pair("gco2e_embodied"),
            warnings=tuple(data["warnings"]),
        )
