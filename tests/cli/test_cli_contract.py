"""Every command: --json, --quiet, help, exit codes; shell completion; fast start-up."""

import json
import subprocess
import sys

import typer.main
from typer.testing import CliRunner

from greenprompt.cli.app import app

from conftest import EXAMPLE

runner = CliRunner()


def commands(group, prefix=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a group (typer may vendor its own click)
            yield from commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


def test_every_command_has_json_and_quiet():
    root = typer.main.get_command(app)
    found = dict(commands(root))
    assert {("compare",), ("estimate",), ("check",), ("report",), ("init",), ("runs", "list"), ("runs", "show"),
            ("runs", "export"), ("runs", "rm")} <= set(found)
    for path, cmd in found.items():
        flags = {opt for p in cmd.params for opt in getattr(p, "opts", [])}
        assert "--json" in flags and "--quiet" in flags, path
        assert runner.invoke(app, [*path, "--help"]).exit_code == 0


def test_json_documents_of_the_store_commands(tmp_path):
    store = tmp_path / "s.db"
    doc = json.loads(runner.invoke(app, ["compare", str(EXAMPLE), "--limit", "1", "--json", "--store", str(store),
                                         "--bootstrap", "0"]).stdout)
    exported = runner.invoke(app, ["runs", "export", doc["run_id"], str(tmp_path / "x"), "--store", str(store), "--json"])
    assert exported.exit_code == 0 and len(json.loads(exported.stdout)["written"]) >= 6
    quiet = runner.invoke(app, ["runs", "export", doc["run_id"], str(tmp_path / "y"), "--store", str(store), "-q"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    removed = runner.invoke(app, ["runs", "rm", doc["run_id"], "--store", str(store), "--json"])
    assert json.loads(removed.stdout) == {"removed": doc["run_id"]}


def test_shell_completion_script():
    result = runner.invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0 and "_greenprompt_completion" in result.stdout


def test_start_up_is_light():
    code = (
        "import sys; from greenprompt.cli.app import app; "
        "print(sorted(m for m in ('llama_cpp', 'datasets', 'codecarbon', 'numpy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
