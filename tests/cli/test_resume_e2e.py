"""`--resume` through the real CLI with the real default model: a resumed run takes its
stored options, a conflicting option is refused naming it, a finished run is never changed,
and a run never holds more generations than it planned."""

import json
import shlex
import signal
import sqlite3

import pytest

from conftest import EXAMPLE
from fakes import finish, invoke, start_greenprompt, wait_for_generations


def _stored(store):
    """(status, planned, done, generations by job number) of the store's one run, as the
    store and `runs list` report them."""
    (row,) = json.loads(invoke("runs", "list", "--store", store, "--json").stdout)["runs"]
    assert row["n_done"] <= row["n_jobs"], row  # never 16/12
    with sqlite3.connect(store) as db:
        gens = dict(db.execute("SELECT seq, data FROM generations"))
    assert len(gens) == row["n_done"]
    return row["status"], row["n_jobs"], row["n_done"], gens


@pytest.fixture
def finished(tmp_path):
    """A store holding one finished run of 2 items (8 jobs): (store, run id)."""
    store = tmp_path / "runs.db"
    run = json.loads(invoke("compare", EXAMPLE, "--limit", 2, "--store", store, "--json", "--bootstrap", 0).stdout)
    return store, run["run_id"]


def test_resume_last_with_no_other_option_completes_the_run(tmp_path):
    store = tmp_path / "runs.db"
    proc = start_greenprompt("compare", EXAMPLE, "--limit", "3", "--store", store, "--bootstrap", "100", "--seed", "3")
    wait_for_generations(proc, store, 2)
    proc.send_signal(signal.SIGINT)
    _, stderr = finish(proc)
    assert proc.returncode == 130, stderr
    status, planned, done, before = _stored(store)
    assert status == "interrupted" and planned == 12 and 2 <= done < 12
    # The hint is a command that works as printed: the run's id and its store, nothing else.
    (hint,) = [line for line in stderr.splitlines() if "resume with" in line]
    command = shlex.split(hint.split("`")[1])
    assert command[:2] == ["greenprompt", "compare"] and "--seed" not in command and "--limit" not in command
    assert command == ["greenprompt", "compare", "--resume", command[3], "--store", str(store)]

    resumed = json.loads(invoke("compare", "--resume", "last", "--store", store, "--json").stdout)
    status, planned, done, after = _stored(store)
    assert status == "finished" and planned == done == 12
    assert all(after[seq] == data for seq, data in before.items())  # the first process's generations kept
    assert not resumed["interrupted"] and resumed["totals"]["generations"] == 12
    assert resumed["bootstrap"] == 100  # a stored option, not the default 2000


def test_a_conflicting_option_is_refused_naming_it(finished):
    store, run_id = finished
    before = _stored(store)
    refused = invoke("compare", "--resume", "last", "--store", store, "--limit", 3, code=2)
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "--limit 3" in lines[0] and "--limit 2" in lines[0] and run_id in lines[0], lines
    seed = invoke("compare", EXAMPLE, "--resume", run_id, "--store", store, "--seed", 5, code=2)
    assert "--seed 5" in seed.stderr and "Traceback" not in seed.stderr
    assert _stored(store) == before


def test_a_finished_run_is_never_changed(finished):
    store, run_id = finished
    before = _stored(store)
    assert before[:3] == ("finished", 8, 8)
    again = invoke("compare", "--resume", run_id, "--store", store, code=2)
    assert "finished" in again.stderr and f"runs show {run_id}" in again.stderr
    # the stored options given again change nothing either: never "interrupted" (130)
    same = invoke("compare", EXAMPLE, "--limit", 2, "--resume", run_id, "--store", store, code=2)
    assert "finished" in same.stderr
    assert _stored(store) == before
