"""Evaluation datasets: load a local file through the `datasets` library, offline."""

from __future__ import annotations

import atexit
import functools
import gc
import os
import random
import warnings
from pathlib import Path
from typing import Any

from greenprompt.records import Dataset, Item
from greenprompt.records.errors import GreenPromptError

TARGET_CANDIDATES = ("target", "label", "answer", "output")
ID_COLUMN = "id"

# builder name and its options, by file suffix
_FORMATS: dict[str, tuple[str, dict[str, Any]]] = {
    # QUOTE_NONE: tokenised text such as SST-2 contains bare quote characters.
    # index_col=False: a row longer than the header is an error, not a silent index column.
    ".tsv": ("csv", {"delimiter": "\t", "quoting": 3, "keep_default_na": False, "index_col": False}),
    ".csv": ("csv", {"keep_default_na": False, "index_col": False}),
    ".json": ("json", {}),
    ".jsonl": ("json", {}),
    ".ndjson": ("json", {}),
    ".parquet": ("parquet", {}),
}


def _read_rows(p: Path):
    builder, options = _FORMATS[p.suffix.lower()]
    # Never reach for the Hugging Face hub: every dataset here is a local file.
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets
    from pandas.errors import ParserWarning

    _skip_collecting_at_exit()

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity(datasets.logging.CRITICAL)  # our own message says it once
    try:
        with warnings.catch_warnings():
            # pandas only warns when a row has more fields than the header, and drops data
            warnings.simplefilter("error", ParserWarning)
            return datasets.load_dataset(builder, data_files=str(p), split="train", keep_in_memory=True, **options)
    except Exception as e:  # the library raises many types for malformed files
        if "corresponds to no data" in str(e):  # its word for a header-only file
            raise GreenPromptError(f"{p}: dataset has no rows, only a header; add rows to the file") from None
        cause = e.__cause__ or e
        detail = str(cause).strip().splitlines()[0][:300] if str(cause).strip() else type(cause).__name__
        raise GreenPromptError(
            f"{p}: cannot read as {p.suffix.lstrip('.').upper()} ({detail}); check the file's format and encoding"
        ) from None


@functools.cache  # register once per process
def _skip_collecting_at_exit() -> None:
    """Importing `datasets` (pandas, pyarrow, huggingface_hub: ~1,500 modules) leaves a
    module graph that lives until exit, where the interpreter's last garbage collections
    walk and free it one object at a time: 0.5 s of a 2.6 s one-item `compare` on our
    2-vCPU machines (`python -c "import datasets"` exits in 0.63 s after its last line,
    0.07 s with the objects frozen). Freezing them when the interpreter exits skips that
    walk; atexit handlers, stream flushing and every explicit close still run."""
    atexit.register(gc.freeze)


def load_dataset(
    path: str | Path,
    target: str | None = None,
    limit: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    require_target: bool = True,
) -> Dataset:
    """Load a CSV, TSV, JSON, JSONL or Parquet file as evaluation items.

    `target` names the reference column (default: the first of target, label,
    answer, output). `limit` keeps the first N rows; `sample` a seeded random N.
    """
    p = Path(path)
    if not p.is_file():
        raise GreenPromptError(f"{p}: dataset file not found; pass --dataset PATH to a CSV, TSV, JSON, JSONL or Parquet file")
    if p.suffix.lower() not in _FORMATS:
        raise GreenPromptError(
            f"{p}: unsupported dataset format '{p.suffix}'; use one of {', '.join(sorted(_FORMATS))}"
        )
    for name, value in (("--limit", limit), ("--sample", sample)):
        if value is not None and value < 1:
            raise GreenPromptError(f"{name} must be a positive number of rows, got {value}")
    if p.stat().st_size == 0:
        raise GreenPromptError(f"{p}: dataset file is empty")
    rows = _read_rows(p)
    columns = tuple(rows.column_names)
    if len(columns) == 1 and any(sep in columns[0] for sep in ("\t", ";", "|")):
        raise GreenPromptError(
            f"{p}: one column named {columns[0]!r}: the file seems to use another delimiter than "
            f"{'a tab' if p.suffix.lower() == '.tsv' else 'a comma'}; tab-separated files must end in .tsv"
        )
    if len(rows) == 0:
        raise GreenPromptError(f"{p}: dataset has no rows (columns: {', '.join(columns) or 'none'})")
    target_column = _pick_target(p, columns, target, require_target)
    if sample is not None:
        indices = sorted(random.Random(seed).sample(range(len(rows)), min(sample, len(rows))))
    else:
        indices = list(range(min(limit, len(rows)) if limit else len(rows)))
    items = []
    seen_ids: set[str] = set()
    for index in indices:
        row = rows[index]
        item_id = str(row[ID_COLUMN]) if ID_COLUMN in row and row[ID_COLUMN] is not None else str(index)
        if item_id in seen_ids:
            raise GreenPromptError(f"{p}: duplicate id '{item_id}' in column '{ID_COLUMN}'; ids must be unique")
        seen_ids.add(item_id)
        value = row.get(target_column) if target_column else None
        items.append(Item(id=item_id, columns=row, target=None if value is None else str(value)))
    return Dataset(path=str(p), items=tuple(items), column_names=columns, target_column=target_column)


def _pick_target(p: Path, columns: tuple[str, ...], target: str | None, required: bool = True) -> str | None:
    if target is not None:
        if target not in columns:
            raise GreenPromptError(
                f"{p}: target column '{target}' not found; available columns: {', '.join(columns)}"
            )
        return target
    for name in TARGET_CANDIDATES:
        if name in columns:
            return name
    if not required:
        return None
    raise GreenPromptError(
        f"{p}: no target column (looked for {', '.join(TARGET_CANDIDATES)}); "
        f"name one with --target COL from: {', '.join(columns)}"
    )
