"""Extra jobs a cascade asks for: the small model checking its own answer."""

from __future__ import annotations

from dataclasses import replace

from greenprompt.inputs.cascade_spec import DEFAULT_VERIFIER, VERIFIER_MAX_TOKENS
from greenprompt.inputs.prompt_sets import render_text
from greenprompt.records import CascadeSpec, Job, JobRole, Request


def verifier_job(job: Job, answer: str, spec: CascadeSpec) -> Job:
    """The small model asked whether its own answer is right: the answer job's variant,
    item and repeat, in the verifier role."""
    text = render_text(spec.verifier or DEFAULT_VERIFIER, {"prompt": job.request.text, "answer": answer.strip()})
    # the answer's grammar (e.g. only its labels) would not admit the verifier's yes/no
    params = replace(job.request.params, max_tokens=VERIFIER_MAX_TOKENS, temperature=0.0, stop=(), grammar=None)
    request = Request(mode=job.request.mode, text=text, system=job.request.system, params=params, seed=job.request.seed)
    return replace(job, role=JobRole.VERIFY, request=request, target=None)
