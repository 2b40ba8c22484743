"""Scale-out: greenprompt on Ray against the local executor and two plain processes.

Issue 15's measurement. Two cases, each run four ways in this one process, in this order:

  bundled example  prompts/reviews.yaml over its 20 reviews (4 variants: 80 generations)
  SST-2            benchmarks/sst2.yaml (3 variants, as benchmarks/overhead.py) over the first
                   --rows rows (default 200) of ../shared/datasets/sst2-dev.tsv (read there,
                   never copied); --rows also caps the bundled example's rows, for a quick run

  local    compare(...) with the local executor, one llama.cpp thread: the baseline
  plain    two plain one-thread processes (multiprocessing, spawn) splitting the rows in
           halves, each the hand-written llama-cpp-python loop of benchmarks/overhead.py
           (no metering, no store): the most a user gets from two cores without greenprompt
  ray      compare(..., executor="ray", workers=2, threads=1):
           greenprompt starts Ray itself
  cluster  a two-node simulated cluster (ray.cluster_utils.Cluster, one CPU per node, every
           node on 127.0.0.1, dashboard off), compare(..., ray_address=cluster.address)

greenprompt's runs use no_cache=True and a store of their own in a temporary folder;
RAY_USAGE_STATS_ENABLED=0. Per case it prints:

- throughput (generations / wall seconds of the whole call: start-up, model loads,
  generations, scoring and analysis) of each, its ratio to the local executor and to the
  two plain processes; efficiency = a Ray run's throughput / the plain processes', target
  >= 0.9. For `ray` also without Ray's start-up (measured separately, see below);
- the driver's time per generation outside inference, target < 5 ms. Local executor: as
  benchmarks/overhead.py computes it, (wall - the generations' wall - model load) /
  generations. With Ray the inference runs in the actors and the driver mostly waits for
  them, so its wall time says nothing about its own cost; its work (planning, rendering,
  shipping, receiving, storing, scoring, analysis, Ray's driver-side threads) is its
  process CPU time over the call, per generation: below 5 ms the driver can feed 200
  generations per second, far above what two actors produce. Both figures include the
  run's fixed costs (planning, connecting, the bootstrap analysis), spread over the
  generations: a --rows 10 run overstates them;
- Ray's start-up seconds: `ray.init` of a local instance on 127.0.0.1 (timed on its own,
  then shut down, before the `ray` run) and the simulated cluster's two nodes up;
- whether the outputs equal the local run's, and whether each variant's per-query energy
  agrees with the local run's within their bootstrap intervals (the two intervals overlap).

Without ../shared the SST-2 case says so and only the bundled example runs. Every way
shares this machine's two cores: run it on a quiet machine, and read the ratios, not the
absolute figures.

    .venv/bin/python benchmarks/scale_out.py [--rows 200] [--runs local,plain,ray,cluster]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from overhead import hand_written  # the same hand-written loop (benchmarks/ is this script's folder)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SST2 = ROOT.parent / "shared" / "datasets" / "sst2-dev.tsv"
LOOPBACK = "127.0.0.1"
RUNS = ("local", "plain", "ray", "cluster")
EFFICIENCY_GOAL, DRIVER_MS_GOAL = 0.9, 5.0


@dataclass(frozen=True)
class Case:
    name: str
    prompts: Path
    data: Path
    options: dict  # compare() keywords beyond the common ones
    rows: int | None  # the first N rows; None: all


@dataclass
class Run:
    way: str
    generations: int
    wall_s: float
    driver_ms: float | None = None  # driver time per generation outside inference
    driver_how: str = ""
    result: object = None  # the RunResult of greenprompt's runs
    outputs: Counter | None = None  # (variant, output) -> count


def read_rows(path: Path, n: int | None) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        if path.suffix == ".tsv":  # SST-2: one row per line, no quoting
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        else:
            rows = list(csv.DictReader(f))
    return rows if n is None else rows[:n]


def plain_process(job: tuple[str, list[dict], list[dict]]) -> list[tuple[str, str]]:
    """One plain one-thread process: load the model, run its half of the rows."""
    import llama_cpp

    model, variants, rows = job
    llm = llama_cpp.Llama(model_path=model, n_ctx=2048, seed=0, verbose=False, n_threads=1, n_threads_batch=1)
    try:
        return hand_written(llm, variants, rows)
    finally:
        llm.close()


def run_plain(case: Case) -> Run:
    from greenprompt.inputs.gguf import default_model_path
    from greenprompt.inputs.prompt_sets import load_prompt_set

    variants = [
        {"name": v.name, "system": v.system, "template": v.template, "max_tokens": v.params.max_tokens}
        for v in load_prompt_set(case.prompts).variants
    ]
    for v in variants:
        assert v["template"].count("{{ text }}") == 1, "the hand-written loop substitutes {{ text }} only"
    rows = read_rows(case.data, case.rows)
    model = str(default_model_path())
    jobs = [(model, variants, rows[: len(rows) // 2]), (model, variants, rows[len(rows) // 2 :])]
    # spawn, not fork: this process may hold Ray's and llama.cpp's threads.
    t = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        halves = pool.map(plain_process, jobs)
    wall = time.perf_counter() - t
    pairs = [pair for half in halves for pair in half]
    return Run("plain", len(pairs), wall, outputs=Counter(pairs))


def run_greenprompt(way: str, case: Case, store: Path, executor: str = "local", **options) -> Run:
    from greenprompt import compare

    t, cpu = time.perf_counter(), time.process_time()
    result = compare(case.prompts, executor=executor, no_cache=True, store=str(store), limit=case.rows, **case.options, **options)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    ran = [g for g in result.generations if not g.cached]
    n = len(ran)
    if way == "local":  # benchmarks/overhead.py's figure
        outside = wall - sum(g.wall_s for g in ran) - result.footprint.model_load.wall_s
        driver_ms, how = outside / n * 1000, "wall - generations' wall - model load"
    else:
        driver_ms, how = cpu / n * 1000, "driver process CPU time"
    outputs = Counter((g.variant, g.output) for g in ran)
    return Run(way, n, wall, driver_ms, how, result, outputs)


def ray_init_s() -> float:
    """Seconds to start a local Ray instance on 127.0.0.1 (then shut down)."""
    import ray

    t = time.perf_counter()
    ray.init(num_cpus=2, _node_ip_address=LOOPBACK, include_dashboard=False, log_to_driver=False)
    seconds = time.perf_counter() - t
    ray.shutdown()
    return seconds


def start_cluster():
    """The simulated two-node cluster, one CPU per node, all on 127.0.0.1; and its start-up seconds."""
    from ray.cluster_utils import Cluster

    t = time.perf_counter()
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "node_ip_address": LOOPBACK, "include_dashboard": False},
    )
    cluster.add_node(num_cpus=1, node_ip_address=LOOPBACK)
    cluster.wait_for_nodes()
    return cluster, time.perf_counter() - t


def run_case(case: Case, ways: list[str], tmp: Path) -> tuple[dict[str, Run], dict[str, float]]:
    runs: dict[str, Run] = {}
    startup: dict[str, float] = {}
    for way in ways:
        print(f"  {case.name}: {way} ...", file=sys.stderr, flush=True)
        store = tmp / f"{case.name}-{way}.db"
        if way == "local":
            runs[way] = run_greenprompt(way, case, store)
        elif way == "plain":
            runs[way] = run_plain(case)
        elif way == "ray":
            startup[way] = ray_init_s()
            runs[way] = run_greenprompt(way, case, store, executor="ray", workers=2, threads=1)
        else:
            cluster, startup[way] = start_cluster()
            try:
                runs[way] = run_greenprompt(way, case, store, executor="ray", workers=2, threads=1, ray_address=cluster.address)
            finally:
                cluster.shutdown()
        print(f"  {case.name}: {way} {runs[way].wall_s:.1f} s", file=sys.stderr, flush=True)
    return runs, startup


def energy_agreement(local, other) -> list[str]:
    """Per variant: both per-query energies with their intervals, and whether the intervals overlap."""
    lines = []
    ref = {v.name: v for v in local.variants}
    for v in other.variants:
        a = ref.get(v.name)
        ci_a = a.stats.energy_j_ci if a is not None and a.stats else None
        ci_b = v.stats.energy_j_ci if v.stats else None
        if ci_a is None or ci_b is None:
            lines.append(f"{v.name}: no interval to compare")
            continue
        agree = max(ci_a[0], ci_b[0]) <= min(ci_a[1], ci_b[1])
        lines.append(
            f"{v.name}: local {a.energy_j:.4f} J [{ci_a[0]:.4f}, {ci_a[1]:.4f}] vs {v.energy_j:.4f} J "
            f"[{ci_b[0]:.4f}, {ci_b[1]:.4f}]: {'agree' if agree else 'DISAGREE'}"
        )
    return lines


def report(case: Case, runs: dict[str, Run], startup: dict[str, float]) -> None:
    any_run = next(iter(runs.values()))
    print(f"\n{case.name}: {any_run.generations} generations per way")
    local, plain = runs.get("local"), runs.get("plain")
    for way, run in runs.items():
        rate = run.generations / run.wall_s
        line = f"  {way:8s} {run.wall_s:7.1f} s  {rate:6.2f} generations/s"
        if local is not None and run is not local:
            line += f"  x{rate / (local.generations / local.wall_s):.2f} vs local"
        if plain is not None and run is not plain:
            ratio = rate / (plain.generations / plain.wall_s)
            if way == "local":
                line += f"  x{ratio:.2f} vs two plain processes"
            else:
                line += f"  efficiency vs two plain processes {ratio:.2f} (target >= {EFFICIENCY_GOAL})"
        print(line)
        if way == "ray" and plain is not None:
            bare = run.generations / (run.wall_s - startup[way])
            print(f"  {'':8s} without Ray's start-up ({startup[way]:.1f} s): {bare:6.2f} generations/s, "
                  f"efficiency {bare / (plain.generations / plain.wall_s):.2f}")
    for way, run in runs.items():
        if run.driver_ms is not None:
            goal = f" (target < {DRIVER_MS_GOAL:g} ms)" if way != "local" else ""
            print(f"  driver time outside inference, {way}: {run.driver_ms:.2f} ms per generation ({run.driver_how}){goal}")
    for way, run in runs.items():
        if run.result is not None and run.result.footprint.nodes:
            spread = ", ".join(f"{n.host} {n.node_id[:8]}: {n.generations}" for n in run.result.footprint.nodes)
            print(f"  generations per node, {way}: {spread}")
    for way, seconds in startup.items():
        print(f"  Ray start-up, {'local instance (ray.init)' if way == 'ray' else 'two-node cluster'}: {seconds:.1f} s")
    if local is not None:
        for way, run in runs.items():
            if run is not local:
                print(f"  outputs equal the local executor's, {way}: {run.outputs == local.outputs}")
        for way, run in runs.items():
            if run.result is not None and run is not local:
                print(f"  per-query energy vs local, {way}:")
                for line in energy_agreement(local.result, run.result):
                    print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200, help="the first N rows of each dataset (the bundled example has 20)")
    parser.add_argument("--runs", default=",".join(RUNS), help=f"comma-separated subset of {','.join(RUNS)}")
    args = parser.parse_args()
    ways = [w for w in args.runs.split(",") if w]
    unknown = set(ways) - set(RUNS)
    if unknown:
        parser.error(f"--runs: unknown {sorted(unknown)}; choose from {','.join(RUNS)}")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # offline, as greenprompt's own Ray start
    # Before this process imports Ray (ray_init_s, the Cluster): without it Ray 2.60 turns the
    # cluster's 127.0.0.1 address into this machine's network address and the driver never
    # reaches the loopback-only GCS (hung > 2 min here); greenprompt's import_ray sets it too,
    # but Ray reads it once, at import.
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"

    cases = [Case("bundled example", ROOT / "prompts" / "reviews.yaml", ROOT / "prompts" / "reviews.csv", {}, min(args.rows, 20))]
    if SST2.exists():
        sst2 = {"dataset": str(SST2), "target": "label"}
        cases.append(Case("SST-2", HERE / "sst2.yaml", SST2, sst2, args.rows))
    else:
        print(f"{SST2} is missing (no ../shared): the SST-2 case is skipped, only the bundled example runs")
    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            runs, startup = run_case(case, ways, Path(tmp))
            report(case, runs, startup)


def warm_up() -> None:
    """Imports and a few generations, not timed: the first generations of a process pay for
    page faults and caches, and neither way should pay a one-off import."""
    import codecarbon  # noqa: F401
    import llama_cpp

    from greenprompt.inputs.gguf import default_model_path
    from greenprompt.inputs.tokens import count_cl100k

    count_cl100k("warm up")
    llm = llama_cpp.Llama(model_path=str(default_model_path()), n_ctx=2048, seed=0, verbose=False, n_threads=1)
    variant = {"name": "warm", "system": "", "template": "{{ text }}", "max_tokens": 8}
    hand_written(llm, [variant], [{"text": "A warm-up review."}] * 3)
    llm.close()


if __name__ == "__main__":
    main()
