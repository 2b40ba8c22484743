"""Selective Context compression (optimize/compress.py): the dropping logic on given
self-information values (pure), and one pass with the real default model."""

from __future__ import annotations

import re

import pytest

from greenprompt.inputs.gguf import default_model_path
from greenprompt.optimizer import static_text
from greenprompt.optimizer.compress import TokenInfo, compressor, drop_least_informative, load_scoring_model
from greenprompt.optimizer.rewrites import RewriteContext, propose
from greenprompt.records import Variant

TEXT = "Classify the review.\nThe review below is short and quite clear {{ text }} here\nAnswer: now"


def _tokens(text: str, info: dict[str, float]) -> list[TokenInfo]:
    """One token per word (with the spaces before it), its information from `info` (default 5)."""
    return [TokenInfo(m.start(), m.end(), info.get(m.group().strip(), 5.0)) for m in re.finditer(r"[ \t]*\S+", text)]


def test_the_least_informative_words_go_first_until_the_ratio():
    tokens = _tokens(TEXT, {"below": 0.1, "quite": 0.2, "is": 0.3, "short": 0.4, "review": 0.0, "Classify": 0.0})
    assert len(tokens) == 17
    # keep 0.8 of 17 tokens (13.6): the four least informative droppable words go, "short"
    # (0.4) stays; the first line's "Classify" (information 0) is never dropped
    out = drop_least_informative(TEXT, tokens, 0.8)
    assert out == "Classify the review.\nThe short and clear {{ text }} here\nAnswer: now"


def test_jinja_parts_and_the_first_line_survive_any_ratio():
    tokens = _tokens(TEXT, {})
    out = drop_least_informative(TEXT, tokens, 0.1)
    assert static_text.jinja_parts(out) == ("{{ text }}",)
    assert out.startswith("Classify the review.\n")
    # "clear" and "here" touch no Jinja part: they went; the words next to it stayed whole
    assert "{{ text }}" in out and "clear" not in out and "here" not in out


def test_a_line_whose_words_all_go_goes_with_its_break_and_a_line_starts_at_its_first_kept_word():
    text = "Head line\nalpha beta\ngamma delta"
    tokens = _tokens(text, {"alpha": 0.1, "beta": 0.2, "gamma": 0.3, "delta": 9})
    assert drop_least_informative(text, tokens, 0.6) == "Head line\ndelta"


def test_ratio_one_keeps_the_text_and_a_bad_ratio_is_refused():
    tokens = _tokens(TEXT, {})
    assert drop_least_informative(TEXT, tokens, 1.0) == TEXT
    with pytest.raises(ValueError):
        drop_least_informative(TEXT, tokens, 0)


def test_with_the_real_model_the_text_is_shorter_and_keeps_its_jinja():
    template = (
        "Classify the sentiment of each review as positive or negative.\n"
        "Review: The coffee was rich and the barista remembered my name.\nSentiment: positive\n\n"
        "Review: {{ text | trim }}\n{% if title %}Title: {{ title }}\n{% endif %}Sentiment:"
    )
    llm = load_scoring_model(str(default_model_path()), threads=1)
    try:
        compress = compressor(llm)
        shorter = compress(template, 0.6)
        llm_tokens = len(llm.tokenize(template.encode(), add_bos=False))
        kept = len(llm.tokenize(shorter.encode(), add_bos=False))
        # the compress rewrite over it: one candidate per ratio, ever shorter, Jinja kept
        context = RewriteContext("choice:positive,negative", (), "chat", compressor=compress)
        found = propose(Variant("few-shot", template), context, ["compress"])
    finally:
        llm.close()
    assert static_text.jinja_parts(shorter) == static_text.jinja_parts(template)
    assert len(shorter) < len(template) and kept < llm_tokens
    assert shorter.startswith("Classify the sentiment of each review as positive or negative.\n")
    # 0.8 then 0.6; at 0.4 only the kept first line and the words at Jinja parts are left,
    # as at 0.6 already, and propose leaves out a candidate equal to an earlier one
    assert [step.params["ratio"] for _, step in found] == [0.8, 0.6]
    assert found[1][0].template == shorter == compress(template, 0.4)
    lengths = [len(child.template) for child, _ in found]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] < len(template)
