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


LOOPBACK = {"127.0.0.1", "::ffff:127.0.0.1", "::1"}


def _ray_processes(session_dir):
    """This process (the driver) and every process of the cluster's session: GCS, raylets, their
    workers (renamed ray::..., so found as the raylets' descendants) and helpers."""
    import os

    import psutil

    found = {psutil.Process(os.getpid())}
    for p in psutil.process_iter(["cmdline"]):
        if session_dir in " ".join(p.info["cmdline"] or []):
            found.add(p)
            found.update(p.children(recursive=True))
    return found


def test_a_ray_run_uses_no_network_beyond_loopback(ray_cluster, prompts, tmp_path):
    import os

    import psutil
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    executor = RayExecutor(backend_factory=FakeBackend)
    try:  # inspected while the run's actors are alive
        result = run_comparison(Config(prompts=str(prompts), store=str(tmp_path / "n.db"), no_cache=True, limit=3),
                                executor=executor)
        nodes = [n for n in ray.nodes() if n["Alive"]]
        env = ray.remote(num_cpus=0)(lambda: os.environ.get("RAY_USAGE_STATS_ENABLED"))
        remote_env = ray.get([env.options(scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False))
                              .remote() for n in nodes])
        processes = _ray_processes(os.path.basename(ray_cluster.head_node.get_session_dir_path()))
        sockets = []
        for p in processes:
            try:
                sockets += [(p.name(), c.laddr, c.raddr) for c in p.net_connections(kind="inet")]
            except psutil.NoSuchProcess:  # an idle worker that ended meanwhile
                pass
    finally:
        executor.shutdown()
    assert len(result.generations) == 6 and {n["NodeManagerAddress"] for n in nodes} == {"127.0.0.1"}
    assert ray.get_runtime_context().gcs_address.startswith("127.0.0.1:")
    assert os.environ["RAY_USAGE_STATS_ENABLED"] == "0" and remote_env == ["0"] * len(nodes)
    assert {"gcs_server", "raylet"} <= {name for name, _, _ in sockets} and len(sockets) > 10
    outside = [s for s in sockets if s[1].ip not in LOOPBACK or (s[2] and s[2].ip not in LOOPBACK)]
    assert outside == []


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


def _write_uj(tree, uj):
    path = tree / "intel-rapl:0" / "energy_uj"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(str(uj))
    tmp.replace(path)  # atomic: a reader never sees a half-written file


def test_a_machines_counter_is_split_among_its_generations_never_twice(ray_cluster, prompts, tmp_path, monkeypatch):
    """RAPL is not readable here: a synthetic powercap tree, incremented by a thread during the
    run, stands for the package counter. Both nodes are on this machine: one reader."""
    tree = tmp_path / "powercap"
    (tree / "intel-rapl:0").mkdir(parents=True)
    (tree / "intel-rapl:0" / "name").write_text("package-0")
    (tree / "intel-rapl:0" / "max_energy_range_uj").write_text(str(10**12))
    _write_uj(tree, 0)
    monkeypatch.setenv("GREENPROMPT_POWERCAP_DIR", str(tree))
    log, stop = [(time.time(), 0)], threading.Event()

    def power():
        uj = 0
        while not stop.wait(0.002):
            uj += 1000  # 1 mJ a tick
            _write_uj(tree, uj)
            log.append((time.time(), uj))

    thread = threading.Thread(target=power)
    thread.start()
    executor = RayExecutor(backend_factory=FakeBackend)
    try:
        result = run_comparison(Config(prompts=str(prompts), store=str(tmp_path / "c.db"), no_cache=True, limit=10),
                                executor=executor)
    finally:
        executor.shutdown()
        stop.set()
        thread.join()
    ((t0, j0), (t1, j1)), = executor.windows.values()  # one reader for the machine's two nodes

    def written(t):  # the tree's value at time t, in J
        return max(uj for when, uj in log if when <= t) / 1e6

    assert {g.energy_method for g in result.generations} == {"measured"} and len(result.generations) == 20
    assert len({g.node_id for g in result.generations}) == 2 and "split" in result.energy.description
    idle = sum(part.idle.energy_j for part in executor.nodes())
    gens = sum(g.energy_j for g in result.generations)
    assert gens > 0 and idle > 0
    assert gens + idle == pytest.approx(j1 - j0, abs=1e-9)  # conservation: every joule once
    assert j1 - j0 == pytest.approx(written(t1) - written(t0), abs=0.005)  # ...and the tree's own increase


def test_without_an_address_greenprompt_starts_its_own_instance_even_beside_a_running_one(ray_cluster):
    """--ray-address unset means a new local instance: ray.init(address=None) would join the
    cluster found in /tmp/ray/ray_current_cluster (here the session's; it made the docs'
    `--executor ray --workers 1` take this cluster's CPUs and stall the other Ray tests)."""
    import subprocess
    import sys

    code = (
        "import ray\n"
        "from greenprompt.engine.ray_executor import start_ray\n"
        "assert start_ray(None)\n"
        "print(ray.get_runtime_context().gcs_address)\n"
        "ray.shutdown()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    own = out.stdout.strip().splitlines()[-1]
    assert own.startswith("127.0.0.1:") and own != ray_cluster.address, (own, ray_cluster.address)
