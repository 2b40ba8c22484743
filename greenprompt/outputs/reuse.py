"""How a run's generations came from the cache, in words for the reports: how many were
served from it (their energy spent by earlier runs) and how many were generated again
because the energy stored with them was metered another way (engine.waves)."""

from __future__ import annotations

from greenprompt.records import RunResult


def cache_clause(result: RunResult) -> str:
    """' (N served from the cache ...; M re-measured ...)', or '' when neither happened."""
    cached = sum(1 for g in result.generations if g.cached)
    remeasured = sum(1 for g in result.generations if g.remeasured)
    parts = []
    if cached:
        parts.append(f"{cached} served from the cache, their energy spent by earlier runs")
    if remeasured:
        parts.append(
            f"{remeasured} re-measured: their cached answers' energy was metered with another energy model, "
            "thread setting or CPU"
        )
    return f" ({'; '.join(parts)})" if parts else ""
