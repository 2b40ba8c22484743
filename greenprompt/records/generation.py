"""One generation: the rendered request, the job that asks for it, and what came back metered."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, Sequence

from greenprompt.records.inputs import GenerationParams


class JobRole(str, Enum):
    """What a job is for: a variant's answer to an item, or (cascades with the verifier
    rule) the small model checking its own answer."""

    ANSWER = "answer"
    VERIFY = "verify"


# How a verifier call is named where generations are written out (the store, generations.jsonl):
# `variant#verify`, as every stored run and every export before typed roles had it.
VERIFY_SUFFIX = "#verify"


@dataclass(frozen=True)
class Request:
    """What the backend is asked to generate, fully rendered."""

    mode: str
    text: str  # completion-mode prompt, or the user message in chat mode
    system: str | None
    params: GenerationParams
    seed: int
    logprobs: bool = False  # also report the answer's mean token log-probability

    def messages(self) -> list[dict[str, str]]:
        msgs = [{"role": "system", "content": self.system}] if self.system else []
        return msgs + [{"role": "user", "content": self.text}]

    def prompt_text(self) -> str:
        """The human-written prompt text (system + user), without chat-template tokens."""
        return f"{self.system}\n\n{self.text}" if self.system else self.text


@dataclass(frozen=True)
class Job:
    variant: str
    item_id: str
    index: int  # position of the item in the dataset
    request: Request
    target: str | None
    repeat: int = 0
    role: JobRole = JobRole.ANSWER


@dataclass(frozen=True)
class BackendOutput:
    """What a backend returns for one request."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    prefill_s: float | None
    decode_s: float | None
    finish_reason: str | None = None
    prefix_tokens: int = 0  # prompt tokens served from a cached prefix, not evaluated
    mean_logprob: float | None = None


@dataclass(frozen=True)
class Measurement:
    """Time and energy of one metered span."""

    wall_s: float
    cpu_s: float
    energy_j: float | None
    method: str  # "measured" | "estimated" | "estimated-tokens" | "estimated-codecarbon" | "unknown"
    note: str = ""
    contention: float | None = None  # share of the machine's CPU others used during it; None: unknown


@dataclass(frozen=True)
class Generation:
    """One finished (or failed) generation with its metering."""

    variant: str
    item_id: str
    index: int
    prompt: str
    output: str
    target: str | None
    prompt_tokens: int
    completion_tokens: int
    prompt_tokens_cl100k: int
    completion_tokens_cl100k: int
    wall_s: float
    cpu_s: float
    prefill_s: float | None
    decode_s: float | None
    energy_j: float | None
    energy_method: str
    gco2e: float | None
    finish_reason: str | None = None
    error: str | None = None
    repeat: int = 0
    cached: bool = False  # served from the generation cache: its energy was spent by an earlier run
    prefix_tokens: int = 0  # prompt tokens reused from the prefix cache (prefix-cache serving)
    mean_logprob: float | None = None  # mean log-probability of the answer's tokens, when asked for
    role: JobRole = JobRole.ANSWER
    # share of the machine's CPU used by other processes and steal while it ran (engine.contention);
    # None where /proc is absent and in runs stored before it was recorded, never a guessed 0
    contention: float | None = None
    # generated again although its answer was in the cache: the cached energy was metered
    # with another energy model, thread setting or CPU (engine.waves), so it did not apply
    remeasured: bool = False
    # where it ran (--executor ray): Ray's node id, the node's host name and CPU model; None
    # for generations of the local executor and runs stored before these were recorded
    node_id: str | None = None
    host: str | None = None
    cpu: str | None = None

    @property
    def label(self) -> str:
        """The name it is shown and written out under: the variant, `variant#verify` for a
        verifier call."""
        return self.variant + VERIFY_SUFFIX if self.role is JobRole.VERIFY else self.variant

    def to_dict(self) -> dict[str, Any]:
        """The stored and exported form: every field but `role`, which the variant's name
        carries (`label`: the shape stores and exports have always had)."""
        # every field is a plain value: a shallow copy is the same dict as dataclasses.asdict's
        # deep one, at a fifth of its cost (it was a fifth of the driver's time per generation)
        data = {name: getattr(self, name) for name in _STORED_FIELDS}
        data["variant"] = self.label
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Generation":
        """The inverse of to_dict; keys this version does not know are ignored."""
        values = {k: v for k, v in data.items() if k in _GENERATION_FIELDS and k != "role"}
        if values["variant"].endswith(VERIFY_SUFFIX):
            values["variant"] = values["variant"][: -len(VERIFY_SUFFIX)]
            values["role"] = JobRole.VERIFY
        return cls(**values)

    def energy_split(self) -> tuple[float | None, float | None]:
        """(prefill J, decode J): the generation's energy shared in proportion to
        llama.cpp's prefill and decode times, so the two parts add up to the whole."""
        if self.energy_j is None or self.prefill_s is None or self.decode_s is None:
            return None, None
        busy = self.prefill_s + self.decode_s
        if busy <= 0:
            return None, None
        share = self.prefill_s / busy
        return self.energy_j * share, self.energy_j * (1 - share)


_GENERATION_FIELDS = {f.name for f in fields(Generation)}
_STORED_FIELDS = tuple(f.name for f in fields(Generation) if f.name != "role")  # in declaration order


# Above this wall-time-weighted mean share of the CPU used by others, a run's CPU-time energy
# is called inflated in the report and cannot calibrate the tokens model. 0.2 is well above
# the 0.00-0.05 of this project's quiet 2-CPU runs and well below the 0.5 one competing busy
# loop gives on 2 CPUs (which inflated CPU time per query 1.5x with today's old thread default).
HIGH_CONTENTION = 0.2


@dataclass(frozen=True)
class ContentionSummary:
    """How busy the rest of the machine was during a run's fresh generations."""

    mean: float | None  # wall-time-weighted mean share of the CPU others used
    max: float | None
    n: int  # generations with a known figure

    @property
    def high(self) -> bool:
        return self.mean is not None and self.mean > HIGH_CONTENTION

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "max": self.max, "n": self.n}


def contention_summary(generations: Sequence[Generation]) -> ContentionSummary:
    """Over the generations metered in this run (not served from the cache) whose contention
    is known. Weighted by wall time: a long generation under load inflates more joules."""
    known = [g for g in generations if not g.cached and g.contention is not None]
    if not known:
        return ContentionSummary(None, None, 0)
    wall = sum(g.wall_s for g in known)
    mean = sum(g.contention * g.wall_s for g in known) / wall if wall > 0 else sum(g.contention for g in known) / len(known)
    return ContentionSummary(mean, max(g.contention for g in known), len(known))
