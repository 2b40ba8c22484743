"""The rows `datasets` read from a local file, kept under greenprompt's home for the next run.

Reading a dataset file means importing `datasets` (pandas, pyarrow, huggingface_hub: ~1,500
modules, 0.8-1.0 s, in a child process: see inputs.datasets). A second `compare` on the
same file (the common case: the same dataset, other prompts or options) gets the same rows
from a marshal copy in a few milliseconds and starts no child. The copy is keyed by the
file's identity (absolute path, size, modification time in nanoseconds, inode), the
reading options and the `datasets` version: any change to the file is a miss, and the file
is read again by `datasets`. Only what `datasets` returned is kept; every check on the rows
(target column, ids, delimiters) runs again on each read, so its errors are unchanged.
Files the reader rejected are never kept. Rows marshal cannot hold (dates, nested objects
from Parquet) are not kept either: those files are read each time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from greenprompt.inputs.disk_cache import cache_dir

FORMAT = 1  # bump when the stored shape changes
MAX_FILE_BYTES = 16 * 2**20  # larger files are read each time (their rows as Python objects would cost more to keep than to read)


@dataclass(frozen=True)
class Table:
    """Every row of a file as `datasets` read it: column names and one dict per row."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]

    def __len__(self) -> int:
        return len(self.rows)


def _identity(p: Path, options: Any) -> tuple[Path, str] | None:
    """Where the copy of `p` lives and the key it must carry; None when `p` is not kept."""
    try:
        st = p.stat()
        datasets_version = version("datasets")
    except (OSError, PackageNotFoundError):
        return None
    if st.st_size > MAX_FILE_BYTES:
        return None
    path = str(p.resolve())
    key = f"{FORMAT}|{path}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}|{options!r}|{datasets_version}"
    name = hashlib.sha256(path.encode()).hexdigest()[:24]
    return cache_dir() / "datasets" / f"{name}.marshal", key


def lookup(p: Path, options: Any) -> Table | None:
    """The rows kept for this exact file and options, or None."""
    found = _identity(p, options)
    if found is None:
        return None
    copy, key = found
    try:
        stored_key, columns, rows = marshal.loads(copy.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):  # absent, unreadable or not ours
        return None
    if stored_key != key:
        return None
    return Table(tuple(columns), tuple(rows))


def keep(p: Path, options: Any, table: Table) -> None:
    """Keep `table` for the next read of `p` (silently not, when it cannot be)."""
    found = _identity(p, options)
    if found is None:
        return
    copy, key = found
    try:
        data = marshal.dumps((key, list(table.columns), list(table.rows)))
    except ValueError:  # a value marshal cannot hold
        return
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        tmp = copy.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(copy)  # atomic: concurrent runs never read half a file
    except OSError:  # an unwritable home only costs the reading next time
        pass
