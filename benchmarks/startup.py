"""Start-up time of the commands people type most: `greenprompt --help` and
`greenprompt runs list`, each run several times as a fresh process; prints the medians.
Target: under 0.5 s (heavy libraries load only when a command needs them).

    .venv/bin/python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(args: list[str], runs: int, env: dict) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("greenprompt"))
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "GREENPROMPT_HOME": home}
        from greenprompt.engine.store import RunStore  # an empty store, so `runs list` has something to open

        RunStore(Path(home) / "greenprompt.db").close()
        baseline = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
        for command in (["--help"], ["runs", "list"]):
            t = median_seconds([exe, *command], args.runs, env)
            print(f"greenprompt {' '.join(command):<10} median {t:.3f} s over {args.runs} runs "
                  f"({t / baseline:.1f}x a bare `python -c pass` at {baseline:.3f} s; target < 0.5 s)")


if __name__ == "__main__":
    main()
