"""Validation rules as small registered functions.

Each rule is a function that yields findings (or returns them as a list),
registered with :func:`.registry.document_rule` (it reads the whole policy) or
:func:`.registry.statement_rule` (it reads one statement). :func:`run_rules` runs
every registered rule. Adding a rule touches one file: the module that defines
it, imported below so that it registers.

The rules run on every keystroke of the editor, every cache emptied in the cold
benchmark, so the ones that read every statement or condition are written for it:
they return lists rather than nest generators (most find nothing), and read the
AWS facts they need from tables built at import (operator names in
:data:`..aws.operators.OPERATOR_FORMS`, condition keys by their documented
spelling), never from caches that would outlive :func:`..case.clear_caches`.
"""

from __future__ import annotations

from ..findings import Finding
from ..model import Policy
from .registry import DOCUMENT_RULES, RULES, PolicyInput, RuleInput, statement_rule

__all__ = ["DOCUMENT_RULES", "RULES", "RuleInput", "run_rules", "statement_rule"]


def run_rules(policy: Policy, role_account: str | None) -> list[Finding]:
    """The findings of every registered rule over ``policy``.

    A policy that is not a JSON object gets the document rules only: it has no
    statements to read. The findings are gathered with ``list.extend`` (no
    generator around the rules), called only when a rule found something (an
    empty list is false; a generator, true): this runs on every keystroke.
    """
    found: list[Finding] = []
    extend = found.extend
    whole = PolicyInput(policy, role_account)
    for document_check in DOCUMENT_RULES:
        if findings := document_check(whole):
            extend(findings)
    if policy.root.kind != "object":
        return found
    of = RuleInput.of
    for statement in policy.statements:
        given = of(statement, policy, role_account)
        for rule in RULES:
            if findings := rule(given):
                extend(findings)
    return found


# Importing the rule modules registers their rules.
from . import (  # noqa: E402, F401
    actions,
    analyzer,
    conditions,
    document,
    elements,
    federation,
    principals,
    security,
    session,
    statements,
)
