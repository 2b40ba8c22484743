"""How repeatable are greenprompt's energy figures on this machine?

Five identical runs of 3 SST-2 prompt variants x 50 rows, in one process. Prints, per
variant, the coefficient of variation of J/query across runs, and whether frontier
membership changed between runs. Target: CV < 5% for every variant (estimated method).

Every run generates and meters every answer: its own temporary store and no cache. (With
the cache, runs 2..5 were served run 1's energy and the CV was 0.00% by construction.)
Each run's count of cached generations is printed, and the benchmark stops if it is not 0.

    .venv/bin/python benchmarks/noise.py [--runs 5] [--rows 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SST2 = HERE.parent.parent / "shared" / "datasets" / "sst2-dev.tsv"
PROMPTS = HERE / "sst2.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=50)
    args = parser.parse_args()

    from greenprompt import compare

    energy: dict[str, list[float]] = {}
    frontiers = []
    method = None
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            result = compare(PROMPTS, dataset=str(SST2), limit=args.rows, bootstrap=0, no_cache=True,
                             store=str(Path(tmp) / "runs.db"))
        cached = sum(g.cached for g in result.generations)
        if cached:
            raise SystemExit(f"run {run + 1}: {cached} generations served from a cache; the CV would not be measured")
        method = result.energy.method
        for v in result.variants:
            energy.setdefault(v.name, []).append(v.energy_j)
        frontiers.append(sorted(v.name for v in result.variants if v.on_frontier))
        print(f"  run {run + 1}: " + ", ".join(f"{v.name} {v.energy_j:.3f} J" for v in result.variants))

    print(f"{args.runs} runs x {len(energy)} variants x {args.rows} SST-2 rows, energy method: {method}")
    worst = 0.0
    for name, values in energy.items():
        cv = statistics.stdev(values) / statistics.fmean(values)
        worst = max(worst, cv)
        print(f"{name:>10}: mean {statistics.fmean(values):.3f} J/query, CV {cv * 100:.2f}%")
    changed = any(f != frontiers[0] for f in frontiers)
    print(f"worst CV: {worst * 100:.2f}% (target < 5%)")
    print(f"frontier membership changed between runs: {changed} ({frontiers[0]} in run 1)")


if __name__ == "__main__":
    main()
