"""Grading a learner's policy against an exercise's scenarios, with the engine.

Used by the exercise pages, the "fix the policy" questions and
``check_content`` (which proves every reference solution passes and every
starting policy fails).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from policies.engine import Finding, PolicyError, evaluate, validate

DENIED = {"explicitDeny", "implicitDeny"}
ENGINE_KEYS = ("identity_policies", "permissions_boundary", "session_policy", "scps", "rcps")
# Condition keys AWS sets from the calling principal itself (global condition keys page:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
DERIVED_KEYS = {
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:userid",
    "aws:username",
}


@dataclass(frozen=True)
class ScenarioOutcome:
    name: str
    expect: str
    hidden: bool
    decision: str
    passed: bool
    result: dict[str, Any]
    share: str = ""  # a playground link parameter to try this request (loophole scenarios)


@dataclass(frozen=True)
class Grade:
    passed: bool
    outcomes: list[ScenarioOutcome]
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == "error"]

    @property
    def first_failure(self) -> ScenarioOutcome | None:
        return next((o for o in self.outcomes if not o.passed), None)


def scenario_case(*, policy: str, scenario: dict[str, Any], role_arn: str) -> dict[str, Any]:
    """The engine case for one scenario: its request (with the exercise's role) and policies."""
    request = {"role_arn": role_arn, "context": {}, **scenario["request"]}
    case: dict[str, Any] = {"trust_policy": policy, "request": request}
    for key in ENGINE_KEYS:
        if key in scenario:
            case[key] = scenario[key]
    return case


def first_error(policy: str) -> Finding | None:
    """The first error the checks find in ``policy`` (a JSON syntax error first of all).

    A policy with an error is not graded: AWS would refuse to save it, and
    running scenarios on it would only show denials that teach nothing.
    """
    return next((f for f in validate(policy) if f.severity == "error"), None)


def expectation_met(expect: str, decision: str) -> bool:
    if expect == "denied":
        return decision in DENIED
    return decision == expect


def grade_policy(*, policy: str, scenarios: list[dict[str, Any]], role_arn: str) -> Grade:
    """Run every scenario through the engine; the policy passes when all meet their expectation."""
    outcomes = []
    findings: list[dict[str, Any]] = []
    for scenario in scenarios:
        result = evaluate(scenario_case(policy=policy, scenario=scenario, role_arn=role_arn))
        answer = result.to_dict()
        findings = answer["findings"]
        outcomes.append(
            ScenarioOutcome(
                name=scenario["name"],
                expect=scenario["expect"],
                hidden=bool(scenario.get("hidden")),
                decision=answer["decision"],
                passed=expectation_met(scenario["expect"], answer["decision"]),
                result=answer,
                share=scenario.get("share", ""),
            )
        )
    return Grade(passed=all(o.passed for o in outcomes), outcomes=outcomes, findings=findings)


@dataclass(frozen=True)
class AttackOutcome:
    succeeded: bool
    message: str
    result: dict[str, Any] | None = None


def attack_try(
    *, attack: dict[str, Any], policy: str, role_arn: str, request: dict[str, Any]
) -> AttackOutcome:
    """Does the learner's crafted request count as an attack, and does the policy let it in?"""
    principal = str(request.get("principal", "")).strip()
    if not principal:
        return AttackOutcome(False, "Give the principal you want to pose as.")
    if attack.get("principal_glob") and not fnmatch.fnmatchcase(
        principal, attack["principal_glob"]
    ):
        return AttackOutcome(False, f"That principal does not count as an attack: {attack['goal']}")
    if attack.get("principal_not_glob") and fnmatch.fnmatchcase(
        principal, attack["principal_not_glob"]
    ):
        return AttackOutcome(
            False, f"That principal is one the policy is meant to admit. {attack['goal']}"
        )
    # Keys AWS derives from the caller cannot be forged in a request: drop them,
    # so the engine derives them from the principal the learner poses as.
    context = {
        key: value
        for key, value in (request.get("context") or {}).items()
        if key.lower() not in DERIVED_KEYS
    }
    full_request = {
        "principal": principal,
        "action": attack.get("action") or request.get("action") or "sts:AssumeRole",
        "role_arn": role_arn,
        "context": context,
    }
    try:
        answer = evaluate({"trust_policy": policy, "request": full_request}).to_dict()
    except PolicyError as exc:
        return AttackOutcome(False, f"The engine could not use that request: {exc}")
    if answer["decision"] == "allowed":
        return AttackOutcome(True, "You got in. Now fix the policy so that you cannot.", answer)
    return AttackOutcome(False, "The policy keeps that request out. Try another.", answer)
