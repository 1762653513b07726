"""compare(a, b): one test per construct, each pair settled by the AWS page it cites.

Every counterexample is also re-checked here with ``evaluate``, independently of
the check ``compare`` makes itself. No Django needed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.engine import compare, evaluate
from policies.engine.__main__ import main
from policies.engine.compare import Comparison
from policies.engine.errors import UsageError
from tests.policies.engine.timing import TEST_BUDGET_MS

GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
PRINCIPAL_PAGE = GUIDE + "reference_policies_elements_principal.html"
OPERATORS_PAGE = GUIDE + "reference_policies_elements_condition_operators.html"
SETS_PAGE = GUIDE + "reference_policies_condition-single-vs-multi-valued-context-keys.html"
VARIABLES_PAGE = GUIDE + "reference_policies_variables.html"
ACTION_PAGE = GUIDE + "reference_policies_elements_action.html"
EVALUATION_PAGE = GUIDE + "reference_policies_evaluation-logic.html"
TAGS_PAGE = GUIDE + "id_session-tags.html"
SOURCE_IDENTITY_PAGE = GUIDE + "id_credentials_temp_control-access_monitor.html"
OIDC_PAGE = GUIDE + "id_roles_create_for-idp_oidc.html"

A1, A2 = "111122223333", "444455556666"
ROLE = f"arn:aws:iam::{A1}:role/Target"
GITHUB = f"arn:aws:iam::{A1}:oidc-provider/token.actions.githubusercontent.com"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal: Any, action: Any = "sts:AssumeRole", **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return statement


def deny(principal: Any, action: Any = "sts:AssumeRole", **condition: Any) -> dict[str, Any]:
    return {**allow(principal, action, **condition), "Effect": "Deny"}


def aws(*names: str) -> dict[str, Any]:
    return {"AWS": list(names) if len(names) > 1 else names[0]}


def decision(p: dict[str, Any], request: dict[str, Any]) -> str:
    return evaluate({"trust_policy": p, "request": request}).decision


def checked(a: dict[str, Any], b: dict[str, Any], scope: Any = None) -> Comparison:
    """compare(), with every counterexample confirmed by evaluate here too."""
    result = compare(a, b, scope, timeout_ms=TEST_BUDGET_MS)
    for request in result.only_a:
        assert decision(a, request) == "allowed" and decision(b, request) != "allowed"
    for request in result.only_b:
        assert decision(b, request) == "allowed" and decision(a, request) != "allowed"
    return result


IDP = {"Federated": GITHUB}
AUD = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}

# (id, A, B, relation, the AWS page that settles it)
PAIRS = [
    (
        "account-root-names-every-identity-of-the-account",
        policy(allow(aws(f"arn:aws:iam::{A2}:root"))),
        policy(allow(aws(f"arn:aws:iam::{A2}:user/anna"))),
        "a_more_permissive",
        PRINCIPAL_PAGE,
    ),
    (
        "account-id-is-the-same-as-its-root-arn",
        policy(allow(aws(A2))),
        policy(allow(aws(f"arn:aws:iam::{A2}:root"))),
        "equivalent",
        PRINCIPAL_PAGE,
    ),
    (
        "a-role-arn-names-the-role-sessions-too",
        policy(allow(aws(f"arn:aws:iam::{A1}:role/Deploy"))),
        policy(allow(aws(f"arn:aws:sts::{A1}:assumed-role/Deploy/build"))),
        "a_more_permissive",
        PRINCIPAL_PAGE,
    ),
    (
        "two-services-are-incomparable",
        policy(allow({"Service": "ec2.amazonaws.com"})),
        policy(allow({"Service": "lambda.amazonaws.com"})),
        "incomparable",
        PRINCIPAL_PAGE,
    ),
    (
        "action-wildcard-equals-the-listed-actions",
        policy(allow(aws(A2), "sts:Set*")),
        policy(
            allow(aws(A2), "sts:SetSourceIdentity"),
            allow(aws(A2), "STS:setcontext"),
        ),
        "equivalent",
        ACTION_PAGE,
    ),
    (
        "not-action-covers-every-other-action",
        policy({"Effect": "Allow", "Principal": aws(A2), "NotAction": "sts:TagSession"}),
        policy(allow(aws(A2))),
        "a_more_permissive",
        ACTION_PAGE,
    ),
    (
        "explicit-deny-carves-out-contractor-roles",
        policy(allow(aws(f"arn:aws:iam::{A2}:root"))),
        policy(
            allow(aws(f"arn:aws:iam::{A2}:root")),
            deny(
                aws(f"arn:aws:iam::{A2}:root"),
                ArnLike={"aws:PrincipalArn": f"arn:aws:iam::{A2}:role/contractor-*"},
            ),
        ),
        "a_more_permissive",
        EVALUATION_PAGE,
    ),
    (
        "statement-order-never-matters",
        policy(allow(aws(A1)), deny(aws(A1), Bool={"aws:MultiFactorAuthPresent": "false"})),
        policy(deny(aws(A1), Bool={"aws:MultiFactorAuthPresent": "false"}), allow(aws(A1))),
        "equivalent",
        EVALUATION_PAGE,
    ),
    (
        "string-like-sub-admits-more-than-one-branch",
        policy(
            allow(
                IDP,
                "sts:AssumeRoleWithWebIdentity",
                StringEquals=AUD,
                StringLike={"token.actions.githubusercontent.com:sub": "repo:octo/app:*"},
            )
        ),
        policy(
            allow(
                IDP,
                "sts:AssumeRoleWithWebIdentity",
                StringEquals={
                    **AUD,
                    "token.actions.githubusercontent.com:sub": "repo:octo/app:ref:refs/heads/main",
                },
            )
        ),
        "a_more_permissive",
        OIDC_PAGE,
    ),
    (
        "if-exists-also-admits-a-missing-key",
        policy(allow(aws(A2), StringEqualsIfExists={"sts:ExternalId": "abc"})),
        policy(allow(aws(A2), StringEquals={"sts:ExternalId": "abc"})),
        "a_more_permissive",
        OPERATORS_PAGE,
    ),
    (
        "null-false-is-any-value-present",
        policy(allow(aws(A2), Null={"sts:ExternalId": "false"})),
        policy(allow(aws(A2), StringLike={"sts:ExternalId": "*"})),
        "equivalent",
        OPERATORS_PAGE,
    ),
    (
        "negated-operator-is-true-for-a-missing-key",
        policy(allow(aws(A2), StringNotEquals={"sts:ExternalId": "bad"})),
        policy(
            allow(
                aws(A2), StringNotEquals={"sts:ExternalId": "bad"}, Null={"sts:ExternalId": "false"}
            )
        ),
        "a_more_permissive",
        OPERATORS_PAGE,
    ),
    (
        "for-all-values-and-for-any-value-are-incomparable",
        policy(allow(aws(A2), **{"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": "o-1/"}})),
        policy(allow(aws(A2), **{"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": "o-1/"}})),
        "incomparable",
        SETS_PAGE,
    ),
    (
        "bool-if-exists-admits-a-missing-mfa-key",
        policy(allow(aws(A2), Bool={"aws:MultiFactorAuthPresent": "true"})),
        policy(allow(aws(A2), BoolIfExists={"aws:MultiFactorAuthPresent": "true"})),
        "b_more_permissive",
        OPERATORS_PAGE,
    ),
    (
        "numeric-at-most-admits-the-bound-itself",
        policy(allow(aws(A2), NumericLessThanEquals={"sts:DurationSeconds": "3600"})),
        policy(allow(aws(A2), NumericLessThan={"sts:DurationSeconds": "3600"})),
        "a_more_permissive",
        OPERATORS_PAGE,
    ),
    (
        "a-later-date-admits-more",
        policy(allow(aws(A2), DateLessThan={"aws:CurrentTime": "2030-01-01T00:00:00Z"})),
        policy(allow(aws(A2), DateLessThan={"aws:CurrentTime": "2031-01-01T00:00:00Z"})),
        "b_more_permissive",
        OPERATORS_PAGE,
    ),
    (
        "a-wider-cidr-admits-more",
        policy(allow(aws(A2), IpAddress={"aws:SourceIp": "203.0.113.0/24"})),
        policy(allow(aws(A2), IpAddress={"aws:SourceIp": "203.0.113.0/25"})),
        "a_more_permissive",
        OPERATORS_PAGE,
    ),
    (
        "policy-variable-is-tied-to-the-key-it-names",
        policy(
            allow(
                aws(f"arn:aws:iam::{A1}:user/alice"),
                ["sts:AssumeRole", "sts:SetSourceIdentity"],
                StringEquals={"sts:SourceIdentity": "${aws:username}"},
            )
        ),
        policy(
            allow(
                aws(f"arn:aws:iam::{A1}:user/alice"),
                ["sts:AssumeRole", "sts:SetSourceIdentity"],
                StringEquals={"sts:SourceIdentity": "alice"},
            )
        ),
        "equivalent",
        VARIABLES_PAGE,
    ),
    (
        "session-tags-need-tag-session",
        policy(allow(aws(A2), ["sts:AssumeRole", "sts:TagSession"])),
        policy(allow(aws(A2))),
        "a_more_permissive",
        TAGS_PAGE,
    ),
    (
        "source-identity-needs-set-source-identity",
        policy(allow(aws(A2))),
        policy(allow(aws(A2), ["sts:AssumeRole", "sts:SetSourceIdentity"])),
        "b_more_permissive",
        SOURCE_IDENTITY_PAGE,
    ),
]


@pytest.mark.parametrize(
    ("a", "b", "relation", "source"), [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS]
)
def test_conformance_pair(a: Any, b: Any, relation: str, source: str) -> None:
    assert source.startswith("https://docs.aws.amazon.com/")
    result = checked(a, b, {"role_arn": ROLE})
    assert result.relation == relation, result.to_dict()
    if relation in ("a_more_permissive", "incomparable"):
        assert result.only_a
    if relation == "equivalent":
        assert not result.only_a and not result.only_b


def test_swapping_the_policies_swaps_the_answer() -> None:
    a, b = PAIRS[0][1], PAIRS[0][2]
    forward, backward = checked(a, b), checked(b, a)
    assert (forward.relation, backward.relation) == ("a_more_permissive", "b_more_permissive")
    assert forward.only_a and backward.only_b


def test_a_contractor_role_is_the_request_that_proves_the_loophole() -> None:
    _, a, b, _, _ = PAIRS[6]
    result = checked(a, b)
    principals = [r["principal"] for r in result.only_a]
    assert any(":role/" in p and "contractor-" in p for p in principals)


def test_the_counterexample_for_a_wider_cidr_is_in_the_upper_half() -> None:
    _, a, b, _, _ = next(p for p in PAIRS if p[0] == "a-wider-cidr-admits-more")
    request = checked(a, b).only_a[0]
    last = int(request["context"]["aws:SourceIp"].rsplit(".", 1)[1])
    assert request["context"]["aws:SourceIp"].startswith("203.0.113.") and last >= 128


def test_the_numeric_counterexample_is_the_bound() -> None:
    _, a, b, _, _ = next(p for p in PAIRS if p[0] == "numeric-at-most-admits-the-bound-itself")
    request = checked(a, b).only_a[0]
    assert float(request["context"]["sts:DurationSeconds"]) == 3600


def test_a_request_with_tags_is_what_tag_session_changes() -> None:
    _, a, b, _, _ = next(p for p in PAIRS if p[0] == "session-tags-need-tag-session")
    for request in checked(a, b).only_a:
        tagged = bool(request["context"].get("aws:TagKeys"))
        assert request["action"] == "sts:TagSession" or tagged


def test_a_policy_with_an_error_admits_nothing() -> None:
    broken = policy(allow({"AWS": f"arn:aws:iam::{A2}:role/contractor-*"}))
    result = checked(broken, policy(allow(aws(A2))))
    assert result.relation == "b_more_permissive"
    assert result.errors_a and not result.errors_b
    assert result.to_dict()["errors"]["a"] == result.errors_a


def test_policy_text_with_a_syntax_error_admits_nothing() -> None:
    result = checked('{"Version": "2012-10-17", "Statement": [', policy(allow(aws(A2))))
    assert result.relation == "b_more_permissive"
    assert result.errors_a == ["JSON_SYNTAX_ERROR"]


def test_two_broken_policies_are_equivalent() -> None:
    assert checked("{", "[").relation == "equivalent"


def test_no_time_makes_the_answer_unknown_not_a_guess() -> None:
    a, b = PAIRS[0][1], PAIRS[0][2]
    result = compare(a, b, timeout_ms=0)
    assert result.relation == "unknown" and result.reason
    assert not result.only_b


def test_a_problem_over_the_size_cap_is_unknown_at_once(monkeypatch: Any) -> None:
    # A trust policy may hold 2,048 characters, which keeps real ones well under
    # the cap; a lowered cap shows what happens above it.
    from policies.engine.compare import solve

    monkeypatch.setattr(solve, "MAX_SIZE", 3)
    a = policy(*[allow(aws(A2), StringLike={"sts:ExternalId": ["a*", "b*"]}) for _ in range(2)])
    result = compare(a, policy(allow(aws(A2))), timeout_ms=TEST_BUDGET_MS)
    assert result.relation == "unknown"
    assert "too large" in (result.reason or "")
    assert result.elapsed_ms < 500


def test_a_negated_operator_matches_when_its_variable_has_no_value() -> None:
    # A role session has no aws:username, so "${aws:username}" is effectively null:
    # nothing equals it, and StringNotEquals matches (VARIABLES_PAGE: its table of
    # where each variable has a value, and its section on a variable with no value).
    # The solver used to say the first policy admits no one with an external ID.
    deploy = f"arn:aws:iam::{A2}:role/Deploy"
    a = policy(allow(aws(deploy), StringNotEquals={"sts:ExternalId": "${aws:username}"}))
    b = policy(allow(aws(deploy)))
    request = {
        "principal": deploy,
        "action": "sts:AssumeRole",
        "role_arn": ROLE,
        "context": {"sts:ExternalId": "partner-7"},
    }
    assert decision(a, request) == "allowed"
    assert checked(a, b, {"role_arn": ROLE}).relation == "equivalent"


def test_an_unsupported_construct_is_unknown_with_the_reason() -> None:
    a = policy(allow(aws(A2), StringEqualsIgnoreCase={"sts:ExternalId": "${aws:username}"}))
    result = compare(a, policy(allow(aws(A2))), timeout_ms=TEST_BUDGET_MS)
    assert result.relation == "unknown"
    assert "IgnoreCase" in (result.reason or "")


def test_scope_narrows_the_actions_and_puts_the_role_in_every_request() -> None:
    a = policy(allow(aws(A2), ["sts:AssumeRole", "sts:TagSession"]))
    b = policy(allow(aws(A2)))
    role = f"arn:aws:iam::{A1}:role/Reporting"
    wide = checked(a, b, {"role_arn": role})
    assert wide.relation == "a_more_permissive"
    assert all(r["role_arn"] == role for r in wide.only_a)
    only_tagless = checked(a, b, {"actions": ["sts:AssumeRole"], "context": {"aws:TagKeys": []}})
    assert only_tagless.relation == "equivalent"


def test_scope_principals_limit_the_callers() -> None:
    a = policy(allow(aws(A2)), allow({"Service": "ec2.amazonaws.com"}))
    b = policy(allow(aws(A2)))
    assert checked(a, b).relation == "a_more_permissive"
    scoped = checked(a, b, {"principals": [f"arn:aws:iam::{A2}:*"]})
    assert scoped.relation == "equivalent"
    assert scoped.to_dict()["scope"] == {"principals": [f"arn:aws:iam::{A2}:*"]}


def test_scope_context_fixes_a_key() -> None:
    a = policy(allow(aws(A2), StringEquals={"sts:ExternalId": "abc"}))
    b = policy(allow(aws(A2), StringEquals={"sts:ExternalId": "xyz"}))
    assert checked(a, b).relation == "incomparable"
    fixed = checked(a, b, {"context": {"sts:ExternalId": "abc"}})
    assert fixed.relation == "a_more_permissive"
    assert all(r["context"]["sts:ExternalId"] == "abc" for r in fixed.only_a)


@pytest.mark.parametrize(
    "scope",
    [
        [],
        {"actions": ["s3:GetObject"]},
        {"actions": "sts:AssumeRole"},
        {"role_arn": "arn:aws:s3:::bucket"},
        {"context": {"aws:PrincipalArn": "x"}},
        {"context": {"k": {"nested": 1}}},
        {"colour": "blue"},
    ],
)
def test_an_unusable_scope_is_a_usage_error(scope: Any) -> None:
    with pytest.raises(UsageError):
        compare(policy(allow(aws(A2))), policy(allow(aws(A2))), scope)


def test_a_policy_that_is_neither_text_nor_object_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        compare(42, policy(allow(aws(A2))))  # type: ignore[arg-type]


def _run(args: list[str]) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    return main(args, out, err), out.getvalue(), err.getvalue()


def test_cli_compare_prints_the_relation_and_examples(tmp_path: Any) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(PAIRS[0][1]))
    b.write_text(json.dumps(PAIRS[0][2]))
    status, out, err = _run(["compare", str(a), str(b)])
    assert status == 0 and not err
    document = json.loads(out)
    assert document["relation"] == "a_more_permissive"
    assert document["only_a"] and document["only_b"] == []


def test_cli_compare_with_a_scope_file(tmp_path: Any) -> None:
    a, b, s = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "s.json"
    a.write_text(json.dumps(PAIRS[0][1]))
    b.write_text(json.dumps(PAIRS[0][2]))
    s.write_text(json.dumps({"principals": [f"arn:aws:iam::{A2}:user/anna"]}))
    status, out, _ = _run(["compare", str(a), str(b), "--scope", str(s)])
    assert status == 0
    assert json.loads(out)["relation"] == "equivalent"


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "only-one.json"],
        ["compare", "a.json", "b.json", "--scope"],
        ["compare", "missing-a.json", "missing-b.json"],
    ],
)
def test_cli_compare_usage_errors_exit_2(args: list[str], tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "b.json").write_text("{}")
    status, out, err = _run(args)
    assert status == 2 and out == "" and err.startswith("error: ")
    assert err.count("\n") == 1


def test_cli_compare_scope_that_is_not_json_exits_2(tmp_path: Any) -> None:
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "s.json").write_text("{nope")
    status, out, err = _run(
        [
            "compare",
            str(tmp_path / "a.json"),
            str(tmp_path / "b.json"),
            "--scope",
            str(tmp_path / "s.json"),
        ]
    )
    assert status == 2 and out == "" and "not JSON" in err


def test_with_no_role_arn_callers_come_from_the_aws_partition() -> None:
    # evaluate takes a role with no ARN to be in the aws partition, and no role is
    # assumed across partitions: a policy naming only an aws-cn account admits nobody.
    china = policy(allow({"AWS": f"arn:aws-cn:iam::{A2}:root"}))
    result = checked(china, policy(allow(aws(A2))))
    assert result.relation == "b_more_permissive"
    assert all(r["principal"].startswith("arn:aws:") for r in result.only_b)
