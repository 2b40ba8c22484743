"""Several processes opening one new run store at the same moment all succeed."""

from __future__ import annotations

import multiprocessing as mp

from greenprompt.engine.store import RunStore


def _open(path: str, start, results) -> None:
    start.wait()
    try:
        with RunStore(path) as store:
            results.put(store.db.execute("PRAGMA journal_mode").fetchone()[0])
    except Exception as e:  # reported to the parent, which fails the test
        results.put(f"error: {e}")


def test_processes_opening_a_new_store_at_once(tmp_path):
    ctx = mp.get_context("fork")
    outcomes = []
    for round_ in range(6):
        path = str(tmp_path / f"store-{round_}.db")
        start, results = ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=_open, args=(path, start, results)) for _ in range(6)]
        for p in procs:
            p.start()
        start.set()
        outcomes += [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
    assert outcomes == ["wal"] * 36, [o for o in outcomes if o != "wal"]
