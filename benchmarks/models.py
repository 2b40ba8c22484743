"""Two packaged models and a calibrated cascade between them, in one process.

On the bundled example and on SST-2 (200 rows): three prompt variants on SmolLM2-135M
(Q4_1, chat mode) and on Gemma 3 270M (Q4_K_M, base model, completion mode), plus the
cascade smollm2-135m -> gemma3-270m escalating on low confidence, calibrated over the
observed thresholds. Prints the frontier, the per-query energy ratio between the two
models for each variant, and every cascade point with its escalation rate and carbon
relative to always using the large model; says whether a cascade made the frontier.

    .venv/bin/python benchmarks/models.py [--rows 200]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SST2 = ROOT.parent / "shared" / "datasets" / "sst2-dev.tsv"
PROMPTS = HERE / "sentiment-models.yaml"
SMALL, LARGE = "smollm2-135m", "gemma3-270m"
CASES = (
    ("bundled example", ROOT / "prompts" / "reviews.csv", "choice:positive,negative", None),
    ("SST-2", SST2, "choice:1=positive,0=negative", "rows"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200, help="SST-2 rows (the bundled example uses all of its rows)")
    args = parser.parse_args()

    from greenprompt import compare  # the public API: the engine's entry points are internal

    with tempfile.TemporaryDirectory() as tmp:
        for label, dataset, scorer, limited in CASES:
            result = compare(
                PROMPTS, dataset=str(dataset), scorer=scorer, limit=args.rows if limited else None,
                models=(SMALL, LARGE), cascade=f"{SMALL},{LARGE}", escalate_when="low-confidence", calibrate=True,
                no_cache=True, bootstrap=500, store=str(Path(tmp) / "runs.db"),
            )
            by = {v.name: v for v in result.variants}
            print(f"{label}: {result.dataset.n_items} items; models: "
                  + ", ".join(f"{m.name} ({m.info.parameters / 1e6:.0f}M {m.info.quantization}, {m.mode})" for m in result.models))
            print("    frontier: " + ", ".join(f"{v.name} (quality {v.quality:.3f}, {v.energy_j:.3f} J/query)"
                                           for v in result.variants if v.on_frontier))
            for variant in ("one-word", "few-shot", "question"):
                small, large = by[f"{variant}@{SMALL}"], by[f"{variant}@{LARGE}"]
                print(f"    {variant:>9}: {SMALL} {small.energy_j:.3f} J/query (quality {small.quality:.3f}, "
                      f"{small.prompt_tokens:.0f}+{small.completion_tokens:.1f} tokens), "
                      f"{LARGE} {large.energy_j:.3f} J/query (quality {large.quality:.3f}, "
                      f"{large.prompt_tokens:.0f}+{large.completion_tokens:.1f} tokens); "
                      f"energy ratio {LARGE}/{SMALL} {large.energy_j / small.energy_j:.2f}")
            for model in (SMALL, LARGE):
                gens = [g for g in result.generations if g.variant.endswith("@" + model) and g.prefill_s is not None]
                splits = [g.energy_split() for g in gens]
                prefill = sum(p for p, _ in splits) / sum(g.prompt_tokens for g in gens)
                decode = sum(d for _, d in splits) / max(1, sum(g.completion_tokens for g in gens))
                print(f"    {model}: {prefill * 1e3:.1f} mJ per prompt token, {decode * 1e3:.1f} mJ per generated token")
            cascades = [v for v in result.variants if v.cascade is not None]
            for v in cascades:
                c = v.cascade
                print(f"    cascade {v.name}: quality {v.quality:.3f}, {v.energy_j:.3f} J/query, escalated "
                      f"{c.escalation_rate:.0%}, carbon vs {LARGE} {c.gco2e_vs_large:.2f}, rank {v.pareto_rank}")
            on_front = [v.name for v in cascades if v.on_frontier]
            print(f"    a cascade on the frontier: {'yes: ' + ', '.join(on_front) if on_front else 'no'}")


if __name__ == "__main__":
    main()
