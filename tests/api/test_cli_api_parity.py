"""THE acceptance test of "the API does everything the CLI does": one experiment file with
thresholds and every output (export with Parquet off, JSON file, JUnit, Markdown summary),
run once by `greenprompt compare -c` and once by `greenprompt.compare(experiment=...)`, each
in its own folder with its own store, on the real default model; every file written and the
JSON documents must match.

What differs between two runs of the same experiment, and only that, is normalised:
- run ids and timestamps (each run gets its own);
- measured figures: joules, grams CO2e, seconds, watts and everything derived from them
  (intervals, projections, the energy fit and its warning): numbers in the files are
  replaced by <num> (with the unit the summary scales them to), floats in the documents
  too; the qualities are compared exactly, from the documents;
- the decisions taken on those figures (frontier membership, Pareto rank, knee, greenest and
  recommended variant, energy significance, payback), masked as <decided>, and the ranking
  order (so the rank prefix of the exported prompt files and the order of rows and JUnit
  cases): rows and lines are compared as sorted sets, files by name without the prefix;
- the folder each run wrote into.
"""

import csv
import io
import json
import re
from pathlib import Path

from typer.testing import CliRunner

import greenprompt
from greenprompt.cli.app import app

from conftest import EXAMPLE

EXPERIMENT = f"""\
prompts: {EXAMPLE}
limit: 2
bootstrap: 50
store: runs.db
thresholds:
  min_quality: 0.0
  all: true
outputs:
  export: out/ranked
  json: out/run.json
  junit: out/junit.xml
  summary: out/summary.md
"""

RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?")
# any number, with the unit the summary scales it to (999 µg one run, 1.02 mg the next)
NUMBER = re.compile(r"-?\d+(\.\d+)?(e[+-]?\d+)?( ?(µg|mg|kg|g|kJ|J|ms|s|kWh|Wh|W)\b)?")
FRONTIER_MARK = re.compile(r"\|\s*★?\s*\|$")
RANK = re.compile(r"(?<=/)\d+-")
DECIDED = (
    "knee",
    "on_frontier",
    "frontier",
    "pareto_rank",
    "recommended",
    "greenest",
    "significant",
    "uncertain",
    "significant_gco2e",
    "payback_queries",
    "payback_reason",
    "p_frontier",
    "warning",
)
DECISION = re.compile(r"(\b(?:%s)\b[\\\"']*\s*[:=]\s*)[^,\n}]+" % "|".join(DECIDED))


def _normalise_text(text: str, folder: Path, suffix: str) -> list[str]:
    if suffix == ".csv":  # mask the decided columns by name
        rows = list(csv.DictReader(io.StringIO(text)))
        text = "\n".join(json.dumps({k: "<decided>" if k in DECIDED else v for k, v in r.items()}) for r in rows)
    text = DECISION.sub(r"\1<decided>", text)
    text = text.replace(str(folder), "<dir>").replace("><", ">\n<")  # one XML element a line
    text = TIMESTAMP.sub("<time>", RUN_ID.sub("<run>", text))
    # the summary's last column marks the frontier (★ or empty), a decision on the measured figures
    return sorted(FRONTIER_MARK.sub("| <decided> |", line) for line in NUMBER.sub("<num>", text).splitlines())


def _files(folder: Path) -> dict[str, list[str]]:
    out = folder / "out"
    files = {}
    for p in sorted(out.rglob("*")):
        if p.suffix == ".json":  # a document: compared as one, below
            files[p.name] = json.dumps(_normalise_doc(json.loads(p.read_text(encoding="utf-8"))), sort_keys=True)
        elif p.is_file():
            files[RANK.sub("", str(p.relative_to(out)))] = _normalise_text(p.read_text(encoding="utf-8"), folder, p.suffix)
    return files


def _normalise_doc(value, key=""):
    """Floats become <num> (measured, see the module docstring) except qualities; lists of
    named rows are sorted by name; run ids and timestamps are masked."""
    if isinstance(value, dict):
        return {k: "<decided>" if k in DECIDED else _normalise_doc(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normalise_doc(v) for v in value]
        named = all(isinstance(v, dict) and "name" in v for v in items)
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True)) if named or not items else items
    if isinstance(value, float):
        return value if key == "quality" else "<num>"
    if isinstance(value, str):
        return TIMESTAMP.sub("<time>", RUN_ID.sub("<run>", value))
    return value


def _experiment(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "experiment.yaml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    return path


def test_the_same_experiment_through_the_cli_and_the_api(tmp_path):
    cli_exp, api_exp = _experiment(tmp_path / "cli"), _experiment(tmp_path / "api")

    ran = CliRunner().invoke(app, ["compare", "-c", str(cli_exp), "--json", "--quiet"])
    assert ran.exit_code == 0, (ran.stderr, ran.exception)
    cli_doc = json.loads(ran.stdout)

    result = greenprompt.compare(experiment=api_exp)
    api_doc = greenprompt.to_json(result)
    assert result.gate is not None and result.gate.passed and len(result.gate.checks) == 4  # every variant checked
    assert result.written and all(Path(p).is_relative_to(tmp_path / "api" / "out" / "ranked") for p in result.written)

    # each run used its own store, beside its own experiment file
    assert (tmp_path / "cli" / "runs.db").is_file() and (tmp_path / "api" / "runs.db").is_file()
    assert cli_doc["run_id"] != api_doc["run_id"]

    cli_files, api_files = _files(tmp_path / "cli"), _files(tmp_path / "api")
    assert set(cli_files) >= {
        "run.json",
        "junit.xml",
        "summary.md",
        "ranked/results.csv",
        "ranked/generations.jsonl",
        "ranked/emissions.csv",
        "ranked/terse.md",
    }
    assert cli_files.keys() == api_files.keys()
    for name in cli_files:
        assert cli_files[name] == api_files[name], name

    assert _normalise_doc(cli_doc) == _normalise_doc(api_doc)
    # the JSON file each wrote is the document it returned or printed
    assert json.loads((tmp_path / "cli" / "out" / "run.json").read_text())["run_id"] == cli_doc["run_id"]
    assert json.loads((tmp_path / "api" / "out" / "run.json").read_text()) == api_doc
    # and the measured parts are there, only different: the normalisation hides values, not fields
    assert [v["quality"] for v in sorted(cli_doc["variants"], key=lambda v: v["name"])] == [
        v["quality"] for v in sorted(api_doc["variants"], key=lambda v: v["name"])
    ]
