"""The GitHub lessons grade owner-wide and any-owner subjects as the engine does."""

from __future__ import annotations

import json

import pytest

from learning.content.loader import CONTENT_DIR
from policies.engine import validate

PROVIDER = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"


def _github_findings(sub: str) -> list:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                    },
                    "StringLike": {"token.actions.githubusercontent.com:sub": sub},
                },
            }
        ],
    }
    return [f for f in validate(json.dumps(policy)) if "GITHUB" in f.code]


def _severities(sub: str) -> set[str]:
    return {f.severity for f in _github_findings(sub)}


@pytest.mark.parametrize(
    "lesson",
    ["federation/02-github-actions-oidc.md", "pitfalls/02-wildcard-oidc-subjects.md"],
)
def test_lessons_call_owner_wide_a_general_warning_and_any_owner_a_security_warning(lesson):
    text = " ".join((CONTENT_DIR / "lessons" / lesson).read_text().split())
    assert "general warning" in text and "security warning" in text
    assert _severities("repo:acme/*") == {"warning"}
    assert _severities("repo:*") == {"security_warning"}


def test_the_owner_wide_finding_names_the_owner():
    (finding,) = _github_findings("repo:acme/*")
    assert "any repository of acme" in finding.message
