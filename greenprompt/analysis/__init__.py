"""Analysis: scoring, statistics, the frontier, racing decisions, cascade points, the energy fit
and projections. Pure computation over records: no model, no store."""
