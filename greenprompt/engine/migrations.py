"""The run store's schema versions: an append-only list of migrations.

`PRAGMA user_version` holds how many of MIGRATIONS a store has had. Opening a store runs
the missing ones, in order, in one transaction, so every reader sees the current shapes
(RunHeader and FootprintSegment in greenprompt.records.run) and holds no branch for an
older one. Never edit or reorder a migration that has shipped: append a new one.
Stored generations need none: their JSON has kept one shape (Generation.to_dict).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable

from greenprompt.records.errors import GreenPromptError


def _rewrite(db: sqlite3.Connection, column: str, change: Callable[[Any], Any]) -> None:
    """Apply `change` to the JSON in one column of every run."""
    rows = db.execute(f"SELECT id, {column} FROM runs").fetchall()
    for run_id, text in rows:
        db.execute(f"UPDATE runs SET {column} = ? WHERE id = ?", (json.dumps(change(json.loads(text)), ensure_ascii=False), run_id))


def _one_models_list(header: dict[str, Any]) -> dict[str, Any]:
    """Headers kept the first model three times: `model`, `mode` and `energy` beside the
    `models` list (and runs from before several models had only those three). Now: the
    list only, built from the three where it is missing, and a `config` (None: not kept)."""
    header = dict(header)
    model, mode, energy = header.pop("model", None), header.pop("mode", None), header.pop("energy", None)
    if "models" not in header:
        header["models"] = [{"name": Path(model["path"]).stem, "mode": mode, "info": model, "energy": energy}]
    header.setdefault("config", None)
    return header


def _every_segment_part(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Segments from before prefix-cache serving have no `prefix_fill`; none had `idle`
    (the time an executor's workers wait for work). Both are zero for them."""
    zero = {"wall_s": 0.0, "energy_j": 0.0}
    return [{"prefix_fill": dict(zero), "idle": dict(zero), **s} for s in segments]


def _variant_grammar(header: dict[str, Any]) -> dict[str, Any]:
    """GenerationParams gained `grammar` (issue 14; None: no grammar, as every older run ran)."""
    prompt_set = dict(header["prompt_set"])
    prompt_set["variants"] = [{**v, "params": {"grammar": None, **v["params"]}} for v in prompt_set["variants"]]
    return {**header, "prompt_set": prompt_set}


def _segment_nodes(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Segments gained `nodes` (issue 15: per cluster node parts under --executor ray); every
    older segment was written by one process on one machine: none."""
    return [{**s, "nodes": s.get("nodes", [])} for s in segments]


def _header_v1(db: sqlite3.Connection) -> None:
    _rewrite(db, "header", _one_models_list)


def _segments_v2(db: sqlite3.Connection) -> None:
    _rewrite(db, "segments", _every_segment_part)


def _header_v3(db: sqlite3.Connection) -> None:
    _rewrite(db, "header", _variant_grammar)


def _segments_v4(db: sqlite3.Connection) -> None:
    _rewrite(db, "segments", _segment_nodes)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _header_v1,
    _segments_v2,
    _header_v3,
    _segments_v4,
)
VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, path: Path, fresh: bool) -> int:
    """Bring the store up to VERSION; returns how many migrations ran. A fresh store
    (tables just created) is stamped current. Runs inside BEGIN IMMEDIATE and re-reads the
    version there, so two processes opening one old store migrate it once."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > VERSION:
            raise GreenPromptError(
                f"{path}: this run store was written by a newer greenprompt (schema {version}, this version reads up to "
                f"{VERSION}); upgrade greenprompt or pass another --store"
            )
        todo = () if fresh and version == 0 else MIGRATIONS[version:]
        for step in todo:
            step(db)
        if version != VERSION:
            db.execute(f"PRAGMA user_version = {VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return len(todo)
