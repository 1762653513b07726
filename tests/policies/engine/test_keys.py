"""Tests for the condition key catalogue."""

from __future__ import annotations

import pytest

from policies.engine.aws.keys import KEY_TYPES, global_key_names, is_web_identity_key, lookup


@pytest.mark.parametrize(
    ("key", "kind", "multivalued"),
    [
        ("aws:SourceIp", "IPAddress", False),
        ("AWS:SOURCEIP", "IPAddress", False),
        ("aws:CurrentTime", "Date", False),
        ("aws:MultiFactorAuthAge", "Numeric", False),
        ("aws:MultiFactorAuthPresent", "Bool", False),
        ("aws:PrincipalArn", "ARN", False),
        ("aws:SourceArn", "ARN", False),
        ("aws:PrincipalOrgID", "String", False),
        ("aws:PrincipalOrgPaths", "String", True),
        ("aws:TagKeys", "String", True),
        ("aws:PrincipalServiceNamesList", "String", True),
        ("sts:ExternalId", "String", False),
        ("sts:TransitiveTagKeys", "String", True),
        ("cognito-identity.amazonaws.com:amr", "String", True),
        ("cognito-identity.amazonaws.com:aud", "String", False),
        ("SAML:aud", "String", False),
        ("saml:AUD", "String", False),
    ],
)
def test_known_keys_have_their_documented_type(key, kind, multivalued):
    info = lookup(key)
    assert info is not None and info.known
    assert info.type == kind and info.multivalued is multivalued


def test_epoch_time_is_both_date_and_numeric():
    assert lookup("aws:EpochTime").types == ("Date", "Numeric")


@pytest.mark.parametrize(
    "key", ["aws:PrincipalTag/team", "aws:RequestTag/CostCenter", "AWS:principaltag/x"]
)
def test_tag_keys_are_single_valued_strings(key):
    info = lookup(key)
    assert info is not None and info.type == "String" and info.multivalued is False


def test_tag_prefix_alone_is_not_a_key():
    assert lookup("aws:PrincipalTag/") is None


@pytest.mark.parametrize(
    ("key", "multivalued"),
    [
        ("token.actions.githubusercontent.com:sub", False),
        ("token.actions.githubusercontent.com:aud", False),
        ("oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE:sub", False),
        ("gitlab.example.com:amr", True),
        ("token.actions.githubusercontent.com:job_workflow_ref", None),
    ],
)
def test_web_identity_claims_are_inferred_from_the_provider(key, multivalued):
    assert is_web_identity_key(key)
    info = lookup(key)
    assert info is not None and not info.known
    assert info.type == "String" and info.multivalued is multivalued


@pytest.mark.parametrize("key", ["aws:NoSuchKey", "ExternalId", "sts:", "iam:PassedToService"])
def test_unknown_keys_are_none(key):
    assert lookup(key) is None


def test_every_type_is_documented_and_global_names_are_global():
    for name in global_key_names():
        assert name.startswith("aws:")
        info = lookup(name + ("x" if name.endswith("/") else ""))
        assert info is not None and set(info.types) <= set(KEY_TYPES)
