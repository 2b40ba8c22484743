"""Bad input of every kind: one clear line on stderr and exit code 2, before any generation."""

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE, ROOT
from greenprompt.cli.app import app

runner = CliRunner()
REVIEWS = ROOT / "prompts" / "reviews.csv"


def fails_cleanly(*args, fragment):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    message = " ".join(result.stderr.split())
    assert lines and lines[0].startswith("error:") and "Traceback" not in result.stderr, result.stderr
    assert fragment in message, message
    assert result.stdout == ""


MODELS = {
    "missing": (None, "model file not found"),
    "empty": (b"", "not a GGUF model file"),
    "truncated": (b"GGUF\x03\x00\x00\x00", "cannot load this model"),
    "not-gguf": (b"\x7fELF" + b"\x00" * 100, "not a GGUF model file"),
}


@pytest.mark.parametrize("case", MODELS)
def test_bad_model_files(tmp_path, case):
    content, fragment = MODELS[case]
    path = tmp_path / f"{case}.gguf"
    if content is not None:
        path.write_bytes(content)
    fails_cleanly("compare", EXAMPLE, "--model", path, "--limit", 1, fragment=fragment)


DATASETS = {
    "missing.csv": (None, "dataset file not found"),
    "empty.csv": (b"", "dataset file is empty"),
    "header-only.csv": (b"text,label\n", "has no rows"),
    "wrong-delimiter.csv": (b"text;label\nnice;positive\n", "another delimiter"),
    "invalid-utf8.csv": (b"text,label\n\xff\xfebad,positive\n", "cannot read as CSV"),
    "ragged.csv": (b"text,label\na,positive\nb,negative,extra\n", "Expected 2 fields"),
    "ragged-first-row.csv": (b"text,label\na,positive,extra\n", "cannot read as CSV"),
    "huge-cell.csv": (b"text,label\n" + b"x" * 50_000_000 + b",positive\n", "far more than a 2048-token context"),
    "broken.jsonl": (b'{"text": "a", "label": "positive"}\n{"text": \n', "cannot read as JSONL"),
    "broken.parquet": (b"PAR1 not really", "cannot read as PARQUET"),
}


@pytest.mark.parametrize("name", DATASETS)
def test_bad_datasets(tmp_path, name):
    content, fragment = DATASETS[name]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    fails_cleanly("compare", EXAMPLE, "--dataset", path, fragment=fragment)


PROMPT_SETS = {
    "bad-yaml": ("variants: [ {name: a\n", "invalid YAML"),
    "no-variants": ("dataset: x.csv\n", "non-empty list"),
    "duplicates": ("variants: [{name: a, template: x}, {name: a, template: y}]", "duplicate variant name 'a'"),
    "unknown-key": ("variants: [{name: a, template: x, temprature: 1}]", "allowed keys: name, system, template"),
    "syntax": ("variants: [{name: a, template: '{{ text '}]", "template syntax error"),
    "sandbox-class": ("variants: [{name: a, template: \"{{ ''.__class__ }}\"}]", "unsafe"),
    "sandbox-globals": ("variants: [{name: a, template: '{{ self.__init__.__globals__ }}'}]", "unsafe"),
    "sandbox-format": ("variants: [{name: a, template: \"{{ '{0.__class__}'.format(text) }}\"}]", "unsafe"),
}


@pytest.mark.parametrize("case", PROMPT_SETS)
def test_bad_prompt_sets(tmp_path, case):
    text, fragment = PROMPT_SETS[case]
    path = tmp_path / "set.yaml"
    path.write_text(text)
    fails_cleanly("compare", path, "--dataset", REVIEWS, fragment=fragment)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--scorer", "bleu"), "unknown scorer"),
        (("--scorer", "regex:(unclosed"), "invalid regular expression"),
        (("--limit", 0), "--limit must be a positive number"),
        (("--limit", -3), "--limit must be a positive number"),
        (("--sample", 0), "--sample must be a positive number"),
        (("--repeats", 0), "--repeats must be at least 1"),
        (("--pue", 0.5), "--pue must be at least 1.0"),
        (("--carbon-intensity", -1), "--carbon-intensity must be >= 0"),
        (("--baseline", "nope"), "no such variant"),
    ],
)
def test_bad_options(args, fragment):
    fails_cleanly("compare", EXAMPLE, *args, fragment=fragment)


def test_unwritable_export_dir_and_store(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    fails_cleanly("compare", EXAMPLE, "--export", blocker / "sub", fragment="cannot write the export")
    fails_cleanly("compare", EXAMPLE, "--limit", 1, "--store", blocker / "sub" / "runs.db", fragment="cannot open the run store")
