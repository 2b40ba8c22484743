"""Per-node figures of a run on a Ray cluster (--executor ray): each node's generations and
its own parts of the footprint (model loads, prefix fills, idle actors, start-up), at the
node's intensity (--node-carbon, by host name) or the run's."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

from greenprompt.inputs.carbon import gco2e, node_intensity
from greenprompt.records import CarbonIntensity, Footprint, FootprintSegment, Generation
from greenprompt.records.nodes import NodeSummary


def node_summaries(
    segments: Sequence[FootprintSegment], generations: Sequence[Generation], intensity: CarbonIntensity,
    nodes: Mapping[str, float],
) -> tuple[NodeSummary, ...]:
    """One summary per node id that ran a fresh generation or holds a footprint part, in the
    order first seen. A node's energy is unknown (None) when any of its figures is."""
    names: dict[str, tuple[str, str]] = {}
    energy: dict[str, list[float | None]] = {}
    counts: dict[str, int] = {}
    for part in (p for s in segments for p in s.nodes):
        names.setdefault(part.node_id, (part.host, part.cpu))
        energy.setdefault(part.node_id, []).extend(getattr(part, k).energy_j for k in part.PARTS)
    for g in generations:
        if g.cached or g.node_id is None:
            continue
        names.setdefault(g.node_id, (g.host or "", g.cpu or ""))
        energy.setdefault(g.node_id, []).append(g.energy_j)
        counts[g.node_id] = counts.get(g.node_id, 0) + 1
    out = []
    for node_id, (host, cpu) in names.items():
        values = energy[node_id]
        joules = None if None in values else float(sum(values))
        own = node_intensity(intensity, host, nodes)
        out.append(NodeSummary(host, node_id, cpu, own.g_per_kwh, counts.get(node_id, 0), joules, gco2e(joules, own)))
    return tuple(out)


def at_node_intensities(foot: Footprint, generations: Sequence[Generation]) -> Footprint:
    """The footprint with its generations' carbon summed from theirs (each at its node's
    intensity) and the total following; model loads and overhead stay at the run's intensity
    (their per-node carbon is in the node summaries)."""
    carbons = [g.gco2e for g in generations if not g.cached]
    old = foot.generations.gco2e
    if None in carbons or old is None:
        return foot
    new = float(sum(carbons))
    total = foot.total.gco2e
    return replace(
        foot, generations=replace(foot.generations, gco2e=new),
        total=replace(foot.total, gco2e=None if total is None else total - old + new),
    )
