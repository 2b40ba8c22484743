"""Property-based: arbitrary unicode in templates, columns and outputs never crashes the tool.
The only failure allowed is a GreenPromptError (a clear message)."""

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenprompt.analysis.scoring import get_scorer
from greenprompt.inputs.prompt_sets import Renderer, load_prompt_set
from greenprompt.outputs.export import safe_filename
from greenprompt.records import Item
from greenprompt.records.errors import GreenPromptError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(max_size=200)
identifier = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True).filter(
    lambda s: s not in {"True", "False", "None", "true", "false", "none", "and", "or", "not", "in", "is", "if", "else"}
)


@SETTINGS
@given(name=text, template=text, system=st.one_of(st.none(), text))
def test_prompt_set_parsing_never_crashes(tmp_path_factory, name, template, system):
    variant = {"name": name, "template": template}
    if system is not None:
        variant["system"] = system
    path = tmp_path_factory.mktemp("p") / "set.yaml"
    dumped = yaml.safe_dump({"variants": [variant]}, allow_unicode=True)
    path.write_text(dumped, encoding="utf-8")
    try:
        ps = load_prompt_set(path)
    except GreenPromptError:
        return
    # YAML itself folds some characters (e.g. U+0085 NEL becomes a space): compare with what it reads.
    assert ps.variants[0].name == str(yaml.safe_load(dumped)["variants"][0]["name"]).strip()


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_raw_bytes_as_a_prompt_set_never_crash(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("p") / "set.yaml"
    path.write_bytes(raw)
    try:
        load_prompt_set(path)
    except GreenPromptError:
        pass


@SETTINGS
@given(columns=st.dictionaries(identifier, text, min_size=1, max_size=4), prefix=text, suffix=text)
def test_rendering_arbitrary_values(tmp_path_factory, columns, prefix, suffix):
    # Jinja syntax in the literal parts is escaped with {% raw %}: only the columns are variables.
    body = "".join("{{ %s }}" % c for c in columns)
    def raw(text):
        return "{% raw %}" + text.replace("{% endraw %}", "") + "{% endraw %}"

    template = raw(prefix) + body + raw(suffix)
    path = tmp_path_factory.mktemp("p") / "set.yaml"
    path.write_text(yaml.safe_dump({"variants": [{"name": "v", "template": template}]}, allow_unicode=True), encoding="utf-8")
    try:
        ps = load_prompt_set(path)
    except GreenPromptError:
        return
    system, rendered = Renderer(ps.variants).render(ps.variants[0], Item("0", columns, None))
    for value in columns.values():
        assert value in rendered


SPECS = ["exact", "contains", "f1", "numeric", "numeric:0.5", "choice:1=positive,0=negative", "choice:yes,no", r"regex:(\w+)"]


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(SPECS), output=text, target=st.one_of(st.none(), text))
def test_scorers_return_a_score_in_range_for_any_text(spec, output, target):
    score = get_scorer(spec)(output, target)
    assert 0.0 <= score <= 1.0


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=300))
def test_safe_filenames_never_escape(name):
    stem = safe_filename(name)
    assert stem and "/" not in stem and "\\" not in stem and stem not in {".", ".."}
    assert not stem.startswith(".") and set(stem) <= set(string.ascii_letters + string.digits + "._-")
