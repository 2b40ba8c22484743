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
