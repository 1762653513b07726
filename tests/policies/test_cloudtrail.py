"""The CloudTrail record a playground request would leave."""

from __future__ import annotations

import pytest

from policies.cloudtrail import cloudtrail_records

ROLE = "arn:aws:iam::111122223333:role/Target"


def one(principal: str, action: str = "sts:AssumeRole", decision: str = "allowed", **context):
    view = cloudtrail_records(
        request={"principal": principal, "action": action, "context": context},
        decision=decision,
        role_arn=ROLE,
    )
    return view


def test_an_allowed_same_account_user_call():
    view = one("arn:aws:iam::111122223333:user/alice")
    assert len(view.records) == 1
    record = view.records[0].record
    assert record["eventSource"] == "sts.amazonaws.com"
    assert record["eventName"] == "AssumeRole"
    assert record["userIdentity"]["type"] == "IAMUser"
    assert record["userIdentity"]["userName"] == "alice"
    assert record["requestParameters"]["roleArn"] == ROLE
    assert record["responseElements"]["assumedRoleUser"]["arn"].startswith(
        "arn:aws:sts::111122223333:assumed-role/Target/"
    )
    assert "errorCode" not in record
    assert record["recipientAccountId"] == "111122223333"


def test_a_denied_call_carries_access_denied_and_no_credentials():
    record = one("arn:aws:iam::111122223333:user/alice", decision="implicitDeny").records[0].record
    assert record["errorCode"] == "AccessDenied"
    assert record["errorMessage"] == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        f"sts:AssumeRole on resource: {ROLE}"
    )
    assert record["responseElements"] is None


def test_external_id_session_name_and_tags_come_from_the_request():
    record = (
        one(
            "arn:aws:iam::111122223333:user/alice",
            **{
                "sts:ExternalId": "abc",
                "sts:RoleSessionName": "alice-debug",
                "sts:SourceIdentity": "alice",
                "aws:RequestTag/team": "blue",
            },
        )
        .records[0]
        .record
    )
    params = record["requestParameters"]
    assert params["externalId"] == "abc"
    assert params["roleSessionName"] == "alice-debug"
    assert params["sourceIdentity"] == "alice"
    assert params["tags"] == [{"key": "team", "value": "blue"}]


def test_a_cross_account_call_is_logged_in_both_accounts():
    view = one("arn:aws:sts::444455556666:assumed-role/DeployRole/run-42")
    caller, role = (r.record for r in view.records)
    assert caller["recipientAccountId"] == "444455556666"
    assert caller["userIdentity"]["type"] == "AssumedRole"
    assert caller["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == (
        "arn:aws:iam::444455556666:role/DeployRole"
    )
    assert role["recipientAccountId"] == "111122223333"
    assert role["userIdentity"] == {
        "type": "AWSAccount",
        "principalId": caller["userIdentity"]["principalId"],
        "accountId": "444455556666",
    }
    assert caller["sharedEventID"] == role["sharedEventID"]
    assert any("both accounts" in note for note in view.notes)


def test_a_service_shows_as_aws_service_invoked_by_it():
    record = one("ec2.amazonaws.com").records[0].record
    assert record["userIdentity"] == {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}
    assert record["sourceIPAddress"] == "ec2.amazonaws.com"


def test_github_actions_is_a_web_identity_user_named_by_its_subject():
    provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    sub = "repo:octo-org/octo-repo:ref:refs/heads/main"
    record = (
        one(
            provider,
            "sts:AssumeRoleWithWebIdentity",
            **{
                "token.actions.githubusercontent.com:sub": sub,
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            },
        )
        .records[0]
        .record
    )
    assert record["eventName"] == "AssumeRoleWithWebIdentity"
    assert record["userIdentity"]["type"] == "WebIdentityUser"
    assert record["userIdentity"]["userName"] == sub
    assert record["userIdentity"]["identityProvider"] == provider
    assert record["responseElements"]["subjectFromWebIdentityToken"] == sub
    assert record["responseElements"]["audience"] == "sts.amazonaws.com"
    assert "externalId" not in record["requestParameters"]


def test_saml_names_the_provider_in_principal_arn():
    provider = "arn:aws:iam::111122223333:saml-provider/ExampleIdP"
    record = one(provider, "sts:AssumeRoleWithSAML", decision="implicitDeny").records[0].record
    assert record["eventName"] == "AssumeRoleWithSAML"
    assert record["userIdentity"]["type"] == "SAMLUser"
    assert record["requestParameters"]["principalArn"] == provider
    assert record["errorMessage"] == "Not authorized to perform sts:AssumeRoleWithSAML"


@pytest.mark.parametrize(
    ("principal", "api"),
    [
        ("arn:aws:iam::111122223333:user/alice", "AssumeRole"),
        ("cognito-identity.amazonaws.com", "AssumeRoleWithWebIdentity"),
        ("arn:aws:iam::111122223333:saml-provider/X", "AssumeRoleWithSAML"),
    ],
)
def test_companion_permissions_are_recorded_as_the_call_they_ride_on(principal, api):
    view = one(principal, "sts:TagSession", **{"aws:RequestTag/team": "blue"})
    assert view.records[0].record["eventName"] == api
    assert any("sts:TagSession is a permission" in note for note in view.notes)


def test_the_root_user_is_recorded_as_root():
    record = one("arn:aws:iam::111122223333:root", decision="implicitDeny").records[0].record
    assert record["userIdentity"]["type"] == "Root"
