"""The rule registry: document rules and statement rules.

A rule is a small function that yields findings, or returns them as a list (the
rules that read every condition and almost always find nothing do: a list costs
less than a generator). :func:`document_rule` registers one that reads the whole
policy, :func:`statement_rule` one that reads one statement;
:func:`policies.engine.rules.run_rules` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from ..findings import Finding
from ..model import Policy, Statement
from ..parser import JMember

__all__ = [
    "DOCUMENT_RULES",
    "RULES",
    "PolicyInput",
    "RuleInput",
    "document_rule",
    "statement_rule",
]


class PolicyInput(NamedTuple):
    """What a document rule sees: the policy and the role's account (when known)."""

    policy: Policy
    role_account: str | None


class RuleInput(NamedTuple):
    """What a statement rule sees: the statement, its policy and the role's account.

    A named tuple (one is built per statement on every keystroke: a tuple costs a
    fraction of a frozen dataclass to build).
    """

    statement: Statement
    policy: Policy
    role_account: str | None
    #: The statement's elements by name (for a name written twice, the last).
    members: dict[str, JMember]

    @classmethod
    def of(cls, statement: Statement, policy: Policy, role_account: str | None) -> RuleInput:
        # A statement's node is an object: its members are its value.
        # tuple.__new__ skips the named tuple's Python-level __new__ (this runs per statement).
        members = {member.key: member for member in statement.node.value}
        return _new(cls, (statement, policy, role_account, members))


_new = tuple.__new__

DocumentRule = Callable[[PolicyInput], Iterable[Finding]]
StatementRule = Callable[[RuleInput], Iterable[Finding]]

#: Every registered rule, in registration order.
DOCUMENT_RULES: list[DocumentRule] = []
RULES: list[StatementRule] = []


def document_rule(function: DocumentRule) -> DocumentRule:
    """Register ``function`` as a rule run once on the whole policy."""
    DOCUMENT_RULES.append(function)
    return function


def statement_rule(function: StatementRule) -> StatementRule:
    """Register ``function`` as a rule run on every statement."""
    RULES.append(function)
    return function
