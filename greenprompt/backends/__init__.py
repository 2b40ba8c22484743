"""Backends turn a rendered `Request` into text plus token counts and timings."""

from __future__ import annotations

from typing import Mapping, Protocol

from greenprompt.records import BackendOutput, Request


class Backend(Protocol):
    """A loaded model. `generate` must not reuse state from earlier requests."""

    metadata: Mapping[str, str]

    def generate(self, request: Request) -> BackendOutput: ...

    def close(self) -> None: ...
