"""Fakes for unit tests of pure logic and for scale benchmarks. End-to-end tests use the real model."""

from __future__ import annotations

import csv
from pathlib import Path

from greenprompt.records import BackendOutput

WORDS = ("positive", "negative")


class InstantBackend:
    """Answers at once, deterministically: 'positive' when the text has an even length."""

    metadata = {"general.name": "instant"}
    has_chat_template = True

    def __init__(self, *_):
        self.calls = 0

    def generate(self, request):
        self.calls += 1
        return BackendOutput(WORDS[len(request.text) % 2], len(request.text) // 4, 1, 0.0, 0.0, "stop")

    def close(self):
        pass


def write_rows(path: Path, rows: int) -> Path:
    """A TSV with `rows` synthetic review rows (text, label)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        w.writerow(["text", "label"])
        for i in range(rows):
            w.writerow([f"review number {i} says the film was {'good' if i % 3 else 'dull'} and {i % 7} stars", i % 2])
    return path


class ScriptedBackend:
    """Deterministic answers and CPU cost per variant, chosen by the prompt's first word:
    `<tag>: ...`. Each tag maps to (how often it is right, milliseconds of CPU per call).
    The CPU is really burnt, so the estimated energy follows the cost honestly."""

    metadata = {"general.name": "scripted"}
    has_chat_template = True

    def __init__(self, plan: dict[str, tuple[float, float]]):
        self.plan = plan
        self.calls: list[str] = []

    def __call__(self, *_):
        return self

    def generate(self, request):
        import time

        tag, _, rest = request.text.partition(":")
        right_share, cpu_ms = self.plan[tag]
        self.calls.append(tag)
        item = int(rest.strip().split()[0])
        right = (item * 7919 % 100) < right_share * 100  # deterministic, spread over items
        end = time.process_time() + cpu_ms / 1000
        while time.process_time() < end:
            pass
        return BackendOutput("yes" if right else "no", 10, 1, 0.0, 0.0, "stop")

    def close(self):
        pass
