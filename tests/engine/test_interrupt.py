"""Ctrl-C mid-run: exit code 130 after reporting the generations that finished."""

import json
import signal

from conftest import EXAMPLE
from fakes import finish, start_greenprompt, wait_for_generations


def test_sigint_reports_what_finished_and_exits_130(tmp_path):
    # start_greenprompt gives the child a default SIGINT even when this suite runs as a
    # background job (where the shell starts it ignored): without that it would exit 0.
    proc = start_greenprompt("compare", EXAMPLE, "--json", env={"GREENPROMPT_HOME": str(tmp_path)})
    # The full example is 80 generations (tens of seconds); interrupt well inside it, once
    # the first generations are stored (start-up time varies with the machine's load).
    wait_for_generations(proc, tmp_path / "greenprompt.db", 2)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = finish(proc)
    assert proc.returncode == 130, stderr
    doc = json.loads(stdout)
    assert doc["interrupted"] is True
    assert 0 < doc["totals"]["generations"] < 80
    assert sum(v["n"] for v in doc["variants"]) == doc["totals"]["generations"]
    assert "Traceback" not in stderr
