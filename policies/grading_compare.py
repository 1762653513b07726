"""Grading by proof: after an exercise's scenarios pass, compare the learner's
policy with the reference solution in the exercise's scope.

A handful of scenarios cannot cover every caller; the comparison
(``policies.engine.compare``) can. A request the learner's policy admits and
the reference refuses becomes one more failing scenario ("this caller would
get in"), with the request the learner can load into the try-it panel. Unless
the exercise says admitting less is fine, a request the reference admits and
the learner's policy refuses fails too. A comparison that runs out of its
budget (``unknown``) adds nothing: the learner is never failed on a guess.

An exercise's ``scope`` (YAML) holds ``actions`` and ``principals`` (as in the
engine's scope: the actions and callers that matter) and ``allow_less``.
"""

from __future__ import annotations

from typing import Any

from policies.compare_page import example_share
from policies.engine import compare

#: Scope fields handed to the engine; ``allow_less`` is for grading only.
_ENGINE_SCOPE_FIELDS = ("actions", "principals", "context")


def engine_scope(*, scope: dict[str, Any] | None, role_arn: str) -> dict[str, Any]:
    """The engine's scope for an exercise: its role plus the fields it sets."""
    out: dict[str, Any] = {"role_arn": role_arn}
    for name in _ENGINE_SCOPE_FIELDS:
        if scope and scope.get(name):
            out[name] = scope[name]
    return out


def _describe(request: dict[str, Any]) -> str:
    return f"{request['principal']} calling {request['action']}"


def loophole_scenarios(
    *, policy: str, reference: str, scope: dict[str, Any] | None, role_arn: str
) -> list[dict[str, Any]]:
    """Extra scenarios the learner's ``policy`` fails, proven by comparison with
    ``reference``: at most one that gets in and one that is kept out."""
    result = compare(policy, reference, engine_scope(scope=scope, role_arn=role_arn))
    if result.relation == "unknown":
        return []
    extra: list[dict[str, Any]] = []
    if result.only_a:
        request = result.only_a[0]
        extra.append(
            {
                "name": f"This caller would get in: {_describe(request)}",
                "expect": "denied",
                "hidden": False,
                "loophole": True,
                "request": request,
                "share": example_share(policy=policy, request=request),
            }
        )
    allow_less = bool(scope and scope.get("allow_less"))
    if result.only_b and not allow_less:
        request = result.only_b[0]
        extra.append(
            {
                "name": f"This caller should still get in: {_describe(request)}",
                "expect": "allowed",
                "hidden": False,
                "loophole": True,
                "request": request,
                "share": example_share(policy=policy, request=request),
            }
        )
    return extra
