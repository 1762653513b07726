"""The decision for one action: the trust policy, the caller's side, then the RCPs.

Decisions are data: every step records a :class:`Reason` (a code and its data)
and :mod:`.explain` turns reasons into sentences only when someone asks.

AWS documentation this follows (IAM User Guide unless noted):

- Policy evaluation logic, same account, and the table of resource-based
  policies versus implicit denies (user ARN, role ARN, role session ARN):
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- Role trust policies must name the principal explicitly, even in the same
  account (the exception to "either side is enough"): same page.
- Cross-account: both the trust policy and the caller's identity side must allow:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
- SCPs limit the principals of the accounts they apply to; every level from the
  root down must allow:
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
- The root user cannot call AssumeRole:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-api.html
- RCPs: see :mod:`.rcp`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .case import Case
from .conditions import MatchBudget
from .context import Request
from .model import Policy
from .rcp import RcpSide, rcp_exemption
from .results import (
    Decision,
    LayerResult,
    StatementResult,
    combine_decisions,
    layer_decision,
)
from .statements import layer, trust_statement

Need = str  # "identity", "boundary" or "session"

# Named tuples built with tuple.__new__, which skips their own __new__ (a Python
# function): every decision builds its reasons.
_new = tuple.__new__


class Reason(NamedTuple):
    """Why a decision came out as it did: a code and the data its sentence needs."""

    code: str
    data: dict[str, Any]


@dataclass(slots=True)
class IdentitySide:
    """The caller's side: identity policies, boundary, session policy, SCPs."""

    decision: Decision
    identity: LayerResult | None  # None: not given (assumed where needed)
    boundary: LayerResult | None
    session: LayerResult | None
    scps: list[LayerResult]
    identity_needed: bool
    identity_assumed: bool

    def layers(self) -> list[LayerResult]:
        out = [x for x in (self.identity, self.boundary, self.session) if x is not None]
        return out + self.scps

    def to_dict(self) -> dict[str, Any]:
        statements = [s.to_dict() for layer in self.layers() for s in layer.statements]
        return {
            "decision": self.decision,
            "statements": statements,
            "identity_policy_needed": self.identity_needed,
            "identity_policy_assumed": self.identity_assumed,
            "policies": [
                {"name": layer.name, "decision": layer.decision} for layer in self.layers()
            ],
        }


@dataclass(slots=True)
class ActionOutcome:
    """The decision for one action (the request's own, or a companion), with its reasons."""

    action: str
    decision: Decision
    trust: LayerResult
    identity: IdentitySide | None
    reasons: list[Reason] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    rcps: RcpSide | None = None

    def add(self, code: str, **data: Any) -> None:
        self.reasons.append(_new(Reason, (code, data)))

    def to_dict(self) -> dict[str, Any]:
        out = {
            "action": self.action,
            "decision": self.decision,
            "trust": {
                "decision": self.trust.decision,
                "statements": [s.to_dict() for s in self.trust.statements],
            },
            "identity": None if self.identity is None else self.identity.to_dict(),
        }
        if self.rcps is not None:
            out["rcps"] = self.rcps.to_dict()
        return out


#: What a same-account grant still needs, by how the trust policy named the
#: caller (the table "Resource-based policies and implicit denies in other
#: policy types (same account)" of the evaluation-logic page).
SAME_ACCOUNT_NEEDS: dict[str, frozenset[Need]] = {
    "account": frozenset({"identity", "boundary", "session"}),
    "user": frozenset(),
    "role": frozenset({"boundary", "session"}),
    "session": frozenset(),
    "wildcard": frozenset(),
    "exact": frozenset(),
}
ALL_NEEDS: frozenset[Need] = frozenset({"identity", "boundary", "session"})


def decide_action(
    action: str, request: Request, trust_policy: Policy | None, case: Case
) -> ActionOutcome:
    """The decision for ``action`` by ``request``'s caller on the role: the trust
    policy and the caller's side, then the RCPs of the role's account."""
    r = request if action == request.action else request.with_action(action)
    outcome = _trust_outcome(action, r, trust_policy, case.budget)
    if r.caller.is_iam:
        _decide_iam_caller(outcome, r, case)
    else:
        _decide_other_caller(outcome)
    if case.rcps is not None:
        apply_rcps(outcome, r, case.rcps, case.budget)
    return outcome


def _trust_outcome(
    action: str, r: Request, trust_policy: Policy | None, budget: MatchBudget
) -> ActionOutcome:
    statements = []
    if trust_policy is not None:
        variables = trust_policy.variables_enabled
        statements = [trust_statement(s, r, variables, budget) for s in trust_policy.statements]
    trust = LayerResult("trust policy", layer_decision(statements), statements)
    return ActionOutcome(action, trust.decision, trust, None)


def _decide_other_caller(outcome: ActionOutcome) -> None:
    """A service or federated caller: the trust policy alone decides."""
    trust = outcome.trust
    if trust.denies:
        outcome.add("explicit_deny", layer=trust, statement=_first(trust, "Deny"))
    elif trust.allows:
        outcome.add("trust_allows", action=outcome.action)
    else:
        outcome.add("trust_names_nobody", action=outcome.action)


def _first(layer: LayerResult, effect: str) -> StatementResult:
    return next(s for s in layer.statements if s.matched and s.effect == effect)


def _caller_side(r: Request, case: Case) -> list[LayerResult | None]:
    """The identity policies, boundary and session policy layers (None: not given)."""
    budget = case.budget
    identity = (
        None
        if case.identity_policies is None
        else layer("identity policies", case.identity_policies, r, "identity policy", budget)
    )
    boundary = (
        None
        if case.permissions_boundary is None
        else layer(
            "permissions boundary", [case.permissions_boundary], r, "permissions boundary", budget
        )
    )
    session = None
    if case.session_policy is not None and r.caller.kind in ("session", "role"):
        session = layer("session policy", [case.session_policy], r, "session policy", budget)
    return [identity, boundary, session]


def _decide_iam_caller(outcome: ActionOutcome, r: Request, case: Case) -> None:
    """An IAM caller: the trust policy and the caller's own side together."""
    identity, boundary, session = _caller_side(r, case)
    scps = [
        layer(f"SCPs, level {i + 1}", level, r, f"SCP level {i + 1}", case.budget)
        for i, level in enumerate(case.scps or [])
    ]
    grants = [
        s.how or "account" for s in outcome.trust.statements if s.matched and s.effect == "Allow"
    ]
    same = r.same_account  # a property that compares four fields: read once
    needs = [SAME_ACCOUNT_NEEDS.get(how, ALL_NEEDS) if same else ALL_NEEDS for how in grants]
    identity_needed = bool(needs) and all("identity" in n for n in needs)
    side = IdentitySide("implicitDeny", identity, boundary, session, scps, identity_needed, False)
    outcome.identity = side
    layers = side.layers()
    # What the caller's own policies say on their own: every layer given must allow.
    side.decision = combine_decisions([x.decision for x in layers])
    if _blocked(outcome, side, layers, r):
        return
    _grant(outcome, side, r, same, grants, needs)


def _blocked(
    outcome: ActionOutcome, side: IdentitySide, layers: list[LayerResult], r: Request
) -> bool:
    """Record the first thing that denies the request outright, if any."""
    action, trust = outcome.action, outcome.trust
    for x in (trust, *layers):
        if x.denies:
            outcome.decision = "explicitDeny"
            outcome.add("explicit_deny", layer=x, statement=_first(x, "Deny"))
            return True
    outcome.decision = "implicitDeny"
    for level in side.scps:
        if not level.allows:
            outcome.add("scp_level_does_not_allow", level=level.name, action=action)
            return True
    if r.caller.kind == "root":
        outcome.add("root_cannot_assume")
        return True
    if not trust.allows:
        outcome.add("trust_does_not_allow", action=action)
        return True
    return False


def _grant(
    outcome: ActionOutcome,
    side: IdentitySide,
    r: Request,
    same: bool,
    grants: Sequence[str],
    needs: Sequence[frozenset[Need]],
) -> None:
    """The trust policy allows: does the caller's side allow what this grant still needs?
    (``same``: the caller is in the role's account.)"""
    action = outcome.action
    checks: dict[Need, bool | None] = {
        "identity": side.identity.allows if side.identity is not None else None,
        "boundary": side.boundary is None or side.boundary.allows,
        "session": side.session is None or side.session.allows,
    }
    best: tuple[int, str, frozenset[Need]] | None = None  # (rank, how, needs)
    for how, need in zip(grants, needs, strict=True):
        if False in [checks[n] for n in need]:  # a list: no generator per grant
            continue
        rank = 1 if "identity" in need and checks["identity"] is None else 0
        if best is None or rank < best[0]:
            best = (rank, how, need)
    if not same:
        outcome.add("cross_account", account=r.caller.account, action=action)
    if best is None:
        if same:
            outcome.add("same_account_grant", how=grants[0])
        failing = [
            n for n in ("identity", "boundary", "session") if n in needs[0] and not checks[n]
        ]
        outcome.add("caller_side_does_not_allow", action=action, failing=failing)
        return
    _, how, need = best
    if same:
        outcome.add("same_account_grant", how=how)
    _identity_reason(outcome, side, r, need)
    for name, limit in (("boundary", side.boundary), ("session", side.session)):
        if limit is not None and name in need:
            outcome.add("limit_allows", limit=name, action=action)
        elif limit is not None and not limit.allows:
            outcome.add("limit_not_needed", limit=name, action=action)
    outcome.decision = "allowed"


def _identity_reason(
    outcome: ActionOutcome, side: IdentitySide, r: Request, need: frozenset[Need]
) -> None:
    action, identity = outcome.action, side.identity
    if "identity" in need and identity is None:
        side.identity_assumed = True
        outcome.assumed.append(
            f"identity policy allows {action} on {r.role_arn or 'the role'} for {r.principal}"
        )
        outcome.add("identity_assumed", action=action)
    elif "identity" in need and identity is not None:
        outcome.add("identity_allows", statement=_first(identity, "Allow"))
    elif identity is not None and not identity.allows:
        outcome.add("identity_not_needed", action=action)


def apply_rcps(
    outcome: ActionOutcome, r: Request, rcps: list[list[Policy]], budget: MatchBudget
) -> None:
    """Let the RCPs of the role's account limit the decision (see :mod:`.rcp`)."""
    exempt = rcp_exemption(r)
    levels = (
        []
        if exempt is not None
        else [
            layer(f"RCPs, level {i + 1}", level, r, f"RCP level {i + 1}", budget)
            for i, level in enumerate(rcps)
        ]
    )
    side = RcpSide(exempt, levels)
    outcome.rcps = side
    denying = next((x for x in levels if x.denies), None)
    if exempt is not None:
        outcome.add("rcps_exempt", why=exempt)
    elif denying is not None:
        outcome.add(
            "rcp_denies", layer=denying, statement=_first(denying, "Deny"), action=outcome.action
        )
        outcome.decision = "explicitDeny"
    else:
        outcome.add("rcps_allow", action=outcome.action)
