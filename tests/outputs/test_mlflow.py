"""--mlflow against a real local MLflow store, read back with MLflow's own client."""

import json

from mlflow.tracking import MlflowClient

from conftest import EXAMPLE
from fakes import invoke


def test_compare_logs_to_mlflow(tmp_path, monkeypatch):
    uri = (tmp_path / "mlruns").as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    result = invoke("compare", str(EXAMPLE), "--limit", "1", "--json", "--mlflow", "--bootstrap", "0")
    doc = json.loads(result.stdout)

    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("greenprompt")
    runs = client.search_runs([experiment.experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parents[0].info.run_id]
    assert len(parents) == 1 and parents[0].data.tags["greenprompt.run_id"] == doc["run_id"]
    params = parents[0].data.params
    assert params["model_sha256"] == doc["model"]["sha256"] and params["scorer"] == doc["scorer"]
    assert params["serving"] == "standalone" and params["dataset"] == doc["dataset"]["path"]
    by = {v["name"]: v for v in doc["variants"]}
    assert sorted(r.info.run_name for r in children) == sorted(by)
    for r in children:
        v = by[r.info.run_name]
        assert r.data.metrics["quality"] == v["quality"] and r.data.metrics["pareto_rank"] == v["pareto_rank"]
        assert abs(r.data.metrics["gco2e"] - v["gco2e"]) < 1e-12
    artifacts = {a.path for a in client.list_artifacts(parents[0].info.run_id)}
    assert {"report.html", "prompts"} <= artifacts
    prompts = {a.path for a in client.list_artifacts(parents[0].info.run_id, "prompts")}
    assert sum(p.endswith(".md") for p in prompts) == len(by)
