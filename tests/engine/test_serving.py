"""Serving profiles: prefix-cache reuses each variant's shared prompt prefix."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor, shared_prefix
from greenprompt.engine.plan import serving_profiles
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError

from conftest import EXAMPLE
from fakes import PrefixBackend, invoke, write_rows

# One xdist worker for the tests that compare measured energy or CPU share (pyproject addopts).
pytestmark = pytest.mark.xdist_group("energy")

# ---- pure logic --------------------------------------------------------------------


def test_shared_prefix_leaves_every_prompt_a_token_of_its_own():
    assert shared_prefix([[1, 2, 3, 4], [1, 2, 3, 9], [1, 2, 5]]) == [1, 2]
    assert shared_prefix([[1, 2, 3], [1, 2, 3]]) == [1, 2]  # identical prompts: last token still evaluated
    assert shared_prefix([[7, 8], [9, 8]]) == []
    assert shared_prefix([[5]]) == []
    assert shared_prefix([]) == []


@given(st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=8), min_size=1, max_size=6))
def test_shared_prefix_is_the_longest_common_one(lists):
    prefix = shared_prefix(lists)
    assert all(t[: len(prefix)] == prefix and len(t) > len(prefix) for t in lists)
    longer = len(prefix) + 1
    # one more token would break it: not all share it, or some prompt would have nothing left
    assert any(len(t) <= longer or t[:longer] != lists[0][:longer] for t in lists)


def test_serving_profiles_are_parsed_and_checked():
    assert serving_profiles("standalone") == ("standalone",)
    assert serving_profiles(" prefix-cache , standalone") == ("prefix-cache", "standalone")
    for bad in ("", "kv", "standalone,standalone", "standalone,,nope"):
        with pytest.raises(GreenPromptError, match="--serving"):
            serving_profiles(bad)


@pytest.fixture
def prompt_set(tmp_path):
    write_rows(tmp_path / "rows.tsv", 6)
    (tmp_path / "set.yaml").write_text(
        "dataset: rows.tsv\ntarget: label\nscorer: choice:1=positive,0=negative\nvariants:\n"
        "  - name: long\n    template: 'You are a careful classifier of reviews. Answer in one word. {{ text }}'\n"
        "  - name: short\n    template: '{{ text }}'\n"
    )
    return tmp_path / "set.yaml"


def test_both_profiles_run_once_each_with_one_model(prompt_set, tmp_path):
    loads = []

    def factory(*_):
        loads.append(PrefixBackend())
        return loads[-1]

    result = run_comparison(Config(prompts=str(prompt_set), serving="standalone,prefix-cache"), executor=LocalExecutor(factory))
    assert len(loads) == 1  # the model is loaded once for both profiles
    standalone, cached = result.profiles
    assert (standalone.serving, cached.serving) == ("standalone", "prefix-cache")
    assert len(standalone.generations) == len(cached.generations) == 12
    assert all(g.prefix_tokens == 0 for g in standalone.generations)
    long_prefix = len(loads[0].filled["long"])
    # 'long' shares its instruction (and the rows' common opening words); 'short' only those words
    assert long_prefix >= 11 and 0 < len(loads[0].filled["short"]) < long_prefix
    assert {g.prefix_tokens for g in cached.generations if g.variant == "long"} == {long_prefix}
    by = {v.name: v for v in cached.variants}
    assert by["long"].prefix_tokens == long_prefix
    assert cached.footprint.prefix_fill.wall_s > 0
    f = cached.footprint
    parts = [f.model_load.energy_j, f.prefix_fill.energy_j, f.generations.energy_j, f.overhead.energy_j]
    assert f.total.energy_j == pytest.approx(sum(parts))
    assert standalone.footprint.prefix_fill.wall_s == 0
    # the load belongs to the profile that loaded the model, not to both
    assert standalone.footprint.model_load.wall_s > 0 and cached.footprint.model_load.wall_s == 0


def test_resume_takes_one_profile(prompt_set):
    with pytest.raises(GreenPromptError, match="--resume"):
        run_comparison(Config(prompts=str(prompt_set), serving="standalone,prefix-cache", resume="last"),
                executor=LocalExecutor(PrefixBackend))


def test_a_bad_profile_is_one_line_and_exit_2(prompt_set):
    result = invoke("compare", prompt_set, "--serving", "warm", code=2)
    assert result.exit_code == 2
    assert "--serving" in result.stderr and "Traceback" not in result.output


# ---- the real model ----------------------------------------------------------------


@pytest.fixture(scope="module")
def both_profiles(tmp_path_factory):
    out = tmp_path_factory.mktemp("serving")
    result = invoke("compare", EXAMPLE, "--limit", 3, "--serving", "standalone,prefix-cache", "--json",
                    "--export", out / "export", "--store", out / "runs.db")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), out / "export"


def _generations(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_prefix_cache_outputs_equal_standalone_at_temperature_zero(both_profiles):
    _, export = both_profiles
    standalone = _generations(export / "generations.jsonl")
    cached = _generations(export / "prefix-cache" / "generations.jsonl")
    assert len(standalone) == len(cached) == 12
    key = lambda g: (g["variant"], g["item_id"])  # noqa: E731
    assert [(key(g), g["output"]) for g in standalone] == [(key(g), g["output"]) for g in cached]
    assert all(g["prefix_tokens"] == 0 for g in standalone)
    assert all(0 < g["prefix_tokens"] < g["prompt_tokens"] for g in cached)
    # the same prompt tokens are counted; only where they were evaluated differs
    assert [g["prompt_tokens"] for g in standalone] == [g["prompt_tokens"] for g in cached]


def test_side_by_side_document_says_which_profile_each_figure_belongs_to(both_profiles):
    doc, export = both_profiles
    assert doc["serving"] == "standalone"
    profiles = {p["serving"]: p for p in doc["serving_profiles"]}
    assert list(profiles) == ["standalone", "prefix-cache"]
    assert profiles["standalone"]["run_id"] == doc["run_id"] != profiles["prefix-cache"]["run_id"]
    alone = {v["name"]: v for v in profiles["standalone"]["variants"]}
    cached = {v["name"]: v for v in profiles["prefix-cache"]["variants"]}
    # few-shot's examples are its shared prefix: caching them saves most of its prefill
    assert cached["few-shot"]["prefix_tokens"] > 0.6 * cached["few-shot"]["prompt_tokens"]
    assert cached["few-shot"]["energy_j"] < 0.7 * alone["few-shot"]["energy_j"]
    assert profiles["prefix-cache"]["prefix_fill"]["energy_j"] > 0
    rows = (export / "prefix-cache" / "results.csv").read_text(encoding="utf-8")
    assert rows.splitlines()[0].endswith(",serving") and all(r.endswith(",prefix-cache") for r in rows.splitlines()[1:])


def test_side_by_side_report(tmp_path):
    result = invoke("compare", EXAMPLE, "--limit", 2, "--serving", "prefix-cache,standalone", "--store", tmp_path / "r.db")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Serving: prefix-cache" in out and "Serving: standalone" in out
    assert "serving profiles side by side" in out and "standalone / prefix-cache" in out
