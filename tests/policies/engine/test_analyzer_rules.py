"""The Access Analyzer checks of ``rules/analyzer.py``: each at its place, with its code,
severity and Access Analyzer's page; one finding for one problem.

Check reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import pytest

from policies.engine.aws.docs import CHECKS_PAGE
from policies.engine.codes import CODES
from tests.policies.engine.test_validate import (
    ACCOUNT,
    EKS,
    EKS_ISSUER,
    GITHUB,
    SAML,
    allow,
    check,
    codes_of,
    policy,
    snippet,
)

ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
IDP = f"arn:aws:iam::{ACCOUNT}:oidc-provider/auth.example.com"
ANCHOR = f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT}:trust-anchor/4f1a2b3c"
WEB = "sts:AssumeRoleWithWebIdentity"
GH_SUB = {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}}


def when(condition: dict, principal: object = ROOT, action: object = "sts:AssumeRole") -> dict:
    return policy(allow(principal, action, Condition=condition))


# (name, policy, code, the text the finding points at)
RULES = [
    (
        "custom provider audience",
        when({"StringEquals": {"auth.example.com:aud": "my-app"}}, {"Federated": IDP}, WEB),
        "CONFIRM_AUDIENCE_CLAIM_TYPE",
        '"auth.example.com:aud"',
    ),
    (
        "ForAnyValue on the audience",
        when(
            {
                "ForAnyValue:StringEquals": {"token.actions.githubusercontent.com:aud": "x"},
                **GH_SUB,
            },
            {"Federated": GITHUB},
            WEB,
        ),
        "FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE",
        '"token.actions.githubusercontent.com:aud"',
    ),
    (
        "private address without its VPC",
        when({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}),
        "MISSING_PAIRED_CONDITION_KEYS",
        '"aws:VpcSourceIp"',
    ),
    (
        "aws:ARN",
        when({"ArnEquals": {"aws:ARN": f"arn:aws:iam::{ACCOUNT}:role/Deployer"}}),
        "UNSUPPORTED_GLOBAL_CONDITION_KEY",
        '"aws:ARN"',
    ),
    (
        "organization key on a service",
        when(
            {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            {"Service": "ec2.amazonaws.com"},
        ),
        "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
        '"aws:PrincipalOrgID"',
    ),
    (
        "service narrowed by the network",
        when({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"Service": "ec2.amazonaws.com"}),
        "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
        '"aws:SourceIp"',
    ),
    (
        "Roles Anywhere with one action",
        when({"ArnEquals": {"aws:SourceArn": ANCHOR}}, {"Service": "rolesanywhere.amazonaws.com"}),
        "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY",
        '"rolesanywhere.amazonaws.com"',
    ),
    (
        "multivalued key without a set operator",
        when(
            {"StringEquals": {"aws:TagKeys": ["team"]}}, action=["sts:AssumeRole", "sts:TagSession"]
        ),
        "MISSING_QUALIFIER",
        '"aws:TagKeys"',
    ),
    (
        "short VPC ID",
        when({"StringEquals": {"aws:SourceVpc": "vpc-123"}}),
        "INVALID_VPC_FORMAT",
        '"vpc-123"',
    ),
    (
        "endpoint ID with a bad character",
        when({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4_"}}),
        "INVALID_VPCE_FORMAT",
        '"vpce-1a2b3c4_"',
    ),
    (
        "Region code without its dash",
        when({"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west1"]}}),
        "INVALID_REGION",
        '"eu-west1"',
    ),
    (
        "user agent",
        when({"StringEquals": {"aws:UserAgent": "deploy-tool/1.0"}}),
        "UNTRUSTWORTHY_CONDITION_KEY",
        '"aws:UserAgent"',
    ),
    (
        "StringLike on an ARN key",
        when({"StringLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:alerts"}}),
        "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
        '"aws:SourceArn"',
    ),
    (
        "external ID in a web identity statement",
        when(
            {"StringEquals": {"sts:ExternalId": "partner-7731"}, **GH_SUB},
            {"Federated": GITHUB},
            WEB,
        ),
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        '"sts:ExternalId"',
    ),
    (
        "two upper bounds",
        when({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": ["900", "3600"]}}),
        "REDUNDANT_CONDITION_VALUE_NUM",
        '"aws:MultiFactorAuthAge"',
    ),
    (
        "Like against a lone star",
        when({"StringLike": {"sts:ExternalId": ["*"]}}),
        "EQUIVALENT_TO_NULL_FALSE",
        '"*"',
    ),
    (
        "NotLike against a lone star",
        when({"StringNotLike": {"sts:ExternalId": "*"}}),
        "EQUIVALENT_TO_NULL_TRUE",
        '"*"',
    ),
    (
        "LikeIfExists against a lone star",
        when({"StringLikeIfExists": {"sts:ExternalId": "*"}}),
        "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
        '"*"',
    ),
    (
        "ForAnyValue NotLike against a lone star",
        when(
            {"ForAnyValue:StringNotLike": {"aws:TagKeys": ["team", "*"]}},
            action=["sts:AssumeRole", "sts:TagSession"],
        ),
        "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION",
        '"*"',
    ),
]


@pytest.mark.parametrize(("name", "document", "code", "pointed"), RULES, ids=[r[0] for r in RULES])
def test_each_check_reports_its_code_at_its_place_with_access_analyzers_page(
    name, document, code, pointed
):
    text, findings = check(document)
    (found,) = [f for f in findings if f.code == code]
    assert snippet(text, found) == pointed
    info = CODES[code]
    assert found.severity == info.severity
    anchor = code.lower().replace("_", "-")
    assert found.learn_more.startswith(CHECKS_PAGE + "#access-analyzer-reference-policy-checks-")
    assert found.learn_more.endswith("-" + anchor)
    assert len(found.message) > 80 and found.message[-1] in ".?)"


def test_access_analyzer_errors_that_iam_accepts_are_warnings_that_link_to_the_error():
    """The project rule: an error means IAM would refuse the policy (implicitDeny here)."""
    for code in (
        "UNSUPPORTED_GLOBAL_CONDITION_KEY",
        "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
        "MISSING_QUALIFIER",
        "INVALID_VPC_FORMAT",
        "INVALID_VPCE_FORMAT",
        "INVALID_REGION",
        "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY",
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "TYPE_MISMATCH_IP_RANGE",
    ):
        info = CODES[code]
        assert (info.severity, info.deviates, info.ours) == ("warning", True, False)
        assert "-error-" in info.learn_more


def test_aws_arn_is_one_finding_not_also_an_unknown_global_key():
    _, findings = check(when({"ArnEquals": {"aws:ARN": f"arn:aws:iam::{ACCOUNT}:role/x"}}))
    assert codes_of(findings) == ["UNSUPPORTED_GLOBAL_CONDITION_KEY"]
    _, typo = check(when({"ArnEquals": {"aws:PrincipalArm": f"arn:aws:iam::{ACCOUNT}:role/x"}}))
    assert codes_of(typo) == ["INVALID_GLOBAL_CONDITION_KEY"]


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        (
            {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
        ),
        (
            {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
        ),
    ],
)
def test_a_confused_deputy_narrowed_by_the_wrong_key_gets_one_finding(condition, code):
    _, findings = check(when(condition, {"Service": "config.amazonaws.com"}))
    assert codes_of(findings) == [code]
    _, bare = check(policy(allow({"Service": "config.amazonaws.com"})))
    assert codes_of(bare) == ["MISSING_SOURCE_CONDITION_FOR_SERVICE_PRINCIPAL"]


def test_a_source_key_next_to_another_key_is_enough_for_a_service():
    _, findings = check(
        when(
            {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
            },
            {"Service": "config.amazonaws.com"},
        )
    )
    assert findings == []


@pytest.mark.parametrize(
    ("principal", "key"),
    [
        ({"Federated": GITHUB}, "token.actions.githubusercontent.com:aud"),
        ({"Federated": EKS}, f"{EKS_ISSUER}:aud"),
        ({"Federated": "cognito-identity.amazonaws.com"}, "cognito-identity.amazonaws.com:aud"),
        ({"Federated": SAML}, "SAML:aud"),
    ],
)
def test_audiences_whose_type_aws_documents_need_no_confirmation(principal, key):
    action = "sts:AssumeRoleWithSAML" if "saml" in str(principal) else WEB
    _, findings = check(when({"StringEquals": {key: "sts.amazonaws.com"}}, principal, action))
    assert "CONFIRM_AUDIENCE_CLAIM_TYPE" not in codes_of(findings)


def test_for_all_values_on_the_audience_keeps_its_own_security_warning_only():
    _, findings = check(
        when(
            {"ForAllValues:StringEquals": {"auth.example.com:aud": "my-app"}},
            {"Federated": IDP},
            WEB,
        )
    )
    audience = [c for c in codes_of(findings) if "AUDIENCE" in c or "FORALLVALUES" in c]
    assert audience == ["FORALLVALUES_WITH_SINGLE_VALUED_KEY"]


@pytest.mark.parametrize(
    "values",
    ["vpc-1a2b3c4d", "vpc-0123456789abcdef0", ["vpc-1a2b3c4d", "vpc-ABCDEFGH"]],
)
def test_well_formed_vpc_ids_are_quiet(values):
    _, findings = check(when({"StringEquals": {"aws:SourceVpc": values}}))
    assert findings == []


def test_vpc_patterns_and_variables_are_not_judged_as_ids():
    _, like = check(when({"StringLike": {"aws:SourceVpc": "vpc-*"}}))
    assert "INVALID_VPC_FORMAT" not in codes_of(like)
    _, variable = check(when({"StringEquals": {"aws:SourceVpc": "${aws:PrincipalTag/vpc}"}}))
    assert "INVALID_VPC_FORMAT" not in codes_of(variable)


def test_roles_anywhere_names_the_actions_it_misses():
    _, findings = check(
        when(
            {"ArnEquals": {"aws:SourceArn": ANCHOR}},
            {"Service": "rolesanywhere.amazonaws.com"},
            ["sts:AssumeRole", "sts:TagSession"],
        )
    )
    (found,) = [f for f in findings if f.code == "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY"]
    assert "sts:SetSourceIdentity" in found.message and "sts:TagSession and" not in found.message
    _, complete = check(
        when(
            {"ArnEquals": {"aws:SourceArn": ANCHOR}},
            {"Service": "rolesanywhere.amazonaws.com"},
            "sts:*",
        )
    )
    assert "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY" not in codes_of(complete)


def test_a_lone_star_next_to_other_values_is_judged_and_a_pattern_is_not():
    _, with_others = check(when({"StringLike": {"sts:ExternalId": ["abc", "*"]}}))
    assert "EQUIVALENT_TO_NULL_FALSE" in codes_of(with_others)
    _, pattern = check(when({"StringLike": {"sts:ExternalId": "partner-*"}}))
    assert not {c for c in codes_of(pattern) if "WILDCARD" in c or "NULL" in c}
    _, literal = check(when({"StringEquals": {"sts:ExternalId": "*"}}))
    assert "EQUIVALENT_TO_NULL_FALSE" not in codes_of(literal)


def test_keys_of_one_assume_action_name_the_other_actions_and_skip_wildcards():
    mixed = when(
        {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        {"Federated": SAML, "AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        ["sts:AssumeRoleWithSAML", "sts:AssumeRole", "sts:TagSession"],
    )
    _, findings = check(mixed)
    (found,) = [f for f in findings if f.code == "UNSUPPORTED_ACTION_FOR_CONDITION_KEY"]
    assert "covers sts:AssumeRole." in found.message
    assert "sts:TagSession" not in found.message
    wildcard = when({"StringEquals": {"sts:ExternalId": "partner-7731"}}, action="sts:AssumeRole*")
    assert "UNSUPPORTED_ACTION_FOR_CONDITION_KEY" not in codes_of(check(wildcard)[1])


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringEquals", "us-gov-west-1"),
        ("StringEquals", "cn-northwest-1"),
        ("StringEquals", "ap-southeast-7"),
        ("StringEqualsIgnoreCase", "EU-CENTRAL-2"),
        ("StringLike", "eu-*"),
        ("StringEquals", "${aws:PrincipalTag/home-region}"),
    ],
)
def test_region_codes_of_any_shape_aws_uses_and_patterns_are_quiet(operator, value):
    _, findings = check(when({operator: {"aws:RequestedRegion": value}}))
    assert "INVALID_REGION" not in codes_of(findings)


def test_numeric_bounds_name_the_one_that_counts_and_equalities_are_quiet():
    _, lower = check(when({"NumericGreaterThan": {"sts:DurationSeconds": ["3600", "900"]}}))
    (found,) = [f for f in lower if f.code == "REDUNDANT_CONDITION_VALUE_NUM"]
    assert "the least, 900" in found.message
    _, equal = check(when({"NumericEquals": {"sts:DurationSeconds": ["3600", "900"]}}))
    assert "REDUNDANT_CONDITION_VALUE_NUM" not in codes_of(equal)
