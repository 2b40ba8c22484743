"""Racing against exhaustive evaluation, in one process.

Six SST-2 prompt variants x 200 rows. Exhaustive evaluation runs every variant on every
row, live and metered. Racing then replays the same run block by block: its generations
are served from the exhaustive run's store (the cache), so both strategies see identical
measurements and the comparison is free of run-to-run noise; a live race makes the same
decisions on the same outputs and energies. Racing is tried with the default criterion
(strict dominance, one-sided 95% bounds) and with quality indifference margins. Prints the
generations and the energy each used, and whether the frontier is the same.
Target: race uses at most 50% of the generations and energy of exhaustive, same frontier.

    .venv/bin/python benchmarks/race.py [--rows 200] [--margins 0,0.02,0.05]
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
    parser.add_argument("--margins", default="0,0.02,0.05", help="--race-margin values to try")
    args = parser.parse_args()

    from greenprompt import compare

    def summary(result):
        gens = len(result.generations)
        energy = sum(g.energy_j for g in result.generations)  # as measured, cached or not
        frontier = sorted(v.name for v in result.variants if v.on_frontier)
        return gens, energy, frontier

    with tempfile.TemporaryDirectory() as tmp:
        base = dict(dataset=str(SST2), limit=args.rows, bootstrap=1000, store=str(Path(tmp) / "runs.db"))
        exhaustive = compare(PROMPTS, **base, no_cache=True)
        ex_gens, ex_energy, ex_front = summary(exhaustive)
        print(f"exhaustive: {ex_gens} generations, {ex_energy:.1f} J, frontier {ex_front}")
        for v in exhaustive.variants:
            print(f"    {v.name:>15}: quality {v.quality:.3f}, {v.energy_j:.3f} J/query, rank {v.pareto_rank}")
        for margin in (float(m) for m in args.margins.split(",")):
            # served from the exhaustive run's cache on purpose: both strategies see the same measurements
            race = compare(PROMPTS, **base, strategy="race", race_margin=margin)
            gens, energy, front = summary(race)
            dropped = ", ".join(f"{v.name} after {v.dropped_at} rows" for v in race.variants if v.dropped_at is not None)
            print(f"race, margin {margin:g}: {gens} generations, {energy:.1f} J, frontier {front}; dropped: {dropped or 'none'}")
            print(f"    race / exhaustive: generations {gens / ex_gens:.2f}, energy {energy / ex_energy:.2f} "
                  f"(target <= 0.50); same frontier: {front == ex_front}")


if __name__ == "__main__":
    main()
