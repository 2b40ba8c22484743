"""A template split into its static text and its Jinja parts, found by jinja2's own lexer.

Rewrites may change only the static text; every `{{ ... }}`, `{% ... %}` and `{# ... #}`
(and the whitespace their `-` markers strip) is a Jinja piece kept byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError

# the default delimiters, as the prompt sets' sandboxed environment uses; the trailing newline kept
_env = Environment(keep_trailing_newline=True, autoescape=False)


@dataclass(frozen=True)
class Piece:
    static: bool
    text: str


def split_template(source: str) -> tuple[Piece, ...]:
    """The template as alternating static and Jinja pieces whose texts join back to `source`.
    A template the lexer refuses is one Jinja piece: nothing in it is touched."""
    try:
        tokens = list(_env.lex(source))
    except TemplateSyntaxError:
        return (Piece(False, source),) if source else ()
    pieces: list[Piece] = []
    cursor = 0
    for _, kind, value in tokens:
        at = source.find(value, cursor)
        if at < 0:  # the lexer rewrote a value (e.g. newlines): keep the whole template
            return (Piece(False, source),)
        if at > cursor:  # whitespace a `-` marker strips belongs to the Jinja next to it
            _add(pieces, False, source[cursor:at])
        _add(pieces, kind == "data", value)
        cursor = at + len(value)
    if cursor < len(source):
        tail = source[cursor:]
        _add(pieces, not tail.strip(), tail)
    return tuple(pieces)


def _add(pieces: list[Piece], static: bool, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].static == static:
        pieces[-1] = Piece(static, pieces[-1].text + text)
    else:
        pieces.append(Piece(static, text))


def jinja_parts(source: str) -> tuple[str, ...]:
    """The Jinja pieces in order: a rewrite must leave exactly these."""
    return tuple(p.text for p in split_template(source) if not p.static)


def static_spans(source: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the static pieces in `source`."""
    spans, at = [], 0
    for p in split_template(source):
        if p.static:
            spans.append((at, at + len(p.text)))
        at += len(p.text)
    return spans


def is_static(source: str, start: int, end: int) -> bool:
    """Whether source[start:end] lies inside one static piece."""
    return any(s <= start and end <= e for s, e in static_spans(source))


_BLOCK_GAP = re.compile(r"\n[ \t]*\n\s*")
# a sentence may run over a line break, never over a blank line
_SENTENCE = re.compile(r"[^\s.!?](?:[^.!?\n]|\n(?![ \t]*\n))*[.!?]+(?=\s|$)")


def blocks(source: str) -> list[tuple[int, int]]:
    """Blank-line separated blocks of a template that hold no Jinja, as (start, end) with the
    separator after them (or before them, for the last block)."""
    cuts = [(m.start(), m.end()) for m in _BLOCK_GAP.finditer(source)]
    if not cuts:
        return []
    starts = [0] + [e for _, e in cuts]
    ends = [s for s, _ in cuts] + [len(source)]
    spans = []
    for i, (s, e) in enumerate(zip(starts, ends)):
        if not source[s:e].strip() or not is_static(source, s, e):
            continue
        spans.append((s, starts[i + 1]) if i + 1 < len(starts) else (ends[i - 1], e))
    return spans


def sentences(source: str) -> list[tuple[int, int]]:
    """Sentences (ending in . ! or ?) of the static text, as (start, end) with the spaces after
    them, and the line break after a sentence that is a whole line."""
    spans = []
    for s, e in static_spans(source):
        for m in _SENTENCE.finditer(source, s, e):
            end = m.end()
            while end < e and source[end] in " \t":
                end += 1
            if end < e and source[end] == "\n" and (m.start() == 0 or source[m.start() - 1] == "\n"):
                end += 1
            spans.append((m.start(), end))
    return spans
