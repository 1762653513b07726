"""The whole decision, with the AWS page each rule comes from.

EVAL: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
      (same account; the table "resource-based policies and implicit denies")
CROSS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
PRINCIPAL: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
TAGS: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
SOURCE_ID: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
SCP: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from policies.engine import EvaluationResult, UsageError, evaluate

ACCOUNT = "444455556666"
OTHER = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Target"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
OTHER_ALICE = f"arn:aws:iam::{OTHER}:user/alice"
OPS_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Ops/s1"
OPS_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Ops"


def policy(*statements: dict[str, Any], version: str = "2012-10-17") -> dict[str, Any]:
    return {"Version": version, "Statement": list(statements)}


def allow(principal: Any, action: Any = "sts:AssumeRole", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, **extra}


def deny(principal: Any, action: Any = "sts:AssumeRole", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Principal": principal, "Action": action, **extra}


def identity(action: str = "sts:AssumeRole", resource: str = ROLE, effect: str = "Allow") -> dict:
    return policy({"Effect": effect, "Action": action, "Resource": resource})


NOTHING = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})


def run(
    trust: Any, principal: str, action: str = "sts:AssumeRole", **case: Any
) -> EvaluationResult:
    context = case.pop("context", {})
    return evaluate(
        {
            "trust_policy": trust,
            "request": {
                "principal": principal,
                "action": action,
                "role_arn": case.pop("role_arn", ROLE),
                "context": context,
            },
            **case,
        }
    )


# ---------------------------------------------------------------- explicit deny, allow needed


def test_an_allow_is_needed_and_explicit_deny_wins() -> None:  # EVAL
    assert run(policy(allow({"AWS": ALICE})), ALICE).decision == "allowed"
    assert run(policy(allow({"AWS": OTHER_ALICE})), ALICE).decision == "implicitDeny"
    both = policy(allow({"AWS": ALICE}), deny({"AWS": ALICE}))
    result = run(both, ALICE, identity_policies=[identity()])
    assert result.decision == "explicitDeny"
    assert any("explicitly denies" in line for line in result.explanation)


def test_explicit_deny_in_the_callers_own_policies_wins_too() -> None:  # EVAL
    trust = policy(allow({"AWS": ALICE}))
    denied = identity(effect="Deny")
    assert run(trust, ALICE, identity_policies=[denied]).decision == "explicitDeny"
    assert run(trust, ALICE, identity_policies=[], permissions_boundary=denied).decision == (
        "explicitDeny"
    )
    assert run(trust, ALICE, identity_policies=[], scps=[[denied]]).decision == "explicitDeny"


# ---------------------------------------------------------------- same account


def test_same_account_user_arn_needs_no_identity_policy_or_boundary() -> None:  # EVAL
    trust = policy(allow({"AWS": ALICE}))
    result = run(trust, ALICE, identity_policies=[], permissions_boundary=NOTHING)
    assert result.decision == "allowed"
    assert result.same_account is True
    assert result.assumed == []
    assert any("user's own ARN" in line for line in result.explanation)


def test_same_account_root_needs_the_callers_identity_policy() -> None:  # EVAL, PRINCIPAL
    for name in (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"):
        trust = policy(allow({"AWS": name}))
        assert run(trust, ALICE, identity_policies=[]).decision == "implicitDeny"
        assert run(trust, ALICE, identity_policies=[NOTHING]).decision == "implicitDeny"
        assert run(trust, ALICE, identity_policies=[identity()]).decision == "allowed"
        # Absent identity policies: judged on the trust alone, and the assumption is stated.
        result = run(trust, ALICE)
        assert result.decision == "allowed"
        assert result.assumed and "identity policy allows sts:AssumeRole" in result.assumed[0]


def test_same_account_role_arn_is_limited_by_boundary_and_session_policy() -> None:  # EVAL
    trust = policy(allow({"AWS": OPS_ROLE}))
    assert run(trust, OPS_SESSION, identity_policies=[]).decision == "allowed"
    assert run(trust, OPS_SESSION, identity_policies=[], permissions_boundary=NOTHING).decision == (
        "implicitDeny"
    )
    assert run(trust, OPS_SESSION, identity_policies=[], session_policy=NOTHING).decision == (
        "implicitDeny"
    )
    assert (
        run(trust, OPS_SESSION, identity_policies=[], permissions_boundary=identity()).decision
        == "allowed"
    )


def test_same_account_session_arn_is_limited_by_nothing_but_explicit_deny() -> None:  # EVAL
    trust = policy(allow({"AWS": OPS_SESSION}))
    result = run(
        trust,
        OPS_SESSION,
        identity_policies=[],
        permissions_boundary=NOTHING,
        session_policy=NOTHING,
    )
    assert result.decision == "allowed"
    assert run(trust, OPS_SESSION, session_policy=identity(effect="Deny")).decision == (
        "explicitDeny"
    )


def test_aws_star_lets_a_same_account_caller_in_but_not_another_account() -> None:  # EVAL, CROSS
    trust = policy(allow({"AWS": "*"}))
    assert run(trust, ALICE, identity_policies=[]).decision == "allowed"
    assert run(trust, OTHER_ALICE, identity_policies=[]).decision == "implicitDeny"
    assert run(trust, OTHER_ALICE, identity_policies=[identity()]).decision == "allowed"


# ---------------------------------------------------------------- cross account


def test_cross_account_always_needs_both_sides() -> None:  # CROSS
    for name in (OTHER, f"arn:aws:iam::{OTHER}:root", OTHER_ALICE):
        trust = policy(allow({"AWS": name}))
        result = run(trust, OTHER_ALICE, identity_policies=[])
        assert result.decision == "implicitDeny"
        assert result.same_account is False
        assert run(trust, OTHER_ALICE, identity_policies=[identity()]).decision == "allowed"
        wrong_role = identity(resource=f"arn:aws:iam::{ACCOUNT}:role/Other")
        assert run(trust, OTHER_ALICE, identity_policies=[wrong_role]).decision == "implicitDeny"
        assumed = run(trust, OTHER_ALICE)
        assert assumed.decision == "allowed" and assumed.assumed


def test_cross_account_session_still_needs_its_boundary() -> None:  # CROSS
    session = f"arn:aws:sts::{OTHER}:assumed-role/Ops/s1"
    trust = policy(allow({"AWS": session}))
    result = run(trust, session, identity_policies=[identity()], permissions_boundary=NOTHING)
    assert result.decision == "implicitDeny"


def test_scps_apply_to_the_callers_side_and_every_level_must_allow() -> None:  # SCP
    trust = policy(allow({"AWS": ALICE}))
    full = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert run(trust, ALICE, identity_policies=[], scps=[[full], [full]]).decision == "allowed"
    result = run(trust, ALICE, identity_policies=[], scps=[[full], [NOTHING]])
    assert result.decision == "implicitDeny"
    assert any("level 2" in line for line in result.explanation)


def test_resource_wildcards_and_variables_in_identity_policies() -> None:
    trust = policy(allow({"AWS": OTHER}))
    any_role = identity(resource="arn:aws:iam::*:role/*")
    assert run(trust, OTHER_ALICE, identity_policies=[any_role]).decision == "allowed"
    star = identity(resource="*")
    assert run(trust, OTHER_ALICE, identity_policies=[star]).decision == "allowed"
    by_name = identity(resource=f"arn:aws:iam::{ACCOUNT}:role/${{aws:username}}")
    assert (
        run(
            trust,
            OTHER_ALICE,
            identity_policies=[by_name],
            role_arn=f"arn:aws:iam::{ACCOUNT}:role/alice",
        ).decision
        == "allowed"
    )


def test_the_root_user_cannot_assume_a_role() -> None:
    trust = policy(allow({"AWS": ACCOUNT}))
    result = run(trust, f"arn:aws:iam::{ACCOUNT}:root", identity_policies=[identity()])
    assert result.decision == "implicitDeny"
    assert any("root user" in line for line in result.explanation)


# ---------------------------------------------------------------- services and federation


def test_service_callers_have_no_identity_side() -> None:
    trust = policy(allow({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}))
    result = run(trust, "lambda.amazonaws.com", identity_policies=[NOTHING], scps=[[NOTHING]])
    assert result.decision == "allowed"
    assert result.identity is None
    assert result.to_dict()["identity"] is None
    assert any("ignored" in line for line in result.explanation)
    assert run(trust, "ecs-tasks.amazonaws.com").decision == "implicitDeny"


def test_github_actions_web_identity() -> None:
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    trust = policy(
        allow(
            {"Federated": provider},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo/app:*"},
            },
        )
    )
    good = {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:octo/app:ref:refs/heads/main",
    }
    assert run(trust, provider, "sts:AssumeRoleWithWebIdentity", context=good).decision == "allowed"
    evil = dict(good, **{"token.actions.githubusercontent.com:sub": "repo:evil/app:ref:x"})
    result = run(trust, provider, "sts:AssumeRoleWithWebIdentity", context=evil)
    assert result.decision == "implicitDeny"
    assert result.to_dict()["trust"]["statements"][0]["conditions"][1]["matched"] is False
    # The web-identity action does not cover plain AssumeRole.
    assert run(trust, provider, context=good).decision == "implicitDeny"


def test_well_known_web_identity_provider() -> None:
    trust = policy(
        allow(
            {"Federated": "accounts.google.com"},
            "sts:AssumeRoleWithWebIdentity",
            Condition={"StringEquals": {"accounts.google.com:aud": "my-app"}},
        )
    )
    ok = run(
        trust,
        "accounts.google.com",
        "sts:AssumeRoleWithWebIdentity",
        context={"accounts.google.com:aud": "my-app"},
    )
    assert ok.decision == "allowed" and ok.identity is None


# ---------------------------------------------------------------- principals that name nobody


def test_unique_id_principal_never_matches_a_new_principal() -> None:  # PRINCIPAL
    trust = policy(allow({"AWS": "AIDAJQABLZS4A3QDU576Q"}))
    result = run(trust, ALICE, identity_policies=[identity()])
    assert result.decision == "implicitDeny"
    assert any("deleted" in line for line in result.explanation)


def test_partial_wildcard_principal_names_nobody() -> None:  # PRINCIPAL
    trust = policy(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:user/*"}))
    assert run(trust, ALICE, identity_policies=[identity()]).decision == "implicitDeny"


# ---------------------------------------------------------------- companions


def test_session_tags_need_tag_session_too() -> None:  # TAGS
    tags = {"aws:RequestTag/team": "blue", "aws:TagKeys": ["team"]}
    only_assume = policy(allow({"AWS": OTHER}))
    result = run(only_assume, OTHER_ALICE, context=tags)
    assert result.decision == "implicitDeny"
    answer = result.to_dict()
    assert answer["trust"]["decision"] == "allowed"
    assert [(c["action"], c["decision"]) for c in answer["companions"]] == [
        ("sts:TagSession", "implicitDeny")
    ]
    both = policy(allow({"AWS": OTHER}, ["sts:AssumeRole", "sts:TagSession"]))
    assert run(both, OTHER_ALICE, context=tags).decision == "allowed"
    # Cross-account, the caller's own policy must allow sts:TagSession as well.
    assume_only = identity()
    assert (
        run(both, OTHER_ALICE, context=tags, identity_policies=[assume_only]).decision
        == "implicitDeny"
    )
    either = identity(action="sts:*")
    assert run(both, OTHER_ALICE, context=tags, identity_policies=[either]).decision == "allowed"


def test_source_identity_needs_set_source_identity() -> None:  # SOURCE_ID
    ctx = {"sts:SourceIdentity": "alice@example.com"}
    trust = policy(allow({"AWS": OTHER}))
    assert run(trust, OTHER_ALICE, context=ctx).decision == "implicitDeny"
    trust2 = policy(allow({"AWS": OTHER}, ["sts:AssumeRole", "sts:SetSourceIdentity"]))
    result = run(trust2, OTHER_ALICE, context=ctx)
    assert result.decision == "allowed"
    assert [c.action for c in result.companions] == ["sts:SetSourceIdentity"]


def test_a_deny_on_a_companion_is_an_explicit_deny() -> None:  # TAGS, EVAL
    trust = policy(
        allow({"AWS": OTHER}, ["sts:AssumeRole", "sts:TagSession"]),
        deny({"AWS": OTHER}, "sts:TagSession"),
    )
    assert run(trust, OTHER_ALICE, context={"aws:TagKeys": ["x"]}).decision == "explicitDeny"


def test_companion_actions_can_be_evaluated_on_their_own() -> None:
    trust = policy(allow({"AWS": OTHER}, ["sts:TagSession", "sts:SetContext"]))
    for action in ("sts:TagSession", "sts:SetContext"):
        result = run(trust, OTHER_ALICE, action)
        assert result.decision == "allowed" and result.companions == []
    assert run(trust, OTHER_ALICE, "sts:SetSourceIdentity").decision == "implicitDeny"


# ---------------------------------------------------------------- malformed trust policies


def test_an_error_finding_forces_implicit_deny_but_the_trace_stays() -> None:
    trust = policy({"Effect": "Allow", "NotPrincipal": {"AWS": OTHER}, "Action": "sts:AssumeRole"})
    result = run(trust, ALICE)
    answer = result.to_dict()
    assert answer["decision"] == "implicitDeny"
    assert any(f["severity"] == "error" for f in answer["findings"])
    statement = answer["trust"]["statements"][0]
    assert statement["matched"] is True  # what it would have done
    assert answer["trust"]["blocked_by_errors"] is True
    assert any("refuse to attach" in line for line in answer["explanation"])


def test_text_that_is_not_json_is_an_implicit_deny_with_the_position() -> None:
    result = run('{"Version": "2012-10-17", "Statement": [}', ALICE)
    answer = result.to_dict()
    assert answer["decision"] == "implicitDeny"
    assert answer["trust"]["statements"] == []
    (finding,) = answer["findings"]
    assert finding["code"] == "JSON_SYNTAX_ERROR"
    assert finding["line"] == 1 and finding["column"] > 1


# ---------------------------------------------------------------- the answer's shape


def test_the_answer_has_the_contracts_keys_and_reads_as_an_explanation() -> None:
    trust = policy(
        {
            "Sid": "AllowPartner",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "abc-123"}},
        }
    )
    result = run(trust, OTHER_ALICE, context={"sts:ExternalId": "abc-123"})
    answer = result.to_dict()
    json.dumps(answer)  # plain JSON
    for key in (
        "decision",
        "trust",
        "identity",
        "same_account",
        "explanation",
        "assumed",
        "derived_context",
        "findings",
    ):
        assert key in answer
    statement = answer["trust"]["statements"][0]
    assert (statement["index"], statement["sid"], statement["effect"], statement["matched"]) == (
        0,
        "AllowPartner",
        "Allow",
        True,
    )
    for part in ("principal", "action"):
        assert {"matched", "reason", "request_value", "policy_value"} <= statement[part].keys()
    (condition,) = statement["conditions"]
    assert condition == {
        "operator": "StringEquals",
        "key": "sts:ExternalId",
        "request_value": "abc-123",
        "policy_value": "abc-123",
        "matched": True,
        "reason": condition["reason"],
        "line": 13,  # positions point into the two-space-indented text of the object
        "column": 11,
    }
    (entry,) = statement["principal"]["entries"]
    assert (entry["line"], entry["matched"]) == (8, True)
    assert answer["explanation"][1].startswith(
        f"Statement 'AllowPartner' (#1) allows {OTHER_ALICE} because"
    )
    assert answer["explanation"][-1] == "Decision: allowed."
    assert answer["derived_context"]["aws:PrincipalAccount"] == OTHER


@pytest.mark.parametrize(
    "case",
    [
        {},
        {"trust_policy": 5, "request": {}},
        {"trust_policy": ["x"], "request": {"principal": ALICE, "action": "sts:AssumeRole"}},
        {"trust_policy": {}, "request": {"principal": ALICE}},
        {
            "trust_policy": {},
            "request": {"principal": ALICE, "action": "sts:AssumeRole"},
            "identity_policies": {"not": "a list"},
        },
        {
            "trust_policy": {},
            "request": {"principal": ALICE, "action": "sts:AssumeRole"},
            "identity_policies": ["{not json"],
        },
        {
            "trust_policy": {},
            "request": {"principal": ALICE, "action": "sts:AssumeRole"},
            "scps": [{"Version": "2012-10-17"}],
        },
    ],
)
def test_unusable_cases_are_usage_errors(case: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        evaluate(case)


def test_extra_annotation_keys_are_ignored() -> None:
    case = {
        "id": "x-1",
        "expected": {"decision": "allowed"},
        "trust_policy": policy(allow({"AWS": ALICE})),
        "request": {"principal": ALICE, "action": "sts:AssumeRole", "role_arn": ROLE},
    }
    assert evaluate(case).decision == "allowed"


def test_policy_text_keeps_its_positions_and_is_safe_across_threads() -> None:
    text = json.dumps(policy(allow({"AWS": ALICE})), indent=4)
    case = {
        "trust_policy": text,
        "request": {"principal": ALICE, "action": "sts:AssumeRole", "role_arn": ROLE},
    }
    first = evaluate(case).to_dict()
    assert first["trust"]["statements"][0]["line"] == 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: evaluate(case).to_dict(), range(64)))
    assert all(a == first for a in answers)


def test_the_explanation_says_when_the_callers_own_policies_do_not_matter() -> None:  # EVAL
    trust = policy(allow({"AWS": ALICE}))
    result = run(trust, ALICE, identity_policies=[NOTHING], permissions_boundary=NOTHING)
    assert result.decision == "allowed"
    text = " ".join(result.explanation)
    assert "do not need to" in text
    assert "does not limit a trust policy that names the caller itself" in text
    assert result.to_dict()["identity"]["identity_policy_assumed"] is False


def test_security_warnings_are_mentioned_in_the_explanation() -> None:
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    trust = policy(
        allow(
            {"Federated": provider},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
            },
        )
    )
    result = run(
        trust,
        provider,
        "sts:AssumeRoleWithWebIdentity",
        context={"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
    )
    assert result.decision == "allowed"
    assert any(f.severity == "security_warning" for f in result.findings)
    assert any(line.startswith("Security warning at line") for line in result.explanation)


def test_tag_session_is_checked_only_when_tags_are_passed() -> None:  # TAGS
    trust = policy(allow({"AWS": OTHER}))
    assert run(trust, OTHER_ALICE, context={"aws:TagKeys": []}).decision == "allowed"
    transitive = run(trust, OTHER_ALICE, context={"sts:TransitiveTagKeys": ["team"]})
    assert [c.action for c in transitive.companions] == ["sts:TagSession"]
    assert transitive.decision == "implicitDeny"


def test_a_session_policy_is_ignored_for_a_user_and_says_so() -> None:
    trust = policy(allow({"AWS": ALICE}))
    result = run(trust, ALICE, identity_policies=[], session_policy=NOTHING)
    assert result.decision == "allowed"
    assert any("session_policy is ignored" in line for line in result.explanation)


def test_a_note_when_the_action_does_not_fit_the_caller() -> None:
    saml = f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"
    trust = policy(allow({"Federated": saml}, "sts:AssumeRoleWithSAML"))
    wrong = run(trust, saml, "sts:AssumeRoleWithWebIdentity")
    assert wrong.decision == "implicitDeny"
    assert wrong.explanation[1].startswith("Note: AssumeRoleWithWebIdentity")
    right = run(trust, saml, "sts:AssumeRoleWithSAML")
    assert right.decision == "allowed"
    assert not any(line.startswith("Note:") for line in right.explanation)
    assert (
        run(policy(allow({"AWS": ALICE})), ALICE, "sts:AssumeRoleWithSAML")
        .explanation[1]
        .startswith("Note: AssumeRoleWithSAML")
    )


def test_clear_caches_empties_every_engine_cache() -> None:
    """The cold-path benchmark (bench/engine.py) reuses nothing between calls: after
    clear_caches, no functools cache of any loaded engine module holds an entry."""
    import functools
    import sys

    from policies.engine import validate
    from policies.engine.evaluate import clear_caches

    trust = policy(
        deny(
            {"AWS": "*"},
            Condition={
                "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8"]},
                "StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deploy-*"},
            },
        )
    )
    validate(trust)
    run(trust, ALICE, context={"aws:SourceIp": "203.0.113.9"})

    def caches() -> dict[str, int]:
        return {
            f"{name}.{attr}": value.cache_info().currsize
            for name, module in list(sys.modules.items())
            if name.startswith("policies.engine") and module is not None
            for attr, value in vars(module).items()
            if isinstance(value, functools._lru_cache_wrapper)
        }

    assert any(caches().values())  # the calls above filled some
    clear_caches()
    assert {k: n for k, n in caches().items() if n} == {}
