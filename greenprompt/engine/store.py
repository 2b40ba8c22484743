"""The run store: every run and every finished generation, in SQLite, as it happens.

WAL mode and one short transaction per generation: a killed process loses at most the
generation in flight, and several processes can write to one store at once. The same
table is the generation cache: a stored generation is found again by its cache key.
Only the standard library is imported here, so `greenprompt runs list` starts fast.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from greenprompt.engine.migrations import migrate
from greenprompt.inputs.processes import pid_alive
from greenprompt.records import FootprintSegment, Generation, RunHeader
from greenprompt.records.errors import GreenPromptError

STORE_ENV = "GREENPROMPT_HOME"
STORE_FILE = "greenprompt.db"

RUNNING, FINISHED, INTERRUPTED, KILLED = "running", "finished", "interrupted", "killed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    pid INTEGER,
    host TEXT,
    prompt_set TEXT,
    dataset TEXT,
    model TEXT,
    variants TEXT,
    n_jobs INTEGER,
    header TEXT NOT NULL,
    segments TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS generations (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    key TEXT NOT NULL,
    cached INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS generations_key ON generations (key) WHERE cached = 0;
"""

_ROW_COLUMNS = (
    "r.id, r.created_at, r.status, r.pid, r.host, r.prompt_set, r.dataset, r.model, r.variants, r.n_jobs, "
    "(SELECT COUNT(*) FROM generations g WHERE g.run_id = r.id)"
)


def default_store_path(explicit: str | Path | None = None) -> Path:
    """--store PATH, else $GREENPROMPT_HOME/greenprompt.db, else the user data directory."""
    if explicit:
        return Path(explicit)
    home = os.environ.get(STORE_ENV)
    if home:
        return Path(home) / STORE_FILE
    import platformdirs

    return Path(platformdirs.user_data_dir("greenprompt", appauthor=False)) / STORE_FILE


@dataclass(frozen=True)
class RunRow:
    """One line of `greenprompt runs list`."""

    id: str
    created_at: str
    status: str
    prompt_set: str
    dataset: str
    model: str
    variants: list[str]
    n_jobs: int
    n_done: int


@dataclass(frozen=True)
class StoredRun:
    row: RunRow
    header: RunHeader
    segments: tuple[FootprintSegment, ...]
    generations: list[tuple[int, str, Generation]]  # (seq, key, generation), in job order

    @property
    def finished(self) -> bool:
        return self.row.status == FINISHED


def generation_to_json(g: Generation) -> str:
    return json.dumps(g.to_dict(), ensure_ascii=False)


def generation_from_json(text: str) -> Generation:
    return Generation.from_dict(json.loads(text))


class RunStore:
    """A SQLite run store. Safe for several writer processes at once."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._open()
        except (OSError, sqlite3.Error) as e:
            raise GreenPromptError(
                f"{self.path}: cannot open the run store ({e}); pass a writable --store PATH or set {STORE_ENV}"
            ) from None

    def _open(self, attempts: int = 8) -> sqlite3.Connection:
        """Connect, switch to WAL, create the tables and migrate. Switching a new file to WAL
        takes an exclusive lock that SQLite's busy timeout does not wait for, so two processes
        opening one new store at once can get "database is locked": the loser retries, with
        a growing pause (about 6 s in all), before it gives up."""
        for attempt in range(attempts):
            # autocommit mode: every write below is its own short transaction
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA foreign_keys=ON")
                fresh = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").fetchone() is None
                db.executescript(_SCHEMA)
                migrate(db, self.path, fresh)
                return db
            except sqlite3.OperationalError as e:
                db.close()
                if "locked" not in str(e) and "busy" not in str(e) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
            except BaseException:
                db.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "RunStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # writing

    def create_run(self, header: RunHeader, n_jobs: int) -> None:
        self._write(
            "INSERT INTO runs (id, created_at, status, pid, host, prompt_set, dataset, model, variants, n_jobs, header) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                header.run_id,
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
                RUNNING,
                os.getpid(),
                socket.gethostname(),
                header.prompt_set.path,
                header.dataset.path,
                header.models[0].info.name,
                json.dumps(header.variant_names),
                n_jobs,
                json.dumps(header.to_dict(), ensure_ascii=False),
            ),
        )

    def reopen_run(self, run_id: str) -> None:
        """Mark a run as running again in this process (for --resume)."""
        self._write("UPDATE runs SET status = ?, pid = ?, host = ? WHERE id = ?", (RUNNING, os.getpid(), socket.gethostname(), run_id))

    def add_generation(self, run_id: str, seq: int, key: str, gen: Generation) -> None:
        self._write(
            "INSERT OR REPLACE INTO generations (run_id, seq, key, cached, data) VALUES (?, ?, ?, ?, ?)",
            (run_id, seq, key, int(gen.cached), generation_to_json(gen)),
        )

    def finish_run(self, run_id: str, status: str, segment: FootprintSegment | None) -> None:
        """Record the end of one process's work on a run, with its own footprint segment."""
        with self._transaction():
            row = self.db.execute("SELECT segments FROM runs WHERE id = ?", (run_id,)).fetchone()
            segments = json.loads(row[0]) if row else []
            if segment is not None:
                segments.append(segment.to_dict())
            self.db.execute(
                "UPDATE runs SET status = ?, pid = NULL, segments = ? WHERE id = ?", (status, json.dumps(segments), run_id)
            )

    def remove_run(self, run_id: str) -> None:
        run_id = self.resolve_id(run_id)
        with self._transaction():
            self.db.execute("DELETE FROM generations WHERE run_id = ?", (run_id,))
            self.db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    # reading

    def cache_hits(self, key: str) -> list[tuple[str, Generation]]:
        """(run id, generation) of every generation stored under this cache key that was not
        itself cached, oldest first: the caller picks the first whose energy still applies."""
        rows = self.db.execute(
            "SELECT run_id, data FROM generations WHERE key = ? AND cached = 0 ORDER BY rowid", (key,)
        ).fetchall()
        return [(run_id, generation_from_json(data)) for run_id, data in rows]

    def header(self, run_id: str) -> RunHeader:
        """One run's header alone (no generations)."""
        row = self.db.execute("SELECT header FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise GreenPromptError(f"no run '{run_id}' in {self.path}")
        return RunHeader.from_dict(json.loads(row[0]))

    def done(self, run_id: str) -> dict[int, str]:
        """seq -> cache key of the generations a run already has."""
        return dict(self.db.execute("SELECT seq, key FROM generations WHERE run_id = ?", (run_id,)))

    def resolve_id(self, run_id: str) -> str:
        """A full run id from an id, a unique prefix of one, or `last`."""
        if run_id == "last":
            row = self.db.execute("SELECT id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1").fetchone()
            if row:
                return row[0]
            raise GreenPromptError(f"{self.path}: the store has no runs yet")
        matches = [r[0] for r in self.db.execute("SELECT id FROM runs WHERE id LIKE ? || '%'", (run_id,))]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise GreenPromptError(f"no run '{run_id}' in {self.path}; `greenprompt runs list` shows the runs")
        raise GreenPromptError(f"'{run_id}' matches {len(matches)} runs ({', '.join(matches[:5])}); give more of the id")

    def list_runs(self) -> list[RunRow]:
        rows = self.db.execute(
            f"SELECT {_ROW_COLUMNS} FROM runs r ORDER BY r.created_at, r.rowid"
        ).fetchall()
        return [self._row(r) for r in rows]

    def load_run(self, run_id: str) -> StoredRun:
        run_id = self.resolve_id(run_id)
        r = self.db.execute(
            f"SELECT {_ROW_COLUMNS}, r.header, r.segments FROM runs r WHERE r.id = ?",
            (run_id,),
        ).fetchone()
        gens = [
            (seq, key, generation_from_json(data))
            for seq, key, data in self.db.execute(
                "SELECT seq, key, data FROM generations WHERE run_id = ? ORDER BY seq", (run_id,)
            )
        ]
        segments = tuple(FootprintSegment.from_dict(s) for s in json.loads(r[-1]))
        return StoredRun(self._row(r[:-2]), RunHeader.from_dict(json.loads(r[-2])), segments, gens)

    @staticmethod
    def _row(r: Iterable) -> RunRow:
        id_, created, status, pid, host, prompt_set, dataset, model, variants, n_jobs, n_done = r
        if status == RUNNING and host == socket.gethostname() and not pid_alive(pid):
            status = KILLED  # its process is gone without saying so: resumable
        return RunRow(id_, created, status, prompt_set, dataset, model, json.loads(variants), n_jobs, n_done)

    # plumbing

    def _write(self, sql: str, params: tuple) -> None:
        try:
            self.db.execute(sql, params)
        except sqlite3.Error as e:
            raise GreenPromptError(f"{self.path}: cannot write to the run store ({e})") from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
