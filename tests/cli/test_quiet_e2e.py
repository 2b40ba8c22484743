"""`-q/--quiet` means one thing in every command: nothing but errors (and the document when
--json is given). Through the real command (`python -m greenprompt`) with the real default
model on 2 items; a child's stderr is a pipe, so no progress bar either way."""

import json
import os
import pty
import shutil
import subprocess
import sys
import threading

import pytest

from conftest import EXAMPLE
from fakes import finish, start_greenprompt


def run(*args, env=None, code=0):
    proc = start_greenprompt(*args, env=env)
    out, err = finish(proc, timeout=300)
    assert proc.returncode == code, (proc.returncode, out, err)
    return out, err


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A stored run and its `compare --json` file: (store, run id, results file, folder)."""
    folder = tmp_path_factory.mktemp("quiet")
    store = folder / "runs.db"
    out, err = run("compare", EXAMPLE, "--limit", 2, "--store", store, "--json", "-q")
    assert err == ""  # quiet with --json: the document alone
    (folder / "run.json").write_text(out)
    return store, json.loads(out)["run_id"], folder / "run.json", folder


def test_compare_quiet_prints_nothing(stored):
    store, _, _, folder = stored
    assert run("compare", EXAMPLE, "--limit", 2, "--store", store, "-q", "--export", folder / "exported") == ("", "")


def test_every_command_quiet_prints_nothing(stored, tmp_path):
    store, run_id, results, _ = stored
    commands = [
        ("estimate", EXAMPLE, "--limit", 2, "--from", results),
        ("check", run_id, "--min-quality", 0, "--store", store),
        ("check", results, "--max-energy-j", 1e9),
        ("report", run_id, "--html", tmp_path / "r.html", "--store", store),
        ("init", tmp_path / "starter"),
        ("models",),
        ("runs", "list", "--store", store),
        ("runs", "show", run_id, "--store", store),
        ("runs", "show", "last", "--store", store, "--export", tmp_path / "shown"),
        ("runs", "export", run_id, tmp_path / "exported", "--store", store),
    ]
    for command in commands:
        assert run(*command, "-q") == ("", ""), command
    copy = tmp_path / "copy.db"  # the other tests keep the run
    shutil.copyfile(store, copy)
    assert run("runs", "rm", run_id, "--store", copy, "--quiet") == ("", "")


def test_quiet_with_json_prints_the_document_alone(stored, tmp_path):
    store, run_id, results, _ = stored
    for command in [("runs", "list", "--store", store), ("runs", "show", run_id, "--store", store), ("models",),
                    ("estimate", EXAMPLE, "--limit", 2, "--from", results), ("init", tmp_path / "starter")]:
        out, err = run(*command, "--json", "-q")
        assert err == "" and isinstance(json.loads(out), dict), command


def test_quiet_still_prints_errors_and_failed_checks(stored):
    store, run_id, _, _ = stored
    out, err = run("runs", "show", "no-such-run", "--store", store, "-q", code=2)
    assert out == "" and err.startswith("error: no run 'no-such-run'")
    out, err = run("check", run_id, "--min-quality", 1.01, "--store", store, "-q", code=1)
    assert "FAIL" in out + err and "PASS" not in out + err


def test_the_quiet_variable_is_quiet_everywhere_and_a_bad_value_names_it(stored):
    store, _, _, _ = stored
    assert run("runs", "list", "--store", store, env={"GREENPROMPT_QUIET": "1"}) == ("", "")
    out, _ = run("runs", "list", "--store", store, env={"GREENPROMPT_QUIET": "0"})
    assert "prompt set" in out
    for variable in ("GREENPROMPT_QUIET", "GREENPROMPT_AS_JSON"):
        out, err = run("runs", "list", "--store", store, env={variable: "abc"}, code=2)
        assert err.strip() == f"error: {variable}=abc: not true or false (1/0, yes/no, on/off)"


def _stderr_on_a_terminal(*args):
    """Run the real command with stderr on a pseudo-terminal; what it wrote there."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "greenprompt", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=slave, env={**os.environ, "TERM": "xterm", "COLUMNS": "100"})
    os.close(slave)
    chunks = []

    def drain():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(master)
    assert proc.returncode == 0
    return b"".join(chunks).decode(errors="replace")


def test_the_progress_bar_shows_on_a_terminal_unless_quiet(stored):
    store, _, _, _ = stored
    shown = _stderr_on_a_terminal("compare", EXAMPLE, "--limit", 2, "--store", store, "--no-cache", "--json")
    assert "generating" in shown and "ETA" in shown
    assert _stderr_on_a_terminal("compare", EXAMPLE, "--limit", 2, "--store", store, "--no-cache", "--json", "-q") == ""
