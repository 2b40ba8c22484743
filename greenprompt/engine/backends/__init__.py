"""Backends turn a rendered `Request` into text plus token counts and timings."""

from __future__ import annotations

from typing import Mapping, Protocol

from greenprompt.records import CHAT, COMPLETION, BackendOutput, Request
from greenprompt.records.errors import GreenPromptError


class Backend(Protocol):
    """A loaded model. `generate` must not reuse state from earlier requests."""

    metadata: Mapping[str, str]

    def generate(self, request: Request) -> BackendOutput: ...

    def close(self) -> None: ...


def check_mode(backend: Backend, mode: str, model_path: str) -> None:
    """Chat mode needs the model's own chat template; base models are run in completion mode."""
    if mode == CHAT and not getattr(backend, "has_chat_template", True):
        raise GreenPromptError(
            f"{model_path}: this model has no chat template; use --mode {COMPLETION} (or 'mode: {COMPLETION}' in the prompt set)"
        )


def check_grammar(backend: Backend, variant: str, request: Request) -> None:
    """A request's grammar must parse before it is generated: a bad one is the prompt file's
    error (one line, exit 2), not a failed generation per item. A backend that cannot
    check grammars (the test fakes) ignores them."""
    if request.params.grammar and hasattr(backend, "check_grammar"):
        try:
            backend.check_grammar(request.params.grammar)
        except GreenPromptError as e:
            raise GreenPromptError(f"variant '{variant}': {e}") from None
