"""The `--json` document is what docs/json.md says: real documents (the real CLI with the real
default model, and fake-backend runs for the shapes it cannot give quickly: several models,
cascades, racing, two serving profiles) validate against docs/json.schema.json, which lists
every key; every key of the schema is described in docs/json.md; and the schema rejects a
document with a wrong type or a missing key (so the validation can fail)."""

import copy
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from jsonschema import Draft202012Validator

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.outputs.document import run_document
from greenprompt.records.config import Config

from conftest import EXAMPLE, ROOT
from fakes import LARGE, SMALL, ModelFakes, PrefixBackend, ScriptedBackend, write_rows

SCHEMA_FILE = ROOT / "docs" / "json.schema.json"
DOC_FILE = ROOT / "docs" / "json.md"
GOLDEN = ROOT / "tests" / "data" / "golden" / "compare.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _problems(validator, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def _document(config: Config, backend_factory) -> dict:
    """As the CLI prints it: through json, so tuples are lists and keys are strings."""
    return json.loads(json.dumps(run_document(run_comparison(config, executor=LocalExecutor(backend_factory)))))


@pytest.fixture(scope="module")
def cli_document(tmp_path_factory, _hashed_home):
    """The real CLI, the real default model, two items, in a copy of the session's home
    (which knows the model's sha256)."""
    home = tmp_path_factory.mktemp("json-cli") / "home"
    shutil.copytree(_hashed_home, home)
    out = subprocess.run([sys.executable, "-m", "greenprompt", "compare", str(EXAMPLE), "--limit", "2", "--json"],
                         capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "GREENPROMPT_HOME": str(home)})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_real_cli_document_is_valid(validator, cli_document):
    assert _problems(validator, cli_document) == []
    assert cli_document["dataset"]["n_items"] == 2 and len(cli_document["variants"]) == 4


def test_the_golden_document_is_valid(validator):
    assert _problems(validator, json.loads(GOLDEN.read_text())) == []


@pytest.fixture
def two_model_task(tmp_path):
    rows = "\n".join(f"review #{i} here,{'positive' if i % 3 else 'negative'}" for i in range(6))
    (tmp_path / "d.csv").write_text("text,label\n" + rows + "\n")
    (tmp_path / "set.yaml").write_text(
        "dataset: d.csv\nscorer: choice:positive,negative\nvariants:\n"
        "  - {name: plain, template: '{{ text }}'}\n  - {name: asked, template: 'Sentiment of {{ text }}?'}\n"
    )
    return tmp_path / "set.yaml"


def test_several_models_and_a_baseline_are_valid(validator, two_model_task):
    doc = _document(Config(prompts=str(two_model_task), models=(SMALL, LARGE), bootstrap=200, baseline="plain@smollm2-135m",
                           volume=1000.0, price_in=0.01, price_out=0.02), ModelFakes())
    assert _problems(validator, doc) == []
    assert len(doc["models"]) == 2 and {v["model"] for v in doc["variants"]} == {SMALL, LARGE}
    assert any(v["vs_baseline"] for v in doc["variants"])


@pytest.mark.parametrize("rule, extra", [("low-confidence", {"calibrate": True, "min_quality": 0.9}), ("verifier", {})])
def test_cascade_documents_are_valid(validator, two_model_task, rule, extra):
    doc = _document(Config(prompts=str(two_model_task), cascade=f"{SMALL},{LARGE}", escalate_when=rule, bootstrap=0, **extra),
                    ModelFakes())
    assert _problems(validator, doc) == []
    points = [v for v in doc["variants"] if v["cascade"]]
    assert points and all(p["cascade"]["rule"] == rule for p in points)


def test_a_race_document_is_valid(validator, tmp_path):
    plan = {"A": (1.0, 2.0), "B": (0.5, 12.0), "C": (0.0, 0.3), "D": (1.0, 12.0)}
    (tmp_path / "d.csv").write_text("n,target\n" + "\n".join(f"{i},yes" for i in range(20)) + "\n")
    variants = "\n".join(f"  - {{name: {t}, template: '{t}: {{{{ n }}}}'}}" for t in plan)
    (tmp_path / "set.yaml").write_text(f"dataset: d.csv\nscorer: exact\nvariants:\n{variants}\n")
    doc = _document(Config(prompts=str(tmp_path / "set.yaml"), strategy="race", block=5, bootstrap=200), ScriptedBackend(plan))
    assert _problems(validator, doc) == []
    assert doc["race"] is not None and any(v["dropped_at_items"] for v in doc["variants"])


def test_a_budget_stopped_document_with_warnings_is_valid(validator, tmp_path):
    plan = {"A": (1.0, 1.0), "B": (0.5, 1.0)}
    (tmp_path / "d.csv").write_text("n,target\n" + "\n".join(f"{i},yes" for i in range(4)) + "\n")
    variants = "\n".join(f"  - {{name: {t}, template: '{t}: {{{{ n }}}}'}}" for t in plan)
    # a label set none of the targets is in: every score is 0, and the document warns
    (tmp_path / "set.yaml").write_text(f"dataset: d.csv\nscorer: choice:positive,negative\nvariants:\n{variants}\n")
    doc = _document(Config(prompts=str(tmp_path / "set.yaml"), budget=3, bootstrap=0), ScriptedBackend(plan))
    assert _problems(validator, doc) == []
    assert doc["stopped_by"] is not None and doc["warnings"]


def test_a_two_serving_profile_document_is_valid(validator, tmp_path):
    write_rows(tmp_path / "rows.tsv", 4)
    (tmp_path / "set.yaml").write_text(
        "dataset: rows.tsv\ntarget: label\nscorer: choice:1=positive,0=negative\nvariants:\n"
        "  - {name: long, template: 'You are a careful classifier of reviews. Answer in one word. {{ text }}'}\n"
        "  - {name: short, template: '{{ text }}'}\n"
    )
    doc = _document(Config(prompts=str(tmp_path / "set.yaml"), serving="standalone,prefix-cache", bootstrap=0), PrefixBackend)
    assert _problems(validator, doc) == []
    assert [p["serving"] for p in doc["serving_profiles"]] == ["standalone", "prefix-cache"]


def _schema_keys(node, keys=None) -> set[str]:
    keys = set() if keys is None else keys
    if isinstance(node, dict):
        keys.update(node.get("properties", {}))
        for value in node.values():
            _schema_keys(value, keys)
    elif isinstance(node, list):
        for value in node:
            _schema_keys(value, keys)
    return keys


def test_every_key_of_the_schema_is_described_in_the_doc():
    described = set(re.findall(r"^\| `([a-z0-9_]+)`", DOC_FILE.read_text(), re.M))
    assert _schema_keys(json.loads(SCHEMA_FILE.read_text())) - described == set()


def test_the_schema_rejects_a_wrong_type_a_missing_key_and_an_unknown_key(validator, cli_document):
    wrong = copy.deepcopy(cli_document)
    wrong["variants"][0]["quality"] = "0.5"
    missing = copy.deepcopy(cli_document)
    del missing["totals"]["generations"]
    unknown = copy.deepcopy(cli_document)
    unknown["variants"][0]["qualty"] = 0.5
    null = copy.deepcopy(cli_document)
    null["variants"][0]["on_frontier"] = None
    for doc in (wrong, missing, unknown, null):
        assert _problems(validator, doc), doc
