"""The "why" of a decision: trace entries and plain-language sentences.

The trace is what the editor shows next to each statement; the sentences are
what a teacher would say about the whole request. Both are built from the
result dataclasses defined here, which :mod:`policies.engine.evaluate` fills in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .conditions import ConditionResult
from .matching import How

Decision = Literal["allowed", "explicitDeny", "implicitDeny"]


@dataclass(slots=True)
class EntryResult:
    """One principal entry (``{"AWS": "..."}``) and whether it names the caller."""

    kind: str
    value: str
    matched: bool
    reason: str
    line: int | None = None  # where the entry is in the policy text
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.kind,
            "value": self.value,
            "matched": self.matched,
            "reason": self.reason,
        }
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        return out


@dataclass(slots=True)
class PartResult:
    """The principal, action or resource part of one statement."""

    element: str  # "Principal", "NotPrincipal", "Action", "NotAction", "Resource", ...
    matched: bool
    reason: str
    request_value: str | None
    policy_value: list[str]
    entries: list[EntryResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "element": self.element,
            "matched": self.matched,
            "reason": self.reason,
            "request_value": self.request_value,
            "policy_value": (
                self.policy_value[0] if len(self.policy_value) == 1 else list(self.policy_value)
            ),
        }
        if self.entries:
            out["entries"] = [e.to_dict() for e in self.entries]
        return out


@dataclass(slots=True)
class StatementResult:
    """What one statement did with the request, part by part."""

    index: int  # 0-based position in the Statement list
    sid: str | None
    effect: str | None
    matched: bool  # the statement applies to this request
    principal: PartResult | None
    action: PartResult
    resource: PartResult | None
    conditions: list[ConditionResult]
    summary: str
    line: int | None = None
    how: How | None = None  # how the principal part named the caller (trust policies)
    source: str | None = None  # which policy it belongs to, when a layer has several

    @property
    def label(self) -> str:
        return statement_label(self.sid, self.index)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.source is not None:
            out["policy"] = self.source
        out |= {
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "matched": self.matched,
        }
        if self.principal is not None:
            out["principal"] = self.principal.to_dict()
        out["action"] = self.action.to_dict()
        if self.resource is not None:
            out["resource"] = self.resource.to_dict()
        out["conditions"] = [c.to_dict() for c in self.conditions]
        out["summary"] = self.summary
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass(slots=True)
class LayerResult:
    """One policy (or a set of policies of one kind) and its verdict alone."""

    name: str  # "trust policy", "identity policies", "permissions boundary", ...
    decision: Decision
    statements: list[StatementResult]
    given: bool = True

    @property
    def allows(self) -> bool:
        return self.decision == "allowed"

    @property
    def denies(self) -> bool:
        return self.decision == "explicitDeny"


def statement_label(sid: str | None, index: int) -> str:
    """``Statement 'AllowPartner' (#1)``, or ``Statement #2`` without a Sid."""
    if sid:
        return f"Statement '{sid}' (#{index + 1})"
    return f"Statement #{index + 1}"


def layer_decision(statements: list[StatementResult]) -> Decision:
    """Explicit deny wins; otherwise one matching Allow is needed."""
    matched = [s for s in statements if s.matched]
    if any(s.effect == "Deny" for s in matched):
        return "explicitDeny"
    if any(s.effect == "Allow" for s in matched):
        return "allowed"
    return "implicitDeny"


def why_not(statement: StatementResult) -> str:
    """The first reason a statement does not apply, as a clause."""
    if statement.effect not in ("Allow", "Deny"):
        return f"its Effect is {statement.effect!r}, and AWS knows only 'Allow' and 'Deny'"
    if statement.principal is not None and not statement.principal.matched:
        return _lower_first(statement.principal.reason)
    if not statement.action.matched:
        return _lower_first(statement.action.reason)
    if statement.resource is not None and not statement.resource.matched:
        return _lower_first(statement.resource.reason)
    for c in statement.conditions:
        if not c.matched:
            reason = c.reason.removesuffix(".").removesuffix(", so the condition is false")
            return "a condition is false: " + _lower_first(reason)
    return "it does not match"


def why_applies(statement: StatementResult) -> str:
    """Why a statement applies, as a clause."""
    bits: list[str] = []
    if statement.principal is not None:
        bits.append(_strip_period(_lower_first(statement.principal.reason)))
    bits.append(_strip_period(_lower_first(statement.action.reason)))
    if statement.resource is not None:
        bits.append(_strip_period(_lower_first(statement.resource.reason)))
    n = len(statement.conditions)
    names = ", ".join(f"{c.operator} on {c.key}" for c in statement.conditions[:4])
    if n > 4:
        names += f" and {n - 4} more"
    if n == 1:
        bits.append(f"its condition ({names}) is true")
    elif n > 1:
        bits.append(f"all {n} of its conditions ({names}) are true")
    else:
        bits.append("it has no conditions")
    return "; ".join(bits)


def statement_sentence(statement: StatementResult, verb_subject: str) -> str:
    """The sentence for one statement of a policy."""
    label = statement.label
    if statement.matched:
        verb = "allows" if statement.effect == "Allow" else "denies"
        return f"{label} {verb} {verb_subject} because {why_applies(statement)}."
    return f"{label} does not apply: {_strip_period(why_not(statement))}."


_LOWER_STARTS = ("The ", "A ", "An ", "None ", "No ", "It ", "Every ")


def _lower_first(text: str) -> str:
    """Lower the first word of a sentence used as a clause, when it is an ordinary word."""
    if text.startswith(_LOWER_STARTS):
        return text[0].lower() + text[1:]
    return text


def _strip_period(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def final_line(decision: Decision) -> str:
    """The last line of every explanation."""
    return {
        "allowed": "Decision: allowed.",
        "explicitDeny": "Decision: explicitDeny (an explicit Deny applies, and it wins over "
        "every allow).",
        "implicitDeny": "Decision: implicitDeny (nothing allows the whole request, so AWS "
        "denies it by default).",
    }[decision]


def decision_words(decision: Decision) -> str:
    return {
        "allowed": "allowed",
        "explicitDeny": "denied by an explicit Deny",
        "implicitDeny": "denied because nothing allows it (an implicit deny)",
    }[decision]
