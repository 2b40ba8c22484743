"""Pure functions over (quality, cost) points: quality is maximised, cost minimised.

An unknown cost (None) is treated as infinitely expensive: it never dominates a known one.
"""

from __future__ import annotations

import math
from typing import Sequence

Point = tuple[float, "float | None"]


def _cost(p: Point) -> float:
    return math.inf if p[1] is None else p[1]


def dominates(a: Point, b: Point) -> bool:
    """a is at least as good on both axes and strictly better on one."""
    qa, ca, qb, cb = a[0], _cost(a), b[0], _cost(b)
    return qa >= qb and ca <= cb and (qa > qb or ca < cb)


def pareto_ranks(points: Sequence[Point]) -> list[int]:
    """Non-dominated sorting: rank 1 is the frontier, 2 the front behind it, and so on.

    Identical points dominate neither each other, so exact ties share a rank.
    """
    n = len(points)
    dominated_by = [0] * n
    dominating: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j and dominates(points[i], points[j]):
                dominating[i].append(j)
                dominated_by[j] += 1
    ranks = [0] * n
    front = [i for i in range(n) if dominated_by[i] == 0]
    rank = 1
    while front:
        nxt = []
        for i in front:
            ranks[i] = rank
            for j in dominating[i]:
                dominated_by[j] -= 1
                if dominated_by[j] == 0:
                    nxt.append(j)
        front, rank = nxt, rank + 1
    return ranks


def knee(points: Sequence[Point], ranks: Sequence[int]) -> int | None:
    """Index of the frontier point with the best trade-off.

    On the frontier normalised to [0, 1] on both axes, the knee is the point farthest
    above the chord joining the cheapest and the best point, i.e. the largest
    normalised quality minus normalised cost. Ties go to the cheaper point.
    """
    front = [i for i, r in enumerate(ranks) if r == 1 and points[i][1] is not None]
    if not front:
        return None
    qs = [points[i][0] for i in front]
    cs = [_cost(points[i]) for i in front]
    q_span = (max(qs) - min(qs)) or 1.0
    c_span = (max(cs) - min(cs)) or 1.0

    def gain(i: int) -> tuple[float, float]:
        q, c = points[i][0], _cost(points[i])
        return ((q - min(qs)) / q_span - (c - min(cs)) / c_span, -c)

    return max(front, key=gain)


def cheapest_meeting(points: Sequence[Point], min_quality: float) -> int | None:
    """Index of the lowest-cost point whose quality is at least `min_quality` (None if none is)."""
    ok = [i for i, p in enumerate(points) if p[0] >= min_quality and p[1] is not None]
    if not ok:
        return None
    return min(ok, key=lambda i: (_cost(points[i]), -points[i][0]))
