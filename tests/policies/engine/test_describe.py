"""describe(): who can assume the role, in plain language.

Naming an account hands the decision to that account:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
GitHub Actions must pin token.actions.githubusercontent.com:sub:
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
"""

from __future__ import annotations

import json
from typing import Any

from policies.engine import describe

GITHUB = "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def github(conditions: dict[str, Any]) -> dict[str, Any]:
    return policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": GITHUB},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": conditions,
        }
    )


AUD = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}


def test_service_role() -> None:
    d = describe(
        policy(
            {
                "Effect": "Allow",
                "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
                "Action": "sts:AssumeRole",
            }
        )
    )
    assert [g.kind for g in d.grants] == ["service", "service"]
    assert d.text() == [
        "The AWS service ec2.amazonaws.com may call sts:AssumeRole.",
        "The AWS service lambda.amazonaws.com may call sts:AssumeRole.",
    ]
    assert not d.anyone_at_all and not d.anyone_outside_account and not d.any_github_repository


def test_accounts_need_their_own_permission() -> None:
    d = describe(
        policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "abc"}},
            }
        ),
        role_account="444455556666",
    )
    (grant,) = d.grants
    assert grant.kind == "account" and grant.account == "111122223333"
    assert grant.own_permission_needed is True
    assert "only when sts:ExternalId is 'abc'" in grant.text
    assert "own identity policy also allows it" in grant.text
    assert d.anyone_outside_account and not d.anyone_at_all


def test_named_role_in_the_same_account() -> None:
    d = describe(
        policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::444455556666:role/Ops"},
                "Action": "sts:AssumeRole",
            }
        ),
        role_account="444455556666",
    )
    (grant,) = d.grants
    assert grant.kind == "role" and grant.own_permission_needed is False
    assert not d.anyone_outside_account


def test_github_without_subject_is_any_repository_loudly() -> None:
    d = describe(github({"StringEquals": AUD}))
    assert d.any_github_repository
    assert d.text()[0].startswith("WARNING: ANY GITHUB REPOSITORY")
    (grant,) = d.grants
    assert [c.key for c in grant.claims] == ["token.actions.githubusercontent.com:aud"]


def test_github_with_wildcard_owner_is_any_repository() -> None:
    d = describe(
        github(
            {
                "StringEquals": AUD,
                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"},
            }
        )
    )
    assert d.any_github_repository


def test_github_pinned_to_one_repository() -> None:
    d = describe(
        github(
            {
                "StringEquals": AUD,
                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo/app:*"},
            }
        )
    )
    assert not d.any_github_repository and not d.anyone_at_all
    (grant,) = d.grants
    assert grant.kind == "federated"
    assert "whose token.actions.githubusercontent.com:sub matches 'repo:octo/app:*'" in grant.text


def test_aws_star_without_condition_is_anyone_at_all() -> None:
    d = describe(policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}))
    assert d.anyone_at_all and d.anyone_outside_account
    assert "ANYONE ON THE INTERNET" in d.text()[0]


def test_aws_star_limited_to_an_organization_is_not_anyone() -> None:
    d = describe(
        policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            }
        )
    )
    assert not d.anyone_at_all and d.anyone_outside_account
    assert "aws:PrincipalOrgID is 'o-abc123'" in d.grants[0].text


def test_public_web_identity_without_audience_is_anyone() -> None:
    d = describe(
        policy(
            {
                "Effect": "Allow",
                "Principal": {"Federated": "accounts.google.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        )
    )
    assert d.anyone_at_all
    assert "ANY token" in d.grants[0].text


def test_denies_unique_ids_and_unreadable_policies() -> None:
    d = describe(
        policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "AROA1234567890EXAMPLE"},
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
            },
        )
    )
    assert d.grants[0].kind == "nobody" and "deleted" in d.grants[0].text
    assert d.denies == [
        "Statement #2 denies every AWS principal when aws:MultiFactorAuthPresent is 'false', "
        "whatever any Allow says."
    ]
    unreadable = describe("{not json")
    assert not unreadable.readable and unreadable.grants == []
    assert "cannot be read" in unreadable.text()[0]


def test_to_dict_is_plain_json() -> None:
    d = describe(github({"StringEquals": AUD}))
    out = d.to_dict()
    json.dumps(out)
    assert out["any_github_repository"] is True
    assert out["text"] == d.text()


def test_describe_shares_the_parse_cache_and_handles_unwritable_objects() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    assert not describe({"Statement": deep}).readable
    text = json.dumps(github({"StringEquals": AUD}))
    assert describe(text).to_dict() == describe(text).to_dict()


def test_allow_with_not_principal_lets_in_everyone_else() -> None:
    d = describe(
        policy(
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/mallory"},
                "Action": "sts:AssumeRole",
            }
        )
    )
    (grant,) = d.grants
    assert grant.kind == "everyone" and d.anyone_at_all
    assert grant.text.startswith("EVERYONE EXCEPT arn:aws:iam::111122223333:user/mallory")
