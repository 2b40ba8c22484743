"""The CI examples in docs/ci.md are valid YAML and use only commands and options that exist."""

import re
import shlex

import typer.main
import yaml

from greenprompt.cli.app import app

from conftest import ROOT

CI_DOC = ROOT / "docs" / "ci.md"


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _command(path):
    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    return cmd


def test_ci_examples_parse_and_use_real_options():
    blocks = re.findall(r"```yaml\n(.*?)```", CI_DOC.read_text(), re.S)
    assert len(blocks) == 2
    used = 0
    for block in blocks:
        config = yaml.safe_load(block)
        for text in _strings(config):
            for line in re.findall(r"greenprompt (?:compare|check|report|runs|init|estimate)[^|;&\n]*", text):
                words = shlex.split(line)[1:]
                path = [words.pop(0)]
                if path[0] == "runs":
                    path.append(words.pop(0))
                cmd = _command(path)
                known = {opt for p in cmd.params for opt in getattr(p, "opts", [])}
                for word in words:
                    if word.startswith("-"):
                        assert word.split("=")[0] in known, (line, word)
                used += 1
    assert used >= 6
