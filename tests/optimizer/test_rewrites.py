"""The rewrites of `greenprompt optimize` (issue 14): each proposes greener candidates, changes
only static text or generation parameters (Jinja expressions and fields untouched), records
what it did, and proposes nothing when it does not apply."""

from __future__ import annotations

import pytest

from greenprompt.optimizer import static_text
from greenprompt.optimizer.param_rewrites import NUMBER_GRAMMAR
from greenprompt.optimizer.rewrites import REWRITES, ParentEvidence, RewriteContext, describe, propose, unknown_rewrites
from greenprompt.records import GenerationParams, Item, Variant
from greenprompt.records.optimize import RewriteStep

TERSE = Variant("terse", "Review: {{ text }}\nIs this review positive or negative?", source="p.yaml", model="m", base="terse")
ONE_WORD = Variant(
    "one-word",
    "Review: {{ text | trim }}\nSentiment:",
    system="You are a sentiment classifier. Read the review carefully. Do not explain your answer.",
    params=GenerationParams(max_tokens=4),
)
FEW_SHOT = Variant(
    "few-shot",
    "Review: The coffee was rich.\nSentiment: positive\n\n"
    "Review: The headphones broke the day after the warranty ended.\nSentiment: negative\n\n"
    "{% if title %}Title: {{ title }}\n{% endif %}Review: {{ text }}\nSentiment:\n",
)
CHOICE = RewriteContext("choice:positive,negative", (), "chat")


def by_rewrite(variant, context, name):
    return [(v, s) for v, s in propose(variant, context, [name]) if s.rewrite == name]


def fields_untouched(parent: Variant, child: Variant) -> None:
    for a, b in ((parent.template, child.template), (parent.system or "", child.system or "")):
        assert static_text.jinja_parts(b) == static_text.jinja_parts(a)


def test_split_template_keeps_every_jinja_part_and_joins_back():
    source = "A {{ x|upper }} b {%- if y %} c {% endif %}{# note #}\n"
    pieces = static_text.split_template(source)
    assert "".join(p.text for p in pieces) == source
    assert static_text.jinja_parts(source) == ("{{ x|upper }}", " {%- if y %}", "{% endif %}{# note #}")


def test_registry_names_and_unknown():
    assert all(describe(name) for name in REWRITES)
    assert unknown_rewrites(["answer-format", "shorten", "constrain"]) == ["shorten"]


def test_rewrite_step_round_trips():
    step = RewriteStep("cap-output", {"max_tokens": 6, "would_cut": 1, "stop": ["\n"]})
    assert RewriteStep.from_dict(step.to_dict()) == step
    # a lineage (a tuple of steps) can key a dict: equal steps hash alike
    assert len({(step,), (RewriteStep.from_dict(step.to_dict()),)}) == 1


@pytest.mark.parametrize(
    "scorer, expected",
    [
        ("choice:1=positive,0=negative", "Answer with one word: positive or negative."),
        ("choice:a,b,c", "Answer with one word: a, b or c."),
        ("numeric:0.01", "Answer with the number only."),
        ("exact", "Answer with only the answer, no explanation."),
        ("regex:(\\d+)", "Answer with only the answer, no explanation."),
        ("contains", "Give only the answer, no explanation."),
        ("f1", "Answer with a short phrase."),
    ],
)
def test_answer_format_directive_from_the_scorer(scorer, expected):
    [(child, step)] = by_rewrite(TERSE, RewriteContext(scorer, (), "chat"), "answer-format")
    assert child.template == TERSE.template + "\n" + expected
    assert step.params["directive"] == expected and step.params["replaced"] is None
    assert (child.name, child.source, child.model, child.base) == ("terse+fmt", "p.yaml", "m", "terse")
    fields_untouched(TERSE, child)


def test_answer_format_goes_before_a_final_cue_and_replaces_a_similar_directive():
    [(child, _)] = by_rewrite(FEW_SHOT, CHOICE, "answer-format")
    assert child.template.endswith("Review: {{ text }}\nAnswer with one word: positive or negative.\nSentiment:\n")
    fields_untouched(FEW_SHOT, child)
    pinned = Variant("v", "Q: {{ q }}\nPlease reply with a single word only.\nA:")
    [(child, step)] = by_rewrite(pinned, RewriteContext("numeric", (), "chat"), "answer-format")
    assert child.template == "Q: {{ q }}\nAnswer with the number only.\nA:"
    assert step.params["replaced"] == "Please reply with a single word only."
    task = Variant("v", "Basket: {{ q }}\nReturn the number of apples.")
    [(child, step)] = by_rewrite(task, RewriteContext("numeric", (), "chat"), "answer-format")
    assert child.template == task.template + "\nAnswer with the number only." and step.params["replaced"] is None
    done = Variant("v", "Q: {{ q }}\nAnswer with the number only.")
    assert by_rewrite(done, RewriteContext("numeric", (), "chat"), "answer-format") == []
    assert by_rewrite(TERSE, RewriteContext("custom-unknown", (), "chat"), "answer-format") == []


def test_fold_system_merges_or_drops_and_needs_a_system():
    (merged, s1), (dropped, s2) = by_rewrite(ONE_WORD, CHOICE, "fold-system")
    assert merged.system is None and merged.template == ONE_WORD.system + "\n\n" + ONE_WORD.template
    assert dropped.system is None and dropped.template == ONE_WORD.template
    assert (s1.params["action"], s2.params["action"]) == ("merge", "drop")
    assert by_rewrite(TERSE, CHOICE, "fold-system") == []


EVIDENCE = ParentEvidence(
    outputs=("positive", " Negative", "The review is mixed\nbut mostly fine", "negative"),
    correct=(True, True, False, True),
    completion_tokens=(1, 3, 12, 2),
)


def test_cap_output_from_the_correct_answers_with_its_margin_and_cut_count():
    context = RewriteContext("choice:positive,negative", (), "chat", evidence=EVIDENCE)
    [(child, step)] = by_rewrite(TERSE, context, "cap-output")
    # longest correct answer 3 tokens + the 2-token margin; the wrong 12-token answer would be cut
    assert child.params == GenerationParams(max_tokens=5, stop=("\n",))
    assert step.params == {"max_tokens": 5, "margin": 2, "longest_correct": 3, "would_cut": 1, "answers": 4, "stop": ["\n"]}
    assert child.template == TERSE.template and child.name == "terse+cap5"


def test_cap_output_no_newline_stop_when_a_correct_answer_spans_lines_or_starts_with_one():
    ev = ParentEvidence(("\npositive", "negative"), (True, True), (2, 1))
    [(child, step)] = by_rewrite(TERSE, RewriteContext("choice:positive,negative", (), "chat", evidence=ev), "cap-output")
    assert child.params.stop == () and step.params["would_cut"] == 0


def test_cap_output_inapplicable_without_evidence_correct_answers_or_a_lower_cap():
    assert by_rewrite(TERSE, CHOICE, "cap-output") == []
    wrong = ParentEvidence(("x",), (False,), (3,))
    assert by_rewrite(TERSE, RewriteContext("exact", (), "chat", evidence=wrong), "cap-output") == []
    capped = Variant("v", "{{ q }}", params=GenerationParams(max_tokens=3, stop=("\n",)))
    assert by_rewrite(capped, RewriteContext("exact", (), "chat", evidence=EVIDENCE), "cap-output") == []


def test_drop_block_leave_one_out_keeps_jinja_and_records_the_drop():
    found = by_rewrite(FEW_SHOT, CHOICE, "drop-block")
    dropped = {s.params["dropped"] for _, s in found}
    assert "Review: The headphones broke the day after the warranty ended.\nSentiment: negative" in dropped
    assert "Review: The coffee was rich.\nSentiment: positive" in dropped
    for child, step in found:
        fields_untouched(FEW_SHOT, child)
        assert step.params["dropped"] not in child.template and step.params["unit"] in ("block", "sentence")
    # the block holding {% if %} and {{ text }} is never a candidate
    assert not any("{{" in s.params["dropped"] for _, s in found)
    [child] = [c for c, s in found if s.params["unit"] == "block" and s.params["dropped"].startswith("Review: The coffee")]
    assert child.template.startswith("Review: The headphones")


def test_drop_block_drops_system_sentences_and_caps_the_candidates():
    found = by_rewrite(ONE_WORD, CHOICE, "drop-block")
    assert [s.params["dropped"] for _, s in found] == [
        "You are a sentiment classifier.",  # longest first, ties in text order
        "Read the review carefully.",
        "Do not explain your answer.",
    ]
    assert found[0][0].system == "Read the review carefully. Do not explain your answer."
    many = Variant("v", " ".join(f"Rule number {i} is here." for i in range(12)) + "\n{{ q }}")
    assert len(by_rewrite(many, CHOICE, "drop-block")) == 6
    assert by_rewrite(Variant("v", "{{ q }}"), CHOICE, "drop-block") == []


def test_constrain_admits_the_labels_or_a_number():
    [(child, step)] = by_rewrite(TERSE, RewriteContext("choice:1=Positive,0=Negative", (), "chat"), "constrain")
    assert child.params.grammar == 'root ::= "Positive" | "Negative"' == step.params["grammar"]
    [(child, _)] = by_rewrite(TERSE, RewriteContext("numeric", (), "completion"), "constrain")
    assert child.params.grammar == NUMBER_GRAMMAR
    for scorer in ("exact", "contains", "f1"):
        assert by_rewrite(TERSE, RewriteContext(scorer, (), "chat"), "constrain") == []
    assert by_rewrite(child, RewriteContext("numeric", (), "chat"), "constrain") == []


def _halve(text: str, ratio: float) -> str:
    """A stand-in compressor: keeps every Jinja part and the first `ratio` of the static words."""
    out = []
    for p in static_text.split_template(text):
        words = p.text.split(" ")
        out.append(" ".join(words[: max(1, round(len(words) * ratio))]) if p.static else p.text)
    return "".join(out)


def test_compress_needs_a_compressor_and_keeps_jinja():
    assert by_rewrite(FEW_SHOT, CHOICE, "compress") == []
    context = RewriteContext("choice:positive,negative", (), "chat", compressor=_halve)
    found = by_rewrite(FEW_SHOT, context, "compress")
    assert [s.params["ratio"] for _, s in found] == [0.8, 0.6, 0.4]
    for child, _ in found:
        fields_untouched(FEW_SHOT, child)
        assert len(child.template) < len(FEW_SHOT.template)
    broken = RewriteContext("exact", (), "chat", compressor=lambda text, ratio: text[: int(len(text) * ratio)])
    assert by_rewrite(Variant("v", "Say it. {{ q }}"), broken, "compress") == []


def test_propose_all_renders_with_the_item_fields_and_names_are_unique_and_safe():
    from greenprompt.inputs.prompt_sets import Renderer

    context = RewriteContext("choice:positive,negative", (), "chat", evidence=EVIDENCE, compressor=_halve)
    found = propose(FEW_SHOT, context) + propose(ONE_WORD, context)
    names = [v.name for v, _ in found]
    assert len(set(names)) == len(names) and {s.rewrite for _, s in found} == set(REWRITES)
    item = Item("1", {"text": "UNIQUE-FIELD", "title": "T"}, "positive")
    for child, _ in found:
        _, text = Renderer([child]).render(child, item)
        assert "UNIQUE-FIELD" in text
    long = Variant("x" * 58, "{{ q }} Answer now.", system="Be brief.")
    children = [v.name for v, _ in propose(long, context)]
    assert all(len(n) <= 60 for n in children) and len(set(children)) == len(children)
    assert propose(Variant("a/b c", "{{ q }}", system="S."), context, ["fold-system"])[0][0].name == "a-b-c+fold"
