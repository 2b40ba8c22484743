"""Experiment files, environment defaults, `init`, and the gate inside `compare -c`."""

import json
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from greenprompt.cli.app import app
from greenprompt.inputs.experiment_file import TOP_KEYS, file_keys, load_experiment
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError

from conftest import ROOT

runner = CliRunner()


def test_load_resolves_paths_relative_to_the_file(tmp_path):
    exp = tmp_path / "sub" / "exp.yaml"
    exp.parent.mkdir()
    exp.write_text("prompts: p.yaml\ndataset: ../d.csv\nlimit: 3\nthresholds: {min_quality: 0.5, against: b.json}\n"
                   "outputs: {json: out/run.json}\n")
    e = load_experiment(exp)
    assert e.options == {"prompts": str(exp.parent / "p.yaml"), "dataset": str(exp.parent / "../d.csv"), "limit": 3}
    assert e.values == {**e.options, "gate_min_quality": 0.5, "against": str(exp.parent / "b.json"),
                        "json_file": str(exp.parent / "out" / "run.json")}


def test_file_keys_are_the_config_fields():
    """Every Config field is an experiment-file key (under its section) or a CLI-only option;
    the keys a file may hold are exactly these plus the two sections."""
    import dataclasses

    from greenprompt.records.config import meta

    sections = {None: set(file_keys()), "thresholds": set(file_keys("thresholds")), "outputs": set(file_keys("outputs"))}
    for f in dataclasses.fields(Config):
        m = meta(f)
        assert m.key is not None or m.flag is not None, f"{f.name}: neither a file key nor a flag"
        if m.key is not None:
            assert m.key in sections[m.section], f.name
    assert set(TOP_KEYS) == sections[None] | {"thresholds", "outputs", "optimize"}
    assert sections["thresholds"] == {"min_quality", "max_gco2e", "max_energy_j", "against", "max_regression", "variants", "all"}
    assert {"export", "json", "junit", "summary"} <= sections["outputs"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("prompts: p.yaml\ncolour: red\n", "unknown key(s) colour"),
        ("dataset: d.csv\n", "no 'prompts'"),
        ("prompts: p.yaml\nthresholds: {max_co2: 1}\n", "thresholds: unknown key(s) max_co2"),
        ("prompts: [\n", "invalid YAML"),
    ],
)
def test_bad_experiment_files(tmp_path, text, message):
    path = tmp_path / "exp.yaml"
    path.write_text(text)
    with pytest.raises(GreenPromptError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_experiment(path)


def test_init_then_compare_with_the_gate(tmp_path, monkeypatch):
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in tmp_path.iterdir()} >= {"greenprompt.yaml", "prompts.yaml", "reviews.csv"}
    again = runner.invoke(app, ["init", str(tmp_path)])
    assert again.exit_code == 2 and "--force" in again.stderr

    monkeypatch.setenv("GREENPROMPT_LIMIT", "2")  # an environment default the file does not set
    ok = runner.invoke(app, ["compare", "-c", str(tmp_path / "greenprompt.yaml"), "--json", "--bootstrap", "100"])
    assert ok.exit_code in (0, 1), (ok.stderr, ok.exception)
    doc = json.loads(ok.stdout)
    assert doc["dataset"]["n_items"] == 2 and doc["scorer"] == "choice:positive,negative"
    results = tmp_path / "results"
    assert json.loads((results / "run.json").read_text())["run_id"] == doc["run_id"]
    suite = ET.parse(results / "junit.xml").getroot()
    assert suite.get("tests") == "1"
    passed = suite.get("failures") == "0"
    assert (ok.exit_code == 0) == passed
    assert (results / "summary.md").read_text().startswith("✅" if passed else "❌")

    # The command line beats the file; an impossible threshold fails the gate with exit 1.
    strict = tmp_path / "strict.yaml"
    strict.write_text((tmp_path / "greenprompt.yaml").read_text().replace("min_quality: 0.5", "min_quality: 1.01"))
    failed = runner.invoke(app, ["compare", "-c", str(strict), "--limit", "1", "--bootstrap", "0"])
    assert failed.exit_code == 1 and "FAIL" in failed.stderr


def test_inline_prompt_set_in_the_experiment_file(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(
        f"dataset: {ROOT / 'prompts' / 'reviews.csv'}\nscorer: contains\nlimit: 1\nbootstrap: 0\n"
        "prompts:\n  variants:\n    - {name: inline, template: 'Sentiment of: {{ text }}', max_tokens: 3}\n"
    )
    result = runner.invoke(app, ["compare", "-c", str(exp), "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [v["name"] for v in doc["variants"]] == ["inline"] and doc["prompt_set"] == str(exp)


def test_command_line_overrides_the_file_and_the_file_the_environment(tmp_path, monkeypatch):
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"prompts: {ROOT / 'prompts' / 'reviews.yaml'}\nlimit: 2\nbootstrap: 0\ncountry: FRA\n")
    monkeypatch.setenv("GREENPROMPT_LIMIT", "3")
    monkeypatch.setenv("GREENPROMPT_PUE", "1.2")
    from_file = json.loads(runner.invoke(app, ["compare", "-c", str(exp), "--json"]).stdout)
    assert from_file["dataset"]["n_items"] == 2 and "France" in from_file["carbon_intensity_source"]
    assert from_file["pue"] == 1.2  # not in the file: the environment default applies
    overridden = json.loads(runner.invoke(app, ["compare", "-c", str(exp), "--json", "--limit", "1", "--country", "DEU"]).stdout)
    assert overridden["dataset"]["n_items"] == 1 and "Germany" in overridden["carbon_intensity_source"]


def test_no_prompts_at_all_is_a_clean_error():
    result = runner.invoke(app, ["compare"])
    assert result.exit_code == 2 and "no prompt set" in result.stderr
