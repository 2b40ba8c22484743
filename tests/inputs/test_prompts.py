import pytest

from greenprompt.inputs.prompt_sets import Renderer, check_columns, dump_variant_file, load_prompt_set, read_variant_file
from greenprompt.records import Item
from greenprompt.records.errors import GreenPromptError


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


SET = """
scorer: contains
target: answer
dataset: data.csv
defaults: {max_tokens: 10}
variants:
  - name: plain
    template: "Q: {{ question }}"
  - name: sys
    system: "Answer in {{ lang }}."
    template: |
      Q: {{ question }}
    max_tokens: 3
    temperature: 0.5
    stop: ["\\n"]
"""


def test_yaml_set_with_defaults_and_relative_paths(tmp_path):
    ps = load_prompt_set(write(tmp_path, "set.yaml", SET))
    assert [v.name for v in ps.variants] == ["plain", "sys"]
    plain, sys = ps.variants
    assert plain.params.max_tokens == 10
    assert sys.params.max_tokens == 3 and sys.params.temperature == 0.5 and sys.params.stop == ("\n",)
    assert sys.template == "Q: {{ question }}"  # trailing newline of the block scalar dropped
    assert ps.scorer == "contains" and ps.target == "answer"
    assert ps.dataset == str(tmp_path / "data.csv")


def test_rendering_uses_columns_in_a_sandbox(tmp_path):
    ps = load_prompt_set(write(tmp_path, "set.yaml", SET))
    r = Renderer(ps.variants)
    item = Item("1", {"question": "2+2?", "lang": "French"}, "4")
    assert r.render(ps.variants[0], item) == (None, "Q: 2+2?")
    assert r.render(ps.variants[1], item) == ("Answer in French.", "Q: 2+2?")


def test_sandbox_refuses_python_internals(tmp_path):
    ps = load_prompt_set(write(tmp_path, "s.yaml", "variants: [{name: evil, template: \"{{ ''.__class__.__mro__ }}\"}]"))
    with pytest.raises(GreenPromptError, match="evil.*unsafe"):
        Renderer(ps.variants).render(ps.variants[0], Item("0", {}, None))


def test_missing_column_names_variant_column_and_available(tmp_path):
    ps = load_prompt_set(write(tmp_path, "set.yaml", SET))
    with pytest.raises(GreenPromptError) as e:
        check_columns(ps, ["question", "answer"])
    assert "'sys'" in str(e.value) and "lang" in str(e.value) and "available columns: question, answer" in str(e.value)


@pytest.mark.parametrize(
    "text, message",
    [
        ("variants: [", "invalid YAML"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("variants: []", "non-empty list"),
        ("variants: [{name: a, template: x}, {name: a, template: y}]", "duplicate variant name 'a'"),
        ("variants: [{name: a, template: x, colour: red}]", "unknown key.*colour.*allowed keys: name, system, template"),
        ("variants: [{name: a, template: '{{ x '}]", "template syntax error"),
        ("variants: [{template: x}]", "missing 'name'"),
        ("variants: [{name: a, template: x, max_tokens: 0}]", "positive integer"),
        ("variants: [{name: a, template: x}]\nmode: turbo", "'mode' must be one of"),
        ("variants: [{name: a, template: x}]\nvariant_typo: 1", "unknown key"),
    ],
)
def test_bad_prompt_sets(tmp_path, text, message):
    with pytest.raises(GreenPromptError, match=message):
        load_prompt_set(write(tmp_path, "bad.yaml", text))


def test_missing_prompt_set(tmp_path):
    with pytest.raises(GreenPromptError, match="not found"):
        load_prompt_set(tmp_path / "nope.yaml")


def test_directory_of_variant_files(tmp_path):
    d = tmp_path / "set"
    d.mkdir()
    write(d, "b.md", "---\nsystem: Be brief.\nmax_tokens: 5\nmetrics: {quality: 1}\n---\nSay {{ x }}\n")
    write(d, "a.txt", "Just {{ x }}")
    write(d, "notes.csv", "ignored")
    ps = load_prompt_set(d)
    assert [v.name for v in ps.variants] == ["a", "b"]
    assert ps.variants[1].system == "Be brief." and ps.variants[1].params.max_tokens == 5
    assert ps.variants[1].template == "Say {{ x }}"


def test_directory_rejects_unknown_front_matter_and_empty_dirs(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(GreenPromptError, match="no variant files"):
        load_prompt_set(tmp_path / "empty")
    bad = write(tmp_path, "v.md", "---\nnmae: typo\n---\nhi")
    with pytest.raises(GreenPromptError, match="unknown key.*nmae"):
        read_variant_file(bad)
    unclosed = write(tmp_path, "u.md", "---\nname: x\nhi")
    with pytest.raises(GreenPromptError, match="no closing"):
        read_variant_file(unclosed)


def test_dump_and_read_back_round_trip(tmp_path):
    ps = load_prompt_set(write(tmp_path, "set.yaml", SET))
    for v in ps.variants:
        f = write(tmp_path, f"{v.name}.md", dump_variant_file(v, {"quality": 0.5, "pareto_rank": 1}))
        back = read_variant_file(f)
        assert (back.name, back.template, back.system, back.params) == (v.name, v.template, v.system, v.params)
