"""Log a comparison to MLflow: one run per comparison, a nested run per variant, and the
HTML report and ranked prompt files as artifacts. Optional: the greenprompt-cli[mlflow] extra."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from greenprompt.outputs.document import energy_method
from greenprompt.records import RunResult
from greenprompt.records.errors import GreenPromptError

DEFAULT_STORE = "mlruns"
EXPERIMENT = "greenprompt"


def tracking_uri() -> str:
    """MLFLOW_TRACKING_URI, else a local ./mlruns file store."""
    uri = os.environ.get("MLFLOW_TRACKING_URI")
    if uri:
        return uri
    # MLflow 3 keeps its file store only on request; a local ./mlruns is what we promise.
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    return Path(DEFAULT_STORE).resolve().as_uri()


def log_run(result: RunResult) -> str:
    """Log `result`; returns the MLflow id of the comparison's run."""
    try:
        import mlflow
    except ImportError:
        raise GreenPromptError(
            "--mlflow needs MLflow: install it with `pip install mlflow-skinny plotly` (the greenprompt-cli[mlflow] extra)"
        ) from None
    from greenprompt.outputs.export import export_run
    from greenprompt.outputs.html import write_html

    uri = tracking_uri()
    if uri.startswith("file:"):
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    try:
        mlflow.set_tracking_uri(uri)
        mlflow.set_experiment(EXPERIMENT)
        with mlflow.start_run(run_name=result.run_id) as parent:
            mlflow.set_tag("greenprompt.run_id", result.run_id)
            mlflow.log_params({
                "model": result.model.name,
                "model_sha256": result.model.sha256,
                "quantization": result.model.quantization,
                "dataset": result.dataset.path,
                "n_items": result.dataset.n_items,
                "scorer": result.scorer,
                "mode": result.mode,
                "serving": result.serving,
                "energy_method": energy_method(result),
                "carbon_intensity_g_per_kwh": result.carbon.g_per_kwh,
                "pue": result.carbon.pue,
                "repeats": result.repeats,
            })
            mlflow.log_metrics({
                "total_energy_j": sum(g.energy_j or 0.0 for g in result.generations),
                "total_gco2e": sum(g.gco2e or 0.0 for g in result.generations),
                "generations": len(result.generations),
            })
            for v in result.variants:
                with mlflow.start_run(run_name=v.name, nested=True):
                    mlflow.log_param("variant", v.name)
                    metrics = {
                        "quality": v.quality, "energy_j": v.energy_j, "gco2e": v.gco2e, "prompt_tokens": v.prompt_tokens,
                        "completion_tokens": v.completion_tokens, "latency_s": v.latency_s,
                        "pareto_rank": v.pareto_rank, "on_frontier": float(v.on_frontier),
                    }
                    mlflow.log_metrics({k: float(x) for k, x in metrics.items() if x is not None})
            with tempfile.TemporaryDirectory() as tmp:
                report = write_html(result, Path(tmp) / "report.html")
                mlflow.log_artifact(str(report))
                prompts = Path(tmp) / "prompts"
                export_run(result, prompts)
                mlflow.log_artifacts(str(prompts), artifact_path="prompts")
            return parent.info.run_id
    except mlflow.exceptions.MlflowException as e:
        raise GreenPromptError(f"MLflow ({uri}): {str(e).splitlines()[0]}") from None
