"""What each statement did with a request: the trace entries the editor shows.

These dataclasses hold data; the sentences about them are written by
:mod:`.explain`, only when asked for, and their lines and columns are worked out
from the spans they keep only when read (see :mod:`.jsontree`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from .conditions import ConditionResult
from .jsontree import JNode, Located, Span, worked_out
from .matching import How

Decision = Literal["allowed", "explicitDeny", "implicitDeny"]


@dataclass(slots=True)
class EntryResult(Located):
    """One principal entry (``{"AWS": "..."}``) and whether it names the caller."""

    kind: str
    value: str
    matched: bool
    reason: str
    span: Span | None = None  # where the entry is in the policy text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.kind,
            "value": self.value,
            "matched": self.matched,
            "reason": self.reason,
        }
        if self.span is not None:
            span = worked_out(self.span)
            out["line"] = span.line
            out["column"] = span.column
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


class StatementParts(NamedTuple):
    """The parts of one statement's trace: principal (trust policies), action,
    resource (the caller's side) and every condition."""

    principal: PartResult | None
    action: PartResult
    resource: PartResult | None
    conditions: list[ConditionResult]


#: The parts of a :class:`StatementResult` written on first read.
_PART_NAMES = frozenset(StatementParts._fields)


@dataclass(slots=True)
class StatementResult:
    """What one statement did with the request, part by part.

    The decision needs only ``matched`` (and ``how``); the parts (``principal``,
    ``action``, ``resource``, ``conditions``) are the trace, written by
    ``write_parts`` on first read, so bulk evaluation never builds them. Until
    then their slots are empty, and reading one lands in ``__getattr__``; after,
    reading one costs what reading any attribute costs.
    """

    index: int  # 0-based position in the Statement list
    sid: str | None
    effect: str | None
    matched: bool  # the statement applies to this request
    principal: PartResult | None = field(init=False, repr=False, compare=False)
    action: PartResult = field(init=False, repr=False, compare=False)
    resource: PartResult | None = field(init=False, repr=False, compare=False)
    conditions: list[ConditionResult] = field(init=False, repr=False, compare=False)
    # The statement in one sentence (written on first read: bulk evaluation never asks;
    # the explanation and to_dict() both read it).
    summary: str = field(init=False, repr=False, compare=False)
    write_parts: Callable[[], StatementParts]
    subject: str  # who or what the statement allows or denies, as the summary names it
    # The statement's node: its span is read from it only when asked (a cold decision
    # never asks, and the fast reader makes a span on each read).
    node: JNode | None = None
    how: How | None = None  # how the principal part named the caller (trust policies)
    source: str | None = None  # which policy it belongs to, when a layer has several

    @property
    def span(self) -> Span | None:
        """Where the statement is in the policy text."""
        node = self.node
        return None if node is None else node.span

    @property
    def line(self) -> int | None:
        span = self.span
        return None if span is None else span.line

    @property
    def label(self) -> str:
        return statement_label(self.sid, self.index)

    def __getattr__(self, name: str) -> Any:
        """A part or the summary not written yet: write it, then read it."""
        if name == "summary":
            self.summary = self._write_summary()
            return self.summary
        if name not in _PART_NAMES:
            raise AttributeError(name)
        self.principal, self.action, self.resource, self.conditions = self.write_parts()
        return getattr(self, name)

    def _write_summary(self) -> str:
        from .explain import statement_sentence  # sentences live in the explain module

        text = statement_sentence(self, self.subject)
        return text if self.source is None else f"In the {self.source}, {text}"

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
        span = self.span
        if span is not None:
            out["line"] = span.line
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
    allowed = False
    for s in statements:
        if s.matched:
            if s.effect == "Deny":
                return "explicitDeny"
            allowed = allowed or s.effect == "Allow"
    return "allowed" if allowed else "implicitDeny"


def combine_decisions(decisions: Sequence[Decision]) -> Decision:
    """Decisions that must all allow (layers, or an action and its companions): an
    explicit deny wins, then an implicit one."""
    if "explicitDeny" in decisions:
        return "explicitDeny"
    if "implicitDeny" in decisions:
        return "implicitDeny"
    return "allowed"
