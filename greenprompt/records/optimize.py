"""Records of `greenprompt optimize`: the rewrites a candidate went through (its lineage).

A RewriteStep is one applied rewrite with the parameters it chose; a candidate's lineage is
the tuple of its steps from the baseline. One to_dict/from_dict: the --json document and
the exported prompt files keep exactly these dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class RewriteStep:
    """One rewrite applied to a parent variant: its registered name and what it did,
    e.g. RewriteStep("cap-output", {"max_tokens": 6, "margin": 2, "would_cut": 1, "stop": ["\\n"]})."""

    rewrite: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # a copy: the caller's dict may change later; a step is shared by every descendant's lineage
        object.__setattr__(self, "params", dict(self.params))

    def to_dict(self) -> dict[str, Any]:
        return {"rewrite": self.rewrite, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "RewriteStep":
        return cls(rewrite=str(d["rewrite"]), params=dict(d.get("params") or {}))
