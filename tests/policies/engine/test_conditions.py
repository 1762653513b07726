"""Condition operators.

Operators, missing keys, IfExists and Null:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
Several values OR'ed, several keys AND'ed:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
ForAllValues / ForAnyValue:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
Policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

from typing import Any

import pytest

from policies.engine.conditions import (
    evaluate_condition,
    evaluate_conditions,
    parse_date,
    parse_operator,
)
from policies.engine.context import RequestContext, parse_context
from policies.engine.model import Condition, load_policy


def conditions(block: dict[str, Any], version: str | None = "2012-10-17") -> list[Condition]:
    policy_doc: dict[str, Any] = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "111122223333"},
                "Action": "sts:AssumeRole",
                "Condition": block,
            }
        ]
    }
    if version is not None:
        policy_doc = {"Version": version, **policy_doc}
    policy, findings = load_policy(policy_doc)
    assert policy is not None, findings
    return policy.statements[0].conditions


def check(
    operator: str, key: str, values: Any, context: dict[str, Any], *, variables: bool = True
) -> bool:
    (cond,) = conditions({operator: {key: values}})
    result = evaluate_condition(cond, parse_context(context), variables)
    assert result.reason.endswith(".")  # every result explains itself in a sentence
    assert result.operator == operator and result.key == key
    return result.matched


# ------------------------------------------------------------------ operator names


def test_parse_operator() -> None:
    spec = parse_operator("ForAnyValue:StringNotLikeIfExists")
    assert spec is not None
    assert (spec.name, spec.family, spec.negated, spec.set_operator, spec.if_exists) == (
        "StringNotLike",
        "String",
        True,
        "ForAnyValue",
        True,
    )
    assert parse_operator("StringEqualz") is None
    assert parse_operator("ForSomeValues:StringEquals") is None
    assert parse_operator("Bool").family == "Bool"  # type: ignore[union-attr]


def test_parse_operator_ignores_case_of_every_part() -> None:
    spec = parse_operator("forallvalues:STRINGequalsIfexists")
    assert spec is not None
    assert spec.full_name == "ForAllValues:StringEqualsIfExists"
    assert parse_operator("NullIfExists") is not None  # taken apart; validation judges it
    assert parse_operator("StringEqualsIfExistsIfExists") is None
    assert parse_operator("ForAnyValue:ForAllValues:StringEquals") is None
    assert parse_operator(" StringEquals") is None


# ------------------------------------------------------------------ string


def test_string_operators() -> None:
    ctx = {"sts:ExternalId": "Abc-123"}
    assert check("StringEquals", "sts:ExternalId", "Abc-123", ctx)
    assert not check("StringEquals", "sts:ExternalId", "abc-123", ctx)  # values are case-sensitive
    assert check("StringEqualsIgnoreCase", "sts:ExternalId", "abc-123", ctx)
    assert not check("StringNotEqualsIgnoreCase", "sts:ExternalId", "ABC-123", ctx)
    assert check("StringNotEquals", "sts:ExternalId", "other", ctx)
    assert check("StringLike", "sts:ExternalId", "A?c-*", ctx)
    assert not check("StringLike", "sts:ExternalId", "a?c-*", ctx)
    assert check("StringNotLike", "sts:ExternalId", "x*", ctx)
    # StringEquals does not expand wildcards.
    assert not check("StringEquals", "sts:ExternalId", "Abc-*", ctx)


def test_key_names_ignore_case() -> None:
    assert check("StringEquals", "STS:EXTERNALID", "v", {"sts:externalid": "v"})


def test_several_values_are_ored_and_negated_operators_need_none_to_match() -> None:
    ctx = {"sts:ExternalId": "b"}
    assert check("StringEquals", "sts:ExternalId", ["a", "b"], ctx)
    assert not check("StringNotEquals", "sts:ExternalId", ["a", "b"], ctx)
    assert check("StringNotEquals", "sts:ExternalId", ["a", "c"], ctx)


def test_several_keys_and_operators_are_anded() -> None:
    conds = conditions(
        {
            "StringEquals": {"sts:ExternalId": "x", "aws:PrincipalAccount": "111122223333"},
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
        }
    )
    both = parse_context(
        {
            "sts:ExternalId": "x",
            "aws:PrincipalAccount": "111122223333",
            "aws:MultiFactorAuthPresent": "true",
        }
    )
    ok, results = evaluate_conditions(conds, both, True)
    assert ok and len(results) == 3
    one_off = parse_context({"sts:ExternalId": "x", "aws:PrincipalAccount": "111122223333"})
    ok, results = evaluate_conditions(conds, one_off, True)
    assert not ok
    assert [r.matched for r in results] == [True, True, False]


# ------------------------------------------------------------------ missing keys


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringLike", False),
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("ArnNotLike", True),
        ("NumericLessThan", False),
        ("NumericNotEquals", True),
        ("DateNotEquals", True),
        ("NotIpAddress", True),
        ("Bool", False),
        ("StringEqualsIfExists", True),
        ("NumericLessThanIfExists", True),
        ("ForAllValues:StringEquals", True),
        ("ForAllValues:StringNotLike", True),
        ("ForAnyValue:StringEquals", False),
        ("ForAnyValue:StringNotEquals", False),
    ],
)
def test_missing_key(operator: str, expected: bool) -> None:
    assert check(operator, "aws:SomeKey", "1", {}) is expected


def test_empty_multivalued_key_counts_as_missing_for_set_operators() -> None:
    assert check("ForAllValues:StringEquals", "aws:TagKeys", "a", {"aws:TagKeys": []})
    assert not check("ForAnyValue:StringEquals", "aws:TagKeys", "a", {"aws:TagKeys": []})


def test_null() -> None:
    assert check("Null", "sts:ExternalId", "true", {})
    assert not check("Null", "sts:ExternalId", "true", {"sts:ExternalId": "x"})
    assert check("Null", "sts:ExternalId", "false", {"sts:ExternalId": "x"})
    assert not check("Null", "sts:ExternalId", "false", {})
    assert check("Null", "sts:ExternalId", True, {})  # JSON true is read as "true"
    assert not check("Null", "sts:ExternalId", "maybe", {})


# ------------------------------------------------------------------ set operators


def test_for_all_values() -> None:
    allowed = ["team", "env", "cost"]
    assert check(
        "ForAllValues:StringEquals", "aws:TagKeys", allowed, {"aws:TagKeys": ["team", "env"]}
    )
    assert not check(
        "ForAllValues:StringEquals", "aws:TagKeys", allowed, {"aws:TagKeys": ["team", "admin"]}
    )
    # The documented example: ForAllValues:StringNotLike with "key1*".
    assert check(
        "ForAllValues:StringNotLike", "aws:TagKeys", "key1*", {"aws:TagKeys": ["key2:audit"]}
    )
    assert not check(
        "ForAllValues:StringNotLike", "aws:TagKeys", "key1*", {"aws:TagKeys": ["key1:legal"]}
    )


def test_for_any_value() -> None:
    assert check("ForAnyValue:StringEquals", "aws:TagKeys", "env", {"aws:TagKeys": ["team", "env"]})
    assert not check("ForAnyValue:StringEquals", "aws:TagKeys", "x", {"aws:TagKeys": ["team"]})
    assert check(
        "ForAnyValue:StringNotEquals", "aws:TagKeys", "team", {"aws:TagKeys": ["team", "x"]}
    )


def test_multiple_request_values_without_a_set_operator_match_any() -> None:
    ctx = {"aws:PrincipalOrgPaths": ["o-1/r-1/ou-a/", "o-1/r-1/ou-b/"]}
    assert check("StringLike", "aws:PrincipalOrgPaths", "o-1/r-1/ou-b/*", ctx)
    assert not check("StringNotLike", "aws:PrincipalOrgPaths", "o-1/r-1/ou-b/*", ctx)


# ------------------------------------------------------------------ numeric, date, bool


def test_numeric() -> None:
    ctx = {"aws:MultiFactorAuthAge": "3600"}
    assert check("NumericLessThan", "aws:MultiFactorAuthAge", "7200", ctx)
    assert not check("NumericLessThan", "aws:MultiFactorAuthAge", "3600", ctx)
    assert check("NumericLessThanEquals", "aws:MultiFactorAuthAge", "3600", ctx)
    assert check("NumericGreaterThan", "aws:MultiFactorAuthAge", "10", ctx)
    assert check("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", "3600.0", ctx)
    assert check("NumericEquals", "aws:MultiFactorAuthAge", 3600, ctx)
    assert check("NumericNotEquals", "aws:MultiFactorAuthAge", "1", ctx)
    # Values that are not numbers cannot be compared: the condition is false.
    assert not check("NumericLessThan", "aws:MultiFactorAuthAge", "soon", ctx)
    assert not check(
        "NumericNotEquals", "aws:MultiFactorAuthAge", "1", {"aws:MultiFactorAuthAge": "x"}
    )


def test_dates_in_iso_8601_and_epoch_seconds() -> None:
    assert parse_date("2024-01-01T00:00:00Z") == parse_date("1704067200")
    assert parse_date("2024-01-01") == parse_date("2024-01-01T00:00:00+00:00")
    assert parse_date("2024-01-01T01:00:00+01:00") == parse_date("2024-01-01T00:00:00Z")
    assert parse_date("yesterday") is None
    ctx = {"aws:CurrentTime": "2024-06-01T12:00:00Z"}
    assert check("DateLessThan", "aws:CurrentTime", "2024-12-31T23:59:59Z", ctx)
    assert check("DateGreaterThan", "aws:CurrentTime", "1704067200", ctx)
    assert check("DateEquals", "aws:CurrentTime", "2024-06-01T12:00:00.000Z", ctx)
    assert check("DateNotEquals", "aws:CurrentTime", "2024-06-01", ctx)
    assert check("DateLessThanEquals", "aws:CurrentTime", "2024-06-01T12:00:00Z", ctx)
    assert check("DateGreaterThanEquals", "aws:CurrentTime", "2024-06-01T12:00:00Z", ctx)


def test_bool() -> None:
    assert check(
        "Bool", "aws:MultiFactorAuthPresent", "true", {"aws:MultiFactorAuthPresent": "true"}
    )
    assert check("Bool", "aws:MultiFactorAuthPresent", True, {"aws:MultiFactorAuthPresent": True})
    assert not check(
        "Bool", "aws:MultiFactorAuthPresent", "true", {"aws:MultiFactorAuthPresent": "false"}
    )
    assert check("BoolIfExists", "aws:MultiFactorAuthPresent", "true", {})
    assert not check(
        "Bool", "aws:MultiFactorAuthPresent", "yes", {"aws:MultiFactorAuthPresent": "true"}
    )


# ------------------------------------------------------------------ binary, IP, ARN


def test_binary_equals_compares_base64_bytes() -> None:
    assert check("BinaryEquals", "aws:Key", "QmluYXJ5VmFsdWU=", {"aws:Key": "QmluYXJ5VmFsdWU="})
    assert not check("BinaryEquals", "aws:Key", "QmluYXJ5VmFsdWU=", {"aws:Key": "T3RoZXI="})
    assert not check("BinaryEquals", "aws:Key", "not base64!", {"aws:Key": "x"})


def test_ip_address_v4_and_v6() -> None:
    v4 = {"aws:SourceIp": "203.0.113.7"}
    assert check("IpAddress", "aws:SourceIp", "203.0.113.0/24", v4)
    assert check("IpAddress", "aws:SourceIp", "203.0.113.7", v4)
    assert not check("IpAddress", "aws:SourceIp", "198.51.100.0/24", v4)
    assert check("NotIpAddress", "aws:SourceIp", "198.51.100.0/24", v4)
    v6 = {"aws:SourceIp": "2001:db8:1234::1"}
    assert check("IpAddress", "aws:SourceIp", "2001:db8::/32", v6)
    assert not check("IpAddress", "aws:SourceIp", "203.0.113.0/24", v6)
    assert not check("IpAddress", "aws:SourceIp", "not-an-ip", v4)


def test_arn_operators() -> None:
    ctx = {"aws:SourceArn": "arn:aws:s3:::my-bucket"}
    assert check("ArnEquals", "aws:SourceArn", "arn:aws:s3:::my-bucket", ctx)
    assert check("ArnLike", "aws:SourceArn", "arn:aws:s3:::my-*", ctx)
    assert not check("ArnLike", "aws:SourceArn", "arn:aws:s3:::other-*", ctx)
    assert check("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::other-*", ctx)
    assert not check("ArnNotEquals", "aws:SourceArn", "arn:aws:s3:::my-bucket", ctx)
    assert not check("ArnLike", "aws:SourceArn", "arn:aws:s3:::*", {"aws:SourceArn": "nope"})


def test_unknown_operator_is_never_true() -> None:
    (cond,) = conditions({"StringEqualz": {"sts:ExternalId": "x"}})
    result = evaluate_condition(cond, parse_context({"sts:ExternalId": "x"}), True)
    assert not result.matched
    assert "not a condition operator" in result.reason


# ------------------------------------------------------------------ policy variables


def test_policy_variables_substituted_under_2012() -> None:
    ctx = {"sts:RoleSessionName": "alice", "aws:username": "alice"}
    assert check("StringEquals", "sts:RoleSessionName", "${aws:username}", ctx)
    assert check("StringLike", "sts:RoleSessionName", "${aws:username}*", ctx)
    assert check("StringEquals", "sts:RoleSessionName", "${AWS:USERNAME}", ctx)


def test_policy_variables_are_literal_under_2008_or_without_version() -> None:
    for version in ("2008-10-17", None):
        (cond,) = conditions({"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}, version)
        ctx = parse_context({"sts:RoleSessionName": "alice", "aws:username": "alice"})
        assert not evaluate_condition(cond, ctx, False).matched
        literal = parse_context({"sts:RoleSessionName": "${aws:username}", "aws:username": "x"})
        assert evaluate_condition(cond, literal, False).matched


def test_special_variables_and_defaults() -> None:
    assert check("StringLike", "aws:Key", "a${*}b", {"aws:Key": "a*b"})
    assert not check("StringLike", "aws:Key", "a${*}b", {"aws:Key": "axyzb"})
    assert check("StringEquals", "aws:Key", "what${?}", {"aws:Key": "what?"})
    assert check("StringEquals", "aws:Key", "${$}5", {"aws:Key": "$5"})
    assert check("StringEquals", "aws:Key", "${aws:PrincipalTag/team, 'none'}", {"aws:Key": "none"})
    assert check(
        "StringEquals",
        "aws:Key",
        "${aws:PrincipalTag/team, 'none'}",
        {"aws:Key": "blue", "aws:PrincipalTag/team": "blue"},
    )


def test_a_variable_without_value_or_default_matches_nothing_positively() -> None:
    assert not check("StringEquals", "aws:Key", "${aws:PrincipalTag/team}", {"aws:Key": ""})
    assert not check("StringLike", "aws:Key", "${aws:PrincipalTag/team}*", {"aws:Key": "x"})
    # Inverted operators do match against the effectively null value
    # (reference_policies_variables.html#policy-vars-no-value).
    (cond,) = conditions({"StringNotEquals": {"aws:Key": "${aws:PrincipalTag/team}"}})
    result = evaluate_condition(cond, parse_context({"aws:Key": "x"}), True)
    assert result.matched and "no value" in result.reason
    for operator in (
        "StringNotLike",
        "StringNotEqualsIgnoreCase",
        "StringNotEqualsIfExists",
        "StringNotLikeIfExists",
    ):
        assert check(operator, "aws:Key", "${aws:PrincipalTag/team}", {"aws:Key": "x"})
    assert check(
        "ArnNotLike",
        "aws:PrincipalArn",
        "arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}",
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/x"},
    )
    # Other values of the same key still count.
    assert check("StringEquals", "aws:Key", ["${aws:nope}", "x"], {"aws:Key": "x"})


def test_variables_are_not_substituted_in_numeric_conditions() -> None:
    assert not check("NumericEquals", "aws:Key", "${aws:n}", {"aws:Key": "1", "aws:n": "1"})


def test_to_dict_shows_request_and_policy_values() -> None:
    (cond,) = conditions({"StringEquals": {"sts:RoleSessionName": "${aws:username}"}})
    ctx: RequestContext = parse_context({"sts:RoleSessionName": "bob", "aws:username": "bob"})
    out = evaluate_condition(cond, ctx, True).to_dict()
    assert out["operator"] == "StringEquals"
    assert out["request_value"] == "bob"
    assert out["policy_value"] == "${aws:username}"
    assert out["policy_value_after_variables"] == "bob"
    assert out["matched"] is True
    missing = evaluate_condition(cond, parse_context({}), True).to_dict()
    assert missing["request_value"] is None and missing["matched"] is False
