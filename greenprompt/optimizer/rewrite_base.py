"""The rewrites' shared parts: their names, what they are given (RewriteContext with the
parent's evidence), what a rewrite function returns (Proposal), the registry and the
candidates' names. The rewrite functions live in text_rewrites.py and param_rewrites.py;
rewrites.py is the entry point."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from greenprompt.analysis.scoring import parse_choice_map
from greenprompt.records import GenerationParams, Variant

REWRITES = ("answer-format", "cap-output", "drop-block", "compress", "fold-system", "constrain")
MAX_NAME = 60


@dataclass(frozen=True)
class ParentEvidence:
    """The parent's answers on the search split, in item order."""

    outputs: tuple[str, ...]
    correct: tuple[bool, ...]  # score >= 1 (or > 0.5 for graded scorers)
    completion_tokens: tuple[int, ...]  # the local model's completion tokens


@dataclass(frozen=True)
class RewriteContext:
    scorer: str  # the scorer spec as given: "exact", "contains", "choice:a,b", "numeric", "f1", "regex:..."
    labels: tuple[str, ...]  # the words a choice answer is written with (else (): read from a choice spec)
    mode: str  # "chat" | "completion"
    evidence: ParentEvidence | None = None  # needed by cap-output
    compressor: Callable[[str, float], str] | None = None  # needed by compress: (text, keep ratio) -> text

    def label_words(self) -> tuple[str, ...]:
        if self.labels:
            return self.labels
        name, _, argument = self.scorer.partition(":")
        if name.strip() != "choice" or not argument:
            return ()
        return tuple(dict.fromkeys(parse_choice_map(argument).values()))

    @property
    def scorer_name(self) -> str:
        return self.scorer.partition(":")[0].strip()


@dataclass(frozen=True)
class Proposal:
    """What a rewrite function returns: the changed fields and the step's parameters."""

    suffix: str  # short, for the candidate's name
    params: Mapping[str, Any]
    template: str | None = None  # None: unchanged
    system: str | None = None
    drop_system: bool = False
    generation: GenerationParams | None = None


RewriteFn = Callable[[Variant, RewriteContext], list[Proposal]]
_REGISTRY: dict[str, RewriteFn] = {}


def registered() -> dict[str, RewriteFn]:
    return dict(_REGISTRY)


def rewrite(name: str):
    """Register a rewrite function under one of REWRITES; its docstring is its description."""
    assert name in REWRITES, name

    def register(fn: RewriteFn) -> RewriteFn:
        _REGISTRY[name] = fn
        return fn

    return register


_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]+")


def candidate_name(parent: str, suffix: str) -> str:
    """`parent+suffix`, filesystem-safe, at most MAX_NAME characters (a long lineage keeps its
    head and gets a short hash of the whole name, so names stay unique)."""
    name = _UNSAFE.sub("-", f"{parent}+{suffix}").strip("-.") or "variant"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9]}~{digest}"
