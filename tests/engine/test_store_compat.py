"""A store written by the commit before the redesign (tests/data/store-v0, see
make_expected_old.sh there) opens with today's code, its migrations run once, and its four
runs show, re-score, export and list exactly as the old CLI printed them."""

import csv
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml

from greenprompt.engine.migrations import VERSION
from greenprompt.engine.store import RunStore
from greenprompt.records import JobRole, RunHeader

from fakes import invoke

DATA = Path(__file__).resolve().parents[1] / "data" / "store-v0"
EXPECTED = DATA / "expected"
RUN_IDS = DATA.joinpath("run-ids.txt").read_text().split()
PLAIN, VERIFIER, RACE, CALIBRATED = RUN_IDS  # the order make_golden_old.py stored them in

# emissions.csv columns that describe the machine running the export (as codecarbon fills
# them for the process it watches), not the run: they differ between machines, Python and
# codecarbon versions whatever the stored data. cpu_model is taken from the stored meter
# constants when they name a CPU, but the fixed meter of these runs names none, so it falls
# back to this machine's CPU too.
MACHINE_COLUMNS = ("os", "python_version", "codecarbon_version", "cpu_count", "cpu_model", "ram_total_size")


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "store.db"
    shutil.copy(DATA / "store.db", path)
    return path


def _version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def _raw(path: Path, column: str) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return dict(db.execute(f"SELECT id, {column} FROM runs"))


def test_the_vendored_store_is_from_before_the_schema_version(store):
    assert _version(store) == 0
    assert all("model" in json.loads(h) and "config" not in json.loads(h) for h in _raw(store, "header").values())


def test_opening_migrates_once_and_a_second_open_changes_nothing(store):
    RunStore(store).close()
    assert _version(store) == VERSION > 0
    headers, segments = _raw(store, "header"), _raw(store, "segments")
    for text in headers.values():
        header = json.loads(text)
        assert {"model", "mode", "energy"}.isdisjoint(header) and header["config"] is None
        assert json.loads(json.dumps(RunHeader.from_dict(header).to_dict())) == header  # the current shape, exactly
    assert all({"prefix_fill", "idle"} <= set(s) for text in segments.values() for s in json.loads(text))
    assert all(s["nodes"] == [] for text in segments.values() for s in json.loads(text))  # issue 15: one process each
    RunStore(store).close()
    assert _version(store) == VERSION
    assert (_raw(store, "header"), _raw(store, "segments")) == (headers, segments)


def test_a_header_from_before_several_models_gets_its_models_list(store):
    """Runs older than the vendored store had `model`/`mode`/`energy` and no `models`."""
    with sqlite3.connect(store) as db:
        header = json.loads(db.execute("SELECT header FROM runs WHERE id = ?", (PLAIN,)).fetchone()[0])
        first = header.pop("models")[0]
        db.execute("UPDATE runs SET header = ? WHERE id = ?", (json.dumps(header), PLAIN))
        segments = [{"model_load": s["model_load"], "overhead": s["overhead"]} for s in
                    json.loads(db.execute("SELECT segments FROM runs WHERE id = ?", (PLAIN,)).fetchone()[0])]
        db.execute("UPDATE runs SET segments = ? WHERE id = ?", (json.dumps(segments), PLAIN))
    with RunStore(store) as s:
        stored = s.load_run(PLAIN)
    model = Path(first["info"]["path"]).stem  # what runs of that age were named by
    assert [(m.name, m.mode, m.info.sha256) for m in stored.header.models] == [(model, "chat", first["info"]["sha256"])]
    assert all(seg.prefix_fill.wall_s == 0.0 and seg.idle.energy_j == 0.0 for seg in stored.segments)


def test_a_store_from_a_newer_version_is_refused(store):
    with sqlite3.connect(store) as db:
        db.execute(f"PRAGMA user_version = {VERSION + 1}")
    result = invoke("runs", "list", "--store", store, code=2)
    assert "newer greenprompt" in result.stderr and "Traceback" not in result.output


def test_verifier_calls_keep_their_stored_name_and_get_their_role(store):
    with RunStore(store) as s:
        gens = [g for _, _, g in s.load_run(VERIFIER).generations]
    checks = [g for g in gens if g.role is JobRole.VERIFY]
    assert len(checks) == 12 and all(not g.variant.endswith("#verify") for g in checks)
    assert all(g.to_dict()["variant"] == g.variant + "#verify" for g in checks)


def _as_v0(doc: dict, dropped: set[str]) -> dict:
    """A document without what issue 12 changed since the old CLI printed these files, each
    change tested on its own: three new keys (`energy_model.warning`, tests/analysis/
    test_energy_fit_checks.py; `variants[].dropped_by`; `totals.remeasured`, generations
    re-run because their cached energy did not apply, tests/engine/test_cache_reuse.py) and,
    for variants racing dropped, p_frontier 0 and a rank behind the others' last front
    (tests/analysis/test_race_frontier.py)."""
    doc = json.loads(json.dumps(doc))
    doc["energy_model"].pop("warning", None)
    assert doc["totals"].pop("remeasured", 0) == 0  # these stored runs re-ran nothing
    # `contention` (tests/engine/test_contention_meter.py): unknown for runs stored before it, never 0
    assert doc.pop("contention", None) in (None, {"mean": None, "max": None, "n": 0})
    for v in doc["variants"]:
        v.pop("dropped_by", None)
        if v["name"] in dropped:
            del v["p_frontier"], v["pareto_rank"]
    chosen = _without_choice(doc)
    # issue 13 item 6 (tests/cli/test_budget_e2e.py): `stopped_by`, null unless --budget ended the run
    assert doc.pop("stopped_by", None) is None
    # issue 15 (tests/engine/test_ray_executor.py): `nodes`, per Ray node, empty for these one-process runs
    assert doc.pop("nodes", []) == []
    # issue 13 item 7 (tests/analysis/test_score_checks.py): none of these runs scores all zeros
    assert doc.pop("warnings", []) == []
    # issue 16 (tests/analysis/test_hosted.py): `frontier_on` and `variants[].hosted`, null and empty without --hosted
    assert doc.pop("frontier_on", None) is None
    assert all(v.pop("hosted", []) == [] for v in doc["variants"])
    for profile in doc["serving_profiles"]:
        assert profile.pop("chosen", chosen) == chosen or profile["run_id"] != doc["run_id"]
        for v in profile["variants"]:
            if v["name"] in dropped:
                del v["pareto_rank"]
    return doc


def _without_choice(doc: dict) -> dict | None:
    """Issue 13 item 5 (tests/outputs/test_chosen.py): `chosen` (the variant the gate checks
    and the payback switches to, with the rule that chose it: the recommended one, else the
    knee) and the payback reason naming that rule after the variant and calling it chosen.
    The old documents' recommended-or-knee is the same variant."""
    chosen = doc.pop("chosen", None)
    if chosen is not None:
        assert chosen["variant"] == (doc["recommended"] or doc["knee"])
    payback = doc.get("experiment") or {}
    if payback.get("payback_reason"):
        reason = re.sub(r" \((greenest variant with|knee of the frontier)[^()]*\)", "", payback["payback_reason"])
        payback["payback_reason"] = reason.replace("the chosen variant is", "the recommended variant is")
    return chosen


@pytest.mark.parametrize("run", RUN_IDS)
def test_show_and_rescore_print_the_old_documents(store, run):
    for kind, options in (("show", ()), ("rescored", ("--scorer", "contains", "--min-quality", "0.1"))):
        new = json.loads(invoke("runs", "show", run, "--store", store, "--json", *options).stdout)
        old = json.loads((EXPECTED / f"{run}.{kind}.json").read_text())
        dropped = {v["name"] for v in new["variants"] if v["dropped_by"]}
        assert bool(dropped) == (run == RACE)  # only the race dropped variants
        assert all(v["p_frontier"] == 0 and not v["on_frontier"] for v in new["variants"] if v["name"] in dropped)
        assert _as_v0(new, dropped) == _as_v0(old, dropped)


def _emissions(text: str) -> list[dict]:
    """Rows without the machine's columns and without the columns the old export left empty
    (issue 12 fills country, region and codecarbon's defaults: tests/outputs/test_emissions_csv.py)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    return [{k: v for k, v in row.items() if k not in MACHINE_COLUMNS} for row in rows]


def _metrics_as_v0(row: dict, dropped: set[str]) -> dict:
    """A variant's exported metrics (prompt-file front matter or results.csv row) without
    issue 12's additions (see `_as_v0`) and issue 16's `hosted` (empty without --hosted)."""
    assert row.get("hosted", []) in ([], "[]")
    row = {k: v for k, v in row.items() if k not in ("dropped_by", "hosted")}
    if row.get("name") in dropped:
        row.pop("p_frontier", None), row.pop("pareto_rank", None)
    return row


def _front_matter(text: str) -> tuple[dict, str]:
    head, _, body = text.removeprefix("---\n").partition("---\n")
    return yaml.safe_load(head), body


@pytest.mark.parametrize("run", RUN_IDS)
def test_export_writes_the_old_files(store, tmp_path, run):
    out = tmp_path / "export"
    invoke("runs", "export", run, out, "--store", store, "-q")
    expected = EXPECTED / f"{run}.export"
    # issue 13 item 3: every export also writes the manifest that marks its folder as one
    assert json.loads((out / "greenprompt-export.json").read_text())["run_id"] == run
    assert sorted(p.name for p in out.iterdir() if p.name != "greenprompt-export.json") == sorted(p.name for p in expected.iterdir())
    results = list(csv.DictReader(io.StringIO((out / "results.csv").read_text())))
    dropped = {r["name"] for r in results if r["dropped_by"]}
    for old in expected.iterdir():
        new = (out / old.name).read_text()
        if old.name == "emissions.csv":
            new_rows, old_rows = _emissions(new), _emissions(old.read_text())
            assert len(new_rows) == len(old_rows)
            assert [{k: v for k, v in n.items() if o[k]} for n, o in zip(new_rows, old_rows)] == \
                [{k: v for k, v in o.items() if v} for o in old_rows]
        elif old.name == "results.csv":
            assert [_metrics_as_v0(r, dropped) for r in results] == \
                [_metrics_as_v0(r, dropped) for r in csv.DictReader(io.StringIO(old.read_text()))]
        elif old.name == "generations.jsonl":
            rows = [json.loads(line) for line in new.splitlines()]
            # issue 12's two new keys: re-run for a cached energy that did not apply (none here);
            # the CPU share others used during a generation (unknown for runs stored before it)
            assert all(not r.pop("remeasured") and r.pop("contention") is None for r in rows)
            # issue 15's keys: the node that ran it (--executor ray; tests/engine/test_ray_executor.py), none here
            assert all(r.pop("node_id") is r.pop("host") is r.pop("cpu") is None for r in rows)
            assert rows == [json.loads(line) for line in old.read_text().splitlines()]
        elif old.suffix == ".md":
            (new_front, new_body), (old_front, old_body) = _front_matter(new), _front_matter(old.read_text())
            name = new_front["name"]
            new_front["metrics"] = _metrics_as_v0({"name": name, **new_front["metrics"]}, dropped)
            old_front["metrics"] = _metrics_as_v0({"name": name, **old_front["metrics"]}, dropped)
            assert (new_front, new_body) == (old_front, old_body), old.name
        else:
            assert new == old.read_text(), old.name


def test_list_prints_the_old_document(store):
    listed = invoke("runs", "list", "--store", store, "--json")
    assert json.loads(listed.stdout) == json.loads((EXPECTED / "list.json").read_text())
