"""Validation of role trust policies: one test per rule, the AWS idioms, robustness.

The idiomatic policies are written by hand after the AWS documentation pages
named on each; they must raise no error and no security warning.
"""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine.aws.wildcard import wildcard_match
from policies.engine.codes import CODES
from policies.engine.errors import UsageError
from policies.engine.findings import Finding
from policies.engine.validate import validate_policy
from tests.policies.engine.timing import PATHOLOGICAL_SECONDS

ACCOUNT = "111122223333"
OTHER = "444455556666"
GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
EKS_ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
EKS = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS_ISSUER}"
SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/ExampleOrgSSO"
IDENTITY_CENTER = f"arn:aws:iam::{ACCOUNT}:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE"
MAIN_BRANCH = "repo:octo-org/octo-repo:ref:refs/heads/main"
COGNITO_POOL = "us-east-1:12345678-abcd-abcd-abcd-123456789012"


def policy(*statements: dict, version: str | None = "2012-10-17") -> dict:
    document: dict = {"Statement": list(statements)}
    if version is not None:
        document = {"Version": version, **document}
    return document


def allow(principal: object, action: object = "sts:AssumeRole", **extra: object) -> dict:
    return {"Effect": "Allow", "Principal": principal, "Action": action, **extra}


def snippet(text: str, finding: Finding) -> str:
    """The text a finding points at (its span)."""
    lines = text.split("\n")
    if finding.line == finding.end_line:
        return lines[finding.line - 1][finding.column - 1 : finding.end_column - 1]
    first = lines[finding.line - 1][finding.column - 1 :]
    middle = lines[finding.line : finding.end_line - 1]
    last = lines[finding.end_line - 1][: finding.end_column - 1]
    return "\n".join([first, *middle, last])


def check(document: dict | str, **kwargs: object) -> tuple[str, list[Finding]]:
    text = document if isinstance(document, str) else json.dumps(document, indent=2)
    return text, validate_policy(text, **kwargs)


def codes_of(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


# --- The AWS idioms: no error, no security warning -------------------------------------

IDIOMS = {
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html
    "ec2 service role": policy(allow({"Service": "ec2.amazonaws.com"})),
    # https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    "lambda execution role": policy(allow({"Service": "lambda.amazonaws.com"})),
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
    "ecs task role": policy(
        {"Sid": "", **allow({"Service": "ecs-tasks.amazonaws.com"})},
    ),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html
    "cross-account role arn": policy(allow({"AWS": f"arn:aws:iam::{OTHER}:role/Deployer"})),
    "cross-account root with MFA": policy(
        allow(
            {"AWS": f"arn:aws:iam::{OTHER}:root"},
            Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        )
    ),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
    "organization-wide": policy(
        allow({"AWS": "*"}, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})
    ),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
    "github actions one repository": policy(
        allow(
            {"Federated": GITHUB},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {
                    "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"
                },
            },
        )
    ),
    "github actions one branch": policy(
        allow(
            {"Federated": GITHUB},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": (
                        "repo:octo-org/octo-repo:ref:refs/heads/main"
                    ),
                }
            },
        )
    ),
    # https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
    "eks irsa": policy(
        allow(
            {"Federated": EKS},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {
                    f"{EKS_ISSUER}:sub": "system:serviceaccount:default:my-service-account",
                    f"{EKS_ISSUER}:aud": "sts.amazonaws.com",
                }
            },
        )
    ),
    # https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
    "cognito identity pool": policy(
        allow(
            {"Federated": "cognito-identity.amazonaws.com"},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {"cognito-identity.amazonaws.com:aud": COGNITO_POOL},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
        )
    ),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html
    "saml federation": policy(
        allow(
            {"Federated": SAML},
            "sts:AssumeRoleWithSAML",
            Condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        )
    ),
    # https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
    "iam identity center": policy(
        allow(
            {"Federated": IDENTITY_CENTER},
            ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            Condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        )
    ),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
    "session tags for a role": policy(
        allow(
            {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Builder"},
            ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        )
    ),
}


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_aws_idioms_raise_no_error_and_no_security_warning(name):
    _, findings = check(IDIOMS[name])
    serious = [f for f in findings if f.severity in ("error", "security_warning")]
    assert serious == []
    assert findings == []


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_aws_idioms_stay_clean_with_the_roles_own_account(name):
    _, findings = check(IDIOMS[name], role_account=ACCOUNT)
    assert [f.code for f in findings if f.severity != "suggestion"] == []


# --- One rule at a time: code, severity and the exact text pointed at --------------------

RULES = [
    (
        "NotPrincipal",
        policy({"Effect": "Allow", "NotPrincipal": {"AWS": OTHER}, "Action": "sts:AssumeRole"}),
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
        '"NotPrincipal"',
    ),
    (
        "Resource",
        policy(allow({"AWS": OTHER}, Resource="*")),
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
        '"Resource"',
    ),
    (
        "NotResource",
        policy(allow({"AWS": OTHER}, NotResource="*")),
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
        '"NotResource"',
    ),
    (
        "bare star",
        policy(allow("*")),
        "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        '"*"',
    ),
    (
        "any account root",
        policy(allow({"AWS": "arn:aws:iam::*:root"})),
        "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        '"arn:aws:iam::*:root"',
    ),
    (
        "role name wildcard",
        policy(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/deploy-*"})),
        "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        f'"arn:aws:iam::{ACCOUNT}:role/deploy-*"',
    ),
    (
        "service wildcard",
        policy(allow({"Service": "*.amazonaws.com"})),
        "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        '"*.amazonaws.com"',
    ),
    (
        "service star",
        policy(allow({"Service": "*"})),
        "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        '"*"',
    ),
    (
        "service without domain",
        policy(allow({"Service": "ec2"})),
        "INVALID_SERVICE_PRINCIPAL_FORMAT",
        '"ec2"',
    ),
    (
        "service in capitals",
        policy(allow({"Service": "EC2.amazonaws.com"})),
        "INVALID_SERVICE_PRINCIPAL_FORMAT",
        '"EC2.amazonaws.com"',
    ),
    (
        "principal key",
        policy(allow({"Account": OTHER})),
        "INVALID_PRINCIPAL_KEY",
        '"Account"',
    ),
    (
        "group principal",
        policy(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:group/Admins"})),
        "INVALID_PRINCIPAL_FORMAT",
        f'"arn:aws:iam::{ACCOUNT}:group/Admins"',
    ),
    (
        "short account id",
        policy(allow({"AWS": "12345"})),
        "INVALID_PRINCIPAL_FORMAT",
        '"12345"',
    ),
    (
        "principal as plain string",
        policy(allow(f"arn:aws:iam::{OTHER}:root")),
        "INVALID_PRINCIPAL_FORMAT",
        f'"arn:aws:iam::{OTHER}:root"',
    ),
    (
        "federated star",
        policy(allow({"Federated": "*"}, "sts:AssumeRoleWithWebIdentity")),
        "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
        '"*"',
    ),
    (
        "federated unknown provider",
        policy(allow({"Federated": "login.example.com"}, "sts:AssumeRoleWithWebIdentity")),
        "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
        '"login.example.com"',
    ),
    (
        "saml with AssumeRole",
        policy(
            allow(
                {"Federated": SAML},
                "sts:AssumeRole",
                Condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            )
        ),
        "MISMATCHED_ACTION_FOR_PRINCIPAL",
        '"sts:AssumeRole"',
    ),
    (
        "oidc with saml action",
        policy(
            allow(
                {"Federated": "cognito-identity.amazonaws.com"},
                "sts:AssumeRoleWithSAML",
                Condition={"StringEquals": {"cognito-identity.amazonaws.com:aud": "pool"}},
            )
        ),
        "MISMATCHED_ACTION_FOR_PRINCIPAL",
        '"sts:AssumeRoleWithSAML"',
    ),
    (
        "service with web identity action",
        policy(allow({"Service": "ec2.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity")),
        "MISMATCHED_ACTION_FOR_PRINCIPAL",
        '"sts:AssumeRoleWithWebIdentity"',
    ),
    (
        "unknown operator",
        policy(allow({"AWS": OTHER}, Condition={"StringEqual": {"sts:ExternalId": "x1"}})),
        "INVALID_CONDITION_OPERATOR",
        '"StringEqual"',
    ),
    (
        "Null with IfExists",
        policy(allow({"AWS": OTHER}, Condition={"NullIfExists": {"sts:ExternalId": "false"}})),
        "NULL_WITH_IF_EXISTS",
        '"NullIfExists"',
    ),
    (
        "date operator with words",
        policy(allow({"AWS": OTHER}, Condition={"DateLessThan": {"aws:CurrentTime": "next year"}})),
        "TYPE_MISMATCH_DATE",
        '"next year"',
    ),
    (
        "numeric operator with words",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "one hour"}},
            )
        ),
        "TYPE_MISMATCH_NUMBER",
        '"one hour"',
    ),
    (
        "bool operator with yes",
        policy(allow({"AWS": OTHER}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "yes"}})),
        "TYPE_MISMATCH_BOOLEAN",
        '"yes"',
    ),
    (
        "ip operator with a bad address",
        policy(allow({"AWS": OTHER}, Condition={"IpAddress": {"aws:SourceIp": "10.0.0.256/24"}})),
        "TYPE_MISMATCH_IP_RANGE",
        '"10.0.0.256/24"',
    ),
    (
        "arn operator with a name",
        policy(allow({"AWS": "*"}, Condition={"ArnLike": {"aws:PrincipalArn": "Deployer"}})),
        "TYPE_MISMATCH_ARN",
        '"Deployer"',
    ),
    (
        "string operator on a date key",
        policy(
            allow({"AWS": OTHER}, Condition={"StringEquals": {"aws:CurrentTime": "2026-01-01"}})
        ),
        "TYPE_MISMATCH",
        '"aws:CurrentTime"',
    ),
    (
        "date operator on a string key",
        policy(allow({"AWS": OTHER}, Condition={"DateEquals": {"sts:ExternalId": "2026-01-01"}})),
        "TYPE_MISMATCH",
        '"sts:ExternalId"',
    ),
    (
        "ForAllValues with a single-valued key",
        policy(
            allow(
                {"AWS": "*"},
                Condition={"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            )
        ),
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        '"aws:PrincipalOrgID"',
    ),
    (
        "wildcard under StringEquals",
        policy(
            allow(
                {"AWS": "*"},
                Condition={
                    "StringEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ops-*"}
                },
            )
        ),
        "WILDCARD_WITHOUT_LIKE_OPERATOR",
        f'"arn:aws:iam::{ACCOUNT}:role/ops-*"',
    ),
    (
        "variable in a 2008 policy",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"StringEquals": {"sts:RoleSessionName": "${aws:username}"}},
            ),
            version="2008-10-17",
        ),
        "VARIABLE_UNSUPPORTED_IN_VERSION",
        '"${aws:username}"',
    ),
    (
        "variable without a version",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"StringEquals": {"sts:RoleSessionName": "${aws:username}"}},
            ),
            version=None,
        ),
        "VARIABLE_UNSUPPORTED_IN_VERSION",
        '"${aws:username}"',
    ),
    (
        "variable in Principal",
        policy(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"})),
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        f'"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"',
    ),
    (
        "variable in Action",
        policy(allow({"AWS": OTHER}, "sts:${aws:username}")),
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        '"sts:${aws:username}"',
    ),
    (
        "unclosed variable",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"StringEquals": {"sts:RoleSessionName": "${aws:username"}},
            )
        ),
        "MISSING_BRACE_IN_VARIABLE",
        '"${aws:username"',
    ),
    (
        "empty variable",
        policy(allow({"AWS": OTHER}, Condition={"StringEquals": {"sts:RoleSessionName": "${}"}})),
        "EMPTY_VARIABLE",
        '"${}"',
    ),
    (
        "space in variable",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"StringEquals": {"sts:RoleSessionName": "${aws:user name}"}},
            )
        ),
        "UNSUPPORTED_SPACE_IN_VARIABLE",
        '"${aws:user name}"',
    ),
    (
        "duplicate Sid",
        policy(
            {"Sid": "Trust", **allow({"Service": "ec2.amazonaws.com"})},
            {"Sid": "Trust", **allow({"Service": "lambda.amazonaws.com"})},
        ),
        "UNIQUE_SIDS_REQUIRED",
        '"Trust"',
    ),
    (
        "Sid with a dash",
        policy({"Sid": "allow-ec2", **allow({"Service": "ec2.amazonaws.com"})}),
        "UNSUPPORTED_SID",
        '"allow-ec2"',
    ),
    (
        "empty Action list",
        policy(allow({"Service": "ec2.amazonaws.com"}, [])),
        "EMPTY_ARRAY_ACTION",
        "[]",
    ),
    (
        "empty Principal object",
        policy(allow({})),
        "EMPTY_OBJECT_PRINCIPAL",
        "{}",
    ),
    (
        "empty principal list",
        policy(allow({"AWS": []})),
        "EMPTY_ARRAY_PRINCIPAL",
        "[]",
    ),
    (
        "empty Condition",
        policy(allow({"Service": "ec2.amazonaws.com"}, Condition={})),
        "EMPTY_OBJECT_CONDITION",
        "{}",
    ),
    (
        "empty condition values",
        policy(allow({"AWS": OTHER}, Condition={"StringEquals": {"sts:ExternalId": []}})),
        "EMPTY_ARRAY_CONDITION",
        "[]",
    ),
    (
        "empty Statement",
        policy(),
        "EMPTY_ARRAY_STATEMENT",
        "[]",
    ),
    (
        "unique id of a deleted role",
        policy(allow({"AWS": "AROA1234567890EXAMPLE"})),
        "INVALID_ROLE_REFERENCE",
        '"AROA1234567890EXAMPLE"',
    ),
    (
        "unique id of a deleted user",
        policy(allow({"AWS": "AIDA1234567890EXAMPLE"})),
        "INVALID_USER_REFERENCE",
        '"AIDA1234567890EXAMPLE"',
    ),
    (
        "github without subject",
        policy(
            allow(
                {"Federated": GITHUB},
                "sts:AssumeRoleWithWebIdentity",
                Condition={
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
                },
            )
        ),
        "MISSING_GITHUB_REPO_CONDITION_KEY",
        f'"{GITHUB}"',
    ),
    (
        "github subject only negated",
        policy(
            allow(
                {"Federated": GITHUB},
                "sts:AssumeRoleWithWebIdentity",
                Condition={
                    "StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:evil/*"}
                },
            )
        ),
        "MISSING_GITHUB_REPO_CONDITION_KEY",
        f'"{GITHUB}"',
    ),
    (
        "github any repository",
        policy(
            allow(
                {"Federated": GITHUB},
                "sts:AssumeRoleWithWebIdentity",
                Condition={"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}},
            )
        ),
        "OVERLY_PERMISSIVE_GITHUB_REPO_CONDITION",
        '"repo:*"',
    ),
    (
        "github any repository of an owner",
        policy(
            allow(
                {"Federated": GITHUB},
                "sts:AssumeRoleWithWebIdentity",
                Condition={
                    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}
                },
            )
        ),
        "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED",
        '"repo:octo-org/*"',
    ),
    (
        "eks without subject",
        policy(
            allow(
                {"Federated": EKS},
                "sts:AssumeRoleWithWebIdentity",
                Condition={"StringEquals": {f"{EKS_ISSUER}:aud": "sts.amazonaws.com"}},
            )
        ),
        "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
        f'"{EKS}"',
    ),
    (
        "cognito without audience",
        policy(
            allow({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity")
        ),
        "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
        '"cognito-identity.amazonaws.com"',
    ),
    (
        "google without audience",
        policy(allow({"Federated": "accounts.google.com"}, "sts:AssumeRoleWithWebIdentity")),
        "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
        '"accounts.google.com"',
    ),
    (
        "every AWS account without a condition",
        policy(allow({"AWS": "*"})),
        "MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL",
        '"*"',
    ),
    (
        "every AWS account with a negated condition only",
        policy(allow({"AWS": "*"}, Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}})),
        "MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL",
        '"*"',
    ),
    (
        "confused deputy for AWS Config",
        policy(allow({"Service": "config.amazonaws.com"})),
        "MISSING_SOURCE_CONDITION_FOR_SERVICE_PRINCIPAL",
        '"config.amazonaws.com"',
    ),
    (
        "invalid Effect",
        policy({**allow({"AWS": OTHER}), "Effect": "allow"}),
        "INVALID_EFFECT",
        '"allow"',
    ),
    (
        "missing Effect",
        policy({"Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole"}),
        "MISSING_EFFECT",
        "{",
    ),
    (
        "missing Action",
        policy({"Effect": "Allow", "Principal": {"AWS": OTHER}}),
        "MISSING_ACTION",
        "{",
    ),
    (
        "missing Principal",
        policy({"Effect": "Allow", "Action": "sts:AssumeRole"}),
        "MISSING_PRINCIPAL",
        "{",
    ),
    (
        "Action and NotAction",
        policy(allow({"AWS": OTHER}, NotAction="sts:TagSession")),
        "UNSUPPORTED_ELEMENT_COMBINATION",
        '"NotAction"',
    ),
    (
        "missing Version",
        policy(allow({"AWS": OTHER}), version=None),
        "MISSING_VERSION",
        "{",
    ),
    (
        "a date as Version",
        policy(allow({"AWS": OTHER}), version="2024-01-01"),
        "INVALID_VERSION",
        '"2024-01-01"',
    ),
    (
        "no Statement",
        {"Version": "2012-10-17"},
        "MISSING_STATEMENT",
        "{",
    ),
    (
        "unknown element",
        policy(allow({"AWS": OTHER}, Conditions={})),
        "INVALID_POLICY_ELEMENT",
        '"Conditions"',
    ),
    (
        "Effect as a number",
        policy({**allow({"AWS": OTHER}), "Effect": 1}),
        "DATA_TYPE_MISMATCH",
        "1",
    ),
    (
        "typo in an STS action",
        policy(allow({"AWS": OTHER}, "sts:AssumeRol")),
        "INVALID_ACTION",
        '"sts:AssumeRol"',
    ),
    (
        "permissions action in a trust policy",
        policy(allow({"AWS": OTHER}, "s3:GetObject")),
        "UNSUPPORTED_ACTION_IN_TRUST_POLICY",
        '"s3:GetObject"',
    ),
    (
        "misspelled global key",
        policy(allow({"AWS": "*"}, Condition={"StringEquals": {"aws:PrincipalOrgId2": "o-1"}})),
        "INVALID_GLOBAL_CONDITION_KEY",
        '"aws:PrincipalOrgId2"',
    ),
    (
        "condition key without service",
        policy(allow({"AWS": OTHER}, Condition={"StringEquals": {"ExternalId": "x1"}})),
        "INVALID_CONDITION_KEY_FORMAT",
        '"ExternalId"',
    ),
    (
        "mixed JSON types in values",
        policy(allow({"AWS": OTHER}, Condition={"StringEquals": {"sts:ExternalId": ["a1", 7]}})),
        "INVALID_CONDITION_DATA_TYPE",
        '["a1", 7]',
    ),
    (
        "several Boolean values",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"Bool": {"aws:MultiFactorAuthPresent": ["true", "false"]}},
            )
        ),
        "INVALID_CONDITION_MULTIPLE_BOOLEAN",
        '["true", "false"]',
    ),
    (
        "binary value not base64",
        policy(allow({"AWS": OTHER}, Condition={"BinaryEquals": {"aws:UserAgent": "not base64!"}})),
        "TYPE_MISMATCH_STRING",
        '"not base64!"',
    ),
    (
        "host bits in a CIDR range",
        policy(allow({"AWS": OTHER}, Condition={"IpAddress": {"aws:SourceIp": "203.0.113.7/24"}})),
        "IMPROVE_IP_RANGE",
        '"203.0.113.7/24"',
    ),
    (
        "private source addresses only",
        policy(allow({"AWS": OTHER}, Condition={"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}})),
        "PRIVATE_IP_ADDRESS",
        '"10.1.0.0/16"',
    ),
    (
        "private source addresses under NotIpAddress",
        policy(
            allow({"AWS": OTHER}, Condition={"NotIpAddress": {"aws:SourceIp": "192.168.0.0/16"}})
        ),
        "PRIVATE_NOT_IP_ADDRESS",
        '"192.168.0.0/16"',
    ),
    (
        "private and public source addresses",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "172.16.0.0/12"]}},
            )
        ),
        "PRIVATE_IP_ADDRESS_SUBSET",
        '["203.0.113.0/24", "172.16.0.0/12"]',
    ),
    (
        "Null with a set operator",
        policy(allow({"AWS": OTHER}, Condition={"ForAnyValue:Null": {"aws:TagKeys": "false"}})),
        "NULL_WITH_QUALIFIER",
        '"ForAnyValue:Null"',
    ),
    (
        "empty values under ForAllValues",
        policy(allow({"AWS": OTHER}, Condition={"ForAllValues:StringEquals": {"aws:TagKeys": []}})),
        "EMPTY_ARRAY_CONDITION_FORALLVALUES",
        "[]",
    ),
    (
        "empty values under ForAnyValue",
        policy(allow({"AWS": OTHER}, Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": []}})),
        "EMPTY_ARRAY_CONDITION_FORANYVALUE",
        "[]",
    ),
    (
        "empty values under IfExists",
        policy(allow({"AWS": OTHER}, Condition={"StringEqualsIfExists": {"sts:ExternalId": []}})),
        "EMPTY_ARRAY_CONDITION_IFEXISTS",
        "[]",
    ),
    (
        "variable default without quotes",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"StringEquals": {"sts:RoleSessionName": "${aws:username, anon}"}},
            )
        ),
        "MISSING_QUOTE_IN_VARIABLE",
        '"${aws:username, anon}"',
    ),
    (
        "variable under a Date operator",
        policy(
            allow(
                {"AWS": OTHER},
                Condition={"DateGreaterThan": {"aws:CurrentTime": "${aws:TokenIssueTime}"}},
            )
        ),
        "INVALID_VARIABLE_FOR_OPERATOR",
        '"${aws:TokenIssueTime}"',
    ),
    (
        "too long for the quota",
        policy(
            allow({"AWS": [f"arn:aws:iam::{ACCOUNT}:role/role-number-{i:03d}" for i in range(60)]})
        ),
        "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
        "{",
    ),
]


@pytest.mark.parametrize(("name", "document", "code", "pointed"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_reports_its_code_at_the_exact_place(name, document, code, pointed):
    text, findings = check(document)
    matching = [f for f in findings if f.code == code]
    assert matching, f"{code} not in {codes_of(findings)}"
    finding = matching[0]
    # An array value may span several lines of the indented text: compare without layout.
    assert "".join(snippet(text, finding).split()) == "".join(pointed.split())
    assert finding.severity == CODES[code].severity


@pytest.mark.parametrize(("name", "document", "code", "pointed"), RULES, ids=[r[0] for r in RULES])
def test_every_finding_teaches_and_links_to_aws(name, document, code, pointed):
    _, findings = check(document)
    for finding in findings:
        assert finding.code in CODES
        assert finding.severity == CODES[finding.code].severity
        assert finding.learn_more.startswith("https://docs.aws.amazon.com/")
        assert len(finding.message) > 40 and finding.message[-1] in ".?)"
        assert set(finding.to_dict()) == {
            "code",
            "severity",
            "message",
            "line",
            "column",
            "end_line",
            "end_column",
            "learn_more",
        }


def test_json_syntax_error_points_at_the_bad_character():
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}'
    (finding,) = validate_policy(text)
    assert finding.code == "JSON_SYNTAX_ERROR" and finding.severity == "error"
    assert (finding.line, finding.column) == (4, 24)
    assert text.split("\n")[3][finding.column - 1] == "}"


def test_findings_are_sorted_by_position():
    document = policy(
        allow({"AWS": "*"}),
        {**allow({"Service": "ec2"}), "Effect": "Permit"},
    )
    _, findings = check(document)
    positions = [(f.line, f.column) for f in findings]
    assert positions == sorted(positions)
    assert len(findings) >= 3


def test_duplicate_keys_are_warned_and_different_case_keys_are_errors():
    text = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Effect": "Allow", '
        '"Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole", '
        '"Condition": {"StringEquals": {"sts:ExternalId": "a1", "STS:ExternalID": "b2"}}}]}'
    )
    findings = validate_policy(text)
    assert {f.code for f in findings} == {"DUPLICATE_KEY", "DUPLICATE_KEYS_WITH_DIFFERENT_CASE"}
    duplicate = next(f for f in findings if f.code == "DUPLICATE_KEY")
    assert text[duplicate.column - 1 : duplicate.end_column - 1] == '"Effect"'
    assert duplicate.column > text.index('"Effect"') + 1


def test_external_id_suggestion_needs_the_roles_account():
    document = policy(allow({"AWS": OTHER}))
    assert codes_of(check(document)[1]) == []
    assert codes_of(check(document, role_account=OTHER)[1]) == []
    assert codes_of(check(document, role_account=ACCOUNT)[1]) == [
        "MISSING_EXTERNAL_ID_FOR_CROSS_ACCOUNT_TRUST"
    ]
    with_id = policy(allow({"AWS": OTHER}, Condition={"StringEquals": {"sts:ExternalId": "x7"}}))
    assert codes_of(check(with_id, role_account=ACCOUNT)[1]) == []
    named_role = policy(allow({"AWS": f"arn:aws:iam::{OTHER}:role/Auditor"}))
    assert codes_of(check(named_role, role_account=ACCOUNT)[1]) == []


def test_confused_deputy_suggestion_is_quiet_with_a_source_condition():
    document = policy(
        allow(
            {"Service": "config.amazonaws.com"},
            Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        )
    )
    assert check(document)[1] == []


def test_limited_wildcard_principals_and_specific_github_conditions_are_quiet():
    by_arn = policy(
        allow(
            {"AWS": "*"},
            Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ops-*"}},
        )
    )
    assert check(by_arn)[1] == []
    both = policy(
        allow(
            {"Federated": GITHUB},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {
                    "token.actions.githubusercontent.com:sub": [
                        "repo:octo-org/octo-repo:ref:refs/heads/main",
                        "repo:octo-org/octo-repo:environment:prod",
                    ]
                },
            },
        )
    )
    assert check(both)[1] == []


def test_deny_statements_raise_no_security_warnings():
    document = policy(
        allow({"Service": "ec2.amazonaws.com"}),
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
    )
    assert check(document)[1] == []


def test_variables_are_fine_in_condition_values_of_a_2012_policy():
    document = policy(
        allow(
            {"AWS": ACCOUNT},
            Condition={
                "StringEquals": {"sts:RoleSessionName": "${aws:username}"},
                "StringLike": {"aws:PrincipalTag/team": "${aws:PrincipalTag/team, 'none'}"},
            },
        )
    )
    assert check(document)[1] == []


def test_wildcards_are_fine_under_like_and_arn_operators():
    document = policy(
        allow(
            {"AWS": ACCOUNT},
            Condition={
                "StringLike": {"sts:RoleSessionName": "ci-*"},
                "ArnEquals": {"aws:SourceArn": "arn:aws:codebuild:*:111122223333:project/*"},
            },
        )
    )
    assert check(document)[1] == []


def test_dict_input_positions_refer_to_the_indented_text():
    findings = validate_policy(policy(allow("*")))
    (finding,) = findings
    assert finding.code == "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"
    text = json.dumps(policy(allow("*")), indent=2)
    assert snippet(text, finding) == '"*"'


def test_non_object_documents_are_one_finding():
    for text in ("[]", '"policy"', "42"):
        assert codes_of(validate_policy(text)) == ["DATA_TYPE_MISMATCH"]


def test_other_types_are_a_usage_error():
    with pytest.raises(UsageError):
        validate_policy(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("sts:*", "sts:AssumeRole", True),
        ("sts:Assume?ole", "sts:AssumeRole", True),
        ("*", "", True),
        ("a*b*c", "abbbc", True),
        ("a*b*c", "abbb", False),
        ("STS:ASSUMEROLE", "sts:AssumeRole", False),
    ],
)
def test_the_one_wildcard_matcher(pattern, value, expected):
    assert wildcard_match(pattern, value) is expected


def test_the_wildcard_matcher_is_fast_on_adversarial_patterns():
    started = time.perf_counter()
    assert not wildcard_match("*a" * 500 + "b", "a" * 4000)
    assert time.perf_counter() - started < PATHOLOGICAL_SECONDS


# --- Robustness: nothing but findings, and fast ------------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=30)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Sid",
                    "Effect",
                    "Principal",
                    "NotPrincipal",
                    "Action",
                    "NotAction",
                    "Resource",
                    "Condition",
                    "AWS",
                    "Service",
                    "Federated",
                    "StringEquals",
                    "ForAllValues:StringLike",
                    "NullIfExists",
                    "aws:SourceIp",
                    "sts:ExternalId",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["Version", "Statement", "Id"]), json_values))
def test_any_policy_shaped_document_gives_findings_only(document):
    findings = validate_policy(document)
    assert all(f.code in CODES for f in findings)
    assert findings == sorted(findings, key=Finding.sort_key)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_findings_only(text):
    for finding in validate_policy(text):
        assert finding.code in CODES


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        '{"Statement": ' * 10_000,
        '{"Version": "2012-10-17", "Statement": [' + "{}," * 999 + "{}]}",
        '{"Version": "2012-10-17", "Statement": [' + "{}," * 20_000 + "{}]}",
        '{"Version": "' + "v" * 60_000 + '"}',
        '{"Version": "\\ud800"}',
        '{"Version": "\udc80"}',
        "\x00" * 1000,
        "x" * 70_000,
    ],
)
def test_hostile_text_gives_findings_quickly(text):
    started = time.perf_counter()
    findings = validate_policy(text)
    assert findings and all(f.code in CODES for f in findings)
    assert time.perf_counter() - started < PATHOLOGICAL_SECONDS


@pytest.mark.parametrize(
    "operator", ["StringEqualsIfExists", "ForAllValues:StringEquals", "StringNotEquals"]
)
def test_conditions_that_pass_without_the_key_do_not_limit_every_account(operator):
    document = policy(allow({"AWS": "*"}, Condition={operator: {"aws:PrincipalOrgID": "o-1"}}))
    assert "MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL" in codes_of(check(document)[1])


def test_for_all_values_on_a_github_claim_warns_once_per_key_but_still_limits():
    # The shape GitHub's own guide once showed; the claims are always in the token.
    document = policy(
        allow(
            {"Federated": GITHUB},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "ForAllValues:StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": MAIN_BRANCH,
                }
            },
        )
    )
    assert codes_of(check(document)[1]) == ["FORALLVALUES_WITH_SINGLE_VALUED_KEY"] * 2


def test_one_exact_subject_condition_is_enough_next_to_a_broad_one():
    document = policy(
        allow(
            {"Federated": GITHUB},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": MAIN_BRANCH,
                },
                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"},
            },
        )
    )
    assert check(document)[1] == []


@pytest.mark.parametrize(
    ("pattern", "warned"),
    [
        ("arn:aws:iam::*:role/deploy-*", True),  # any account may name a role deploy-x
        ("arn:aws:iam::1111222233?3:role/deploy", True),
        ("arn:aws:iam::111122223333:role/deploy-*", False),
    ],
)
def test_aws_star_limited_by_principal_arn_only_when_the_account_is_named(pattern, warned):
    """{"AWS": "*"} narrowed by aws:PrincipalArn still trusts strangers when the ARN
    pattern wildcards the account: anyone can create a role with a matching name in their
    own account (IAM JSON policy elements: Principal, "AWS": "*" with conditions,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnLike": {"aws:PrincipalArn": pattern}},
            }
        ],
    }
    codes = {f.code for f in validate_policy(policy)}
    assert ("MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL" in codes) is warned
