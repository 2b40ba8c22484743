"""`--executor ray` through the real CLI with the real default model, on the session's
two-node Ray cluster (tests/conftest.py ray_cluster), against the local executor."""

import json
import sys

import pytest

from fakes import invoke

pytestmark = pytest.mark.xdist_group("ray")


def test_without_ray_the_executor_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    result = invoke("compare", "prompts/reviews.yaml", "--executor", "ray", "--store", tmp_path / "s.db", code=2)
    assert "pip install 'greenprompt-cli[ray]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_ray_run_equals_the_local_run_with_per_node_records(ray_cluster, tmp_path):
    def run(store, *extra):
        result = invoke("compare", "prompts/reviews.yaml", "--limit", "3", "--no-cache", "--store", tmp_path / f"{store}.db",
                        "--json", *extra)
        return json.loads(result.stdout)

    local = run("local")
    remote = run("ray", "--executor", "ray", "--ray-address", ray_cluster.address, "--node-carbon", "nohost=1")

    def ranking(doc):
        return [(v["name"], v["quality"]) for v in doc["variants"]]

    assert sorted(ranking(remote)) == sorted(ranking(local))
    assert local["nodes"] == [] and len(remote["nodes"]) == 2
    assert sum(n["generations"] for n in remote["nodes"]) == remote["totals"]["generations"]
    assert all(n["energy_j"] > 0 and n["intensity_g_per_kwh"] == remote["carbon_intensity_g_per_kwh"] for n in remote["nodes"])
