"""greenprompt from Python: run a comparison, read the records, re-rank, export.

    .venv/bin/python docs/api_example.py [LIMIT]
"""

import sys
import tempfile
from pathlib import Path

from greenprompt import compare, export_run, load_dataset, load_prompt_set, to_json

ROOT = Path(__file__).resolve().parents[1]
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 5

# Inputs are plain records: inspect them before spending any energy.
prompt_set = load_prompt_set(ROOT / "prompts" / "reviews.yaml")
dataset = load_dataset(ROOT / "prompts" / "reviews.csv", limit=limit)
print(f"{len(prompt_set.variants)} variants x {len(dataset.items)} items: {[v.name for v in prompt_set.variants]}")

with tempfile.TemporaryDirectory() as tmp:
    # The same run as `greenprompt compare prompts/reviews.yaml --limit N --min-quality 0.5`,
    # stored in a throw-away store so the example leaves nothing behind.
    result = compare(prompt_set, limit=limit, min_quality=0.5, store=str(Path(tmp) / "runs.db"))

    for v in result.variants:  # ranked: Pareto rank, then quality
        flag = "frontier" if v.on_frontier else f"rank {v.pareto_rank}"
        print(f"{v.name:>14}: quality {v.quality:.2f}, {v.energy_j:.2f} J/query, {v.gco2e * 1000:.3f} mg CO2e/query ({flag})")
    print("recommended:", result.recommended or "none reaches 0.5")

    doc = to_json(result)  # the --json document
    print("frontier:", doc["frontier"], "| energy method:", doc["energy_method"])

    written = export_run(result, Path(tmp) / "ranked")  # ranked prompt files + CSV + JSONL
    print("exported:", sorted(p.name for p in written)[:3], "...")

    # What `compare -c` adds, as keywords: a gate on thresholds with a JUnit file. A failed
    # gate is in `gated.gate`, never raised. The same store: every generation is cached.
    gated = compare(prompt_set, limit=limit, store=str(Path(tmp) / "runs.db"), gate_min_quality=0.5,
                    check_all=True, junit=str(Path(tmp) / "junit.xml"))
    print("gate:", "passed" if gated.gate.passed else "failed",
          [f"{c.variant} {'PASS' if c.passed else 'FAIL'}" for c in gated.gate.checks])
