"""Help texts as written (brackets kept, no type label on flags) and shell completion per
shell, through the real command (`python -m greenprompt`)."""

import os
import subprocess
import sys

import pytest


def greenprompt(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "greenprompt", *args], capture_output=True, text=True, env=env)


HELPS = [(), ("compare",), ("estimate",), ("check",), ("report",), ("init",), ("models",), ("runs",), ("runs", "list"),
         ("runs", "show"), ("runs", "export"), ("runs", "rm")]


def test_a_bracket_in_a_help_text_is_printed():
    out = greenprompt("compare", "--help").stdout
    assert "[mlflow]." in out  # was "needs greenprompt." (rich read [mlflow] as a tag)


@pytest.mark.parametrize("command", HELPS, ids=" ".join)
def test_no_flag_shows_a_type_label(command):
    result = greenprompt(*command, "--help")
    assert result.returncode == 0
    assert "<bool>" not in result.stdout


def test_flags_still_show_the_type_of_options_that_take_a_value():
    out = greenprompt("compare", "--help").stdout
    assert "<int>" in out and "<path>" in out


def test_show_completion_prints_the_named_shells_script():
    bash, zsh, fish = (greenprompt("--show-completion", shell) for shell in ("bash", "zsh", "fish"))
    assert bash.returncode == zsh.returncode == fish.returncode == 0
    assert bash.stdout != zsh.stdout != fish.stdout
    assert "#compdef" in zsh.stdout and "#compdef" not in bash.stdout
    assert "complete -o" in bash.stdout or "COMPREPLY" in bash.stdout
    assert "complete --command" in fish.stdout or "complete -c" in fish.stdout
