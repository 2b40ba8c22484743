"""A prompt file's `grammar:` through the real CLI with the real default model: every answer
of the constrained variant is one of the grammar's words (the unconstrained one is free to
ramble), the exported winner keeps its grammar, and a grammar llama.cpp cannot parse is one
error line (exit 2) instead of the crash inside llama.cpp's sampler."""

from __future__ import annotations

import json

import yaml

from greenprompt.inputs.prompt_sets import read_variant_file

from conftest import EXAMPLE
from fakes import invoke

GRAMMAR = 'root ::= "positive" | "negative"'


def _prompts(tmp_path, grammar):
    data = {
        "dataset": str(EXAMPLE.parent / "reviews.csv"),
        "target": "label",
        "scorer": "choice:positive,negative",
        "variants": [
            {"name": "constrained", "template": "Review: {{ text }}\nIs this review positive or negative?",
             "max_tokens": 8, "grammar": grammar},
            {"name": "free", "template": "Review: {{ text }}\nIs this review positive or negative?", "max_tokens": 8},
        ],
    }
    path = tmp_path / "grammar.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_compare_honours_a_grammar_and_the_export_keeps_it(tmp_path):
    out = tmp_path / "export"
    invoke("compare", _prompts(tmp_path, GRAMMAR), "--limit", 2, "--bootstrap", 0, "--export", out, "-q")
    rows = [json.loads(line) for line in (out / "generations.jsonl").read_text(encoding="utf-8").splitlines()]
    answers = {r["variant"]: [] for r in rows}
    for r in rows:
        answers[r["variant"]].append(r["output"])
    assert len(answers["constrained"]) == 2 and set(answers["constrained"]) <= {"positive", "negative"}, answers
    # without the grammar the same prompt does not answer in one bare word (what makes the test able to fail)
    assert not set(answers["free"]) <= {"positive", "negative"}, answers
    [exported] = [read_variant_file(f) for f in out.glob("*.md") if "constrained" in f.name]
    assert exported.params.grammar == GRAMMAR


def test_a_grammar_llama_cpp_cannot_parse_is_one_error_line(tmp_path):
    result = invoke("compare", _prompts(tmp_path, "root ::= positive |"), "--limit", 1, "--bootstrap", 0, code=2)
    assert result.stderr.strip().splitlines() == [
        "error: variant 'constrained': llama.cpp cannot parse the grammar 'root ::= positive |' "
        "(GBNF with a 'root' rule, e.g. root ::= \"yes\" | \"no\")"
    ]


def test_the_number_grammar_ends_the_answer(tmp_path):
    """optimize's `constrain` rewrite for numeric scorers: every answer is one bounded number
    that ends before max_tokens (with `[0-9]+` the default model wrote digits until the cap)."""
    import re

    from greenprompt.optimizer.param_rewrites import NUMBER_GRAMMAR

    data = tmp_path / "sums.csv"
    data.write_text("q,answer\nWhat is 17 plus 25?,42\nWhat is 120 minus 45?,75\n", encoding="utf-8")
    prompts = tmp_path / "sums.yaml"
    prompts.write_text(yaml.safe_dump({
        "dataset": str(data), "target": "answer", "scorer": "numeric",
        "variants": [{"name": "n", "template": "{{ q }} Answer with the number only.", "max_tokens": 40,
                      "grammar": NUMBER_GRAMMAR}],
    }, sort_keys=False), encoding="utf-8")
    out = tmp_path / "export"
    invoke("compare", prompts, "--bootstrap", 0, "--export", out, "-q")
    rows = [json.loads(line) for line in (out / "generations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2
    for r in rows:
        assert re.fullmatch(r"-?[0-9]{1,12}(\.[0-9]{1,6})?", r["output"].strip()), r["output"]
        assert r["completion_tokens"] < 40, r
