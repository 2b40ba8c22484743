"""The run store with the real model: runs commands, the generation cache, resume after a
kill, and two processes writing to one store."""

import json
import shutil
import signal
import sqlite3

import pytest

from conftest import EXAMPLE
from fakes import finish, invoke, start_greenprompt, stored_generations, wait_for_generations


def compare_json(*args):
    return json.loads(invoke("compare", EXAMPLE, "--json", "--bootstrap", 200, *args).stdout)


def test_runs_list_show_export_rm(tmp_path):
    first = compare_json("--limit", 1)
    listed = json.loads(invoke("runs", "list", "--json").stdout)["runs"]
    assert [r["id"] for r in listed] == [first["run_id"]]
    row = listed[0]
    assert row["status"] == "finished" and row["n_done"] == row["n_jobs"] == 4 and len(row["variants"]) == 4
    table = invoke("runs", "list").stdout
    assert first["run_id"] in table and "finished" in table

    shown = json.loads(invoke("runs", "show", first["run_id"][:12], "--json").stdout)
    for key in ("run_id", "model", "dataset", "scorer", "frontier", "totals"):
        assert shown[key] == first[key]
    assert [(v["name"], v["quality"], v["energy_j"]) for v in shown["variants"]] == [
        (v["name"], v["quality"], v["energy_j"]) for v in first["variants"]
    ]
    assert "frontier" in invoke("runs", "show", "last").stdout

    invoke("runs", "export", first["run_id"], tmp_path / "out")
    assert len(list((tmp_path / "out").glob("*.md"))) == 4

    invoke("runs", "rm", first["run_id"])
    assert json.loads(invoke("runs", "list", "--json").stdout)["runs"] == []
    missing = invoke("runs", "show", first["run_id"], code=2)
    assert "no run" in missing.stderr


def test_rescoring_a_stored_run_needs_no_model(tmp_path):
    model = tmp_path / "copy.gguf"
    from greenprompt.inputs.gguf import default_model_path

    shutil.copy(default_model_path(), model)
    run = compare_json("--limit", 2, "--model", model)
    model.unlink()  # nothing below may load it
    rescored = json.loads(invoke("runs", "show", run["run_id"], "--scorer", "contains", "--json").stdout)
    assert rescored["scorer"] == "contains"
    assert rescored["totals"]["generations"] == run["totals"]["generations"]
    stored = {v["name"]: v["energy_j"] for v in run["variants"]}
    assert {v["name"]: v["energy_j"] for v in rescored["variants"]} == stored


def test_identical_rerun_is_served_from_the_cache():
    first = compare_json("--limit", 2)
    second = compare_json("--limit", 2)
    assert first["run_id"] != second["run_id"]
    assert second["totals"]["cached"] == second["totals"]["generations"] == 8
    assert first["totals"]["cached"] == 0
    # The stored outputs and their originally measured energy are reused ...
    assert [(v["name"], v["quality"], v["energy_j"]) for v in second["variants"]] == [
        (v["name"], v["quality"], v["energy_j"]) for v in first["variants"]
    ]
    # ... and the experiment counts only the energy spent in this run: no model was loaded.
    assert second["experiment"]["generations"]["energy_j"] == 0
    assert second["experiment"]["model_load"]["wall_s"] == 0
    fresh = compare_json("--limit", 2, "--no-cache")
    assert fresh["totals"]["cached"] == 0 and fresh["experiment"]["generations"]["energy_j"] > 0


def _start(store, *args, env=None):
    return start_greenprompt("compare", EXAMPLE, "--store", store, "--json", "--bootstrap", 200, *args, env=env)


def _steady_powercap(folder) -> dict[str, str]:
    """A RAPL counter that never moves: every generation measures 0 J, so the ranking
    depends on quality alone and two separate runs can be compared exactly (the real
    energy of two runs differs by measurement noise, which is not what is tested here)."""
    root = folder / "powercap" / "intel-rapl:0"
    root.mkdir(parents=True)
    (root / "energy_uj").write_text("1000")
    (root / "max_energy_range_uj").write_text("1000000000")
    return {"GREENPROMPT_POWERCAP_DIR": str(root.parent)}


@pytest.fixture
def steady_counter(tmp_path, monkeypatch):
    env = _steady_powercap(tmp_path)
    monkeypatch.setenv("GREENPROMPT_POWERCAP_DIR", env["GREENPROMPT_POWERCAP_DIR"])
    return env


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory):
    """The uninterrupted run every kill-and-resume case must reproduce, made once per worker
    (session scope: xdist may run other modules' tests between the three signals, which
    would tear a module-scoped fixture down and make it again)."""
    folder = tmp_path_factory.mktemp("clean-run")
    store = folder / "clean.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GREENPROMPT_POWERCAP_DIR", _steady_powercap(folder)["GREENPROMPT_POWERCAP_DIR"])
        doc = json.loads(invoke("compare", EXAMPLE, "--limit", 4, "--store", store, "--json", "--bootstrap", 200).stdout)
    with sqlite3.connect(store) as db:
        outputs = [json.loads(d)["output"] for (d,) in db.execute("SELECT data FROM generations ORDER BY seq")]
    return doc, outputs


@pytest.mark.xdist_group("resume-after-a-kill")  # one worker makes the shared clean run once
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_resume_after_a_kill_gives_the_uninterrupted_result(tmp_path, sig, steady_counter, clean_run):
    store = tmp_path / "runs.db"
    proc = _start(store, "--limit", "4", env=steady_counter)
    wait_for_generations(proc, store, 5)
    proc.send_signal(sig)
    finish(proc)
    assert proc.returncode == (-signal.SIGKILL if sig == signal.SIGKILL else 130)

    with sqlite3.connect(store) as db:
        run_id, status = db.execute("SELECT id, status FROM runs").fetchone()
        before = dict(db.execute("SELECT seq, data FROM generations"))
    assert 5 <= len(before) < 16
    if sig != signal.SIGKILL:
        assert status == "interrupted"
    listed = json.loads(invoke("runs", "list", "--store", store, "--json").stdout)["runs"][0]
    assert listed["status"] in ("interrupted", "killed")

    resumed = json.loads(invoke("compare", EXAMPLE, "--limit", 4, "--store", store, "--resume", run_id, "--json",
                                "--bootstrap", 200).stdout)
    with sqlite3.connect(store) as db:
        after = dict(db.execute("SELECT seq, data FROM generations WHERE run_id = ?", (run_id,)))
    # Every job ran exactly once across both processes: the first one's generations are
    # untouched (same measured timings), the second one added only the rest.
    assert len(after) == 16 and all(after[seq] == data for seq, data in before.items())
    assert resumed["run_id"] == run_id and resumed["totals"]["generations"] == 16 and not resumed["interrupted"]
    assert resumed["totals"]["cached"] == 0

    clean, clean_outputs = clean_run

    def outcome(doc):
        return [(v["name"], v["quality"], v["pareto_rank"], v["on_frontier"], v["prompt_tokens"], v["completion_tokens"])
                for v in doc["variants"]]

    assert resumed["energy_method"] == clean["energy_method"] == "measured"
    assert outcome(resumed) == outcome(clean)
    resumed_outputs = [json.loads(after[s])["output"] for s in sorted(after)]
    assert resumed_outputs == clean_outputs


def test_resume_refuses_different_inputs(tmp_path):
    store = tmp_path / "runs.db"
    run = json.loads(invoke("compare", EXAMPLE, "--limit", 1, "--store", store, "--json", "--bootstrap", 0).stdout)
    other = invoke("compare", EXAMPLE, "--limit", 1, "--store", store, "--resume", run["run_id"], "--seed", 5, code=2)
    # A resumed run takes its stored options: a different one given is refused, naming it.
    assert "--seed 5" in other.stderr and "--seed 0" in other.stderr


def test_two_processes_write_to_one_store(tmp_path):
    store = tmp_path / "runs.db"
    a = _start(store, "--limit", "2", "--no-cache")
    b = _start(store, "--limit", "2", "--no-cache", "--seed", "1")
    out_a, err_a = finish(a, timeout=300)
    out_b, err_b = finish(b, timeout=300)
    assert a.returncode == 0, err_a
    assert b.returncode == 0, err_b
    ids = {json.loads(out_a)["run_id"], json.loads(out_b)["run_id"]}
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT id, status FROM runs").fetchall()
    assert {r[0] for r in rows} == ids and all(r[1] == "finished" for r in rows)
    assert all(stored_generations(store, run_id) == 8 for run_id in ids)
