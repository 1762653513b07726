"""The principal rules' shortcuts say what the patterns they stand for say.

The validation rules run on every keystroke of the editor, so a few common
principals are told without the slower patterns: a one-label service principal
(``lambda.amazonaws.com``) by string methods, a valid IAM or STS principal ARN
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html) by one
pattern instead of an ARN pattern and then one for its resource, an account's root
ARN by a pattern of its own, a Sid of letters and digits
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)
by ``isascii()`` and ``isalnum()``. These tests hold each shortcut to the pattern,
on text built to sit near their edges (other cases, other scripts' digits and
letters, wildcards, paths, partitions).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine.aws.arns import (
    IAM_RESOURCE,
    PRINCIPAL_ARN,
    ROOT_ARN,
    STS_RESOURCE,
    VALID_PRINCIPAL_ARN,
)
from policies.engine.aws.principals import SERVICE_PRINCIPAL, is_service_principal
from policies.engine.validate import validate_policy

SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SID = re.compile(r"[A-Za-z0-9]*")

pieces = st.sampled_from(
    ["a", "Z", "z", "0", "9", "-", ".", "_", "/", ":", "*", "?", "é", "٣", "Ⅸ", " ", "\n"]
)
words = st.sampled_from(
    ["lambda", "ec2", "EC2", "s3", "123", "a-b", "-a", "a-", "amazonaws", "amazon", "aws", "cn"]
)
labels = st.lists(st.one_of(words, pieces), max_size=4).map("".join)
domains = st.sampled_from(
    ["amazonaws.com", "amazonaws.com.cn", "amazon.com", "aws.internal", "AMAZONAWS.COM", "com", ""]
)
services = st.builds(lambda *parts: ".".join(parts), labels, domains) | st.builds(
    lambda a, b, d: f"{a}.{b}.{d}", labels, labels, domains
)


@SETTINGS
@given(services)
def test_a_service_principal_is_told_as_the_pattern_tells_it(text: str) -> None:
    assert is_service_principal(text) == (SERVICE_PRINCIPAL.fullmatch(text) is not None)


def test_the_usual_service_principals() -> None:
    assert is_service_principal("lambda.amazonaws.com")
    assert is_service_principal("ec2.amazonaws.com")
    assert not is_service_principal("Lambda.amazonaws.com")
    assert not is_service_principal("٣.amazonaws.com")  # a digit of another script
    assert is_service_principal("elasticmapreduce.amazonaws.com.cn")


partitions = st.sampled_from(["aws", "aws-cn", "aws-us-gov", "aws-iso-b", "aws-x", "AWS", ""])
services_iam_sts = st.sampled_from(["iam", "sts", "s3", "IAM"])
accounts = st.sampled_from(["111122223333", "11112222333", "1111222233334", "٣" * 12, "*"])
resources = st.one_of(
    st.sampled_from(
        [
            "root",
            "Root",
            "root/",
            "user/alice",
            "role/deploy",
            "role/path/to/deploy",
            "role/a*/x",
            "role/deploy?",
            "group/admins",
            "assumed-role/deploy/session",
            "assumed-role/deploy",
            "federated-user/bob",
            "role/",
            "role/é",
            "user/a\nb",
        ]
    ),
    st.lists(st.one_of(pieces, words), max_size=5).map("".join),
)
arns = st.builds(
    lambda p, s, a, r: f"arn:{p}:{s}::{a}:{r}", partitions, services_iam_sts, accounts, resources
)


def _valid_in_two_steps(text: str) -> bool:
    match = PRINCIPAL_ARN.fullmatch(text)
    if match is None:
        return False
    service, resource = match.group(2), match.group(4)
    pattern = IAM_RESOURCE if service == "iam" else STS_RESOURCE
    return pattern.fullmatch(resource) is not None


@SETTINGS
@given(arns)
def test_one_pattern_says_what_the_arn_and_resource_patterns_say(text: str) -> None:
    assert (VALID_PRINCIPAL_ARN.fullmatch(text) is not None) == _valid_in_two_steps(text)


@SETTINGS
@given(arns)
def test_the_root_pattern_is_the_principal_pattern_with_iam_and_root(text: str) -> None:
    match = PRINCIPAL_ARN.fullmatch(text)
    root = ROOT_ARN.fullmatch(text)
    expected = match is not None and match.group(2) == "iam" and match.group(4) == "root"
    assert (root is not None) == expected
    if root is not None and match is not None:
        assert root.group(1) == match.group(3)  # the account


@SETTINGS
@given(st.lists(st.one_of(pieces, words), min_size=1, max_size=4).map("".join))
def test_a_sid_of_letters_and_digits_is_told_as_the_pattern_tells_it(sid: str) -> None:
    assert (sid.isascii() and sid.isalnum()) == (_SID.fullmatch(sid) is not None)


def test_a_sid_with_a_digit_of_another_script_is_still_refused() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Deploy٣",
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    assert [f.code for f in validate_policy(policy)] == ["UNSUPPORTED_SID"]
