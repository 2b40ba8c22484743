"""Bad input of every kind, through the real CLI: exit code 2, exactly one line on stderr
naming the problem, nothing on stdout, never a traceback; all before any generation.

Each case is (arguments, files to create, fragments the error line must hold). In the
arguments, {tmp} is the test's own temporary directory; files are created there first.
"""

import pytest

from conftest import EXAMPLE, ROOT
from fakes import invoke

REVIEWS = ROOT / "prompts" / "reviews.csv"


def assert_one_line_error(result, *fragments):
    """Exit 2, one 'error: ...' line holding every fragment, no traceback, empty stdout."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr, result.exception)
    # Each check on its own line: an uncaught exception (or a printed traceback) fails,
    # whatever the exit code. (The former `a and b or c` never checked stderr on exit 2.)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert result.stdout == ""


def _compare(*args, prompts=EXAMPLE):
    return ("compare", prompts, *args)


def _model(content: bytes | None, *fragments):
    files = {} if content is None else {"m.gguf": content}
    return _compare("--model", "{tmp}/m.gguf", "--limit", 1), files, fragments


def _dataset(name: str, content: bytes | None, *fragments):
    files = {} if content is None else {name: content}
    return _compare("--dataset", "{tmp}/" + name), files, fragments


def _prompt_set(text: str, *fragments):
    return _compare("--dataset", REVIEWS, prompts="{tmp}/set.yaml"), {"set.yaml": text.encode()}, fragments


def _option(*args_and_fragment):
    *args, fragment = args_and_fragment
    return _compare(*args), {}, (fragment,)


CASES = {
    # model files
    "model-missing": _model(None, "model file not found"),
    "model-empty": _model(b"", "not a GGUF model file"),
    "model-shorter-than-magic": _model(b"GG", "not a GGUF model file"),
    "model-not-gguf": _model(b"\x7fELF" + b"\x00" * 100, "not a GGUF model file"),
    "model-header-only": _model(b"GGUF\x03\x00\x00\x00", "cannot load this model"),
    "model-broken-body": _model(b"GGUF" + b"\x00" * 64, "cannot load this model"),
    "model-unknown-alias": (_compare("--limit", 1, "--model", "smollm2-135m", "--model", "gemma4-9000"), {},
                            ("gemma4-9000: model file not found",)),
    # datasets
    "dataset-missing": _dataset("missing.csv", None, "dataset file not found"),
    "dataset-empty": _dataset("empty.csv", b"", "dataset file is empty"),
    "dataset-header-only": _dataset("header-only.csv", b"text,label\n", "has no rows"),
    "dataset-wrong-delimiter": _dataset("semi.csv", b"text;label\nnice;positive\n", "another delimiter"),
    "dataset-invalid-utf8": _dataset("latin.csv", b"text,label\n\xff\xfebad,positive\n", "cannot read as CSV"),
    "dataset-ragged": _dataset("ragged.csv", b"text,label\na,positive\nb,negative,extra\n", "Expected 2 fields"),
    "dataset-ragged-first-row": _dataset("ragged1.csv", b"text,label\na,positive,extra\n", "cannot read as CSV"),
    "dataset-huge-cell": _dataset("huge.csv", b"text,label\n" + b"x" * 50_000_000 + b",positive\n",
                                  "far more than a 2048-token context"),
    "dataset-broken-jsonl": _dataset("broken.jsonl", b'{"text": "a", "label": "positive"}\n{"text": \n',
                                     "cannot read as JSONL"),
    "dataset-broken-parquet": _dataset("broken.parquet", b"PAR1 not really", "cannot read as PARQUET"),
    "dataset-unknown-column": _dataset("review.csv", b"review,label\nnice,positive\n", "uses column(s) text",
                                       "available columns: review, label"),
    "dataset-missing-target": _option("--target", "gold", "target column 'gold' not found"),
    # prompt sets
    "prompts-bad-yaml": _prompt_set("variants: [ {name: a\n", "invalid YAML"),
    "prompts-no-variants": _prompt_set("dataset: x.csv\n", "non-empty list"),
    "prompts-duplicates": _prompt_set("variants: [{name: a, template: x}, {name: a, template: y}]",
                                      "duplicate variant name 'a'"),
    "prompts-unknown-key": _prompt_set("variants: [{name: a, template: x, temprature: 1}]",
                                       "allowed keys: name, system, template"),
    "prompts-syntax": _prompt_set("variants: [{name: broken, template: '{% if text %}oops'}]",
                                  "variant 'broken'", "template syntax error"),
    "prompts-sandbox-mro": _prompt_set("variants: [{name: evil, template: \"{{ ''.__class__.__mro__[1].__subclasses__() }}\"}]",
                                       "variant 'evil'", "unsafe"),
    "prompts-sandbox-globals": _prompt_set("variants: [{name: a, template: '{{ self.__init__.__globals__ }}'}]", "unsafe"),
    "prompts-sandbox-format": _prompt_set("variants: [{name: a, template: \"{{ '{0.__class__}'.format(text) }}\"}]",
                                          "unsafe"),
    # options
    "scorer-unknown": (_compare("--scorer", "bleu"), {}, ("unknown scorer 'bleu'", "available:")),
    "scorer-bad-regex": _option("--scorer", "regex:(unclosed", "invalid regular expression"),
    "limit-zero": _option("--limit", 0, "--limit must be a positive number"),
    "limit-negative": _option("--limit", -3, "--limit must be a positive number"),
    "sample-zero": _option("--sample", 0, "--sample must be a positive number"),
    "repeats-zero": _option("--repeats", 0, "--repeats must be at least 1"),
    "pue-below-1": _option("--pue", 0.5, "--pue must be at least 1.0"),
    "carbon-intensity-negative": _option("--carbon-intensity", -1, "--carbon-intensity must be >= 0"),
    "country-unknown": _option("--country", "ZZZ", "no carbon intensity"),
    "mode-unknown": _option("--mode", "turbo", "--mode must be one of"),
    "baseline-unknown": _option("--baseline", "nope", "no such variant"),
    "serving-unknown": _option("--serving", "warm", "--serving"),
    # places to write
    "export-under-a-file": (_compare("--export", "{tmp}/a-file/sub"), {"a-file": b""}, ("cannot write the export",)),
    "store-under-a-file": (_compare("--limit", 1, "--store", "{tmp}/a-file/sub/runs.db"), {"a-file": b""},
                           ("cannot open the run store",)),
    "no-prompt-set": (("compare",), {}, ("no prompt set",)),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_and_exit_2(tmp_path, case):
    args, files, fragments = CASES[case]
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    result = invoke(*(str(a).replace("{tmp}", str(tmp_path)) for a in args), code=None)
    assert_one_line_error(result, *fragments)


@pytest.mark.parametrize("args, option", [(("compare", EXAMPLE, "--nope"), "--nope"),
                                          (("compare", EXAMPLE, "--limit", "many"), "--limit")])
def test_usage_errors_exit_2_without_a_traceback(args, option):
    # click's own usage errors: a short usage box rather than one line, but exit 2
    result = invoke(*args, code=2)
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.stderr
    assert option in result.stderr and result.stdout == ""
