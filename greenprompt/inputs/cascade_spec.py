"""Cascade specs: `--cascade SMALL,LARGE --escalate-when RULE` or `cascade:` in a prompt set,
checked before any model work. The extra jobs a cascade needs are planned by the engine and
its points are built by the analysis."""

from __future__ import annotations

from typing import Any

from greenprompt.inputs.yaml_files import check_keys
from greenprompt.records import CascadeSpec
from greenprompt.records.errors import GreenPromptError

INVALID, LOW_CONFIDENCE, VERIFIER = "invalid", "low-confidence", "verifier"
RULES = (INVALID, LOW_CONFIDENCE, VERIFIER)
CASCADE_KEYS = ("small", "large", "escalate_when", "threshold", "calibrate", "verifier")
DEFAULT_VERIFIER = (
    "{{ prompt }}\n\nProposed answer: {{ answer }}\n\n"
    "Is the proposed answer correct? Reply with one word: yes or no."
)
VERIFIER_MAX_TOKENS = 4


def make_cascade(
    models: str, escalate_when: str | None, threshold: float | None = None, calibrate: bool = False,
    verifier: str | None = None, where: str = "--cascade",
) -> CascadeSpec:
    """A checked cascade spec from `small,large` and its escalation rule."""
    names = [m.strip() for m in str(models).split(",")]
    if len(names) != 2 or not all(names):
        raise GreenPromptError(f"{where} {models!r}: give two models, small then large: --cascade SMALL,LARGE")
    rule = escalate_when or INVALID
    if rule not in RULES:
        raise GreenPromptError(f"{where}: --escalate-when must be one of {', '.join(RULES)}, got {rule!r}")
    if rule == LOW_CONFIDENCE and threshold is None and not calibrate:
        raise GreenPromptError(
            f"{where}: low-confidence needs --threshold (a mean token log-probability, e.g. -0.5) or --calibrate"
        )
    if calibrate and rule != LOW_CONFIDENCE:
        raise GreenPromptError(f"{where}: --calibrate sweeps a threshold, so it needs --escalate-when {LOW_CONFIDENCE}")
    if verifier is not None and (not isinstance(verifier, str) or not verifier.strip()):
        raise GreenPromptError(f"{where}: 'verifier' must be a non-empty template with {{{{ prompt }}}} and {{{{ answer }}}}")
    return CascadeSpec(names[0], names[1], rule, None if threshold is None else float(threshold), bool(calibrate), verifier)


def cascade_from_data(data: Any, where: str) -> CascadeSpec:
    """`cascade:` in a prompt set: {small, large, escalate_when, threshold, calibrate, verifier}."""
    if not isinstance(data, dict):
        raise GreenPromptError(f"{where}: 'cascade' must be a mapping with small, large and escalate_when")
    check_keys(data, CASCADE_KEYS, f"{where}: cascade")
    if not data.get("small") or not data.get("large"):
        raise GreenPromptError(f"{where}: cascade needs 'small' and 'large' models")
    threshold = data.get("threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))):
        raise GreenPromptError(f"{where}: cascade 'threshold' must be a number, got {threshold!r}")
    return make_cascade(f"{data['small']},{data['large']}", data.get("escalate_when"), threshold,
                        bool(data.get("calibrate", False)), data.get("verifier"), f"{where}: cascade")


def cascade_options(value: Any, where: str) -> dict[str, Any]:
    """`cascade:` at the top of an experiment file, as the config fields it sets: the
    command line's `SMALL,LARGE`, a list `[SMALL, LARGE]`, or a prompt set's mapping
    {small, large, escalate_when, threshold, calibrate} (a verifier template belongs to the
    prompt set's own `cascade:`, beside its variants)."""
    if isinstance(value, str):
        return {"cascade": value}
    if isinstance(value, list) and len(value) == 2 and all(isinstance(m, str) and m for m in value):
        return {"cascade": ",".join(value)}
    if not isinstance(value, dict):
        raise GreenPromptError(
            f"{where}: 'cascade' must be SMALL,LARGE, a list [SMALL, LARGE] or a mapping with small, large and escalate_when"
        )
    if "verifier" in value:
        raise GreenPromptError(f"{where}: a cascade's 'verifier' goes in the prompt set's cascade: (its file, or prompts: inline)")
    spec = cascade_from_data(value, where)  # the prompt set's checks and messages
    return {"cascade": f"{spec.small},{spec.large}", **{k: value[k] for k in ("escalate_when", "threshold", "calibrate") if k in value}}
