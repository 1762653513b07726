"""Validation rules as small registered functions.

A rule is a function that takes a :class:`RuleInput` (one statement of a
policy, with what the rule may need to know around it) and yields findings.
:func:`statement_rule` registers it; :func:`run_rules` runs every registered
rule over every statement. Adding a rule touches one file: the module that
defines it, imported below so that it registers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..findings import Finding
from ..model import Policy, Statement

__all__ = ["RULES", "RuleInput", "run_rules", "statement_rule"]


@dataclass(frozen=True, slots=True)
class RuleInput:
    """What a statement rule sees: the statement, its policy and the role's account."""

    statement: Statement
    policy: Policy
    role_account: str | None


StatementRule = Callable[[RuleInput], Iterator[Finding]]

#: Every registered statement rule, in registration order.
RULES: list[StatementRule] = []


def statement_rule(function: StatementRule) -> StatementRule:
    """Register ``function`` as a rule run on every statement."""
    RULES.append(function)
    return function


def run_rules(policy: Policy, role_account: str | None) -> Iterator[Finding]:
    """The findings of every registered rule over every statement of ``policy``."""
    for statement in policy.statements:
        given = RuleInput(statement, policy, role_account)
        for rule in RULES:
            yield from rule(given)


# Importing the rule modules registers their rules.
from . import federation, session, statements  # noqa: E402, F401
