"""--energy-model cpu|tokens|codecarbon: each mode meters as documented and is labelled in
the --json document (energy_method, energy_meter) and in the report."""

import io
import json
import socket
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from rich.console import Console

from greenprompt.engine.calibration import CALIBRATION_FILE, calibration_from_run, load_calibration, record_calibration
from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.engine.metering import cpu_model_name
from greenprompt.inputs import disk_cache
from greenprompt.outputs.document import run_document
from greenprompt.outputs.terminal import print_report
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError

from conftest import ROOT
from fakes import BusyProc, FakeBackend, backend_on, gen, invoke


def run(tmp_path, proc_root, backend=FakeBackend, **options):
    config = Config(prompts=str(ROOT / "prompts" / "reviews.yaml"), limit=4, bootstrap=0, no_cache=True,
                    store=str(tmp_path / "runs.db"), **options)
    return run_comparison(config, executor=LocalExecutor(backend, proc_root=str(proc_root)))


A, B, C = 0.01, 0.05, 0.2  # J per prompt token, per completion token, per call


def report(result) -> str:
    console = Console(file=io.StringIO(), width=400)
    print_report(result, console)
    return console.file.getvalue()


def linear(result, contention=0.05, a=A):
    """The run with generations whose energy is exactly a*prompt + B*completion + C."""
    gens = [replace(gen(item=i, prompt_tokens=10 + 7 * i, completion_tokens=1 + (i * 5) % 11,
                        energy=a * (10 + 7 * i) + B * (1 + (i * 5) % 11) + C), contention=contention) for i in range(12)]
    return replace(result, generations=tuple(gens))


def test_cpu_mode_is_the_default_and_says_what_its_ram_term_is(tmp_path):
    proc = BusyProc(tmp_path / "proc", 0.0)
    result = run(tmp_path, proc.root, backend_on(proc))
    doc = run_document(result)
    assert doc["energy_method"] in ("estimated", "measured")
    assert doc["energy_meter"]["energy_model"] == "cpu" and doc["energy_meter"]["threads"] == 1
    ram = doc["energy_meter"]["ram_w_source"]
    assert "attribution of memory power" in ram and "heuristic" not in ram
    if doc["energy_method"] == "estimated":
        assert "W attributed to the model's memory" in report(result)


def test_codecarbon_mode_uses_codecarbons_own_ram_rule(tmp_path):
    from codecarbon.external.ram import RAM

    proc = BusyProc(tmp_path / "proc", 0.0)
    result = run(tmp_path, proc.root, backend_on(proc), energy_model="codecarbon")
    doc = run_document(result)
    meter = doc["energy_meter"]
    assert doc["energy_method"] == "estimated-codecarbon" and meter["energy_model"] == "codecarbon"
    assert meter["ram_w"] == pytest.approx(RAM(tracking_mode="process").total_power().W)
    assert meter["ram_w"] >= 10.0  # codecarbon 3's minimum on x86 (two DIMMs at 5 W)
    for g in result.generations:
        assert g.energy_j == pytest.approx(g.cpu_s * meter["cpu_w_per_thread"] + g.wall_s * meter["ram_w"], rel=1e-6)
    assert "codecarbon's process-mode rules" in report(result)


def test_tokens_mode_without_a_calibration_is_one_error_line(tmp_path):
    out = invoke("compare", str(ROOT / "prompts" / "reviews.yaml"), "--limit", "2", "--energy-model", "tokens",
                 "--store", str(tmp_path / "runs.db"), code=2)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "--energy-model cpu" in lines[0] and "quiet machine" in lines[0]
    assert "Traceback" not in out.output


def test_a_quiet_cpu_run_calibrates_and_a_busy_or_unfit_one_does_not(tmp_path):
    proc = BusyProc(tmp_path / "proc", 0.0)
    result = run(tmp_path, proc.root, backend_on(proc))
    config = Config(prompts="p")
    assert calibration_from_run(linear(result, contention=0.5), config, "cpu") is None  # busy
    assert calibration_from_run(linear(result, a=-0.01), config, "cpu") is None  # fit warns: negative term
    assert calibration_from_run(linear(result), replace(config, energy_model="codecarbon"), "cpu") is None
    stored = record_calibration(linear(result), config, "some cpu")
    assert (stored.j_per_prompt_token, stored.j_per_completion_token, stored.j_per_call) == (
        pytest.approx(A), pytest.approx(B), pytest.approx(C))
    assert load_calibration(result.models[0].info.sha256, "some cpu", 1) == stored
    with pytest.raises(GreenPromptError, match="--energy-model cpu"):
        load_calibration(result.models[0].info.sha256, "some cpu", 2)  # another thread count


def test_tokens_mode_energy_comes_from_the_calibration_and_is_labelled(tmp_path):
    proc = BusyProc(tmp_path / "proc", 0.0)
    quiet = run(tmp_path, proc.root, backend_on(proc))
    record_calibration(linear(quiet), Config(prompts="p"), cpu_model_name())
    assert len(disk_cache.read(CALIBRATION_FILE)) == 1
    proc.share = 0.6  # a busy machine changes nothing in this mode
    result = run(tmp_path, proc.root, backend_on(proc), energy_model="tokens")
    for g in result.generations:
        assert g.energy_method == "estimated-tokens"
        assert g.energy_j == pytest.approx(A * g.prompt_tokens + B * g.completion_tokens + C)
    doc = json.loads(json.dumps(run_document(result)))
    label = f"estimated from tokens, calibrated {datetime.now(timezone.utc).date().isoformat()} on {socket.gethostname()}"
    assert doc["energy_method"] == "estimated-tokens" and doc["energy_meter"]["energy_model"] == "tokens"
    assert doc["energy_meter"]["description"].startswith(label)
    # the run's total takes the token figures too: its parts still add up, the rest is CPU-time estimated
    assert doc["experiment"]["generations"]["energy_j"] == pytest.approx(sum(g.energy_j for g in result.generations))
    assert doc["experiment"]["overhead"]["energy_j"] >= 0
    text = report(result)
    assert label in text and "token-model energy does not depend on it" in text
