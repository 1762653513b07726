"""Adding a validation rule touches one file: a function registered with a decorator.

``statement_rule`` and ``document_rule`` register a rule that yields its findings or
returns them as a list (the rules that read every condition return lists, which cost
less on the editor's cold path); :func:`run_rules` runs both kinds, a statement
rule once per statement.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policies.engine.codes import finding_at
from policies.engine.findings import Finding
from policies.engine.rules.registry import (
    DOCUMENT_RULES,
    RULES,
    PolicyInput,
    RuleInput,
    document_rule,
    statement_rule,
)
from policies.engine.validate import validate_policy

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "One",
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
        {
            "Sid": "Two",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/deploy"},
            "Action": "sts:AssumeRole",
        },
    ],
}


@pytest.fixture
def registered() -> Iterator[None]:
    """Rules registered by a test are forgotten after it."""
    statement_rules, document_rules = RULES[:], DOCUMENT_RULES[:]
    yield
    RULES[:], DOCUMENT_RULES[:] = statement_rules, document_rules


@pytest.mark.usefixtures("registered")
def test_a_registered_statement_rule_runs_once_per_statement() -> None:
    @statement_rule
    def every_sid(given: RuleInput) -> list[Finding]:
        sid = given.members["Sid"]
        return [finding_at("UNSUPPORTED_SID", f"seen {sid.value.text}", sid.value.span)]

    messages = [f.message for f in validate_policy(POLICY) if f.code == "UNSUPPORTED_SID"]
    assert messages == ["seen One", "seen Two"]


@pytest.mark.usefixtures("registered")
def test_a_generator_rule_and_a_document_rule_still_register() -> None:
    @statement_rule
    def second_statement(given: RuleInput) -> Iterator[Finding]:
        if given.statement.index == 1:
            yield finding_at("UNSUPPORTED_SID", "the second", given.members["Sid"].value.span)

    @document_rule
    def whole(given: PolicyInput) -> Iterator[Finding]:
        yield finding_at("INVALID_VERSION", "the whole policy", given.policy.root.span)

    found = {(f.code, f.message, f.line) for f in validate_policy(POLICY)}
    assert ("UNSUPPORTED_SID", "the second", 13) in found  # "Sid": "Two"
    assert ("INVALID_VERSION", "the whole policy", 1) in found


def test_without_extra_rules_the_policy_is_clean() -> None:
    assert validate_policy(POLICY) == []
