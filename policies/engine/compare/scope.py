"""The part of the request space a comparison looks at (``--scope``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from .space import ACTIONS

_ROLE_ARN = re.compile(r"arn:[a-z][a-z0-9-]*:iam::\d{12}:role/.+")
_DERIVED = {
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:username",
}
_KNOWN_FIELDS = {"actions", "principals", "role_arn", "context"}


@dataclass(frozen=True, slots=True)
class Scope:
    """``actions``: the actions to consider (all six when empty);
    ``principals``: callers to consider, each a principal or a pattern with
    ``*`` and ``?`` (everyone when empty); ``role_arn``: the role's ARN, put in
    every request; ``context``: condition keys fixed to the values given."""

    actions: tuple[str, ...] = ()
    principals: tuple[str, ...] = ()
    role_arn: str | None = None
    context: dict[str, Any] = field(default_factory=dict)

    def action_indexes(self) -> list[int]:
        if not self.actions:
            return list(range(len(ACTIONS)))
        lowered = [a.lower() for a in ACTIONS]
        return sorted({lowered.index(a.lower()) for a in self.actions})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.actions:
            out["actions"] = list(self.actions)
        if self.principals:
            out["principals"] = list(self.principals)
        if self.role_arn is not None:
            out["role_arn"] = self.role_arn
        if self.context:
            out["context"] = dict(self.context)
        return out


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise UsageError(f"scope.{where} must be a list of non-empty strings")
    if len(raw) > 100:
        raise UsageError(f"scope.{where} lists more than 100 entries")
    return tuple(raw)


def _context(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise UsageError("scope.context must be a JSON object of condition keys")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key.strip():
            raise UsageError("scope.context has an empty key name")
        if key.lower() in _DERIVED:
            raise UsageError(
                f"scope.context cannot fix {key}: it comes from the caller; "
                "narrow scope.principals instead"
            )
        items = value if isinstance(value, list) else [value]
        if len(items) > 16 or not all(isinstance(v, str | int | float | bool) for v in items):
            raise UsageError(
                f"scope.context[{key!r}] must be a string, number, boolean or a list of them"
            )
        out[key] = value
    return out


def parse_scope(raw: Any) -> Scope:
    """Check a scope object; raise :class:`UsageError` when it is not usable."""
    if raw is None:
        return Scope()
    if isinstance(raw, Scope):
        return raw
    if not isinstance(raw, Mapping):
        raise UsageError("a scope must be a JSON object")
    unknown = sorted(set(raw) - _KNOWN_FIELDS)
    if unknown:
        raise UsageError(
            f"scope has unknown field {unknown[0]!r}; it knows {sorted(_KNOWN_FIELDS)}"
        )
    actions = _strings(raw["actions"], "actions") if "actions" in raw else ()
    lowered = {a.lower() for a in ACTIONS}
    for action in actions:
        if action.lower() not in lowered:
            raise UsageError(f"scope.actions: {action[:60]!r} is not one of {', '.join(ACTIONS)}")
    principals = _strings(raw["principals"], "principals") if "principals" in raw else ()
    role_arn = raw.get("role_arn")
    if "role_arn" in raw and (not isinstance(role_arn, str) or not _ROLE_ARN.fullmatch(role_arn)):
        raise UsageError("scope.role_arn must be a role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
    context = _context(raw["context"]) if "context" in raw else {}
    return Scope(actions, principals, role_arn, context)
