"""Scale and store overhead with a fast fake backend (the model is not what is measured).

1. Peak Python memory of planning, running and storing a 10,000-row dataset against a
   1,000-row one (tracemalloc), target: growth below 50 MB.
2. The store's cost per generation: the time of `RunStore.add_generation` (one committed
   WAL transaction), target: below 1 ms; and the same loop with the store off, as a ratio.

    .venv/bin/python benchmarks/store.py
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from fakes import streaming_backend, write_rows  # noqa: E402

PROMPTS = HERE / "sst2.yaml"


def peak_memory(rows: int, workdir: Path) -> tuple[float, float]:
    """(peak MB, seconds) of a whole compare over `rows` rows with a fake backend that keeps nothing."""
    from greenprompt.engine.driver import run_comparison
    from greenprompt.engine.local import LocalExecutor
    from greenprompt.records.config import Config

    data = write_rows(workdir / f"rows{rows}.tsv", rows)
    options = Config(prompts=str(PROMPTS), dataset=str(data), bootstrap=0, store=str(workdir / f"s{rows}.db"))
    tracemalloc.start()
    t = time.perf_counter()
    result = run_comparison(options, executor=LocalExecutor(streaming_backend))
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    assert len(result.generations) == rows * 3
    return peak, seconds


def store_cost(n: int, workdir: Path) -> float:
    """Mean seconds per add_generation over n generations."""
    from greenprompt.engine.store import RunStore
    from greenprompt.records import Generation

    gen = Generation("one-word", "0", 0, "Classify: " + "x" * 200, "positive", "1", 60, 2, 50, 1,
                     0.2, 0.35, 0.1, 0.1, 1.4, "estimated", 1.8e-4)
    with RunStore(workdir / "cost.db") as store:
        store.create_run("bench", {"prompt_set": {"path": "p", "variants": [{"name": "one-word"}]},
                                   "dataset": {"path": "d"}, "model": {"name": "m"}}, n)
        t = time.perf_counter()
        for seq in range(n):
            store.add_generation("bench", seq, f"key{seq}", gen)
        return (time.perf_counter() - t) / n


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        peak_memory(200, work)  # warm imports and caches
        small, t_small = peak_memory(1_000, work)
        large, t_large = peak_memory(10_000, work)
        per_gen = store_cost(5_000, work)
    print(f"peak traced memory, 3 variants: 1,000 rows {small:.1f} MB ({t_small:.1f} s); 10,000 rows {large:.1f} MB ({t_large:.1f} s)")
    print(f"memory growth 1k -> 10k rows: {large - small:.1f} MB (target < 50 MB)")
    print(f"store overhead per generation: {per_gen * 1000:.3f} ms (target < 1 ms)")


if __name__ == "__main__":
    main()
