"""Rewrites of the prompt's text: answer-format, fold-system, drop-block, compress.

Each changes only static text (static_text.py finds the Jinja parts with jinja2's lexer)."""

from __future__ import annotations

import re

from greenprompt.optimizer import static_text
from greenprompt.optimizer.rewrite_base import Proposal, RewriteContext, rewrite
from greenprompt.records import Variant

# --- answer-format ------------------------------------------------------------------------

_DIRECTIVES = {
    "numeric": "Answer with the number only.",
    "exact": "Answer with only the answer, no explanation.",
    "regex": "Answer with only the answer, no explanation.",
    "contains": "Give only the answer, no explanation.",
    "f1": "Answer with a short phrase.",
}
# a sentence that already pins the answer's form ("Answer with one word.", "Reply only with ...")
# ("Return the number of apples." is the task, not a directive: only answer/respond/reply count)
_SIMILAR = re.compile(r"(?i)\b(answer|respond|reply)\b[^.!?]*\b(only|just|one(\s+\w+)?\s+word|single word|short phrase)\b")


def directive(context: RewriteContext) -> str | None:
    """The answer directive for the context's scorer, or None for a scorer without one."""
    if context.scorer_name == "choice":
        words = context.label_words()
        if not words:
            return None
        listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
        return f"Answer with one word: {listed}."
    return _DIRECTIVES.get(context.scorer_name)


@rewrite("answer-format")
def answer_format(variant: Variant, context: RewriteContext) -> list[Proposal]:
    """An answer directive derived from the scorer, replacing a similar one or added to the prompt."""
    text = directive(context)
    if text is None:
        return []
    for where in ("template", "system"):
        source = getattr(variant, where) or ""
        for s, e in static_text.sentences(source):
            sentence = source[s:e].rstrip()
            if _SIMILAR.search(sentence):
                if sentence == text:
                    return []
                new = source[:s] + text + source[s + len(sentence) :]
                return [Proposal("fmt", {"directive": text, "replaced": sentence, "where": where}, **{where: new})]
    return [Proposal("fmt", {"directive": text, "replaced": None, "where": "template"}, template=_insert(variant.template, text))]


_CUE = re.compile(r"\n([^\n]{1,40}:)[ \t]*\n?$")


def _insert(template: str, text: str) -> str:
    """Before a final cue line such as 'Sentiment:' when it is static text, else at the end."""
    m = _CUE.search(template)
    if m and static_text.is_static(template, m.start(), len(template)):
        return template[: m.start()] + "\n" + text + template[m.start() :]
    body = template.rstrip()
    return body + "\n" + text + template[len(body) :]


# --- fold-system --------------------------------------------------------------------------


@rewrite("fold-system")
def fold_system(variant: Variant, context: RewriteContext) -> list[Proposal]:
    """The system message merged into the user message (one candidate) or dropped (another)."""
    if not variant.system:
        return []
    merged = variant.system.rstrip() + "\n\n" + variant.template
    return [
        Proposal("fold", {"action": "merge"}, template=merged, drop_system=True),
        Proposal("nosys", {"action": "drop", "dropped": variant.system}, drop_system=True),
    ]


# --- drop-block ---------------------------------------------------------------------------

# Leave-one-out over every unit would cost one candidate per sentence: a few-shot prompt has
# dozens. The longest units are where the prompt tokens are, so only they are tried.
MAX_DROPS = 6


def _units(variant: Variant) -> list[tuple[str, str, int, int]]:
    """(where, kind, start, end) of each droppable block and sentence, longest first."""
    units = []
    for where in ("template", "system"):
        source = getattr(variant, where) or ""
        found = {(s, e): "block" for s, e in static_text.blocks(source)}
        for span in static_text.sentences(source):
            found.setdefault(span, "sentence")
        units += [(where, kind, s, e) for (s, e), kind in found.items() if source[s:e].strip() != source.strip()]
    return sorted(units, key=lambda u: (-(u[3] - u[2]), u[0] == "system", u[2]))


@rewrite("drop-block")
def drop_block(variant: Variant, context: RewriteContext) -> list[Proposal]:
    """Leave-one-out removal of a sentence or a blank-line separated block (few-shot example, instruction)."""
    out = []
    for where, kind, s, e in _units(variant):
        source = getattr(variant, where)
        new = source[:s] + source[e:]
        # an emptied system message is fold-system's candidate; an emptied template is none
        if not new.strip() or static_text.jinja_parts(new) != static_text.jinja_parts(source):
            continue
        params = {"where": where, "unit": kind, "dropped": source[s:e].strip(), "chars": e - s}
        out.append(Proposal(f"drop{len(out) + 1}", params, **{where: new}))
        if len(out) == MAX_DROPS:
            break
    return out


# --- compress -----------------------------------------------------------------------------

RATIOS = (0.8, 0.6, 0.4)


@rewrite("compress")
def compress(variant: Variant, context: RewriteContext) -> list[Proposal]:
    """Selective Context: the least informative tokens of the static text dropped to a ratio (0.8, 0.6, 0.4)."""
    if context.compressor is None:
        return []
    out = []
    for ratio in RATIOS:
        changes, lengths = {}, {}
        for where in ("template", "system"):
            source = getattr(variant, where)
            if not source or not any(p.static and p.text.strip() for p in static_text.split_template(source)):
                continue
            new = context.compressor(source, ratio)
            # the compressor must keep every Jinja part; one that does not is not used
            if new.strip() and len(new) < len(source) and static_text.jinja_parts(new) == static_text.jinja_parts(source):
                changes[where] = new
                lengths[where] = [len(source), len(new)]
        if changes:
            out.append(Proposal(f"cmp{round(ratio * 100)}", {"ratio": ratio, "chars": lengths}, **changes))
    return out
