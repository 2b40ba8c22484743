"""One resolver of run references: every command that takes a run accepts a stored run's id,
a unique prefix of one, 'last', or (where a document will do) a `compare --json` file."""

import json

import pytest

from conftest import EXAMPLE
from fakes import invoke


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("references")
    store = folder / "runs.db"
    out = invoke("compare", EXAMPLE, "--limit", 2, "--store", store, "--json").stdout
    (folder / "run.json").write_text(out)
    return store, json.loads(out)["run_id"], folder / "run.json"


def _estimate(reference, store):
    doc = json.loads(invoke("estimate", EXAMPLE, "--limit", 2, "--from", reference, "--store", store, "--json").stdout)
    return {v["name"]: v["energy_j"] for v in doc["variants"]}


def test_estimate_takes_a_stored_run_as_check_does(stored):
    store, run_id, results = stored
    from_file = _estimate(results, store)
    for reference in ("last", run_id, run_id[:-2]):
        assert _estimate(reference, store) == pytest.approx(from_file, rel=1e-9), reference


def test_every_command_that_takes_a_run_takes_last_and_a_prefix(stored, tmp_path):
    store, run_id, _ = stored
    for i, reference in enumerate(("last", run_id[:-2])):
        invoke("check", reference, "--min-quality", 0, "--store", store)
        invoke("report", reference, "--html", tmp_path / f"r{i}.html", "--store", store)
        invoke("runs", "show", reference, "--store", store, "--json")
        invoke("runs", "export", reference, tmp_path / f"export{i}", "--store", store)


def test_an_unknown_run_is_one_line_naming_it(stored):
    store, _, _ = stored
    result = invoke("estimate", EXAMPLE, "--from", "no-such-run", "--store", store, code=2)
    assert result.stderr.startswith("error: no run 'no-such-run'") and len(result.stderr.splitlines()) == 1
