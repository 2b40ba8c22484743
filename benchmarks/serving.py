"""Standalone against prefix-cache serving, in one process.

For the bundled example and for SST-2 (three variants), one `compare` with
`--serving standalone,prefix-cache`: both profiles run on the same loaded model, one
after the other. Prints each variant's J/query under both profiles and their ratio, the
greenest variant under each, how many outputs differ (expected: none at temperature 0),
and the wall time of each profile.

    .venv/bin/python benchmarks/serving.py [--rows 100]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SST2 = ROOT.parent / "shared" / "datasets" / "sst2-dev.tsv"
CASES = (
    ("bundled example", ROOT / "prompts" / "reviews.yaml", None),
    ("SST-2", HERE / "sst2.yaml", SST2),
)


def greenest(result) -> str:
    return min(result.variants, key=lambda v: v.energy_j).name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100, help="SST-2 rows (the bundled example uses all of its rows)")
    args = parser.parse_args()

    from greenprompt import compare

    with tempfile.TemporaryDirectory() as tmp:
        for label, prompts, dataset in CASES:
            standalone, cached = compare(
                prompts, dataset=str(dataset) if dataset else None, limit=args.rows if dataset else None,
                serving="standalone,prefix-cache", no_cache=True, bootstrap=0, store=str(Path(tmp) / "runs.db"),
            ).profiles
            print(f"{label}: {standalone.dataset.n_items} items x {len(standalone.variants)} variants")
            by = {v.name: v for v in cached.variants}
            for v in standalone.variants:
                c = by[v.name]
                print(f"    {v.name:>15}: standalone {v.energy_j:.3f} J/query, prefix-cache {c.energy_j:.3f} J/query "
                      f"({c.prefix_tokens:.0f} of {c.prompt_tokens:.0f} prompt tokens cached), ratio {c.energy_j / v.energy_j:.2f}")
            differ = sum(a.output != b.output for a, b in zip(standalone.generations, cached.generations))
            print(f"    greenest: {greenest(standalone)} (standalone), {greenest(cached)} (prefix-cache); "
                  f"outputs that differ: {differ} of {len(standalone.generations)}")
            fill = cached.footprint.prefix_fill
            print(f"    wall time: standalone {standalone.wall_s:.1f} s, prefix-cache {cached.wall_s:.1f} s "
                  f"(ratio {cached.wall_s / standalone.wall_s:.2f}; prefix fill {fill.wall_s:.2f} s, {fill.energy_j:.1f} J once)")


if __name__ == "__main__":
    main()
