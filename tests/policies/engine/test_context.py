"""The request and its context keys.

Key names ignore case (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html);
derived principal keys follow https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
(for a role session, aws:PrincipalArn is the role's ARN, not the session's).
"""

from __future__ import annotations

from typing import Any

import pytest

from policies.engine.context import parse_context, parse_request
from policies.engine.errors import InputTooLargeError, UsageError
from policies.engine.limits import MAX_CONTEXT_VALUES, MAX_STRING_CHARS

ROLE = "arn:aws:iam::444455556666:role/Target"


def _request(principal: str, **extra: Any) -> dict[str, Any]:
    return {"principal": principal, "action": "sts:AssumeRole", "role_arn": ROLE, **extra}


def test_keys_ignore_case_and_lists_are_multivalued() -> None:
    ctx = parse_context({"sts:ExternalId": "abc", "aws:TagKeys": ["a", "b"], "Flag": True})
    assert ctx.get("STS:EXTERNALID") == ["abc"]
    assert ctx.get("aws:tagkeys") == ["a", "b"]
    entry = ctx.entry("aws:TagKeys")
    assert entry is not None and entry.multivalued
    assert ctx.get("flag") == ["true"]
    assert ctx.get("missing") is None
    assert parse_context({"n": 12}).get("n") == ["12"]


@pytest.mark.parametrize(
    "raw",
    [
        "not an object",
        {"k": {"nested": 1}},
        {"k": None},
        {"": "x"},
        {"a": "1", "A": "2"},
        {"k": [1, [2]]},
        {"k": float("nan")},
        {"k": 10**5000},
    ],
)
def test_unusable_context_is_a_usage_error(raw: Any) -> None:
    with pytest.raises(UsageError):
        parse_context(raw)


def test_context_limits() -> None:
    with pytest.raises(InputTooLargeError):
        parse_context({"k": ["v"] * (MAX_CONTEXT_VALUES + 1)})
    with pytest.raises(InputTooLargeError):
        parse_context({"k": "x" * (MAX_STRING_CHARS + 1)})
    with pytest.raises(InputTooLargeError):
        parse_context({f"k{i}": "v" for i in range(MAX_CONTEXT_VALUES + 1)})


def test_derived_keys_for_a_user() -> None:
    request = parse_request(_request("arn:aws:iam::111122223333:user/alice"))
    assert request.context.derived() == {
        "aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice",
        "aws:PrincipalAccount": "111122223333",
        "aws:PrincipalType": "User",
        "aws:PrincipalIsAWSService": "false",
        "aws:username": "alice",
    }
    assert not request.same_account


def test_derived_keys_for_a_role_session_use_the_role_arn() -> None:
    request = parse_request(_request("arn:aws:sts::444455556666:assumed-role/Ops/s1"))
    derived = request.context.derived()
    assert derived["aws:PrincipalArn"] == "arn:aws:iam::444455556666:role/Ops"
    assert derived["aws:PrincipalType"] == "AssumedRole"
    assert "aws:username" not in derived
    assert request.same_account


def test_derived_keys_for_a_service_and_root() -> None:
    service = parse_request(_request("ec2.amazonaws.com")).context.derived()
    assert service == {
        "aws:PrincipalIsAWSService": "true",
        "aws:PrincipalServiceName": "ec2.amazonaws.com",
    }
    root = parse_request(_request("arn:aws:iam::111122223333:root")).context.derived()
    assert root["aws:PrincipalType"] == "Account"
    assert root["aws:userid"] == "111122223333"


def test_given_keys_are_not_overwritten_or_reported_as_derived() -> None:
    request = parse_request(
        _request("arn:aws:iam::111122223333:user/alice", context={"AWS:PRINCIPALACCOUNT": "9"})
    )
    assert request.context.get("aws:PrincipalAccount") == ["9"]
    assert "aws:PrincipalAccount" not in request.context.derived()


def test_federated_callers_get_no_derived_principal_keys() -> None:
    request = parse_request(
        {"principal": "accounts.google.com", "action": "sts:AssumeRoleWithWebIdentity"}
    )
    assert request.context.derived() == {}
    assert request.role is None and not request.same_account


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        {},
        {"principal": "arn:aws:iam::111122223333:user/alice"},
        {"principal": "nobody", "action": "sts:AssumeRole"},
        {"principal": 5, "action": "sts:AssumeRole"},
        {"principal": "arn:aws:iam::111122223333:user/alice", "action": "AssumeRole"},
        _request("arn:aws:iam::111122223333:user/alice", role_arn="arn:aws:s3:::bucket"),
        _request("arn:aws:iam::111122223333:user/alice", role_arn=7),
        _request("arn:aws:iam::111122223333:user/alice", context=[1]),
    ],
)
def test_unusable_requests(raw: Any) -> None:
    with pytest.raises(UsageError):
        parse_request(raw)


def test_tag_keys_are_derived_from_request_tags() -> None:
    # aws:TagKeys lists the tag keys a request passes
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
    request = parse_request(
        _request(
            "arn:aws:iam::111122223333:user/alice",
            context={"aws:RequestTag/team": "blue", "aws:RequestTag/env": "prod"},
        )
    )
    assert request.context.derived()["aws:TagKeys"] == ["team", "env"]
    given = parse_request(
        _request(
            "arn:aws:iam::111122223333:user/alice",
            context={"aws:RequestTag/team": "blue", "aws:TagKeys": ["team"]},
        )
    )
    assert "aws:TagKeys" not in given.context.derived()
