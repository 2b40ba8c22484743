"""Evaluation datasets: load a local file through the `datasets` library, offline.

The first read of a process runs in a short-lived child process (`python -c ... _serve()`):
importing `datasets` brings pandas, pyarrow and huggingface_hub (~1,500 modules, 0.8-1.0 s
and ~125 MB). In a child those megabytes are freed before the model loads: a one-item
`compare`'s process tree peaks at 260 MB instead of 387 MB (the child's own peak, 160 MB,
ends before the model loads; benchmarks/startup.py). The CLI starts the child in its main()
(start_reader), so its import runs on the second core while this process parses options,
imports the engine and resolves the models: -0.20 s of wall time on a quiet 2-vCPU machine,
but +0.44 s of CPU time for the process tree (the child imports numpy, greenprompt.records
and an interpreter again), and slower when the machine is already busy. The child sends back
the finished `Dataset` record, or the same one-line GreenPromptError message an in-process
read raises. Later reads in the same process (a notebook, an optimizer calling the
comparison many times, the test suite) read in-process: a child costs ~1 s per call against
~10 ms once `datasets` is imported. A file read before (same path, size, modification time)
needs neither: its rows come from the copy inputs.dataset_cache kept, in a few milliseconds.
"""

from __future__ import annotations

import atexit
import functools
import gc
import logging
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from greenprompt.inputs import dataset_cache
from greenprompt.inputs.dataset_cache import Table
from greenprompt.records import Dataset, Item
from greenprompt.records.errors import GreenPromptError

logger = logging.getLogger(__name__)

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


def _import_datasets():
    # Never reach for the Hugging Face hub: every dataset here is a local file. The child
    # inherits this process's environment, so a user's own offline flags apply there too.
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets

    _skip_collecting_at_exit()
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity(datasets.logging.CRITICAL)  # our own message says it once
    return datasets


def read_table(p: Path) -> Table:
    """Every row of `p`: the copy kept by the last read of this very file, else read by
    `datasets` (and kept for the next read: inputs.dataset_cache)."""
    fmt = _FORMATS[p.suffix.lower()]
    table = dataset_cache.lookup(p, fmt)
    if table is None:
        rows = _read_rows(p)
        table = Table(tuple(rows.column_names), tuple(rows.to_list()))
        dataset_cache.keep(p, fmt, table)
    return table


def _read_rows(p: Path):
    builder, options = _FORMATS[p.suffix.lower()]
    datasets = _import_datasets()
    from pandas.errors import ParserWarning

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
    return start_loading(path, target, limit, sample, seed, require_target).result()


def start_loading(
    path: str | Path,
    target: str | None = None,
    limit: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    require_target: bool = True,
) -> PendingDataset:
    """Check the arguments (errors raised now) and start reading the file: in a child
    process for the first read of a process that has not imported `datasets`, else
    in-process when `result()` is called. `result()` returns the Dataset or raises."""
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
    request = {"path": str(p), "target": target, "limit": limit, "sample": sample, "seed": seed,
               "require_target": require_target}
    kept = dataset_cache.lookup(p, _FORMATS[p.suffix.lower()])
    if kept is not None:  # read before: no child, no `datasets`
        _stop_idle_reader()
        return PendingDataset({**request, "table": kept}, None)
    start_reader()
    child = _READER.pop("idle", None)
    if child is None:
        return PendingDataset(request, None)
    try:
        child.stdin.write(pickle.dumps(request))  # a few hundred bytes: the pipe holds them until the child reads
        child.stdin.close()
    except BrokenPipeError:  # the child has died: result() says so
        pass
    return PendingDataset(request, child)


_READER: dict[str, Any] = {"started": False}  # one child per process: see the module's docstring


def start_reader() -> None:
    """Start the child that will read this process's first dataset, unless this process
    has imported `datasets` or started one already. Called early (the CLI's main), its import
    of `datasets` overlaps whatever this process does before it names the file."""
    if _READER["started"] or "datasets" in sys.modules or not hasattr(os, "wait4"):
        return
    _READER["started"] = True
    _READER["idle"] = spawn_reader()
    atexit.register(_stop_idle_reader)


def spawn_reader() -> subprocess.Popen:
    """A child process that imports `datasets` and waits for one request on its stdin."""
    # `-c` with this process's sys.path: the child imports the same greenprompt, never a
    # module of the current directory that `-m` would put first.
    code = f"import sys; sys.path[:] = {sys.path!r}; from greenprompt.inputs.datasets import _serve; _serve()"
    errors = tempfile.TemporaryFile()  # read only if the child dies without answering
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
    child.errors = errors
    return child


def _stop_idle_reader() -> None:
    """A reader never asked (the command failed before reading its dataset) is stopped."""
    child = _READER.pop("idle", None)
    if child is not None:
        child.kill()
        child.wait()
        child.stdin.close()
        child.stdout.close()
        child.errors.close()


class PendingDataset:
    """A dataset being read, by a child process or (`child` None) in-process on demand."""

    def __init__(self, request: dict, child: subprocess.Popen | None):
        self.request = request
        self.child = child
        self._result: tuple[str, Any] | None = None

    @property
    def in_child(self) -> bool:
        return self.child is not None

    def result(self) -> Dataset:
        if self._result is None:
            self._result = _finish_child(self.child, self.request) if self.child else _answer(self.request)
        kind, value = self._result
        if kind == _ERROR:
            raise GreenPromptError(value)
        return value


_OK, _ERROR = "ok", "error"


def _answer(request: dict) -> tuple[str, Any]:
    try:
        return _OK, read_here(**request)
    except GreenPromptError as e:
        return _ERROR, str(e)


def _finish_child(child: subprocess.Popen, request: dict) -> tuple[str, Any]:
    """The child's answer, once it has exited; its CPU time and peak memory are logged
    (they also count in this process's RUSAGE_CHILDREN, where wait4 put them)."""
    waited = time.perf_counter()
    try:
        data = child.stdout.read()
    finally:
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        child.stdout.close()
    logger.debug("dataset read in a child process: %.3f s CPU, %.0f MB peak; this process waited %.3f s for it",
                 usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, time.perf_counter() - waited)
    try:
        return pickle.loads(data)
    except Exception:  # the child died before answering (killed, out of memory, broken install)
        child.errors.seek(0)
        lines = child.errors.read().decode(errors="replace").strip().splitlines()
        last = lines[-1][:300] if lines else f"exit code {child.returncode}"
        return _ERROR, f"{request['path']}: the dataset reader process failed ({last})"
    finally:
        child.errors.close()


def _serve() -> None:
    """The child: import `datasets`, then read the request (it may come later: see
    start_reader), answer with one pickled (kind, value) on the original stdout and exit at
    once, as nothing of this process is needed after the answer."""
    reply_to = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the libraries print goes to stderr, never into the answer
    request: dict = {}
    try:
        _import_datasets()
        request = pickle.load(sys.stdin.buffer)
        reply = _answer(request)
    except EOFError:  # the parent ended without asking
        os._exit(0)
    except Exception as e:  # an answer either way: the parent turns it into one line
        reply = _ERROR, f"{request.get('path', 'dataset')}: cannot read the dataset ({type(e).__name__}: {e})"
    reply_to.write(pickle.dumps(reply))
    reply_to.flush()
    os._exit(0)


def read_here(
    path: str, target: str | None, limit: int | None, sample: int | None, seed: int, require_target: bool,
    table: Table | None = None,
) -> Dataset:
    """Read and select the rows in this process (the child's work, or a later read's);
    `table`: the file's rows already at hand (kept from an earlier read)."""
    p = Path(path)
    rows = table if table is not None else read_table(p)
    columns = rows.columns
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
        row = dict(rows.rows[index])
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
