"""10,000 rows stream through planning, running and storing without holding much more
memory than 1,000 rows (fast fake backend in this test only: the model is not measured)."""

import tracemalloc

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.records.config import Config

from conftest import ROOT
from fakes import streaming_backend, write_rows

PROMPTS = ROOT / "benchmarks" / "sst2.yaml"


def peak_mb(tmp_path, rows):
    data = write_rows(tmp_path / f"rows{rows}.tsv", rows)
    options = Config(prompts=str(PROMPTS), dataset=str(data), bootstrap=0, store=str(tmp_path / f"{rows}.db"))
    tracemalloc.start()
    try:
        result = run_comparison(options, executor=LocalExecutor(streaming_backend))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(result.generations) == rows * 3 and not result.interrupted
    return peak / 1e6


def test_memory_growth_from_1k_to_10k_rows_is_below_50_mb(tmp_path):
    peak_mb(tmp_path, 100)  # imports and caches, not growth
    small = peak_mb(tmp_path, 1_000)
    large = peak_mb(tmp_path, 10_000)
    assert large - small < 50, (small, large)
