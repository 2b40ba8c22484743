"""A variant's grammar (GenerationParams.grammar, a prompt file's `grammar:`) changes its
answers, so it is part of the generation cache key: the same grammar is served from the
store, another grammar generates afresh. Through the real driver and store; only the
backend and the meter are fakes (they ignore the grammar: which requests hit matters here)."""

from __future__ import annotations

from dataclasses import replace

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.inputs.prompt_sets import load_prompt_set
from greenprompt.records.config import Config

from conftest import EXAMPLE
from fakes import FixedMeter, PrefixBackend

WORDS = 'root ::= "positive" | "negative"'
CAPITALISED = 'root ::= "Positive" | "Negative"'


def _run(tmp_path, grammar):
    prompt_set = load_prompt_set(EXAMPLE)
    variants = tuple(replace(v, params=replace(v.params, grammar=grammar)) for v in prompt_set.variants)
    config = Config(prompts=str(EXAMPLE), limit=2, bootstrap=0, store=str(tmp_path / "runs.db"))
    result = run_comparison(config, replace(prompt_set, variants=variants), executor=LocalExecutor(PrefixBackend, FixedMeter))
    assert not result.interrupted and len(result.generations) == 8
    return [g.cached for g in result.generations]


def test_the_same_grammar_hits_and_another_grammar_misses(tmp_path):
    assert not any(_run(tmp_path, WORDS))
    assert all(_run(tmp_path, WORDS))
    assert not any(_run(tmp_path, CAPITALISED))
    assert not any(_run(tmp_path, None))  # no grammar: not the constrained answers either


def test_the_verifier_job_drops_the_answers_grammar():
    from greenprompt.engine.cascade_jobs import verifier_job
    from greenprompt.records import CHAT, CascadeSpec, GenerationParams, Job, Request

    request = Request(CHAT, "Review: fine", None, GenerationParams(max_tokens=4, grammar=WORDS), 0)
    job = Job("v", "1", 0, request, "positive")
    verify = verifier_job(job, "positive", CascadeSpec("a", "b", "verifier"))
    # the labels' grammar would not admit the verifier's yes/no
    assert verify.request.params.grammar is None and job.request.params.grammar == WORDS
