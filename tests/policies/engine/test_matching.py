"""Wildcards, actions, ARNs and principals.

Principal rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
Action names ignore case: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
ARN operators compare each of the six parts on its own:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from policies.engine.matching import (
    action_matches,
    arn_like,
    compile_pieces,
    is_unique_id,
    match_principal_entry,
    parse_arn,
    parse_caller,
    wildcard_match,
)
from tests.policies.engine.timing import PATHOLOGICAL_SECONDS

USER = "arn:aws:iam::111122223333:user/alice"
ROLE = "arn:aws:iam::111122223333:role/Deploy"
SESSION = "arn:aws:sts::111122223333:assumed-role/Deploy/build-42"


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("", "", True),
        ("", "a", False),
        ("*", "", True),
        ("*", "anything at all", True),
        ("abc", "abc", True),
        ("abc", "abcd", False),
        ("a*", "a", True),
        ("a*", "ba", False),
        ("*c", "abc", True),
        ("*c", "abd", False),
        ("a*b", "ab", True),
        ("a*a", "a", False),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("?", "", False),
        ("*?", "", False),
        ("*?*?", "ab", True),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "aXcYb", False),
        ("repo:octo/*:ref:refs/heads/main", "repo:octo/app:ref:refs/heads/main", True),
        ("repo:octo/*:ref:refs/heads/main", "repo:evil/app:ref:refs/heads/main", False),
        ("**", "x", True),
        ("a\nb*", "a\nbc", True),
    ],
)
def test_wildcard_match(pattern: str, value: str, expected: bool) -> None:
    assert wildcard_match(pattern, value) is expected


def test_wildcard_match_is_case_sensitive_unless_asked() -> None:
    assert not wildcard_match("ABC*", "abcd")
    assert wildcard_match("ABC*", "abcd", ignore_case=True)
    assert wildcard_match("a?C", "Abc", ignore_case=True)


def test_literal_pieces_do_not_act_as_wildcards() -> None:
    # ${*} in a policy stands for a literal asterisk.
    matcher = compile_pieces((("a", False), ("*", True), ("*", False)))
    assert matcher.matches("a*xyz")
    assert not matcher.matches("abxyz")


@pytest.mark.parametrize("stars", [10, 500, 2000])
@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (lambda n: "*a" * n + "*b", False),
        (lambda n: "*" + "?" * n + "b*", False),
        (lambda n: "*a" * n + "*", True),
        (lambda n: "*" + "a?" * n + "b*", False),
        (lambda n: "*" + "a?" * n + "*", True),
        (lambda n: "*" + "?*" * n + "b", False),
    ],
)
def test_adversarial_patterns_finish_quickly(stars: int, shape: Any, expected: bool) -> None:
    # Backtracking matchers take exponential time on these; ours stays near-linear.
    value = "a" * 4096
    pattern = shape(stars)
    best = float("inf")
    for _ in range(3):  # the best of three, so that a busy machine does not decide
        compile_pieces.cache_clear()
        start = time.perf_counter()
        assert wildcard_match(pattern, value) is expected
        best = min(best, time.perf_counter() - start)
    assert best < PATHOLOGICAL_SECONDS


def test_shift_and_search_agrees_with_the_regex_search() -> None:
    value = "xy" * 3000 + "target-1z" + "xy" * 10
    assert wildcard_match("*t?rget-?z*", value)
    assert wildcard_match("*" + "?" * 50 + "target-?z*", value)
    assert not wildcard_match("*" + "?" * 50 + "target-?q*", value)
    assert wildcard_match("*" + "?" * 50 + "TARGET-?Z*", value, ignore_case=True)
    assert wildcard_match("xy*" + "?" * 4000 + "*z?y*", value)


def test_action_matching_ignores_case_and_takes_wildcards() -> None:
    assert action_matches("sts:AssumeRole", "STS:assumerole")
    assert action_matches("sts:*", "sts:TagSession")
    assert action_matches("sts:AssumeRole*", "sts:AssumeRoleWithSAML")
    assert action_matches("sts:Assume?ole", "sts:AssumeRole")
    assert not action_matches("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity")
    assert action_matches("*", "sts:SetSourceIdentity")


def test_parse_arn() -> None:
    arn = parse_arn("arn:aws:iam::123456789012:role/path/Name")
    assert arn is not None
    assert (arn.partition, arn.service, arn.region, arn.account) == (
        "aws",
        "iam",
        "",
        "123456789012",
    )
    assert arn.resource == "role/path/Name"
    assert parse_arn("arn:aws:s3:::bucket/key:with:colons") is not None
    assert parse_arn("not-an-arn") is None
    assert parse_arn("arn:aws:iam") is None


def test_arn_like_compares_parts_separately() -> None:
    assert arn_like("arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/a/b")
    assert not arn_like("arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:user/a")
    # A wildcard in the account part cannot swallow the colon into the service part.
    assert not arn_like("arn:aws:*:role/x", "arn:aws:iam::123456789012:role/x")
    assert not arn_like("arn:aws:iam::123456789012:role/x", "not an arn")
    assert arn_like("*", "arn:aws:iam::123456789012:role/x")
    assert arn_like("arn:aws:sts::111122223333:assumed-role/Deploy/*", SESSION)
    assert not arn_like("arn:aws:sts::111122223333:assumed-role/Other/*", SESSION)


def test_parse_caller_kinds() -> None:
    assert parse_caller(USER).kind == "user"  # type: ignore[union-attr]
    assert parse_caller(ROLE).kind == "role"  # type: ignore[union-attr]
    session = parse_caller(SESSION)
    assert session is not None and session.kind == "session"
    assert session.name == "Deploy" and session.session_name == "build-42"
    assert session.role_arn == ROLE
    assert parse_caller("arn:aws:iam::111122223333:root").kind == "root"  # type: ignore[union-attr]
    assert parse_caller("ec2.amazonaws.com").kind == "service"  # type: ignore[union-attr]
    assert parse_caller("accounts.google.com").kind == "federated"  # type: ignore[union-attr]
    oidc = parse_caller(
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    )
    assert oidc is not None and oidc.kind == "federated" and oidc.provider == "oidc"
    saml = parse_caller("arn:aws:iam::111122223333:saml-provider/Okta")
    assert saml is not None and saml.provider == "saml"
    for bad in ("", "bob", "arn:aws:iam::111122223333:group/admins", "arn:aws:iam::1:user/x"):
        assert parse_caller(bad) is None


def _match(kind: str, value: str, caller: str) -> tuple[bool, str | None]:
    parsed = parse_caller(caller)
    assert parsed is not None
    result = match_principal_entry(kind, value, parsed)
    assert result.reason  # every answer explains itself
    return result.matched, result.how


def test_account_id_and_root_arn_name_the_whole_account() -> None:
    for value in ("111122223333", "arn:aws:iam::111122223333:root"):
        assert _match("AWS", value, USER) == (True, "account")
        assert _match("AWS", value, SESSION) == (True, "account")
        assert _match("AWS", value, "arn:aws:iam::444455556666:user/bob") == (False, None)


def test_user_role_and_session_arns() -> None:
    assert _match("AWS", USER, USER) == (True, "user")
    assert _match("AWS", USER, "arn:aws:iam::111122223333:user/bob") == (False, None)
    # A role ARN names the role's sessions (role chaining).
    assert _match("AWS", ROLE, SESSION) == (True, "role")
    assert _match("AWS", "arn:aws:iam::111122223333:role/team/Deploy", SESSION) == (True, "role")
    assert _match("AWS", "arn:aws:iam::111122223333:role/Other", SESSION) == (False, None)
    assert _match("AWS", SESSION, SESSION) == (True, "session")
    assert _match("AWS", SESSION.replace("build-42", "other"), SESSION) == (False, None)


def test_aws_star_names_iam_principals_only() -> None:
    assert _match("AWS", "*", USER) == (True, "wildcard")
    assert _match("AWS", "*", "lambda.amazonaws.com") == (False, None)
    assert _match("AWS", "*", "accounts.google.com") == (False, None)


def test_partial_wildcards_name_nobody() -> None:
    parsed = parse_caller(USER)
    assert parsed is not None
    result = match_principal_entry("AWS", "arn:aws:iam::111122223333:user/*", parsed)
    assert not result.matched
    assert "partial wildcard" in result.reason
    assert _match("AWS", "arn:aws:iam::*:root", USER) == (False, None)
    assert _match("Service", "*.amazonaws.com", "ec2.amazonaws.com") == (False, None)


def test_unique_ids_never_match_and_say_why() -> None:
    assert is_unique_id("AROA1234567890EXAMPLE")
    assert is_unique_id("AIDAJQABLZS4A3QDU576Q")
    assert not is_unique_id("111122223333")
    parsed = parse_caller(ROLE)
    assert parsed is not None
    result = match_principal_entry("AWS", "AROA1234567890EXAMPLE", parsed)
    assert not result.matched
    assert "deleted" in result.reason and "new id" in result.reason


def test_service_principals() -> None:
    assert _match("Service", "ec2.amazonaws.com", "ec2.amazonaws.com") == (True, "service")
    assert _match("Service", "lambda.amazonaws.com", "ec2.amazonaws.com") == (False, None)
    assert _match("Service", "ec2.amazonaws.com", USER) == (False, None)


def test_federated_principals() -> None:
    gh = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    assert _match("Federated", gh, gh) == (True, "federated")
    assert _match("Federated", "accounts.google.com", "accounts.google.com") == (True, "federated")
    assert _match("Federated", "graph.facebook.com", "accounts.google.com") == (False, None)
    assert _match("Federated", gh, USER) == (False, None)
    saml = "arn:aws:iam::111122223333:saml-provider/Okta"
    assert _match("Federated", saml, saml) == (True, "federated")


def test_canonical_user_and_unknown_keys_name_nobody() -> None:
    assert _match(
        "CanonicalUser", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", USER
    ) == (False, None)
    assert _match("Aws", "111122223333", USER) == (False, None)
