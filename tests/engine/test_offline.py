"""Nothing is downloaded at run time: compare works with every socket blocked."""

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from greenprompt.cli.app import app

from conftest import EXAMPLE


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise NetworkUsed(f"network access attempted: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: refuse(None, host))
    return attempts


def test_compare_runs_with_sockets_blocked(no_network, tmp_path):
    result = CliRunner().invoke(app, ["compare", str(EXAMPLE), "--limit", "1", "--json", "--export", str(tmp_path / "out")])
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert json.loads(result.stdout)["totals"]["generations"] == 4
    assert no_network == []


def _unshare_works() -> bool:
    exe = shutil.which("unshare")
    return bool(exe) and subprocess.run([exe, "-n", "true"], capture_output=True).returncode == 0


def test_compare_in_a_network_namespace_without_interfaces(tmp_path):
    if not _unshare_works():
        # The socket-blocking test above still proves it; this one needs CAP_SYS_ADMIN.
        pytest.skip("unshare -n is not permitted here")
    env = {**os.environ, "GREENPROMPT_HOME": str(tmp_path)}
    proc = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "greenprompt", "compare", str(EXAMPLE), "--limit", "1", "--json"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["totals"]["generations"] == 4
