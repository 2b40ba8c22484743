"""Ctrl-C mid-run: exit code 130 after reporting the generations that finished."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import EXAMPLE


def _stored(store) -> int:
    if not store.exists():  # connecting would create it
        return 0
    try:
        with sqlite3.connect(store) as db:
            return db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    except sqlite3.OperationalError:  # no file or no tables yet
        return 0


def test_sigint_reports_what_finished_and_exits_130(tmp_path):
    env = {**os.environ, "GREENPROMPT_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "greenprompt", "compare", str(EXAMPLE), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    # The full example is 80 generations (tens of seconds); interrupt well inside it, once
    # the first generations are stored (start-up time varies with the machine's load).
    deadline = time.time() + 120
    while time.time() < deadline and _stored(tmp_path / "greenprompt.db") < 2:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    doc = json.loads(stdout)
    assert doc["interrupted"] is True
    assert 0 < doc["totals"]["generations"] < 80
    assert sum(v["n"] for v in doc["variants"]) == doc["totals"]["generations"]
    assert "Traceback" not in stderr
