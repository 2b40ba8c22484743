"""Rewrites: small registered functions that each write greener candidates of a variant.

A rewrite changes only the static text of a template (never a Jinja expression, never the
item's fields: `static_text` finds them with jinja2's lexer) or the generation parameters,
and records what it did in a RewriteStep. An inapplicable rewrite proposes nothing.

    answer-format  an answer directive from the scorer ("Answer with one word: positive or negative.")
    cap-output     max_tokens from the parent's correct answers (+ a margin), a newline stop
    drop-block     leave-one-out removal of a sentence or a blank-line separated block
    compress       Selective Context compression of the static text (optimize/compress.py)
    fold-system    the system message merged into the user message, or dropped
    constrain      a GBNF grammar admitting only the labels or a number
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from greenprompt.optimizer import param_rewrites, text_rewrites
from greenprompt.optimizer.rewrite_base import REWRITES, ParentEvidence, RewriteContext, candidate_name, registered
from greenprompt.records import Variant
from greenprompt.records.optimize import RewriteStep

__all__ = ["REWRITES", "ParentEvidence", "RewriteContext", "describe", "propose", "unknown_rewrites"]
# the modules whose import registers the rewrite functions
_MODULES = (text_rewrites, param_rewrites)


def describe(name: str) -> str:
    """The first line of a rewrite's docstring (for help texts and docs)."""
    return (registered()[name].__doc__ or "").strip().splitlines()[0]


def unknown_rewrites(names: Iterable[str]) -> list[str]:
    return [n for n in names if n not in REWRITES]


def propose(variant: Variant, context: RewriteContext, allowed: Sequence[str] = REWRITES) -> list[tuple[Variant, RewriteStep]]:
    """Every applicable single rewrite of `variant`, each a new Variant with its step; a
    candidate identical to the parent or to an earlier one is left out."""
    functions = registered()
    seen = {_content(variant)}
    out: list[tuple[Variant, RewriteStep]] = []
    for name in REWRITES:
        if name not in allowed or name not in functions:
            continue
        for p in functions[name](variant, context):
            child = replace(
                variant,
                name=candidate_name(variant.name, p.suffix),
                template=variant.template if p.template is None else p.template,
                system=None if p.drop_system else (variant.system if p.system is None else p.system),
                params=p.generation or variant.params,
            )
            if _content(child) in seen:
                continue
            seen.add(_content(child))
            out.append((child, RewriteStep(name, p.params)))
    return out


def _content(v: Variant) -> tuple:
    return (v.template, v.system, v.params)
