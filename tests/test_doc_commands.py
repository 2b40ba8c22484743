"""Every `greenprompt` command in a fenced block of README.md and docs/*.md runs, with the real
default model and GREENPROMPT_LIMIT=2 in the environment, and exits as the doc says.

Rules:
- Shell blocks (bash, sh, console or no language): each line (backslash continuations
  joined) is split at `&&` and `;`; the parts that start with `greenprompt` or
  `.venv/bin/greenprompt` are run with bash, in order, so redirections and `|| true` work.
  Install commands (`pip install`, `scripts/setup.sh`, `python -m venv`) and any other
  command are not run. YAML blocks (CI jobs): every line of a string value that starts
  with `greenprompt` is a command.
- A command is expected to exit 0, unless its line ends with a comment saying
  `exits N` (a gate meant to fail).
- A block preceded by `<!-- no-test: reason -->` is skipped; the reason is required.
- `RUN_ID` in a command stands for the newest run in the doc's store (`runs list --json`).
- One doc's commands run in order in one directory, a copy of the repository's example
  files (`prompts/`), with its own GREENPROMPT_HOME (a copy of the session's home, which
  knows the default model's sha256): a later command can use what an earlier one wrote
  (an export folder, run.json, `last`), and repeated generations are cache hits.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from fakes import finish, stored_generations, wait_for_generations

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.M | re.S)
NO_TEST = re.compile(r"<!--\s*no-test:(.*?)-->\s*$", re.S)
COMMAND = re.compile(r"^(?:\.venv/bin/)?greenprompt\s+[-\w]")
EXPECTED_EXIT = re.compile(r"#.*\bexits? (\d+)\b")
INSTALL = re.compile(r"pip install|scripts/setup\.sh|-m venv")
SHELL = {"", "bash", "sh", "shell", "console"}


@dataclass(frozen=True)
class DocCommand:
    doc: str
    line: int
    command: str
    expected_exit: int


def _shell_commands(text: str) -> list[tuple[str, int, int]]:
    """(command, expected exit, line offset) for every greenprompt part of a shell block."""
    found, offset, pending, first = [], 0, "", 0
    for offset, line in enumerate(text.splitlines()):
        first = first if pending else offset
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        line, pending = pending + line, ""
        expected = EXPECTED_EXIT.search(line)
        code = re.sub(r"\s+", " ", line.split(" #", 1)[0]).strip()
        for part in re.split(r"\s*(?:&&|;)\s*", code):
            if COMMAND.match(part) and not INSTALL.search(part):
                found.append((part, int(expected.group(1)) if expected else 0, first))
    return found


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _yaml_commands(text: str) -> list[tuple[str, int, int]]:
    """CI jobs: `|| true` keeps a failed report from failing the job; here it must not hide one."""
    lines = [line.strip() for s in _strings(yaml.safe_load(text)) for line in s.splitlines()]
    return [(re.sub(r"\s*\|\|\s*true$", "", line), 0, 0) for line in lines if COMMAND.match(line)]


def doc_commands(path: Path) -> tuple[list[DocCommand], list[str]]:
    """The doc's commands in order, and the reasons of its skipped blocks."""
    text = path.read_text(encoding="utf-8")
    commands, skipped = [], []
    for block in FENCE.finditer(text):
        lang, body = block.group(1).lower(), block.group(2)
        before = text[: block.start()].rstrip()
        marker = NO_TEST.search(before)
        if marker and before.endswith("-->"):
            skipped.append(marker.group(1).strip())
            continue
        line = text.count("\n", 0, block.start()) + 2
        found = _shell_commands(body) if lang in SHELL else _yaml_commands(body) if lang in ("yaml", "yml") else []
        commands += [DocCommand(str(path.relative_to(ROOT)), line + at, c, code) for c, code, at in found]
    return commands, skipped


ALL = {str(p.relative_to(ROOT)): doc_commands(p) for p in DOCS}


def test_the_parser_finds_commands_and_leaves_installs_and_other_tools_out():
    block = (
        "bash scripts/setup.sh && .venv/bin/greenprompt compare a.yaml\n"
        "python -m venv .venv && .venv/bin/pip install -e .   # or: pip install greenprompt-cli\n"
        "greenprompt runs export RUN_ID out/ ; greenprompt runs rm RUN_ID\n"
        "greenprompt check last \\\n    --min-quality 0.99   # exits 1: the gate fails\n"
        "cat summary.md\n"
    )
    assert _shell_commands(block) == [
        (".venv/bin/greenprompt compare a.yaml", 0, 0), ("greenprompt runs export RUN_ID out/", 0, 2),
        ("greenprompt runs rm RUN_ID", 0, 2), ("greenprompt check last --min-quality 0.99", 1, 3),
    ]
    jobs = "steps:\n  - run: >\n      greenprompt check x.json\n      --min-quality 0.7\n  - run: pip install x\n" \
           "  - run: greenprompt report last --quiet || true\n"
    assert _yaml_commands(jobs) == [("greenprompt check x.json --min-quality 0.7", 0, 0), ("greenprompt report last --quiet", 0, 0)]


def test_every_skipped_block_says_why_and_the_docs_have_commands():
    for doc, (_, skipped) in ALL.items():
        assert all(skipped), f"{doc}: a <!-- no-test: --> without a reason"
    assert len(ALL["README.md"][0]) >= 15 and ALL["docs/ci.md"][0] and ALL["docs/json.md"][0]


@pytest.fixture(scope="module")
def docs_home(tmp_path_factory, _hashed_home):
    """One home for every doc of this module (a copy of the session's, which knows the
    default model's sha256): the docs run the same example, so a later doc's generations
    are cache hits. Each doc still runs in its own directory."""
    home = tmp_path_factory.mktemp("docs") / "home"
    shutil.copytree(_hashed_home, home)
    return home


def _workdir(tmp_path: Path, home: Path) -> tuple[Path, dict[str, str]]:
    work = tmp_path / "work"
    (work / "tests" / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "prompts", work / "prompts")
    for name in ("reviews-sst2-format.tsv", "sst2-prompts.yaml"):  # the README's example with numeric labels
        shutil.copy(ROOT / "tests" / "data" / name, work / "tests" / "data" / name)
    (work / ".venv").symlink_to(Path(sys.prefix))  # for `.venv/bin/greenprompt`
    env = {
        **os.environ,
        "GREENPROMPT_HOME": str(home),
        "GREENPROMPT_LIMIT": "2",
        "PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "MLFLOW_TRACKING_URI": (tmp_path / "mlruns").as_uri(),  # never a server from the environment
    }
    env.pop("GREENPROMPT_STORE", None)
    return work, env


def _newest_run(work: Path, env: dict[str, str]) -> str:
    out = subprocess.run(["greenprompt", "runs", "list", "--json"], cwd=work, env=env, capture_output=True, text=True, check=True)
    return max(json.loads(out.stdout)["runs"], key=lambda r: r["created_at"])["id"]


def _interrupted_run(work: Path, env: dict[str, str]) -> None:
    """What `--resume` continues: the example interrupted (SIGINT) after its first stored
    generation. `env` carries a seed no other command uses, so nothing is a cache hit and
    the run cannot finish before the signal; the resume command runs with the same env."""
    store = Path(env["GREENPROMPT_HOME"]) / "greenprompt.db"
    before = stored_generations(store)
    proc = subprocess.Popen(["greenprompt", "compare", "prompts/reviews.yaml"], cwd=work, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    wait_for_generations(proc, store, before + 1)
    proc.send_signal(signal.SIGINT)
    _, stderr = finish(proc)
    assert proc.returncode == 130, stderr


@pytest.mark.xdist_group("doc-commands")
@pytest.mark.parametrize("doc", [d for d, (commands, _) in ALL.items() if commands])
def test_doc_commands_run(doc, tmp_path, docs_home):
    work, env = _workdir(tmp_path, docs_home)
    failures, timings = [], []
    for c in ALL[doc][0]:
        run_env = env
        if "--resume" in c.command:
            run_env = {**env, "GREENPROMPT_SEED": "7"}
            _interrupted_run(work, run_env)
        command = c.command.replace("RUN_ID", _newest_run(work, env)) if "RUN_ID" in c.command else c.command
        start = time.perf_counter()
        out = subprocess.run(["bash", "-c", command], cwd=work, env=run_env, capture_output=True, text=True, timeout=600)
        timings.append(f"{time.perf_counter() - start:6.1f} s  {command}")
        if out.returncode != c.expected_exit:
            failures.append(f"{c.doc}:{c.line}: `{command}` exited {out.returncode}, the doc says {c.expected_exit}\n"
                            f"{out.stderr[-1500:]}")
    print("\n".join(timings))
    assert not failures, "\n\n".join(failures)
