"""Overhead of greenprompt's runner against a hand-written llama-cpp-python loop.

Same model, same rendered prompts, same max_tokens, every generation standalone (fresh
KV cache), 3 variants x 100 SST-2 rows. Both run in this process, in the order
A B B A over two halves of the rows, so a drift of this shared machine hits both alike.
Prints the wall-time ratio greenprompt / hand-written (target <= 1.05).

    .venv/bin/python benchmarks/overhead.py [--rows 100]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SST2 = HERE.parent.parent / "shared" / "datasets" / "sst2-dev.tsv"
PROMPTS = HERE / "sst2.yaml"


def read_rows(n: int) -> list[dict]:
    with SST2.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[:n]


def hand_written(llm, variants, rows) -> list[tuple[str, str]]:
    """What a user would write without greenprompt: (variant name, output) per generation
    (also benchmarks/scale_out.py's plain processes)."""
    outputs = []
    for row in rows:
        for v in variants:
            messages = ([{"role": "system", "content": v["system"]}] if v["system"] else []) + [
                {"role": "user", "content": v["template"].replace("{{ text }}", row["text"])}
            ]
            llm.reset()  # standalone: no prefix reuse from the previous request
            out = llm.create_chat_completion(messages=messages, max_tokens=v["max_tokens"], temperature=0.0, seed=0)
            outputs.append((v["name"], out["choices"][0]["message"]["content"]))
    return outputs


INFERENCE_S = []  # wall time inside the backend call, per greenprompt generation


def with_greenprompt(rows_file: Path, store: Path) -> list[str]:
    from greenprompt import compare

    result = compare(PROMPTS, dataset=str(rows_file), store=str(store), no_cache=True)
    INFERENCE_S.extend(g.wall_s for g in result.generations)
    LOAD_S.append(result.footprint.model_load.wall_s)
    return [g.output for g in result.generations]


LOAD_S = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100)
    args = parser.parse_args()

    import codecarbon  # noqa: F401

    # Warm the imports greenprompt needs, so neither side pays a one-off import cost.
    import datasets  # noqa: F401
    import llama_cpp

    from greenprompt.engine.backends.llama_cpp import default_threads
    from greenprompt.inputs.gguf import default_model_path
    from greenprompt.inputs.prompt_sets import load_prompt_set
    from greenprompt.inputs.tokens import count_cl100k

    count_cl100k("warm up")

    variants = [
        {"system": v.system, "template": v.template, "max_tokens": v.params.max_tokens}
        for v in load_prompt_set(PROMPTS).variants
    ]
    for v in variants:
        assert v["template"].count("{{ text }}") == 1, "the hand-written loop substitutes {{ text }} only"
    rows = read_rows(args.rows)
    halves = [rows[: len(rows) // 2], rows[len(rows) // 2 :]]
    tmp = Path(tempfile.mkdtemp())
    files = []
    for i, half in enumerate(halves):
        f = tmp / f"half{i}.tsv"
        with f.open("w", encoding="utf-8", newline="") as out:
            w = csv.DictWriter(out, fieldnames=["text", "label"], delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
            w.writeheader()
            w.writerows(half)
        files.append(f)

    model = str(default_model_path())
    # The same threading as greenprompt's default, so both sides do identical work.
    threads = dict(n_threads=default_threads(), n_threads_batch=default_threads())  # as greenprompt's backend
    timings = {"hand-written": 0.0, "greenprompt": 0.0}
    outputs = {"hand-written": [], "greenprompt": []}

    def run_hand(half: int) -> None:
        t = time.perf_counter()
        llm = llama_cpp.Llama(model_path=model, n_ctx=2048, seed=0, verbose=False, **threads)
        outputs["hand-written"] += [output for _, output in hand_written(llm, variants, halves[half])]
        llm.close()
        timings["hand-written"] += time.perf_counter() - t

    def run_gp(half: int) -> None:
        t = time.perf_counter()
        outputs["greenprompt"] += with_greenprompt(files[half], tmp / f"store{half}.db")
        timings["greenprompt"] += time.perf_counter() - t

    # Warm-up, not timed: the first generations of a process pay for page faults and caches.
    warm = llama_cpp.Llama(model_path=model, n_ctx=2048, seed=0, verbose=False, **threads)
    hand_written(warm, variants, rows[:5])
    warm.close()

    for step, half in ((run_hand, 0), (run_gp, 0), (run_gp, 1), (run_hand, 1)):
        before = dict(timings)
        step(half)
        spent = {k: timings[k] - before[k] for k in timings}
        print(f"  {step.__name__}(half {half}): {max(spent.values()):.2f} s", file=sys.stderr)

    n = len(rows) * len(variants)
    same = outputs["hand-written"] == outputs["greenprompt"]
    ratio = timings["greenprompt"] / timings["hand-written"]
    print(f"generations per side: {n} ({len(variants)} variants x {len(rows)} SST-2 rows)")
    print(f"hand-written llama-cpp-python loop: {timings['hand-written']:.2f} s")
    print(f"greenprompt runner, metered:        {timings['greenprompt']:.2f} s")
    print(f"identical outputs: {same}")
    print(f"wall-time ratio greenprompt / hand-written: {ratio:.3f} (target <= 1.05)")
    print(f"overhead per generation: {(timings['greenprompt'] - timings['hand-written']) / n * 1000:.2f} ms")
    outside = timings["greenprompt"] - sum(INFERENCE_S) - sum(LOAD_S)
    print(f"greenprompt time outside inference and model load (rendering, metering, scoring, storing, analysis): "
          f"{outside / n * 1000:.2f} ms per generation (target < 2 ms)")


if __name__ == "__main__":
    main()
