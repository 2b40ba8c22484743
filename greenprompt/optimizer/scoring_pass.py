"""The compress rewrite's scoring pass, metered: the local model loaded with every
position's logits (optimize.compress) on first use and each text scored once; the load and
every call are metered with the engine's CPU meter and counted in the search's footprint."""

from __future__ import annotations

from typing import Any

from greenprompt.engine.metering import make_meter
from greenprompt.optimizer.compress import compressor, load_scoring_model
from greenprompt.records import RunModel
from greenprompt.records.config import CPU


class MeteredCompressor:
    """RewriteContext.compressor over the run's model: (static text, keep ratio) -> text."""

    def __init__(self, model: RunModel, threads: int | None):
        self.model, self.threads = model, threads or 1
        self.energy_j: float | None = 0.0
        self.wall_s = 0.0
        self._meter: Any = None
        self._llm: Any = None
        self._compress: Any = None

    def __call__(self, text: str, ratio: float) -> str:
        if self._meter is None:
            # the cpu power model whatever --energy-model says: a tokens calibration is for generations
            self._meter = make_meter(self.model.info.size_bytes, CPU, self.model.info.sha256, self.threads)
        start = self._meter.start()
        try:
            if self._compress is None:
                self._llm = load_scoring_model(self.model.info.path, self.threads)
                self._compress = compressor(self._llm)
            return self._compress(text, ratio)
        finally:
            m = self._meter.stop(start)
            self.wall_s += m.wall_s
            self.energy_j = None if self.energy_j is None or m.energy_j is None else self.energy_j + m.energy_j

    @property
    def used(self) -> bool:
        return self._meter is not None

    def close(self) -> None:
        """Free the scoring model (about 100 MB of logits beside the weights)."""
        self._llm = self._compress = None
