"""Small-to-large cascades: try the small model, escalate to the large one when the small
answer is not good enough, and count everything spent.

Every variant runs on both models (and, for the verifier rule, the small model checks
each of its answers). A cascade's query is then built from those measured generations:
the small attempt, the verifier call, and the large attempt only when escalated. Under
standalone serving each generation's cost does not depend on what ran before it, so this
is what a deployed cascade spends, and sweeping a threshold needs no new generation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from greenprompt.inputs.cascade_spec import INVALID, LOW_CONFIDENCE, VERIFIER
from greenprompt.records import CascadeInfo, CascadeSpec, Generation, JobRole, VariantSummary

# At most this many thresholds when calibrating: the observed values, or their quantiles.
MAX_THRESHOLDS = 9


def verifier_accepts(output: str) -> bool:
    """The verifier's first yes/no word is yes."""
    from greenprompt.analysis.scoring import first_choice

    return first_choice(output, {"yes": "yes", "no": "no"}) == "yes"


@dataclass(frozen=True)
class CascadePoint:
    """One cascade on the frontier: its per-query generations and how often it escalated."""

    name: str
    variant: str  # the prompt variant (base name)
    threshold: float | None
    generations: tuple[Generation, ...]
    escalated: tuple[bool, ...]

    @property
    def escalation_rate(self) -> float:
        return float(np.mean(self.escalated)) if self.escalated else 0.0


def point_name(variant: str, spec: CascadeSpec, threshold: float | None) -> str:
    name = f"{variant}@{spec.small}>{spec.large}"
    return name if spec.escalate_when != LOW_CONFIDENCE else f"{name}[lp<{_label(threshold)}]"


def _label(threshold: float) -> str:
    return f"{threshold:.3g}"


def _sum(values: Sequence[float | None]) -> float | None:
    return None if any(v is None for v in values) else float(sum(values))


def combine(name: str, parts: Sequence[Generation], final: Generation) -> Generation:
    """One cascade query: the final answer, and the sum of what every attempt cost."""
    return replace(
        final,
        variant=name,
        prompt=parts[0].prompt,
        prompt_tokens=sum(p.prompt_tokens for p in parts),
        completion_tokens=sum(p.completion_tokens for p in parts),
        prompt_tokens_cl100k=sum(p.prompt_tokens_cl100k for p in parts),
        completion_tokens_cl100k=sum(p.completion_tokens_cl100k for p in parts),
        wall_s=sum(p.wall_s for p in parts),
        cpu_s=sum(p.cpu_s for p in parts),
        prefill_s=_sum([p.prefill_s for p in parts]),
        decode_s=_sum([p.decode_s for p in parts]),
        energy_j=_sum([p.energy_j for p in parts]),
        gco2e=_sum([p.gco2e for p in parts]),
        cached=all(p.cached for p in parts),
        prefix_tokens=sum(p.prefix_tokens for p in parts),
        mean_logprob=parts[0].mean_logprob,
    )


def thresholds(values: Sequence[float], spec: CascadeSpec) -> list[float]:
    """The thresholds to try: the given one, and with calibration the observed confidences
    (or, when there are many, their quantiles), in increasing order."""
    chosen = set() if spec.threshold is None else {spec.threshold}
    if spec.calibrate and values:
        observed = np.unique(np.asarray(values, dtype=float))
        if observed.size > MAX_THRESHOLDS:
            observed = np.unique(np.quantile(observed, np.linspace(0, 1, MAX_THRESHOLDS)))
        chosen.update(float(v) for v in observed)
    # one threshold per printed label, so that every cascade point has its own name
    return sorted({_label(t): t for t in sorted(chosen, reverse=True)}.values())


def escalation_rule(spec: CascadeSpec, valid: Callable[[str], bool]) -> Callable[[Generation, Generation | None, float | None], bool]:
    """(small attempt, verifier answer, threshold) -> escalate?"""
    if spec.escalate_when == INVALID:
        return lambda small, _v, _t: small.error is not None or not valid(small.output)
    if spec.escalate_when == VERIFIER:
        return lambda small, check, _t: small.error is not None or check is None or not verifier_accepts(check.output)
    # a failed attempt or one without log-probabilities is escalated
    return lambda small, _v, t: small.error is not None or small.mean_logprob is None or small.mean_logprob < t


def cascade_points(
    spec: CascadeSpec, variants: Sequence[str], generations: Sequence[Generation], valid: Callable[[str], bool]
) -> list[CascadePoint]:
    """Every cascade the spec asks for (one per variant and threshold), from the run's
    answers of `variant@small` and `variant@large` and the small model's verifier calls."""
    cells = {(g.role, g.variant, g.item_id, g.repeat): g for g in generations}
    escalate = escalation_rule(spec, valid)
    points = []
    for variant in variants:
        small_name, large_name = f"{variant}@{spec.small}", f"{variant}@{spec.large}"
        smalls = [g for g in generations if g.role is JobRole.ANSWER and g.variant == small_name]
        confidences = [g.mean_logprob for g in smalls if g.mean_logprob is not None]
        for t in thresholds(confidences, spec) if spec.escalate_when == LOW_CONFIDENCE else [None]:
            name = point_name(variant, spec, t)
            gens, flags = [], []
            for small in smalls:
                check = cells.get((JobRole.VERIFY, small_name, small.item_id, small.repeat))
                up = escalate(small, check, t)
                large = cells.get((JobRole.ANSWER, large_name, small.item_id, small.repeat))
                if up and large is None:
                    continue  # the large attempt was not run (a budget or an interruption)
                parts = [small, *([check] if check is not None else []), *([large] if up else [])]
                gens.append(combine(name, parts, large if up else small))
                flags.append(up)
            points.append(CascadePoint(name, variant, t, tuple(gens), tuple(flags)))
    return points


def with_cascade_info(
    summaries: Sequence[VariantSummary], points: Sequence[CascadePoint], spec: CascadeSpec, min_quality: float | None
) -> tuple[VariantSummary, ...]:
    """Summaries with each cascade point's escalation rate and carbon relative to the large
    model; with calibration, the greenest threshold meeting `min_quality` is marked per variant."""
    by_name = {s.name: s for s in summaries}
    chosen: set[str] = set()
    if spec.calibrate and min_quality is not None:
        for variant in dict.fromkeys(p.variant for p in points):
            meeting = [
                by_name[p.name] for p in points
                if p.variant == variant and p.name in by_name and by_name[p.name].quality >= min_quality
                and by_name[p.name].gco2e is not None
            ]
            if meeting:
                chosen.add(min(meeting, key=lambda s: s.gco2e).name)
    info = {}
    for p in points:
        s, large = by_name.get(p.name), by_name.get(f"{p.variant}@{spec.large}")
        if s is None:
            continue
        ratio = s.gco2e / large.gco2e if s.gco2e is not None and large and large.gco2e else None
        info[p.name] = CascadeInfo(
            p.variant, spec.small, spec.large, spec.escalate_when, p.threshold, p.escalation_rate, ratio, p.name in chosen
        )
    return tuple(replace(s, cascade=info.get(s.name)) for s in summaries)
