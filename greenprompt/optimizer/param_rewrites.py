"""Rewrites of the generation parameters: cap-output, constrain."""

from __future__ import annotations

import json
import math
from dataclasses import replace

from greenprompt.optimizer.rewrite_base import Proposal, RewriteContext, rewrite
from greenprompt.records import Variant

# --- cap-output ---------------------------------------------------------------------------

# The cap's margin over the longest correct answer: 2 tokens, or 10% of it when longer, for a
# token boundary that moves (a leading space, a capital letter). Measured (default model, first
# 60 SST-2 dev rows, the terse prompt with the answer-format directive: correct answers of 1
# token (24) or 5 (4)): over 500 seeded 70/30 splits the cap from the search part cut 0.57%,
# 0.38%, 0.47%, 0.67% of the held-out correct answers with a margin of 0, 1, 2, 3 tokens. The
# margin hardly matters there (the cut comes from a search part without a 5-token answer);
# would_cut reports what the cap cost on the parent's answers.
MIN_MARGIN = 2
MARGIN_SHARE = 0.1


def cap_for(longest: int) -> tuple[int, int]:
    """(max_tokens, margin) for the longest correct answer's completion tokens."""
    margin = max(MIN_MARGIN, math.ceil(MARGIN_SHARE * longest))
    return longest + margin, margin


def _one_line(output: str) -> bool:
    # a leading newline counts: a "\n" stop would end such an answer before it starts
    return "\n" not in output.rstrip()


@rewrite("cap-output")
def cap_output(variant: Variant, context: RewriteContext) -> list[Proposal]:
    """max_tokens from the parent's correct answers (their longest + a margin); a newline stop when they are one line."""
    ev = context.evidence
    if ev is None:
        return []
    right = [(out, n) for out, ok, n in zip(ev.outputs, ev.correct, ev.completion_tokens) if ok]
    if not right:
        return []
    longest = max(n for _, n in right)
    cap, margin = cap_for(longest)
    cap = min(cap, variant.params.max_tokens)
    stop = variant.params.stop
    if all(_one_line(out) for out, _ in right) and "\n" not in stop:
        stop = stop + ("\n",)
    if cap == variant.params.max_tokens and stop == variant.params.stop:
        return []
    params = {
        "max_tokens": cap,
        "margin": margin,
        "longest_correct": longest,
        "would_cut": sum(n > cap for n in ev.completion_tokens),
        "answers": len(ev.completion_tokens),
        "stop": list(stop),
    }
    return [Proposal(f"cap{cap}", params, generation=replace(variant.params, max_tokens=cap, stop=stop))]


# --- constrain ----------------------------------------------------------------------------

# optionally signed, optionally decimal: what the numeric scorer's first number reads. The digit
# counts are bounded: with `[0-9]+` the small models ran on to max_tokens with digits
# (48 of them on the arithmetic benchmark), since nothing made them stop.
NUMBER_GRAMMAR = 'root ::= "-"? [0-9]{1,12} ("." [0-9]{1,6})?'


def choice_grammar(words: tuple[str, ...]) -> str:
    """A GBNF grammar admitting exactly one of the words (as written, i.e. the targets' case)."""
    # JSON string escaping is GBNF's: backslash and double quote escaped
    return "root ::= " + " | ".join(json.dumps(w, ensure_ascii=False) for w in words)


@rewrite("constrain")
def constrain(variant: Variant, context: RewriteContext) -> list[Proposal]:
    """A llama.cpp grammar (GBNF) that admits only the choice labels or a number."""
    if context.scorer_name == "choice" and context.label_words():
        grammar, kind = choice_grammar(context.label_words()), "choice"
    elif context.scorer_name == "numeric":
        grammar, kind = NUMBER_GRAMMAR, "number"
    else:
        return []
    if variant.params.grammar == grammar:
        return []
    return [Proposal("gbnf", {"grammar": grammar, "admits": kind}, generation=replace(variant.params, grammar=grammar))]
