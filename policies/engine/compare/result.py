"""The answer of a comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Relation = Literal[
    "equivalent", "a_more_permissive", "b_more_permissive", "incomparable", "unknown"
]


@dataclass(slots=True)
class Comparison:
    """Which policy admits more, with requests that prove it.

    ``only_a`` / ``only_b`` hold requests in the case ``request`` shape that the
    one policy allows and the other does not, each confirmed by ``evaluate``.
    ``reason`` says why the relation is ``unknown``; ``errors_a`` / ``errors_b``
    list the codes of error findings that make a policy admit nothing.
    """

    relation: Relation
    only_a: list[dict[str, Any]] = field(default_factory=list)
    only_b: list[dict[str, Any]] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    errors_a: list[str] = field(default_factory=list)
    errors_b: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "relation": self.relation,
            "only_a": [dict(r) for r in self.only_a],
            "only_b": [dict(r) for r in self.only_b],
            "scope": dict(self.scope),
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.errors_a or self.errors_b:
            out["errors"] = {"a": list(self.errors_a), "b": list(self.errors_b)}
        return out
