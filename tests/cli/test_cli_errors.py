"""Bad input: one clear line on stderr, exit code 2, never a traceback."""

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE, ROOT
from greenprompt.cli.app import app

runner = CliRunner()
REVIEWS = ROOT / "prompts" / "reviews.csv"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def assert_clean_failure(result, *fragments):
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.exception is None or isinstance(result.exception, SystemExit)
    message = " ".join(result.stderr.split())
    assert message.startswith("error:"), message
    for fragment in fragments:
        assert fragment in message, message
    assert result.stdout == ""


def test_missing_model(tmp_path):
    assert_clean_failure(run("compare", EXAMPLE, "--model", tmp_path / "nope.gguf"), "model file not found")


@pytest.mark.parametrize("content", [b"", b"GG", b"not a model at all"])
def test_empty_truncated_and_non_gguf_models(tmp_path, content):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(content)
    assert_clean_failure(run("compare", EXAMPLE, "--model", bad), "not a GGUF model file")


def test_gguf_header_but_broken_body(tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    assert_clean_failure(run("compare", EXAMPLE, "--model", bad, "--limit", 1), "cannot load this model")


def test_missing_and_empty_dataset(tmp_path):
    assert_clean_failure(run("compare", EXAMPLE, "--dataset", tmp_path / "no.csv"), "dataset file not found")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert_clean_failure(run("compare", EXAMPLE, "--dataset", empty), "dataset file is empty")


def test_unknown_column_in_template(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("review,label\nnice,positive\n")
    assert_clean_failure(
        run("compare", EXAMPLE, "--dataset", data), "uses column(s) text", "available columns: review, label"
    )


def test_missing_target_column():
    assert_clean_failure(run("compare", EXAMPLE, "--target", "gold"), "target column 'gold' not found")


def test_bad_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("variants: [ {name: a\n")
    assert_clean_failure(run("compare", bad, "--dataset", REVIEWS), "invalid YAML")


def test_unknown_scorer():
    assert_clean_failure(run("compare", EXAMPLE, "--scorer", "bleu"), "unknown scorer 'bleu'", "available:")


def test_jinja_syntax_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("variants: [{name: broken, template: '{% if text %}oops'}]\n")
    assert_clean_failure(run("compare", bad, "--dataset", REVIEWS), "variant 'broken'", "template syntax error")


def test_sandbox_escape_is_refused(tmp_path):
    bad = tmp_path / "evil.yaml"
    bad.write_text("variants: [{name: evil, template: \"{{ ''.__class__.__mro__[1].__subclasses__() }}\"}]\n")
    assert_clean_failure(run("compare", bad, "--dataset", REVIEWS), "variant 'evil'", "unsafe")


def test_bad_numbers():
    assert_clean_failure(run("compare", EXAMPLE, "--limit", 0), "--limit must be a positive number")
    assert_clean_failure(run("compare", EXAMPLE, "--country", "ZZZ"), "no carbon intensity")
    assert_clean_failure(run("compare", EXAMPLE, "--mode", "turbo"), "--mode must be one of")


def test_unwritable_export_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run("compare", EXAMPLE, "--model", "/nonexistent.gguf", "--export", blocker / "sub")
    assert_clean_failure(result, "cannot write the export")


def test_usage_errors_exit_2():
    result = run("compare")
    assert result.exit_code == 2
