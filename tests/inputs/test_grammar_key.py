"""Prompt files' optional `grammar:` key (a GBNF grammar for llama.cpp): read from YAML
variants, YAML defaults and the front matter of one-variant files, written back by
dump_variant_file (so exported winners keep it); a value that is not grammar text is one
error line."""

from __future__ import annotations

import pytest
import yaml

from greenprompt.inputs.prompt_sets import dump_variant_file, load_prompt_set, read_variant_file
from greenprompt.records.errors import GreenPromptError

GRAMMAR = 'root ::= "positive" | "negative"'


def _write_set(tmp_path, data):
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_yaml_variants_and_defaults_carry_a_grammar(tmp_path):
    path = _write_set(tmp_path, {
        "defaults": {"grammar": "root ::= [0-9]+"},
        "variants": [
            {"name": "a", "template": "{{ text }}", "grammar": GRAMMAR},
            {"name": "b", "template": "{{ text }}"},
        ],
    })
    a, b = load_prompt_set(path).variants
    assert (a.params.grammar, b.params.grammar) == (GRAMMAR, "root ::= [0-9]+")
    plain = _write_set(tmp_path, {"variants": [{"name": "c", "template": "{{ text }}"}]})
    assert load_prompt_set(plain).variants[0].params.grammar is None


def test_a_variant_file_round_trips_its_grammar(tmp_path):
    f = tmp_path / "v.md"
    f.write_text(f"---\nname: v\nmax_tokens: 3\ngrammar: '{GRAMMAR}'\n---\nReview: {{{{ text }}}}\n", encoding="utf-8")
    variant = read_variant_file(f)
    assert variant.params.grammar == GRAMMAR
    again = tmp_path / "again.md"
    again.write_text(dump_variant_file(variant, {"quality": 0.5}), encoding="utf-8")
    assert read_variant_file(again).params == variant.params
    assert "grammar" not in dump_variant_file(read_variant_file(_plain(tmp_path)))


def _plain(tmp_path):
    f = tmp_path / "plain.md"
    f.write_text("Review: {{ text }}\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("value", [3, "", "  ", ["root ::= \"a\""]])
def test_a_grammar_that_is_not_text_is_one_error(tmp_path, value):
    path = _write_set(tmp_path, {"variants": [{"name": "a", "template": "{{ text }}", "grammar": value}]})
    with pytest.raises(GreenPromptError, match="'grammar' must be a GBNF grammar"):
        load_prompt_set(path)
