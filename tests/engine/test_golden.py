"""The `--json` document of one fixed experiment equals the one the commit before the
redesign printed (tests/data/golden/compare.json, made by make_golden_old.py there): fake
deterministic backend, deterministic meter, no cache, a fresh store."""

import json
from pathlib import Path

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.outputs.document import run_document
from greenprompt.records.config import Config

from conftest import ROOT
from fakes import FixedBackend, FixedMeter

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "compare.json"


def _without_ids(doc: dict) -> dict:
    """The document minus what differs on every run (ids and the start time) and where this
    checkout is (the default model's file lives in this checkout's virtual environment)."""
    doc = {k: v for k, v in doc.items() if k not in ("run_id", "started_at")}
    doc["serving_profiles"] = [{k: v for k, v in p.items() if k != "run_id"} for p in doc["serving_profiles"]]
    doc["model"] = {**doc["model"], "path": Path(doc["model"]["path"]).name}
    doc["models"] = [{**m, "path": Path(m["path"]).name} for m in doc["models"]]
    return doc


def test_the_json_document_is_the_golden_one(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the golden run named its prompt set relative to the repository
    config = Config(
        prompts="prompts/reviews.yaml", limit=6, repeats=2, baseline="terse", volume=1000.0, price_in=0.03,
        price_out=0.06, min_quality=0.3, country="FRA", no_cache=True, store=str(tmp_path / "golden.db"),
    )
    result = run_comparison(config, executor=LocalExecutor(FixedBackend, FixedMeter))
    doc = json.loads(json.dumps(run_document(result), sort_keys=True))
    golden = json.loads(GOLDEN.read_text())
    assert doc["run_id"] != golden["run_id"]  # a new run, not a copy of the stored one
    assert _without_ids(doc) == _without_ids(golden)
