"""Warnings about scores that say nothing: a `choice:` label set none of the targets is in,
and a scorer under which every answer of every variant scores 0 (the default `exact` on
free-text answers does that). Both give 0.000 everywhere, which otherwise looks like a
result."""

from __future__ import annotations

from typing import Iterable, Sequence

from greenprompt.analysis.scoring import parse_choice_map

# above this many distinct targets they are not labels, and no choice: hint is offered
MAX_LABELS = 10


def _choice_hint(targets: Sequence[str]) -> str:
    """`choice:T1,T2,...` when the targets look like labels (a few distinct single words)."""
    labels = 0 < len(targets) <= MAX_LABELS and all(t and len(t.split()) == 1 and "," not in t for t in targets)
    return f"choice:{','.join(targets)}" if labels else ""


def score_warnings(spec: str, targets: Iterable[str | None], scores: Sequence[float]) -> tuple[str, ...]:
    """The warnings for a run scored with `spec`: `targets` are the answers' references
    (None: no reference), `scores` the scores of the answers that did not fail."""
    distinct = sorted({t.strip() for t in targets if t is not None})
    hint = _choice_hint(distinct)
    name, sep, argument = spec.partition(":")
    if name.strip() == "choice" and sep and distinct:
        labels = parse_choice_map(argument)
        if not labels.keys() & set(distinct):
            shown = ", ".join(distinct[:MAX_LABELS]) + (", ..." if len(distinct) > MAX_LABELS else "")
            fix = f"; did you mean --scorer {hint} (or choice:LABEL=WORD,... mapping each target to its word)?" if hint else ""
            return (f"no target is a label of scorer {spec} (labels: {', '.join(labels)}; targets: {shown}): "
                    f"every answer scores 0{fix}",)
    if scores and not any(scores):
        default = " (the default scorer: the answer must equal the target)" if spec == "exact" else ""
        if hint and name.strip() != "choice":
            options = f"--scorer {hint} (the first label word in the answer) or --scorer contains"
        else:
            options = "--scorer contains (the target inside the answer) or --scorer f1 (word overlap with the target)"
        return (f"every answer of every variant scores 0 with scorer {spec}{default}; try {options}",)
    return ()
