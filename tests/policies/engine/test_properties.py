"""Property-based tests (hypothesis) for the matchers, the operators and the decision.

- StringLike agrees with a reference matcher (fnmatch with "[" escaped): ``*`` and ``?``
  are its only wildcards (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
- Negated operators are the complement of their positive twins for a key that is
  present, and a missing key makes the positive false and the negated true (same page).
- Adding a Deny statement never turns a denied request into an allowed one, because an
  explicit deny wins (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
"""

from __future__ import annotations

import fnmatch
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine import evaluate
from policies.engine.conditions import evaluate_condition
from policies.engine.context import parse_context
from policies.engine.matching import action_matches, wildcard_match
from policies.engine.model import load_policy

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

patterns = st.text(alphabet="ab*?[\n", max_size=12)
values = st.text(alphabet="ab[*?\n", max_size=14)


def reference(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


@SETTINGS
@given(patterns, values)
def test_wildcards_agree_with_the_reference(pattern: str, value: str) -> None:
    assert wildcard_match(pattern, value) is reference(pattern, value)


@SETTINGS
@given(st.text(alphabet="aAbB*?", max_size=10), st.text(alphabet="aAbB", max_size=12))
def test_ignore_case_agrees_with_the_reference_on_lower_case(pattern: str, value: str) -> None:
    expected = reference(pattern.lower(), value.lower())
    assert wildcard_match(pattern, value, ignore_case=True) is expected


@SETTINGS
@given(st.sampled_from(["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]), st.data())
def test_action_names_ignore_case(action: str, data: st.DataObject) -> None:
    flipped = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in action)
    assert action_matches(flipped, action)
    assert action_matches(action, flipped)


def condition(operator: str, key: str, policy_values: list[str]) -> Any:
    policy, _ = load_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "111122223333"},
                    "Action": "sts:AssumeRole",
                    "Condition": {operator: {key: policy_values}},
                }
            ],
        }
    )
    assert policy is not None
    return policy.statements[0].conditions[0]


def outcome(operator: str, policy_values: list[str], request: list[str] | str | None) -> bool:
    ctx = parse_context({} if request is None else {"k:key": request})
    return evaluate_condition(condition(operator, "k:key", policy_values), ctx, True).matched


TWINS = [
    ("StringEquals", "StringNotEquals", st.text(alphabet="aAb*?", max_size=4)),
    ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", st.text(alphabet="aAb", max_size=4)),
    ("StringLike", "StringNotLike", st.text(alphabet="aAb*?", max_size=4)),
    ("NumericEquals", "NumericNotEquals", st.integers(-5, 5).map(str)),
    ("DateEquals", "DateNotEquals", st.integers(0, 3).map(lambda d: f"2024-01-0{d + 1}")),
    (
        "IpAddress",
        "NotIpAddress",
        st.sampled_from(["10.0.0.1", "10.0.0.0/8", "192.168.1.1", "2001:db8::/32", "2001:db8::1"]),
    ),
    (
        "ArnLike",
        "ArnNotLike",
        st.sampled_from(
            [
                "arn:aws:s3:::a",
                "arn:aws:s3:::*",
                "arn:aws:iam::111122223333:role/*",
                "arn:*:*:*:*:*",
            ]
        ),
    ),
    ("ArnEquals", "ArnNotEquals", st.sampled_from(["arn:aws:s3:::a", "arn:aws:s3:::b"])),
]


@SETTINGS
@given(st.sampled_from(range(len(TWINS))), st.data())
def test_negated_operators_are_the_complement_of_their_twins(
    index: int, data: st.DataObject
) -> None:
    positive, negated, strategy = TWINS[index]
    policy_values = data.draw(st.lists(strategy, min_size=1, max_size=3))
    request_value = data.draw(strategy)
    if positive == "IpAddress":
        request_value = request_value.split("/")[0]
    if positive.startswith("Arn") and "*" in request_value:
        request_value = "arn:aws:s3:::a"
    assert outcome(positive, policy_values, request_value) is not outcome(
        negated, policy_values, request_value
    )
    # A missing key: the positive operator is false, the negated one true.
    assert outcome(positive, policy_values, None) is False
    assert outcome(negated, policy_values, None) is True


@SETTINGS
@given(
    st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3),
    st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4),
)
def test_for_any_value_is_the_complement_of_for_all_values_negated(
    policy_values: list[str], request: list[str]
) -> None:
    any_equal = outcome("ForAnyValue:StringEquals", policy_values, request)
    all_not_equal = outcome("ForAllValues:StringNotEquals", policy_values, request)
    assert any_equal is not all_not_equal
    subset = set(request) <= set(policy_values)
    assert outcome("ForAllValues:StringEquals", policy_values, request) is subset


# ------------------------------------------------------------------ adding a Deny

ACCOUNT = "111122223333"
CALLERS = [
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    "arn:aws:iam::444455556666:user/bob",
    f"arn:aws:sts::{ACCOUNT}:assumed-role/Ops/s1",
    "ec2.amazonaws.com",
]
principals = st.sampled_from(
    [
        {"AWS": ACCOUNT},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
        {"AWS": "arn:aws:iam::444455556666:root"},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Ops"},
        {"AWS": "*"},
        {"Service": "ec2.amazonaws.com"},
    ]
)
actions = st.sampled_from(
    ["sts:AssumeRole", "sts:*", "sts:TagSession", ["sts:AssumeRole", "sts:TagSession"]]
)
conditions = st.sampled_from(
    [
        {},
        {"StringEquals": {"sts:ExternalId": "x"}},
        {"StringNotEquals": {"sts:ExternalId": "x"}},
        {"Bool": {"aws:SecureTransport": "true"}},
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
    ]
)


@st.composite
def statements(draw: st.DrawFn, effect: str) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": effect,
        "Principal": draw(principals),
        "Action": draw(actions),
    }
    condition_block = draw(conditions)
    if condition_block:
        statement["Condition"] = condition_block
    return statement


contexts = st.fixed_dictionaries(
    {},
    optional={
        "sts:ExternalId": st.sampled_from(["x", "y"]),
        "aws:SecureTransport": st.sampled_from(["true", "false"]),
        "aws:TagKeys": st.lists(st.sampled_from(["team", "env"]), max_size=2),
    },
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(statements("Allow"), min_size=1, max_size=3),
    statements("Deny"),
    st.sampled_from(CALLERS),
    contexts,
    st.booleans(),
)
def test_adding_a_deny_never_turns_a_deny_into_an_allow(
    allows: list[dict[str, Any]],
    extra_deny: dict[str, Any],
    caller: str,
    context: dict[str, Any],
    with_identity: bool,
) -> None:
    case: dict[str, Any] = {
        "request": {
            "principal": caller,
            "action": "sts:AssumeRole",
            "role_arn": f"arn:aws:iam::{ACCOUNT}:role/Target",
            "context": context,
        }
    }
    if with_identity:
        case["identity_policies"] = [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
            }
        ]
    before = evaluate(dict(case, trust_policy={"Version": "2012-10-17", "Statement": allows}))
    after = evaluate(
        dict(case, trust_policy={"Version": "2012-10-17", "Statement": [*allows, extra_deny]})
    )
    if before.decision != "allowed":
        assert after.decision != "allowed"
    if before.decision == "explicitDeny":
        assert after.decision == "explicitDeny"
    if after.decision == "allowed":
        assert before.decision == "allowed"


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet="ab?", min_size=150, max_size=220),
    st.text(alphabet="ab", min_size=150, max_size=400),
    st.booleans(),
)
def test_long_segments_use_shift_and_and_still_agree(middle: str, value: str, star: bool) -> None:
    # Long "?" segments against long values take the bit-parallel search path.
    pattern = ("*" if star else "") + middle + "*"
    assert wildcard_match("*" + pattern, value) is reference("*" + pattern, value)
    assert wildcard_match(pattern + "?b", value) is reference(pattern + "?b", value)
