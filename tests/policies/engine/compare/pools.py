"""Small vocabularies of principals, keys and values shared by the comparison
tests: generated policies and sampled requests draw from the same pools, so
that sampled requests hit the interesting corners of generated policies."""

from __future__ import annotations

A1 = "111122223333"
A2 = "444455556666"
OIDC = f"arn:aws:iam::{A1}:oidc-provider/token.actions.githubusercontent.com"
SAML = f"arn:aws:iam::{A1}:saml-provider/Corp"

CALLERS = [
    f"arn:aws:iam::{A1}:user/alice",
    f"arn:aws:iam::{A1}:user/ops/bob",
    f"arn:aws:iam::{A1}:role/Deploy",
    f"arn:aws:iam::{A1}:role/team/Deploy",
    f"arn:aws:sts::{A1}:assumed-role/Deploy/s1",
    f"arn:aws:iam::{A2}:role/contractor-jane",
    f"arn:aws:sts::{A2}:assumed-role/contractor-jane/x1",
    f"arn:aws:iam::{A2}:user/alice",
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    OIDC,
    SAML,
    "accounts.google.com",
]

AWS_PRINCIPALS = [
    A1,
    f"arn:aws:iam::{A1}:root",
    f"arn:aws:iam::{A2}:root",
    f"arn:aws:iam::{A1}:user/alice",
    f"arn:aws:iam::{A1}:role/Deploy",
    f"arn:aws:iam::{A1}:role/team/Deploy",
    f"arn:aws:sts::{A1}:assumed-role/Deploy/s1",
    "*",
]
SERVICES = ["ec2.amazonaws.com", "lambda.amazonaws.com"]
FEDERATED = [OIDC, SAML, "accounts.google.com"]

ACTIONS = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
]
ACTION_PATTERNS = [*ACTIONS, "sts:AssumeRole*", "sts:*", "*", "sts:?agSession"]

STRING_VALUES = ["abc", "abc-123", "ABC", "dev", "prod", "x", ""]
STRING_PATTERNS = ["abc*", "*-123", "a?c", "*", "p*d", "dev"]
ARN_VALUES = [
    f"arn:aws:iam::{A1}:role/Deploy",
    f"arn:aws:iam::{A2}:role/contractor-jane",
    f"arn:aws:iam::{A1}:user/alice",
    f"arn:aws:s3:::bucket-{A1}",
]
ARN_PATTERNS = [
    f"arn:aws:iam::{A2}:role/contractor-*",
    "arn:aws:iam::*:role/Deploy",
    f"arn:aws:iam::{A1}:*",
    "arn:aws:s3:::*",
    "*",
]
NUMBERS = ["0", "900", "3600", "43200", "1.5", "-1", "abc"]
DATES = ["2024-01-01T00:00:00Z", "2030-06-01T12:00:00Z", "1700000000", "soon"]
IPS = ["203.0.113.7", "203.0.113.200", "198.51.100.1", "2001:db8::1", "not-an-ip"]
NETWORKS = ["203.0.113.0/25", "198.51.100.0/24", "2001:db8::/32", "10.0.0.1"]
BOOLS = ["true", "false", "True", "maybe"]
TAG_KEYS = ["team", "env", "cost"]

#: (key, kind of its values); kind picks both the operators and the values.
KEYS = [
    ("sts:ExternalId", "string"),
    ("aws:PrincipalTag/team", "string"),
    ("aws:RequestTag/env", "string"),
    ("sts:SourceIdentity", "string"),
    ("sts:RoleSessionName", "string"),
    ("token.actions.githubusercontent.com:sub", "string"),
    ("aws:PrincipalArn", "arn"),
    ("aws:SourceArn", "arn"),
    ("aws:PrincipalAccount", "string"),
    ("sts:DurationSeconds", "number"),
    ("aws:CurrentTime", "date"),
    ("aws:SourceIp", "ip"),
    ("aws:MultiFactorAuthPresent", "bool"),
    ("aws:PrincipalIsAWSService", "bool"),
    ("aws:TagKeys", "set"),
    ("aws:PrincipalOrgPaths", "set"),
]
FREE_KEYS = [
    k
    for k, _ in KEYS
    if k not in ("aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalIsAWSService")
]
