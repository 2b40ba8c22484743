"""The CLI options are derived from the config fields, and only the command line counts as
the command line (the environment is read by resolve_config, after the experiment file)."""

import dataclasses

import typer.main
from typer.testing import CliRunner

from greenprompt.cli.app import app
from greenprompt.records.config import Config, EstimateConfig, env_name, meta

runner = CliRunner()
OWN = {"compare": {"config", "as_json", "quiet"}, "estimate": {"as_json", "quiet"}}


def _params(name):
    return {p.name: p for p in typer.main.get_command(app).commands[name].params}


def test_compare_and_estimate_options_are_the_config_fields():
    for command, cls in (("compare", Config), ("estimate", EstimateConfig)):
        params = _params(command)
        with_flag = {f.name for f in dataclasses.fields(cls) if meta(f).flag or meta(f).argument}
        assert set(params) - OWN[command] == with_flag, command
        for f in dataclasses.fields(cls):
            m = meta(f)
            if m.flag:
                p = params[f.name]
                assert m.flag in p.opts and (m.short is None or m.short in p.opts), f.name
                assert p.help.startswith(m.help) and env_name(f) in p.help, f.name
                assert p.default in ((), None) if isinstance(f.default, tuple) else p.default == f.default, f.name
            else:
                assert m.key is not None or m.argument, f"{f.name}: neither an option nor a file key"


def test_the_flags_users_know_are_there():
    flags = {o for p in _params("compare").values() for o in p.opts}
    assert {
        "--config",
        "-c",
        "--dataset",
        "-d",
        "--model",
        "-m",
        "--n-ctx",
        "--no-cache",
        "--export",
        "--parquet",
        "--mlflow",
        "--json",
        "--quiet",
        "-q",
        "--carbon-intensity",
        "--race-margin",
        "--escalate-when",
    } <= flags


def test_a_bad_environment_value_is_one_line_and_exit_2():
    result = runner.invoke(app, ["compare", "x.yaml"], env={"GREENPROMPT_LIMIT": "abc"})
    assert result.exit_code == 2 and "GREENPROMPT_LIMIT=abc: not a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_option_check_is_one_line_and_exit_2():
    result = runner.invoke(app, ["compare", "x.yaml", "--repeats", "0"])
    assert result.exit_code == 2 and "--repeats must be at least 1, got 0" in result.stderr
