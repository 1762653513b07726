"""The decision compares only what can change it; the trace is written when read.

A statement whose principal or action does not apply, and the conditions after a
false one, cannot change the decision: they are compared only when the trace is
read (``to_dict()``, the explanation), yet charged to the match budget all the
same, so a case is refused for the same work whether or not its trace is read.
"""

from __future__ import annotations

from typing import Any

import pytest

from policies.engine import InputTooLargeError, evaluate
from policies.engine.conditions import MAX_MATCH_WORK, MatchBudget
from policies.engine.limits import MAX_CONTEXT_VALUES, MAX_STRING_CHARS

CALLER = "arn:aws:iam::111122223333:user/alice"
ROLE = "arn:aws:iam::111122223333:role/Target"


def _case(principal: str, condition: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    return {
        "trust_policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Heavy",
                    "Effect": "Allow",
                    "Principal": {"AWS": principal},
                    "Action": "sts:AssumeRole",
                    "Condition": condition,
                },
                {
                    "Sid": "Plain",
                    "Effect": "Allow",
                    "Principal": {"AWS": "111122223333"},
                    "Action": "sts:AssumeRole",
                },
            ],
        },
        "request": {"principal": CALLER, "action": "sts:AssumeRole", "role_arn": ROLE},
        "context": context,
    }


def _with_context(case: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    case["request"]["context"] = context
    del case["context"]
    return case


def test_the_trace_of_a_statement_that_does_not_name_the_caller_still_shows_its_conditions() -> (
    None
):
    case = _with_context(
        _case(
            "444455556666",
            {
                "StringEquals": {"aws:PrincipalTag/team": "ops"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
            },
            {},
        ),
        {"aws:PrincipalTag/team": "dev", "aws:MultiFactorAuthPresent": "true"},
    )
    answer = evaluate(case).to_dict()
    heavy = answer["trust"]["statements"][0]
    assert answer["decision"] == "allowed"
    assert heavy["matched"] is False
    assert heavy["principal"]["matched"] is False
    assert [(c["key"], c["matched"]) for c in heavy["conditions"]] == [
        ("aws:PrincipalTag/team", False),
        ("aws:MultiFactorAuthPresent", True),
    ]
    assert heavy["conditions"][0]["request_value"] == "dev"


def test_conditions_after_a_false_one_are_in_the_trace_and_the_summary() -> None:
    case = _with_context(
        _case(
            "111122223333",
            {
                "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
            },
            {},
        ),
        {"aws:MultiFactorAuthAge": "120"},
    )
    result = evaluate(case)
    heavy = result.trust.statements[0]
    assert not heavy.matched
    assert [c.matched for c in heavy.conditions] == [False, True]
    assert "aws:PrincipalOrgID" in heavy.summary


@pytest.mark.parametrize("principal", ["111122223333", "444455556666"])
def test_too_much_matching_work_is_refused_whether_the_statement_applies_or_not(
    principal: str,
) -> None:
    # 256 long values against a pattern with '?': far beyond the budget, compared
    # (the statement applies) or only charged (it names another account).
    patterns = ["*" + "?a" * 200 + "*"]
    context = {"aws:CalledVia": ["b" * MAX_STRING_CHARS] * MAX_CONTEXT_VALUES}
    case = _with_context(
        _case(principal, {"ForAnyValue:StringLike": {"aws:CalledVia": patterns}}, {}), context
    )
    with pytest.raises(InputTooLargeError):
        evaluate(case)


@pytest.mark.parametrize("principal", ["111122223333", "444455556666"])
def test_work_charged_by_its_bound_is_worked_out_before_refusing(principal: str) -> None:
    # "*" matches anything at almost no cost (one unit, and one per 64 characters),
    # though the upper bound of its work (one unit per character) is over the budget:
    # the case is answered, as it was when every condition was compared.
    patterns = ["*"]
    context = {"aws:CalledVia": ["b" * MAX_STRING_CHARS] * MAX_CONTEXT_VALUES}
    assert MAX_CONTEXT_VALUES * MAX_STRING_CHARS > MAX_MATCH_WORK
    case = _with_context(
        _case(principal, {"ForAnyValue:StringLike": {"aws:CalledVia": patterns}}, {}), context
    )
    answer = evaluate(case).to_dict()
    assert answer["decision"] == "allowed"
    assert answer["trust"]["statements"][0]["conditions"][0]["matched"] is True


def test_a_budget_refuses_only_when_the_exact_work_is_over() -> None:
    budget = MatchBudget(100)
    budget.spend_at_most(500, lambda: 60)  # the bound is over; the work is not
    budget.spend(40)
    assert budget.remaining == 0
    with pytest.raises(InputTooLargeError):
        budget.spend_at_most(1, lambda: 1)
