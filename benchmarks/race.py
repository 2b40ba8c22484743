"""Racing against exhaustive evaluation, in one process.

Six SST-2 prompt variants x 200 rows: exhaustive (every variant on every row) and race
(variants dominated with confidence are dropped block by block). Prints the generations
and the energy each used, and whether they found the same frontier. Target: race uses at
most 50% of the generations and energy of exhaustive and finds the same frontier.

    .venv/bin/python benchmarks/race.py [--rows 200]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SST2 = HERE.parent.parent / "shared" / "datasets" / "sst2-dev.tsv"
PROMPTS = HERE / "sst2-six.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()

    from greenprompt.runner import CompareOptions, compare

    with tempfile.TemporaryDirectory() as tmp:
        base = dict(prompts=str(PROMPTS), dataset=str(SST2), limit=args.rows, no_cache=True, bootstrap=1000)
        results = {}
        for strategy in ("exhaustive", "race"):
            results[strategy] = compare(CompareOptions(**base, strategy=strategy, store=str(Path(tmp) / f"{strategy}.db")))

    def summary(result):
        gens = len(result.generations)
        energy = result.footprint.generations.energy_j
        frontier = sorted(v.name for v in result.variants if v.on_frontier)
        return gens, energy, frontier

    ex_gens, ex_energy, ex_front = summary(results["exhaustive"])
    race_gens, race_energy, race_front = summary(results["race"])
    print(f"exhaustive: {ex_gens} generations, {ex_energy:.1f} J, frontier {ex_front}")
    for v in results["exhaustive"].variants:
        print(f"    {v.name:>15}: quality {v.quality:.3f}, {v.energy_j:.3f} J/query, rank {v.pareto_rank}")
    print(f"race:       {race_gens} generations, {race_energy:.1f} J, frontier {race_front}")
    for v in results["race"].variants:
        dropped = f", dropped after {v.dropped_at} rows" if v.dropped_at is not None else ""
        print(f"    {v.name:>15}: quality {v.quality:.3f}, {v.energy_j:.3f} J/query, rank {v.pareto_rank}{dropped}")
    print(f"race / exhaustive: generations {race_gens / ex_gens:.2f}, energy {race_energy / ex_energy:.2f} (target <= 0.50)")
    print(f"same frontier: {race_front == ex_front}")


if __name__ == "__main__":
    main()
