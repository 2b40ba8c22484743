"""The Ray executor on a real two-node Ray cluster (tests/conftest.py ray_cluster: one CPU per
node, 127.0.0.1), with the fake backend: the logic of shipping, per-node records, faults."""

import sqlite3
import threading
import time
from collections import Counter

import pytest

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.engine.ray_executor import RayExecutor
from greenprompt.records.config import Config

from fakes import FakeBackend, SlowBackend

pytestmark = pytest.mark.xdist_group("ray")


@pytest.fixture
def prompts(tmp_path):
    rows = [f"film {i} was {'good' if i % 3 else 'dull'},{'positive' if i % 5 else 'negative'}" for i in range(40)]
    (tmp_path / "d.csv").write_text("text,label\n" + "\n".join(rows) + "\n")
    (tmp_path / "set.yaml").write_text(
        "dataset: d.csv\nscorer: choice:positive,negative\nvariants:\n"
        "  - {name: a, template: '{{ text }}'}\n  - {name: b, template: 'Review: {{ text }}'}\n"
    )
    return tmp_path / "set.yaml"


def _run(prompts, store, executor, **options):
    config = Config(prompts=str(prompts), store=str(store), no_cache=True, **options)
    try:
        return run_comparison(config, executor=executor)
    finally:
        if isinstance(executor, RayExecutor):
            executor.shutdown()


def test_nodes_are_on_loopback(ray_cluster):
    import ray

    nodes = [n for n in ray.nodes() if n["Alive"]]
    assert len(nodes) == 2 and {n["NodeManagerAddress"] for n in nodes} == {"127.0.0.1"}


def test_jobs_spread_over_both_nodes_with_per_node_records_and_parts(ray_cluster, prompts, tmp_path):
    import ray

    result = _run(prompts, tmp_path / "ray.db", RayExecutor(backend_factory=FakeBackend))
    nodes = {n["NodeID"] for n in ray.nodes() if n["Alive"]}
    ran = Counter(g.node_id for g in result.generations)
    assert set(ran) == nodes and sum(ran.values()) == 80
    assert all(g.host and g.cpu for g in result.generations)
    summaries = result.footprint.nodes
    assert {s.node_id for s in summaries} == nodes
    assert {s.node_id: s.generations for s in summaries} == dict(ran)
    for s in summaries:  # its generations plus its own parts (loads, idle, start-up)
        own = sum(g.energy_j for g in result.generations if g.node_id == s.node_id)
        assert s.energy_j > own > 0
    f = result.footprint  # the parts still add up to the total across processes
    parts = (f.model_load, f.prefix_fill, f.generations, f.overhead)
    assert f.total.energy_j == pytest.approx(sum(p.energy_j for p in parts))


def test_same_answers_as_the_local_executor(ray_cluster, prompts, tmp_path):
    local = _run(prompts, tmp_path / "local.db", LocalExecutor(FakeBackend))
    remote = _run(prompts, tmp_path / "ray.db", RayExecutor(backend_factory=FakeBackend))

    def answers(result):
        return [(g.variant, g.item_id, g.output, g.error) for g in result.generations]

    assert answers(remote) == answers(local) and remote.scores == local.scores
    # energy differs by measurement noise, so the ranking among equal qualities may too
    assert sorted((v.name, v.quality) for v in remote.variants) == sorted((v.name, v.quality) for v in local.variants)
    assert 0 < local.variants[0].quality < 1


def test_node_carbon_sets_a_nodes_intensity(ray_cluster, prompts, tmp_path):
    import socket

    host = socket.gethostname()
    result = _run(prompts, tmp_path / "ray.db", RayExecutor(backend_factory=FakeBackend), node_carbon=(f"{host}=1000",))
    assert all(s.g_per_kwh == 1000.0 for s in result.footprint.nodes)
    g = result.generations[0]
    assert g.gco2e == pytest.approx(g.energy_j / 3.6e6 * 1000 * result.carbon.pue)
    assert result.carbon.g_per_kwh != 1000.0  # the run's own intensity stays the default


def _stored(store):
    with sqlite3.connect(store) as db:
        return [(seq, key) for seq, key in db.execute("SELECT seq, key FROM generations")]


def _started_on(store, node_id) -> bool:
    try:
        with sqlite3.connect(store) as db:
            return any(node_id in text for (text,) in db.execute("SELECT data FROM generations"))
    except sqlite3.OperationalError:
        return False


def test_a_node_removed_mid_run_loses_only_its_jobs_in_flight(ray_cluster, prompts, tmp_path):
    """Last in this file: it removes the second node and adds a fresh one back."""
    import ray

    worker = next(n for n in ray_cluster.worker_nodes)
    store = tmp_path / "ray.db"
    executor = RayExecutor(backend_factory=SlowBackend)
    done = {}
    thread = threading.Thread(target=lambda: done.setdefault("result", _run(prompts, store, executor, limit=12)))
    thread.start()
    deadline = time.time() + 60
    while not _started_on(store, worker.node_id) and time.time() < deadline:
        time.sleep(0.05)
    assert _started_on(store, worker.node_id)
    ray_cluster.remove_node(worker)
    thread.join(120)
    ray_cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")  # for any later Ray test
    ray_cluster.wait_for_nodes()
    result = done["result"]
    assert executor.reshipped >= 1 and not result.interrupted
    rows = _stored(store)
    assert len(rows) == 24 and len({seq for seq, _ in rows}) == 24  # every planned job, once
    assert len(ray.nodes()) >= 2
