"""Differential test: the solver's answer against the evaluator on generated pairs.

For generated pairs of trust policies, every counterexample ``compare`` returns
must be confirmed by ``evaluate``; and when it says the pair is equivalent (or
that one side admits more), thousands of sampled requests must never show the
opposite. No Django needed.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine import compare, evaluate
from tests.policies.engine.compare import pools
from tests.policies.engine.timing import TEST_BUDGET_MS

_OPERATORS = {
    "string": [
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "StringLikeIfExists",
        "StringNotEqualsIfExists",
    ],
    "arn": ["ArnLike", "ArnNotLike", "ArnEquals", "ArnLikeIfExists"],
    "number": [
        "NumericLessThan",
        "NumericGreaterThanEquals",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThanEqualsIfExists",
    ],
    "date": ["DateGreaterThan", "DateLessThan", "DateEquals"],
    "ip": ["IpAddress", "NotIpAddress"],
    "bool": ["Bool", "BoolIfExists"],
    "set": [
        "ForAnyValue:StringEquals",
        "ForAllValues:StringEquals",
        "ForAnyValue:StringLike",
        "ForAllValues:StringNotEquals",
    ],
}
_POLICY_VALUES = {
    "string": pools.STRING_VALUES
    + pools.STRING_PATTERNS
    + ["${aws:username}", "abc-${sts:RoleSessionName}", "${aws:PrincipalTag/team, 'dev'}"],
    "arn": [*pools.ARN_PATTERNS, "arn:aws:iam::111122223333:user/${aws:username}"],
    "number": pools.NUMBERS[:-1],
    "date": pools.DATES[:-1],
    "ip": pools.NETWORKS,
    "bool": ["true", "false"],
    "set": [*pools.TAG_KEYS, "d*"],
}
_REQUEST_VALUES = {
    "string": [*pools.STRING_VALUES, "abc-s1", "alice", "dev"],
    "arn": pools.ARN_VALUES,
    "number": pools.NUMBERS,
    "date": pools.DATES,
    "ip": pools.IPS,
    "bool": pools.BOOLS,
}


@st.composite
def conditions(draw: Any) -> dict[str, Any]:
    block: dict[str, dict[str, Any]] = {}
    for _ in range(draw(st.integers(0, 2))):
        key, kind = draw(st.sampled_from(pools.KEYS))
        if draw(st.integers(0, 9)) == 0:
            block.setdefault("Null", {})[key] = draw(st.sampled_from(["true", "false"]))
            continue
        operator = draw(st.sampled_from(_OPERATORS[kind]))
        values = draw(st.lists(st.sampled_from(_POLICY_VALUES[kind]), min_size=1, max_size=2))
        block.setdefault(operator, {})[key] = values[0] if len(values) == 1 else values
    return block


_COMPANIONS = ["sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"]


@st.composite
def principal_and_actions(draw: Any) -> tuple[Any, list[str]]:
    """A principal and actions AWS accepts for it (most of the time), so that
    few generated policies carry error findings."""
    choice = draw(st.integers(0, 6))
    if choice == 0:
        principal: Any = "*"
        pool = pools.ACTION_PATTERNS
    elif choice <= 3:
        names = draw(st.lists(st.sampled_from(pools.AWS_PRINCIPALS[:-1]), min_size=1, max_size=2))
        principal = {"AWS": "*" if draw(st.integers(0, 5)) == 0 else names}
        pool = ["sts:AssumeRole", *_COMPANIONS, "sts:AssumeRole*"]
    elif choice == 4:
        principal = {"Service": draw(st.sampled_from(pools.SERVICES))}
        pool = ["sts:AssumeRole", *_COMPANIONS]
    else:
        provider = draw(st.sampled_from(pools.FEDERATED))
        principal = {"Federated": provider}
        main = "sts:AssumeRoleWithSAML" if "saml" in provider else "sts:AssumeRoleWithWebIdentity"
        pool = [main, *_COMPANIONS]
    actions = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2))
    return principal, actions


@st.composite
def statements(draw: Any) -> dict[str, Any]:
    principal, actions = draw(principal_and_actions())
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Principal": principal,
    }
    statement["NotAction" if draw(st.integers(0, 9)) == 0 else "Action"] = actions
    block = draw(conditions())
    if block:
        statement["Condition"] = block
    return statement


policies = st.builds(
    lambda s: {"Version": "2012-10-17", "Statement": s},
    st.lists(statements(), min_size=1, max_size=3),
)


def _mutations(policy: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A near copy, so that pairs are often equivalent or close."""
    import copy

    other = copy.deepcopy(policy)
    statement = rng.choice(other["Statement"])
    change = rng.randrange(4)
    if change == 0:
        statement.pop("Condition", None)
    elif change == 1:
        statement["Effect"] = "Deny" if statement["Effect"] == "Allow" else "Allow"
    elif change == 2:
        other["Statement"] = list(reversed(other["Statement"]))  # order never matters
    else:
        statement["Action"] = ["sts:AssumeRole"]
        statement.pop("NotAction", None)
    return other


def _sample_request(rng: random.Random) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for key, kind in pools.KEYS:
        if key not in pools.FREE_KEYS or rng.random() < 0.5:
            continue
        if kind == "set":
            context[key] = rng.sample([*pools.TAG_KEYS, "dev", "ou-1"], rng.randrange(0, 3))
        else:
            context[key] = rng.choice(_REQUEST_VALUES[kind])
    if "aws:RequestTag/env" in context:
        tags = context.get("aws:TagKeys") or []
        context["aws:TagKeys"] = sorted({*tags, "env"})
    elif "env" in (context.get("aws:TagKeys") or []):
        context["aws:RequestTag/env"] = "dev"
    return {
        "principal": rng.choice(pools.CALLERS),
        "action": rng.choice(pools.ACTIONS),
        "context": context,
    }


def _allowed(policy: dict[str, Any], request: dict[str, Any]) -> bool:
    return evaluate({"trust_policy": policy, "request": request}).decision == "allowed"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies, policies, st.booleans(), st.integers(min_value=0, max_value=2**32))
def test_the_solver_never_contradicts_the_evaluator(
    a: dict[str, Any], b: dict[str, Any], near: bool, seed: int
) -> None:
    # Requests are sampled from a generator of the test's own, seeded once, so that
    # hypothesis sees the same draws on a replay whatever the solver answered (an
    # "unknown" under a loaded machine used to end the draws early, which hypothesis
    # reports as a flaky strategy).
    rng = random.Random(seed)
    if near:
        b = _mutations(a, rng)
    result = compare(a, b, timeout_ms=TEST_BUDGET_MS)
    for request in result.only_a:
        assert _allowed(a, request) and not _allowed(b, request), request
    for request in result.only_b:
        assert _allowed(b, request) and not _allowed(a, request), request
    if result.relation == "unknown":
        return
    assert bool(result.only_a) == (result.relation in ("a_more_permissive", "incomparable"))
    assert bool(result.only_b) == (result.relation in ("b_more_permissive", "incomparable"))
    for _ in range(100):
        request = _sample_request(rng)
        in_a, in_b = _allowed(a, request), _allowed(b, request)
        if result.relation in ("equivalent", "b_more_permissive"):
            assert not (in_a and not in_b), ("missed: A admits", request, result.to_dict())
        if result.relation in ("equivalent", "a_more_permissive"):
            assert not (in_b and not in_a), ("missed: B admits", request, result.to_dict())
