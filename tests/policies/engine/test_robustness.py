"""Hostile input: the engine raises nothing but its own errors and always finishes quickly.

Size limits are in ``policies/engine/limits.py``; text above MAX_POLICY_CHARS is refused
with one POLICY_TOO_LARGE_TO_CHECK finding instead of being parsed.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine import InputTooLargeError, PolicyError, evaluate, validate
from policies.engine.limits import MAX_POLICY_CHARS, MAX_STRING_CHARS
from tests.policies.engine.timing import PATHOLOGICAL_SECONDS

REQUEST = {
    "principal": "arn:aws:iam::111122223333:user/alice",
    "action": "sts:AssumeRole",
    "role_arn": "arn:aws:iam::111122223333:role/Target",
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "trust_policy",
        "request",
        "identity_policies",
        "permissions_boundary",
        "session_policy",
        "scps",
        "Version",
        "Statement",
        "principal",
        "action",
        "context",
        "role_arn",
    ]
)
case_like = st.dictionaries(keys | st.text(max_size=5), json_values, max_size=6)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answer_or_policy_error(case: Any) -> None:
    try:
        result = evaluate(case)
    except PolicyError:
        return
    json.dumps(result.to_dict())


@SETTINGS
@given(case_like)
def test_arbitrary_case_dicts(case: dict[str, Any]) -> None:
    answer_or_policy_error(case)


@SETTINGS
@given(json_values, json_values)
def test_arbitrary_policies_and_requests(trust: Any, request: Any) -> None:
    answer_or_policy_error({"trust_policy": trust, "request": request})
    answer_or_policy_error({"trust_policy": trust, "request": REQUEST})


@SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_text_is_answered(text: str) -> None:
    result = evaluate({"trust_policy": text, "request": REQUEST})
    assert result.decision in ("allowed", "explicitDeny", "implicitDeny")
    for finding in validate(text):
        assert finding.line >= 1 and finding.column >= 1


@SETTINGS
@given(
    st.text(
        alphabet=st.sampled_from(list('{}[]:,"\\ \n\tatrueflsn0123456789-.eE\ud800\udc00')),
        max_size=200,
    )
)
def test_json_like_noise_is_answered(text: str) -> None:
    decision = evaluate({"trust_policy": text, "request": REQUEST}).decision
    assert decision in ("allowed", "explicitDeny", "implicitDeny")
    assert isinstance(validate(text), list)


def timed(case: dict[str, Any]) -> tuple[str, float]:
    start = time.perf_counter()
    decision = evaluate(case).decision
    return decision, time.perf_counter() - start


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        "[" + "1," * 50_000 + "1]",
        '"' + "a" * 70_000 + '"',
        '{"Statement": "' + "\ud800" * 10 + '"}',
        "\x00\x01\x02",
        "",
    ],
)
def test_hostile_text_is_refused_quickly(text: str) -> None:
    decision, seconds = timed({"trust_policy": text, "request": REQUEST})
    assert decision == "implicitDeny"
    assert seconds < PATHOLOGICAL_SECONDS
    assert validate(text)


def test_text_above_the_limit_gets_one_clear_finding() -> None:
    text = " " * (MAX_POLICY_CHARS + 1)
    findings = validate(text)
    assert [f.code for f in findings] == ["POLICY_TOO_LARGE_TO_CHECK"]
    assert evaluate({"trust_policy": text, "request": REQUEST}).decision == "implicitDeny"


def test_lone_surrogates_in_python_values_do_not_crash() -> None:
    trust = {"Version": "2012-10-17", "Statement": [{"Sid": "\ud800", "Effect": "Allow"}]}
    answer_or_policy_error({"trust_policy": trust, "request": REQUEST})
    answer_or_policy_error(
        {"trust_policy": trust, "request": dict(REQUEST, context={"k": "\udfff"})}
    )


def test_nan_and_non_json_python_values_are_usage_errors() -> None:
    for trust in ({"Version": float("nan")}, {"Version": {1, 2}}, {"Version": b"x"}):
        with pytest.raises(PolicyError):
            evaluate({"trust_policy": trust, "request": REQUEST})


def test_adversarial_wildcards_at_the_largest_accepted_size() -> None:
    pattern = ("*a" * (MAX_STRING_CHARS // 2))[: MAX_STRING_CHARS - 1] + "b"
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"aws:Key": [pattern]}},
    }
    many = [statement] * 12  # close to MAX_POLICY_CHARS of text
    trust = {"Version": "2012-10-17", "Statement": many}
    assert len(json.dumps(trust)) < MAX_POLICY_CHARS
    case = {
        "trust_policy": trust,
        "request": dict(REQUEST, context={"aws:Key": "a" * MAX_STRING_CHARS}),
    }
    evaluate(case)  # warm the caches once, as the editor would
    decision, seconds = timed(case)
    assert decision == "implicitDeny"
    assert seconds < PATHOLOGICAL_SECONDS


def test_huge_context_is_refused() -> None:
    with pytest.raises(PolicyError):
        evaluate(
            {
                "trust_policy": "{}",
                "request": dict(REQUEST, context={"k": ["v"] * 100_000}),
            }
        )


def test_too_much_matching_work_is_refused_quickly() -> None:
    patterns = ["*" + "?a" * 1000 + "*"] * 10
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "111122223333"},
                "Action": "sts:AssumeRole",
                "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": patterns}},
            }
        ],
    }
    context = {"aws:TagKeys": ["b" * MAX_STRING_CHARS] * 256}
    start = time.perf_counter()
    with pytest.raises(InputTooLargeError):
        evaluate({"trust_policy": trust, "request": dict(REQUEST, context=context)})
    assert time.perf_counter() - start < PATHOLOGICAL_SECONDS


def test_a_json_object_too_deep_to_write_out_is_a_finding() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    trust = {"Version": "2012-10-17", "Statement": deep}
    result = evaluate({"trust_policy": trust, "request": REQUEST})
    assert result.decision == "implicitDeny"
    assert [f.severity for f in result.findings] == ["error"]
    assert validate(trust)[0].severity == "error"
    with pytest.raises(PolicyError):
        evaluate({"trust_policy": "{}", "request": REQUEST, "identity_policies": [trust]})


OPERATORS = [
    "StringEquals",
    "StringNotLike",
    "ForAnyValue:StringLike",
    "ForAllValues:StringNotEquals",
    "NumericLessThanIfExists",
    "DateGreaterThan",
    "Bool",
    "BinaryEquals",
    "NotIpAddress",
    "ArnLike",
    "Null",
    "StringEqualsIgnoreCaseIfExists",
    "Nonsense",
]
KEYS = ["sts:ExternalId", "aws:TagKeys", "aws:SourceIp", "aws:CurrentTime", "aws:PrincipalArn"]
small_text = st.text(alphabet="ab*?${}:/.0123456789-TZ", max_size=12)
principal_values = st.sampled_from(
    [
        "111122223333",
        "*",
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws:iam::111122223333:role/Ops",
        "arn:aws:sts::111122223333:assumed-role/Ops/s1",
        "AROA1234567890EXAMPLE",
        "arn:aws:iam::*:root",
        "ec2.amazonaws.com",
        "accounts.google.com",
    ]
)


@st.composite
def statement_dicts(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Deny", "allow"])),
        "Action": draw(st.sampled_from(["sts:*", "sts:AssumeRole", ["sts:TagSession"], "*"])),
    }
    kind = draw(st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser", "None"]))
    if kind != "None":
        statement[draw(st.sampled_from(["Principal", "NotPrincipal"]))] = {
            kind: draw(st.lists(principal_values, min_size=1, max_size=2))
        }
    if draw(st.booleans()):
        statement["Resource"] = draw(st.sampled_from(["*", "arn:aws:iam::*:role/${aws:username}"]))
    conditions: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 3))):
        operator = draw(st.sampled_from(OPERATORS))
        conditions.setdefault(operator, {})[draw(st.sampled_from(KEYS))] = draw(
            st.lists(small_text, min_size=0, max_size=3)
        )
    if conditions:
        statement["Condition"] = conditions
    return statement


policies = st.builds(
    lambda version, statements: {"Version": version, "Statement": statements},
    st.sampled_from(["2012-10-17", "2008-10-17"]),
    st.lists(statement_dicts(), min_size=0, max_size=3),
)
request_contexts = st.dictionaries(
    st.sampled_from([*KEYS, "aws:RequestTag/team", "sts:SourceIdentity"]),
    small_text | st.lists(small_text, max_size=3),
    max_size=4,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    policies,
    st.sampled_from(
        [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:sts::111122223333:assumed-role/Ops/s1",
            "arn:aws:iam::444455556666:role/Other",
            "arn:aws:iam::111122223333:root",
            "ec2.amazonaws.com",
            "accounts.google.com",
        ]
    ),
    st.sampled_from(["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:TagSession"]),
    request_contexts,
    st.none() | st.lists(policies, max_size=2),
    st.none() | policies,
    st.none() | st.lists(st.lists(policies, min_size=1, max_size=2), max_size=2),
)
def test_structured_random_cases_always_get_a_full_answer(
    trust: dict[str, Any],
    principal: str,
    action: str,
    context: dict[str, Any],
    identity: list[Any] | None,
    boundary: dict[str, Any] | None,
    scps: list[Any] | None,
) -> None:
    case: dict[str, Any] = {
        "trust_policy": trust,
        "request": {
            "principal": principal,
            "action": action,
            "role_arn": "arn:aws:iam::111122223333:role/Target",
            "context": context,
        },
        "identity_policies": identity,
        "permissions_boundary": boundary,
        "session_policy": boundary,
        "scps": scps,
    }
    result = evaluate(case)
    answer = result.to_dict()
    json.dumps(answer)
    assert answer["decision"] in ("allowed", "explicitDeny", "implicitDeny")
    assert answer["explanation"][-1].startswith("Decision: " + answer["decision"])
    assert len(answer["trust"]["statements"]) == len(trust["Statement"])
    if any(f.severity == "error" for f in result.findings):
        assert answer["decision"] == "implicitDeny"


def test_identity_side_policies_are_bounded_in_size() -> None:
    big = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}] * 500,
        }
    )
    assert len(big) * 3 > MAX_POLICY_CHARS
    with pytest.raises(InputTooLargeError):
        evaluate({"trust_policy": "{}", "request": REQUEST, "identity_policies": [big] * 3})
    assert evaluate({"trust_policy": "{}", "request": REQUEST, "identity_policies": [big]})
