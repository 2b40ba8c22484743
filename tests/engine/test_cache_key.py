"""The generation cache is keyed by everything that changes an answer: a second run that
changes any one of them generates afresh (a miss), an unchanged one is served from the
store (a hit). Through the real driver and store; only the backend and the meter are fakes
(the answers do not matter here, which requests hit the cache does)."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from greenprompt.engine import plan
from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.inputs.gguf import default_model_path
from greenprompt.inputs.prompt_sets import load_prompt_set
from greenprompt.records.config import Config

from conftest import EXAMPLE
from fakes import FixedMeter, PrefixBackend


def _params(**changes):
    """Every variant of the example with these sampling parameters changed."""

    def change(prompt_set):
        variants = tuple(replace(v, params=replace(v.params, **changes)) for v in prompt_set.variants)
        return replace(prompt_set, variants=variants)

    return change


def _template(prompt_set):
    return replace(prompt_set, variants=tuple(replace(v, template="Please. " + v.template) for v in prompt_set.variants))


def _system(prompt_set):
    return replace(prompt_set, variants=tuple(replace(v, system=(v.system or "") + " Be brief.") for v in prompt_set.variants))


def _other_model(tmp_path, monkeypatch):
    """The default model's file with one byte appended: the same weights, another sha256."""
    copy = tmp_path / "other.gguf"
    shutil.copy(default_model_path(), copy)
    with copy.open("ab") as f:
        f.write(b"\0")
    return {"models": (str(copy),)}


def _other_llama_cpp(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "backend_version", lambda: "0.0.1-another-build")
    return {}


# (id, options of the second run, change of its prompt set, setup returning more options)
CHANGES = [
    ("model-sha256", {}, None, _other_model),
    ("llama-cpp-version", {}, None, _other_llama_cpp),
    ("mode", {"mode": "completion"}, None, None),
    ("rendered-template", {}, _template, None),
    ("rendered-system", {}, _system, None),
    ("max-tokens", {}, _params(max_tokens=7), None),
    ("temperature", {}, _params(temperature=0.7), None),
    ("stop", {}, _params(stop=("\n\n",)), None),
    ("n-ctx", {"n_ctx": 1024}, None, None),
    ("seed", {"seed": 1}, None, None),
    ("serving", {"serving": "prefix-cache"}, None, None),
    ("repeat", {"repeats": 2}, None, None),
]


def _run(tmp_path, prompt_set=None, **options):
    config = Config(prompts=str(EXAMPLE), limit=2, bootstrap=0, store=str(tmp_path / "runs.db"), **options)
    result = run_comparison(config, prompt_set, executor=LocalExecutor(PrefixBackend, FixedMeter))
    assert not result.interrupted
    return result.generations


def test_an_unchanged_plan_is_served_from_the_cache(tmp_path):
    first = _run(tmp_path)
    again = _run(tmp_path)
    assert len(again) == len(first) == 8
    assert all(g.cached for g in again) and not any(g.cached for g in first)
    # --threads does not change an answer, so not the key: the stored answers are found
    # (then generated again because their energy was metered another way, engine.waves)
    assert all(g.remeasured and not g.cached for g in _run(tmp_path, threads=2))


@pytest.mark.parametrize(("options", "change", "setup"), [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES])
def test_changing_what_makes_an_answer_misses_the_cache(tmp_path, monkeypatch, options, change, setup):
    _run(tmp_path)
    options = {**options, **(setup(tmp_path, monkeypatch) if setup else {})}
    prompt_set = change(load_prompt_set(EXAMPLE)) if change else None
    second = _run(tmp_path, prompt_set, **options)
    if options.get("repeats"):
        # a repeat is a new measurement: the first repeat is the stored one, the second is not
        assert [g.cached for g in second] == [g.repeat == 0 for g in second]
    else:
        assert second and not any(g.cached for g in second)
