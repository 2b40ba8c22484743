"""Do greenprompt's energy figures and ranking survive a busy machine?

Part 1: the same job (3 variants of prompts/reviews.yaml x 15 items, no cache, a fresh
store per run) quiet and with one competing busy process (a pure Python busy loop in a
subprocess), alternated A B A B. Prints J/query busy/quiet per variant, the greenest
variant (lowest J/query) of each run and the contention the tool recorded.
Goal (default mode): every ratio within 1.10x, the greenest variant unchanged.

Part 2: the job of part 1 on all 4 variants and 20 items with --energy-model codecarbon,
inside a codecarbon OfflineEmissionsTracker (process mode, measure_power_secs=1, a country
set so that it looks nothing up). Prints our experiment total against the tracker's
energy_consumed. Goal: within 5%.

    .venv/bin/python benchmarks/contention.py [--rounds 2] [--threads N] [--energy-model cpu] [--skip-codecarbon]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROMPTS = HERE.parent / "prompts" / "reviews.yaml"
DATASET = HERE.parent / "prompts" / "reviews.csv"
BUSY_LOOP = "while True: pass"


def prompt_set(n_variants: int):
    from greenprompt.inputs.prompt_sets import load_prompt_set

    ps = load_prompt_set(str(PROMPTS))
    return replace(ps, variants=ps.variants[:n_variants])


def one_run(busy: bool, items: int, options: dict):
    """One comparison with its own store and no cache, with or without a busy process."""
    from greenprompt import compare

    loop = subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) if busy else None
    try:
        if loop:
            time.sleep(0.5)  # let it reach full speed
        with tempfile.TemporaryDirectory() as tmp:
            result = compare(prompt_set(3), dataset=str(DATASET), limit=items, bootstrap=0, no_cache=True,
                             store=str(Path(tmp) / "runs.db"), **options)
    finally:
        if loop:
            loop.kill()
            loop.wait()
    if any(g.cached for g in result.generations):
        raise SystemExit("a generation was served from a cache: nothing would be measured")
    return result


def contention_part(rounds: int, items: int, options: dict) -> None:
    from greenprompt.records.generation import contention_summary

    per: dict[tuple[bool, str], list[float]] = {}
    for r in range(rounds):
        for busy in (False, True):
            result = one_run(busy, items, options)
            jq = {v.name: v.energy_j for v in result.variants}
            for name, j in jq.items():
                per.setdefault((busy, name), []).append(j)
            c = contention_summary(result.generations)
            greenest = min(jq, key=jq.get)
            print(f"  round {r + 1} {'busy ' if busy else 'quiet'}: contention mean {c.mean:.2f} max {c.max:.2f}; "
                  + ", ".join(f"{n} {j:.3f}" for n, j in jq.items()) + f" J/query; greenest {greenest}"
                  + f"; {result.wall_s:.0f} s ({result.energy.method}, threads {result.energy.constants.get('threads')})",
                  flush=True)
    names = sorted({n for _, n in per}, key=lambda n: statistics.fmean(per[(False, n)]))
    print(f"J/query busy/quiet ({options or 'default mode'}; goal <= 1.10x). The ratio of the means, and the median "
          "of the rounds' paired ratios (each busy run against the quiet run just before it: robust to a round in "
          "which something else also ran on this shared machine):")
    for name in names:
        quiet, busy = statistics.fmean(per[(False, name)]), statistics.fmean(per[(True, name)])
        paired = [b / q for q, b in zip(per[(False, name)], per[(True, name)])]
        print(f"  {name:>12}: quiet {quiet:.3f} J, busy {busy:.3f} J, ratio {busy / quiet:.2f}x; paired "
              f"{', '.join(f'{r:.2f}' for r in paired)} -> median {statistics.median(paired):.2f}x")


def codecarbon_part(options: dict) -> None:
    from codecarbon import OfflineEmissionsTracker

    from greenprompt import compare

    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        tracker = OfflineEmissionsTracker(tracking_mode="process", measure_power_secs=1, country_iso_code="USA",
                                          save_to_file=False, log_level="error")
        tracker.start()
        result = compare(prompt_set(4), dataset=str(DATASET), bootstrap=0, no_cache=True,
                         store=str(Path(tmp) / "runs.db"), **{**options, "energy_model": "codecarbon"})
        tracker.stop()
    theirs = tracker.final_emissions_data
    ours = result.footprint.total.energy_j
    their_j = theirs.energy_consumed * 3.6e6
    print(f"codecarbon mode, {len(result.generations)} generations, {result.wall_s:.0f} s: "
          f"ours {ours:.1f} J (experiment total; RAM {result.energy.constants['ram_w']:.1f} W), "
          f"tracker {their_j:.1f} J (CPU {theirs.cpu_energy * 3.6e6:.1f} J, RAM {theirs.ram_energy * 3.6e6:.1f} J, "
          f"{theirs.duration:.0f} s); ours/tracker {ours / their_j:.3f} (goal within 5%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds (quiet, busy)")
    parser.add_argument("--items", type=int, default=15)
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: greenprompt's)")
    parser.add_argument("--energy-model", default=None)
    parser.add_argument("--skip-codecarbon", action="store_true")
    parser.add_argument("--only-codecarbon", action="store_true")
    args = parser.parse_args()
    options = {k: v for k, v in (("threads", args.threads), ("energy_model", args.energy_model)) if v is not None}
    if not args.only_codecarbon:
        contention_part(args.rounds, args.items, options)
    if not args.skip_codecarbon:
        codecarbon_part({k: v for k, v in options.items() if k != "energy_model"})


if __name__ == "__main__":
    main()
