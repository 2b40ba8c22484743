"""One cluster node's figures in a run's result (--executor ray): what ran there and what it
cost, at the node's own carbon intensity (--node-carbon) or the run's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NodeSummary:
    host: str
    node_id: str
    cpu: str
    g_per_kwh: float  # the node's grid intensity: its --node-carbon, else the run's
    generations: int  # generated there in this run (cache hits ran nowhere)
    energy_j: float | None  # its generations + model loads + prefix fills + idle actors + start-up
    gco2e: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "host": self.host, "node_id": self.node_id, "cpu": self.cpu, "intensity_g_per_kwh": self.g_per_kwh,
            "energy_j": self.energy_j, "gco2e": self.gco2e, "generations": self.generations,
        }
