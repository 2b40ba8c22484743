"""Files for other programs: ranked prompt files, results.csv and generations.jsonl."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from greenprompt.document import generation_rows, variant_row
from greenprompt.errors import GreenPromptError
from greenprompt.prompts import dump_variant_file
from greenprompt.records import RunResult

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, limit: int = 80) -> str:
    """A file-name stem that cannot leave its directory or hide itself."""
    stem = _UNSAFE.sub("-", name).strip("-.")[:limit].strip("-.")
    return stem or "variant"


def _unwritable(out: Path, e: OSError) -> GreenPromptError:
    return GreenPromptError(f"{out}: cannot write the export ({e.strerror or e}); choose a writable --export DIR")


def prepare_export_dir(directory: str | Path) -> Path:
    """Create the export directory and prove it is writable, before any energy is spent."""
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".greenprompt-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        raise _unwritable(out, e) from None
    return out


def export_run(result: RunResult, directory: str | Path) -> list[Path]:
    """Write one prompt file per variant (named to sort by rank, readable by
    `greenprompt compare`), results.csv and generations.jsonl. Returns the paths."""
    out = prepare_export_dir(directory)
    try:
        return _write(result, out)
    except OSError as e:
        raise _unwritable(out, e) from None


def _write(result: RunResult, out: Path) -> list[Path]:
    variants = {v.name: v for v in result.prompt_set.variants}
    width = max(2, len(str(len(result.variants))))
    written = []
    for position, summary in enumerate(result.variants, 1):
        path = out / f"{position:0{width}d}-{safe_filename(summary.name)}.md"
        metrics = {k: v for k, v in variant_row(summary).items() if k != "name"}
        metrics.update(scorer=result.scorer, model_sha256=result.model.sha256, run_id=result.run_id)
        path.write_text(dump_variant_file(variants[summary.name], metrics), encoding="utf-8")
        written.append(path)

    # Intervals and the baseline comparison are nested: a CSV cell holds them as JSON.
    rows = [
        {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in variant_row(s).items()}
        for s in result.variants
    ]
    csv_path = out / "results.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["name"])
        writer.writeheader()
        writer.writerows(rows)
    written.append(csv_path)

    jsonl_path = out / "generations.jsonl"
    with jsonl_path.open("w", encoding="utf-8") as f:
        for row in generation_rows(result):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    written.append(jsonl_path)
    return written
