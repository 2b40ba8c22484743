"""Scorers: small registered factories, each turning a spec argument into a scoring function.

A spec is `NAME` or `NAME:ARGUMENT`, e.g. `contains`, `regex:^(yes|no)`,
`choice:1=positive,0=negative`, `numeric:0.01`. Every score is in [0, 1].
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from greenprompt.records.errors import GreenPromptError

ScoreFn = Callable[[str, str], float]


def _answered(output: str) -> bool:
    return bool(output.strip())


@dataclass(frozen=True)
class Scorer:
    spec: str
    fn: ScoreFn
    description: str
    # whether the output holds an answer this scorer can read (a label word, a number...),
    # whatever the target: the `invalid` cascade rule escalates when it does not
    valid: Callable[[str], bool] = _answered

    def __call__(self, output: str, target: str | None) -> float:
        if target is None:
            return 0.0
        return float(self.fn(output, target))


_REGISTRY: dict[str, tuple[Callable[[str | None], tuple[ScoreFn, str]], bool]] = {}


def scorer(name: str, takes_argument: bool = False):
    """Register a scorer factory under `name`. The factory gets the text after `NAME:`."""

    def register(factory):
        _REGISTRY[name] = (factory, takes_argument)
        return factory

    return register


def scorer_names() -> list[str]:
    return sorted(_REGISTRY)


def get_scorer(spec: str) -> Scorer:
    """Build the scorer a spec names; a bad spec is a GreenPromptError."""
    name, sep, argument = spec.partition(":")
    name = name.strip()
    if name not in _REGISTRY:
        raise GreenPromptError(
            f"unknown scorer '{spec}'; available: {', '.join(scorer_names())} (e.g. choice:1=positive,0=negative)"
        )
    factory, takes_argument = _REGISTRY[name]
    if sep and not takes_argument:
        raise GreenPromptError(f"scorer '{name}' takes no argument, got '{spec}'")
    fn, description, *valid = factory(argument if sep else None)
    return Scorer(spec=spec, fn=fn, description=description, valid=valid[0] if valid else _answered)


def _norm(text: str) -> str:
    return " ".join(text.split())


@scorer("exact")
def _exact(_: str | None):
    return (lambda out, target: _norm(out) == _norm(target)), "output equals the target (surrounding whitespace ignored)"


@scorer("contains")
def _contains(_: str | None):
    return (
        lambda out, target: _norm(target).casefold() in _norm(out).casefold()
    ), "output contains the target (case-insensitive)"


@scorer("regex", takes_argument=True)
def _regex(pattern: str | None):
    if not pattern:
        raise GreenPromptError("scorer 'regex' needs a pattern: regex:PATTERN")
    try:
        rx = re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        raise GreenPromptError(f"scorer regex:{pattern}: invalid regular expression ({e})") from None

    def score(out: str, target: str) -> bool:
        m = rx.search(out)
        if not m:
            return False
        # With a capture group the captured answer must be the target; without, a match is a pass.
        return m.group(1).strip().casefold() == target.strip().casefold() if rx.groups else True

    return (
        score,
        f"regex {pattern!r} matches (first group equals the target when the pattern has one)",
        lambda out: rx.search(out) is not None,
    )


def parse_choice_map(argument: str | None) -> dict[str, str]:
    """`1=positive,0=negative` -> {label: word}; `positive,negative` maps each word to itself."""
    if not argument:
        raise GreenPromptError("scorer 'choice' needs label words: choice:1=positive,0=negative or choice:yes,no")
    mapping: dict[str, str] = {}
    for part in argument.split(","):
        label, eq, word = part.partition("=")
        label, word = label.strip(), (word if eq else label).strip()
        if not label or not word:
            raise GreenPromptError(f"scorer choice:{argument}: '{part}' is not LABEL=WORD or WORD")
        mapping[label] = word
    return mapping


def first_choice(output: str, words: dict[str, str]) -> str | None:
    """The label whose word appears first in the output (whole word, case-insensitive)."""
    best: tuple[int, str] | None = None
    for label, word in words.items():
        m = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", output, re.IGNORECASE)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), label)
    return best[1] if best else None


@scorer("choice", takes_argument=True)
def _choice(argument: str | None):
    words = parse_choice_map(argument)
    return (
        (lambda out, target: first_choice(out, words) == target.strip()),
        "the first label word in the output names the target label",
        lambda out: first_choice(out, words) is not None,
    )


_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+")


def first_number(text: str) -> float | None:
    m = _NUMBER.search(text)
    return float(m.group().replace(",", "")) if m else None


@scorer("numeric", takes_argument=True)
def _numeric(argument: str | None):
    try:
        tolerance = float(argument) if argument else 0.0
    except ValueError:
        raise GreenPromptError(f"scorer numeric:{argument}: the tolerance must be a number, e.g. numeric:0.01") from None
    if tolerance < 0:
        raise GreenPromptError(f"scorer numeric:{argument}: the tolerance must be >= 0")

    def score(out: str, target: str) -> bool:
        got, want = first_number(out), first_number(target)
        return got is not None and want is not None and abs(got - want) <= tolerance

    return (
        score,
        f"first number in the output equals the target (tolerance {tolerance:g})",
        lambda out: first_number(out) is not None,
    )


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def _f1_tokens(text: str) -> list[str]:
    return _ARTICLES.sub(" ", text.casefold().translate(_PUNCT)).split()


@scorer("f1")
def _f1(_: str | None):
    def score(out: str, target: str) -> float:
        pred, gold = _f1_tokens(out), _f1_tokens(target)
        if not pred or not gold:
            return float(pred == gold)
        common = sum((Counter(pred) & Counter(gold)).values())
        if common == 0:
            return 0.0
        precision, recall = common / len(pred), common / len(gold)
        return 2 * precision * recall / (precision + recall)

    return score, "token-level F1 between output and target (SQuAD normalisation)"
