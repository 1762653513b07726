"""The whole decision for one case: trust side, identity side, and why.

AWS documentation this follows (IAM User Guide unless noted):

- Policy evaluation logic, same account, and the table of resource-based
  policies versus implicit denies (user ARN, role ARN, role session ARN):
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- Role trust policies must name the principal explicitly, even in the same
  account (the exception to "either side is enough"): same page.
- Cross-account: both the trust policy and the caller's identity side must allow:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
- Naming an account delegates to it, so the caller's own policy must allow
  too: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- SCPs limit the principals of the accounts they apply to; every level from the
  root down must allow:
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
- Session tags need ``sts:TagSession``:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
- A source identity needs ``sts:SetSourceIdentity``:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
- The root user cannot call AssumeRole:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-api.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .conditions import MatchBudget, evaluate_conditions, substitute
from .context import Request, parse_request
from .errors import InputTooLargeError, PolicyParseError, UsageError
from .explain import (
    Decision,
    EntryResult,
    LayerResult,
    PartResult,
    StatementResult,
    decision_words,
    final_line,
    layer_decision,
    statement_sentence,
)
from .findings import Finding
from .limits import MAX_ARRAY_ITEMS, MAX_POLICY_CHARS
from .matching import (
    How,
    Piece,
    action_matches,
    arn_like_pieces,
    match_principal_entry,
)
from .model import Policy, Statement, element, load_policy, parse_error_finding, values_of
from .parser import dump_policy
from .rcp import RcpSide, rcp_exemption, rcp_lines
from .validate import validate_loaded

_GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
EVALUATION_PAGE = _GUIDE + "reference_policies_evaluation-logic.html"
CROSS_ACCOUNT_PAGE = _GUIDE + "reference_policies_evaluation-logic-cross-account.html"
SESSION_TAGS_PAGE = _GUIDE + "id_session-tags.html"
SOURCE_IDENTITY_PAGE = _GUIDE + "id_credentials_temp_control-access_monitor.html"
SWITCH_ROLE_API_PAGE = _GUIDE + "id_roles_use_switch-role-api.html"
SCP_PAGE = (
    "https://docs.aws.amazon.com/organizations/latest/userguide/"
    "orgs_manage_policies_scps_evaluation.html"
)

ASSUME_ACTIONS = frozenset(
    {"sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml"}
)
_IDENTITY_KEYS = ("identity_policies", "permissions_boundary", "session_policy", "scps")


# ---------------------------------------------------------------------------
# Loading (cached by policy text: the editor sends the same text many times, for
# evaluate() and describe(); 32 entries bound the memory a flood of large texts can hold)


def policy_text(source: Any, where: str) -> str:
    """The text of a policy given as text or as a JSON object."""
    if isinstance(source, str):
        return source
    if isinstance(source, Mapping):
        return dump_policy(dict(source))
    raise UsageError.about(where, "must be a JSON object or the policy text as a string")


@lru_cache(maxsize=32)
def _load_text(text: str) -> tuple[Policy | None, tuple[Finding, ...]]:
    policy, findings = load_policy(text)
    return policy, tuple(findings)


@lru_cache(maxsize=32)
def _validate_text(text: str, role_account: str | None = None) -> tuple[Finding, ...]:
    # Parse once: validation reads the same cached Policy the evaluation uses.
    policy, findings = _load_text(text)
    if policy is None:
        return findings
    return tuple(validate_loaded(policy, role_account=role_account))


def load_cached(source: str | Mapping[str, Any]) -> Policy | None:
    """The policy read from text or a JSON object (cached by text), or ``None``
    when it cannot be read (its findings say why)."""
    try:
        text = policy_text(source, "the policy")
    except PolicyParseError:
        return None  # a JSON object too deep to write out
    return _load_text(text)[0]


def clear_caches() -> None:
    """Forget every cached policy and pattern (for benchmarks of the cold path)."""
    from .conditions import parse_operator
    from .matching import compile_pieces

    _load_text.cache_clear()
    _validate_text.cache_clear()
    compile_pieces.cache_clear()
    parse_operator.cache_clear()


def validate_cached(source: str | Mapping[str, Any]) -> list[Finding]:
    """``validate_policy`` with a bounded, thread-safe cache keyed by the text."""
    try:
        text = policy_text(source, "the policy")
    except PolicyParseError as error:
        return [parse_error_finding(error)]
    return list(_validate_text(text))


#: Most characters of policy text the identity side of one case may hold in all
#: (identity policies, boundary, session policy and SCPs together). AWS's own
#: quotas keep real ones far smaller (a managed policy holds at most 6,144
#: characters); the bound keeps one evaluation fast whatever the input.
MAX_IDENTITY_SIDE_CHARS = MAX_POLICY_CHARS


def _load_other(source: Any, where: str, used: list[int]) -> Policy:
    """Load an identity-side policy; one that does not parse is a usage error.

    ``used`` counts the identity-side characters loaded so far for this case.
    """
    try:
        text = policy_text(source, where)
    except PolicyParseError as error:
        raise UsageError(
            f"{where} is not a usable policy: {error.message}",
            field=where,
            reason=error.message,
            code="unusable_policy",
        ) from error
    used[0] += len(text)
    if used[0] > MAX_IDENTITY_SIDE_CHARS:
        raise InputTooLargeError(
            f"the case's identity-side policies hold more than {MAX_IDENTITY_SIDE_CHARS:,} "
            f"characters in all (reached at {where})",
            field=where,
        )
    policy, findings = _load_text(text)
    if policy is None:
        message = findings[0].message if findings else "it cannot be read"
        raise UsageError(
            f"{where} is not a usable policy: {message}",
            field=where,
            reason=message,
            code="unusable_policy",
        )
    return policy


# ---------------------------------------------------------------------------
# The case


@dataclass(slots=True)
class Case:
    """A parsed case: the trust policy text, the request and the identity side."""

    trust_text: str | None  # None: a JSON object that cannot even be written out
    request: Request
    identity_policies: list[Policy] | None
    permissions_boundary: Policy | None
    session_policy: Policy | None
    scps: list[list[Policy]] | None
    given_identity_keys: list[str]
    trust_error: Finding | None = None
    budget: MatchBudget = field(default_factory=MatchBudget)
    rcps: list[list[Policy]] | None = None


def _policy_list(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise UsageError.about(where, "must be a list of policies")
    if len(raw) > MAX_ARRAY_ITEMS:
        raise UsageError.about(where, f"lists more than {MAX_ARRAY_ITEMS} policies")
    return raw


def parse_case(case: Any) -> Case:
    """Check a case and load its policies; raise :class:`UsageError` when unusable."""
    if not isinstance(case, Mapping):
        raise UsageError("a case must be a JSON object with 'trust_policy' and 'request'")
    if "trust_policy" not in case:
        raise UsageError("the case has no 'trust_policy'")
    raw_trust = case["trust_policy"]
    if not isinstance(raw_trust, str | Mapping):
        raise UsageError.about(
            "trust_policy", "must be a JSON object or the policy text as a string"
        )
    trust_error: Finding | None = None
    try:
        trust_text: str | None = policy_text(raw_trust, "trust_policy")
    except PolicyParseError as error:
        trust_text, trust_error = None, parse_error_finding(error)
    request = parse_request(case.get("request"))

    used = [0]
    identity: list[Policy] | None = None
    if case.get("identity_policies") is not None:
        raw = _policy_list(case["identity_policies"], "identity_policies")
        identity = [_load_other(p, f"identity_policies[{i}]", used) for i, p in enumerate(raw)]
    boundary = None
    if case.get("permissions_boundary") is not None:
        boundary = _load_other(case["permissions_boundary"], "permissions_boundary", used)
    session = None
    if case.get("session_policy") is not None:
        session = _load_other(case["session_policy"], "session_policy", used)
    scps = _levels(case, "scps", used)
    given = [k for k in _IDENTITY_KEYS if case.get(k) is not None]
    parsed = Case(trust_text, request, identity, boundary, session, scps, given, trust_error)
    parsed.rcps = _levels(case, "rcps", used)
    return parsed


def _levels(case: Mapping[str, Any], key: str, used: list[int]) -> list[list[Policy]] | None:
    """The levels (root, OUs, account) of ``scps`` or ``rcps``, each a list of policies."""
    if case.get(key) is None:
        return None
    out: list[list[Policy]] = []
    for i, level in enumerate(_policy_list(case[key], key)):
        items = _policy_list(level, f"{key}[{i}]")
        out.append([_load_other(p, f"{key}[{i}][{j}]", used) for j, p in enumerate(items)])
    return out


# ---------------------------------------------------------------------------
# Statements


def _principal_part(statement: Statement, request: Request) -> tuple[PartResult, How | None]:
    caller = request.caller
    partition = None if request.role is None else request.role.partition
    principal = statement.principal
    negated = False
    if principal is None:
        principal = statement.not_principal
        negated = True
    if principal is None:
        return (
            PartResult(
                "Principal",
                False,
                "The statement has no Principal element, so in a trust policy it names nobody.",
                request.principal,
                [],
            ),
            None,
        )
    element_name = "NotPrincipal" if negated else "Principal"
    if principal.wildcard:
        if negated:
            return (
                PartResult(
                    element_name,
                    False,
                    'NotPrincipal "*" excludes everyone, so the statement names nobody.',
                    request.principal,
                    ["*"],
                ),
                None,
            )
        return (
            PartResult(
                element_name,
                True,
                '"Principal": "*" names everyone: every AWS account, every service and '
                "every federated identity.",
                request.principal,
                ["*"],
            ),
            "wildcard",
        )
    entries: list[EntryResult] = []
    first_match: tuple[str, How | None] | None = None
    for entry in principal.entries:
        m = match_principal_entry(entry.kind, entry.value, caller, partition=partition)
        reason = m.reason
        entries.append(
            EntryResult(
                entry.kind, entry.value, m.matched, reason, entry.span.line, entry.span.column
            )
        )
        if m.matched and first_match is None:
            first_match = (reason, m.how)
    shown = [f"{e.kind}: {e.value}" for e in entries]
    if not entries:
        return (
            PartResult(
                element_name,
                False,
                f"The {element_name} element names no principal AWS can read, so it names nobody.",
                request.principal,
                [],
            ),
            None,
        )
    if negated:
        if first_match is None:
            return (
                PartResult(
                    element_name,
                    True,
                    f"NotPrincipal lists {len(entries)} principal(s) and none of them is the "
                    "caller, so the statement covers the caller.",
                    request.principal,
                    shown,
                    entries,
                ),
                "account",
            )
        return (
            PartResult(
                element_name,
                False,
                f"NotPrincipal excludes the caller: {first_match[0]}",
                request.principal,
                shown,
                entries,
            ),
            None,
        )
    if first_match is not None:
        return (
            PartResult(element_name, True, first_match[0], request.principal, shown, entries),
            first_match[1],
        )
    if len(entries) == 1:
        reason = entries[0].reason
    else:
        reason = (
            f"None of the {len(entries)} principals names the caller "
            f"(for example: {entries[0].reason[0].lower()}{entries[0].reason[1:]})"
        )
    return PartResult(element_name, False, reason, request.principal, shown, entries), None


def _action_part(statement: Statement, action: str) -> PartResult:
    if statement.actions is not None:
        patterns = [v.text for v in statement.actions]
        for p in patterns:
            if action_matches(p, action):
                if p == action:
                    reason = f"Action lists {action}."
                elif p.lower() == action.lower():
                    reason = f"Action lists '{p}', which is {action} (action names ignore case)."
                else:
                    reason = f"Action '{p}' covers {action} by wildcard."
                return PartResult("Action", True, reason, action, patterns)
        return PartResult(
            "Action",
            False,
            f"The action {action} is not in Action ({', '.join(repr(p) for p in patterns[:6])}).",
            action,
            patterns,
        )
    if statement.not_actions is not None:
        patterns = [v.text for v in statement.not_actions]
        for p in patterns:
            if action_matches(p, action):
                return PartResult(
                    "NotAction",
                    False,
                    f"NotAction excludes {action} (it matches '{p}').",
                    action,
                    patterns,
                )
        return PartResult(
            "NotAction",
            True,
            f"NotAction does not list {action}, so the statement covers it.",
            action,
            patterns,
        )
    return PartResult(
        "Action",
        False,
        "The statement has no Action element, so it covers no action.",
        action,
        [],
    )


def _resource_part(statement: Statement, request: Request, variables: bool) -> PartResult:
    role_arn = request.role_arn
    for name in ("Resource", "NotResource"):
        node = element(statement.node, name)
        if node is None:
            continue
        patterns = [v.text for v in values_of(node)]
        hit: str | None = None
        for p in patterns:
            if p == "*":
                hit = p
                break
            if role_arn is None:
                continue
            sub = substitute(p, request.context, variables)
            pieces: tuple[Piece, ...] | None = sub.pieces
            if pieces is not None and arn_like_pieces(pieces, role_arn):
                hit = p
                break
        target = role_arn or "the role (its ARN is not given)"
        if name == "Resource":
            if hit is not None:
                return PartResult(
                    name,
                    True,
                    f"The role {target} is matched by '{hit}' in Resource.",
                    role_arn,
                    patterns,
                )
            return PartResult(
                name, False, f"Resource does not cover the role {target}.", role_arn, patterns
            )
        if hit is not None:
            return PartResult(
                name,
                False,
                f"NotResource excludes the role {target} ('{hit}').",
                role_arn,
                patterns,
            )
        return PartResult(
            name, True, f"NotResource does not exclude the role {target}.", role_arn, patterns
        )
    return PartResult(
        "Resource",
        False,
        "The statement has no Resource element, so in an identity policy it covers nothing.",
        role_arn,
        [],
    )


def _statement_line(statement: Statement) -> int | None:
    span = getattr(statement.node, "span", None)
    return None if span is None else span.line


def trust_statement(
    statement: Statement, request: Request, variables: bool, budget: MatchBudget | None = None
) -> StatementResult:
    """What one trust-policy statement does with the request."""
    principal, how = _principal_part(statement, request)
    action = _action_part(statement, request.action)
    ok_conditions, conditions = evaluate_conditions(
        statement.conditions, request.context, variables, budget
    )
    effect_ok = statement.effect in ("Allow", "Deny")
    matched = effect_ok and principal.matched and action.matched and ok_conditions
    result = StatementResult(
        statement.index,
        statement.sid,
        statement.effect,
        matched,
        principal,
        action,
        None,
        conditions,
        "",
        _statement_line(statement),
        how if matched else None,
    )
    result.summary = statement_sentence(result, request.principal)
    return result


def identity_statement(
    statement: Statement,
    request: Request,
    variables: bool,
    source: str,
    budget: MatchBudget | None = None,
) -> StatementResult:
    """What one identity-side statement (identity policy, boundary, SCP) does."""
    action = _action_part(statement, request.action)
    resource = _resource_part(statement, request, variables)
    ok_conditions, conditions = evaluate_conditions(
        statement.conditions, request.context, variables, budget
    )
    effect_ok = statement.effect in ("Allow", "Deny")
    matched = effect_ok and action.matched and resource.matched and ok_conditions
    result = StatementResult(
        statement.index,
        statement.sid,
        statement.effect,
        matched,
        None,
        action,
        resource,
        conditions,
        "",
        _statement_line(statement),
        source=source,
    )
    subject = f"{request.action} on the role"
    result.summary = f"In the {source}, " + statement_sentence(result, subject)
    return result


def _layer(
    name: str,
    policies: Sequence[Policy],
    request: Request,
    label: str,
    budget: MatchBudget | None = None,
) -> LayerResult:
    statements: list[StatementResult] = []
    for i, policy in enumerate(policies):
        source = label if len(policies) == 1 else f"{label} #{i + 1}"
        statements.extend(
            identity_statement(s, request, policy.variables_enabled, source, budget)
            for s in policy.statements
        )
    return LayerResult(name, layer_decision(statements), statements)


# ---------------------------------------------------------------------------
# The decision for one action


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
    """The decision for one action (the request's own, or a companion)."""

    action: str
    decision: Decision
    trust: LayerResult
    identity: IdentitySide | None
    lines: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    rcps: RcpSide | None = None

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
_SAME_ACCOUNT_NEEDS: dict[str, frozenset[str]] = {
    "account": frozenset({"identity", "boundary", "session"}),
    "user": frozenset(),
    "role": frozenset({"boundary", "session"}),
    "session": frozenset(),
    "wildcard": frozenset(),
    "exact": frozenset(),
}
_ALL_NEEDS = frozenset({"identity", "boundary", "session"})

_GRANT_WORDS = {
    "user": (
        "In the same account, a trust policy that names the IAM user's own ARN is enough on "
        "its own: an implicit deny in the user's identity policies or permissions boundary "
        f"does not limit it ({EVALUATION_PAGE})."
    ),
    "session": (
        "In the same account, a trust policy that names the role session's ARN grants access "
        "to that session directly: no implicit deny in identity policies, a permissions "
        f"boundary or a session policy limits it ({EVALUATION_PAGE})."
    ),
    "wildcard": (
        '"AWS": "*" names the calling principal directly. In the same account that is enough '
        "without an identity policy; an explicit deny would still win "
        f"({EVALUATION_PAGE})."
    ),
    "exact": (
        "In the same account, a trust policy that names the caller's own ARN grants access "
        f"directly ({EVALUATION_PAGE})."
    ),
    "role": (
        "In the same account, a trust policy that names the role ARN is enough without an "
        "identity policy, but an implicit deny in the role's permissions boundary or in the "
        f"session policy still limits its sessions ({EVALUATION_PAGE})."
    ),
    "account": (
        "The trust policy names the whole account, which hands the decision to that "
        "account's administrators: the caller's own identity policy must also allow the "
        f"action on this role, even in the same account ({EVALUATION_PAGE})."
    ),
}


def _explicit_deny_line(layer: LayerResult) -> str:
    deny = next(s for s in layer.statements if s.matched and s.effect == "Deny")
    where = f"the {layer.name}" if deny.source is None else f"the {deny.source}"
    return (
        f"{deny.label} in {where} explicitly denies the request; an explicit deny anywhere "
        f"wins over every allow ({EVALUATION_PAGE})."
    )


def decide_action(
    action: str, request: Request, trust_policy: Policy | None, case: Case
) -> ActionOutcome:
    """The decision for ``action`` by ``request``'s caller on the role: the trust
    policy and the caller's side, then the RCPs of the role's account."""
    r = request if action == request.action else request.with_action(action)
    outcome = _decide_trust_and_caller(action, r, trust_policy, case)
    if case.rcps is not None:
        _apply_rcps(outcome, r, case.rcps, case.budget)
    return outcome


def _apply_rcps(
    outcome: ActionOutcome, r: Request, rcps: list[list[Policy]], budget: MatchBudget
) -> None:
    """Let the RCPs of the role's account limit the decision (see :mod:`.rcp`)."""
    exempt = rcp_exemption(r)
    levels = (
        []
        if exempt is not None
        else [
            _layer(f"RCPs, level {i + 1}", level, r, f"RCP level {i + 1}", budget)
            for i, level in enumerate(rcps)
        ]
    )
    side = RcpSide(exempt, levels)
    outcome.rcps = side
    outcome.lines.extend(_linked(text, url) for text, url in rcp_lines(side, outcome.action))
    if outcome.decision == "explicitDeny" or side.decision == "allowed":
        return
    outcome.decision = side.decision


def _linked(text: str, url: str) -> str:
    """A sentence with its AWS page in parentheses before the final period."""
    return f"{text.rstrip('.')} ({url})."


def _decide_trust_and_caller(
    action: str, r: Request, trust_policy: Policy | None, case: Case
) -> ActionOutcome:
    """The decision of the trust policy and the caller's own side."""
    caller = r.caller
    trust_statements = (
        []
        if trust_policy is None
        else [
            trust_statement(s, r, trust_policy.variables_enabled, case.budget)
            for s in trust_policy.statements
        ]
    )
    trust = LayerResult("trust policy", layer_decision(trust_statements), trust_statements)
    outcome = ActionOutcome(action, trust.decision, trust, None)
    lines = outcome.lines

    if not caller.is_iam:
        if trust.denies:
            lines.append(_explicit_deny_line(trust))
        elif trust.allows:
            lines.append(f"The trust policy allows {action} for this caller.")
        else:
            lines.append(
                f"No statement of the trust policy allows {action} for this caller, so it is "
                "denied: a role trust policy must name the caller explicitly."
            )
        return outcome

    identity = (
        None
        if case.identity_policies is None
        else _layer("identity policies", case.identity_policies, r, "identity policy", case.budget)
    )
    boundary = (
        None
        if case.permissions_boundary is None
        else _layer(
            "permissions boundary",
            [case.permissions_boundary],
            r,
            "permissions boundary",
            case.budget,
        )
    )
    session = None
    if case.session_policy is not None and caller.kind in ("session", "role"):
        session = _layer("session policy", [case.session_policy], r, "session policy", case.budget)
    scps = [
        _layer(f"SCPs, level {i + 1}", level, r, f"SCP level {i + 1}", case.budget)
        for i, level in enumerate(case.scps or [])
    ]
    same = r.same_account
    grants: list[str] = [
        s.how or "account" for s in trust_statements if s.matched and s.effect == "Allow"
    ]
    needs_sets = [
        _SAME_ACCOUNT_NEEDS.get(how, _ALL_NEEDS) if same else _ALL_NEEDS for how in grants
    ]
    identity_needed = bool(needs_sets) and all("identity" in n for n in needs_sets)
    side = IdentitySide("implicitDeny", identity, boundary, session, scps, identity_needed, False)
    outcome.identity = side

    # The caller's side on its own (what its policies say about the action).
    side_layers = side.layers()
    if any(layer.denies for layer in side_layers):
        side.decision = "explicitDeny"
    elif all(layer.allows for layer in side_layers if layer is not identity) and (
        identity is None or identity.allows
    ):
        side.decision = "allowed"

    # The combined decision.
    for layer in [trust, *side_layers]:
        if layer.denies:
            outcome.decision = "explicitDeny"
            lines.append(_explicit_deny_line(layer))
            return outcome
    for level in scps:
        if not level.allows:
            outcome.decision = "implicitDeny"
            lines.append(
                f"No statement of the {level.name} allows {action}; every level of SCPs that "
                f"applies to the caller's account (root, OUs, account) must allow it ({SCP_PAGE})."
            )
            return outcome
    if caller.kind == "root":
        outcome.decision = "implicitDeny"
        lines.append(
            "AWS does not let the account root user assume a role: the call must be made with "
            f"the credentials of an IAM user or of a role session ({SWITCH_ROLE_API_PAGE})."
        )
        return outcome
    if not trust.allows:
        outcome.decision = "implicitDeny"
        lines.append(
            f"No statement of the trust policy allows {action} for this caller. A role trust "
            "policy must name the caller explicitly, even in the role's own account, so the "
            f"request is denied ({EVALUATION_PAGE})."
        )
        return outcome

    checks = {
        "identity": identity.allows if identity is not None else None,
        "boundary": boundary is None or boundary.allows,
        "session": session is None or session.allows,
    }
    best: tuple[int, str, frozenset[str]] | None = None  # (rank, how, needs)
    for how, needs in zip(grants, needs_sets, strict=True):
        if any(checks[n] is False for n in needs):
            continue
        rank = 1 if "identity" in needs and checks["identity"] is None else 0
        if best is None or rank < best[0]:
            best = (rank, how, needs)
    if not same:
        lines.append(
            "This is a cross-account request: the role's trust policy allows the caller, and "
            f"the caller's own side in account {caller.account} must allow {action} on the "
            f"role too ({CROSS_ACCOUNT_PAGE})."
        )
    if best is None:
        how, needs = grants[0], needs_sets[0]
        if same:
            lines.append(_GRANT_WORDS.get(how, _GRANT_WORDS["account"]))
        failing = [n for n in ("identity", "boundary", "session") if n in needs and not checks[n]]
        words = {
            "identity": "no statement of the caller's identity policies allows it",
            "boundary": "the permissions boundary does not allow it",
            "session": "the session policy does not allow it",
        }
        lines.append(
            f"The trust side allows {action}, but "
            + " and ".join(words[n] for n in failing)
            + ", so the request is denied (implicit deny)."
        )
        outcome.decision = "implicitDeny"
        return outcome
    _, how, needs = best
    if same:
        lines.append(_GRANT_WORDS.get(how, _GRANT_WORDS["account"]))
    if "identity" in needs:
        if identity is None:
            side.identity_assumed = True
            outcome.assumed.append(
                f"identity policy allows {action} on {r.role_arn or 'the role'} for {r.principal}"
            )
            lines.append(
                "The case gives no identity policies, so the engine assumes the caller's own "
                f"policies allow {action} on the role; AWS would check that too."
            )
        else:
            allow = next(s for s in identity.statements if s.matched and s.effect == "Allow")
            lines.append(allow.summary)
    elif identity is not None and not identity.allows:
        lines.append(
            f"The caller's identity policies do not allow {action}, and here they do not need "
            "to: the trust policy names the caller directly."
        )
    for name, limit in (("boundary", boundary), ("session", session)):
        if limit is None:
            continue
        label = "permissions boundary" if name == "boundary" else "session policy"
        if name in needs:
            lines.append(f"The {label} allows {action} too, as it must here.")
        elif not limit.allows:
            lines.append(
                f"The {label} does not allow {action}, but it does not limit a trust policy "
                "that names the caller itself."
            )
    outcome.decision = "allowed"
    return outcome


# ---------------------------------------------------------------------------
# The whole case


@dataclass(slots=True)
class EvaluationResult:
    """The engine's answer for one case (see ``to_dict`` for the contract's JSON)."""

    decision: Decision
    main: ActionOutcome
    companions: list[ActionOutcome]
    same_account: bool
    explanation: list[str]
    assumed: list[str]
    derived_context: dict[str, str | list[str]]
    findings: list[Finding]
    blocked_by_errors: bool

    @property
    def trust(self) -> LayerResult:
        return self.main.trust

    @property
    def identity(self) -> IdentitySide | None:
        return self.main.identity

    def to_dict(self) -> dict[str, Any]:
        """Exactly the JSON answer of the engine contract (plus optional extras)."""
        trust: dict[str, Any] = {
            "decision": self.main.trust.decision,
            "statements": [s.to_dict() for s in self.main.trust.statements],
        }
        if self.blocked_by_errors:
            trust["blocked_by_errors"] = True
        return {
            "decision": self.decision,
            "action": self.main.action,
            "trust": trust,
            "identity": None if self.main.identity is None else self.main.identity.to_dict(),
            "companions": [c.to_dict() for c in self.companions],
            "same_account": self.same_account,
            "explanation": list(self.explanation),
            "assumed": list(self.assumed),
            "derived_context": dict(self.derived_context),
            "findings": [f.to_dict() for f in self.findings],
        } | ({} if self.main.rcps is None else {"rcps": self.main.rcps.to_dict()})


def companion_actions(request: Request) -> list[tuple[str, str]]:
    """The extra actions AWS checks for an ``sts:AssumeRole*`` request, with why."""
    if request.action.lower() not in ASSUME_ACTIONS:
        return []
    out: list[tuple[str, str]] = []
    ctx = request.context
    if (
        ctx.has_prefix("aws:RequestTag/")
        or ctx.get("aws:TagKeys")
        or ctx.get("sts:TransitiveTagKeys")
    ):
        out.append(
            (
                "sts:TagSession",
                "The request passes session tags, so AWS also checks sts:TagSession for the "
                f"same caller ({SESSION_TAGS_PAGE})",
            )
        )
    if "sts:SourceIdentity" in ctx:
        out.append(
            (
                "sts:SetSourceIdentity",
                "The request sets a source identity, so AWS also checks sts:SetSourceIdentity "
                f"for the same caller ({SOURCE_IDENTITY_PAGE})",
            )
        )
    return out


def _short(message: str, limit: int = 300) -> str:
    """A finding message cut to a readable length, ending with a period."""
    text = " ".join(message.split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text if text.endswith((".", "…")) else text + "."


def _combine(decisions: Sequence[Decision]) -> Decision:
    if "explicitDeny" in decisions:
        return "explicitDeny"
    if all(d == "allowed" for d in decisions):
        return "allowed"
    return "implicitDeny"


def _caller_line(request: Request) -> str:
    caller = request.caller
    if caller.kind == "service":
        return (
            f"The caller is the AWS service {caller.service}. A service has no identity "
            "policies of its own here, so the trust policy alone decides."
        )
    if caller.kind == "federated":
        return (
            f"The caller signs in through the identity provider {caller.text}. A federated "
            "caller has no IAM identity policies, so the trust policy alone decides."
        )
    if request.role is None:
        return (
            f"The caller is {caller.describe()}. The case gives no role ARN, so the role is "
            "treated as being in another account."
        )
    if request.same_account:
        return (
            f"The caller is {caller.describe()}, and the role {request.role_arn} is in the same "
            "account."
        )
    return (
        f"The caller is {caller.describe()}, and the role {request.role_arn} is in account "
        f"{request.role_account}: a cross-account request."
    )


STS_COMPARISON_PAGE = _GUIDE + "id_credentials_temp_request.html#stsapi_comparison"


def _action_caller_note(request: Request) -> str | None:
    """A note when the action is not the one this kind of caller uses."""
    action = request.action.lower()
    caller = request.caller
    if action == "sts:assumerolewithwebidentity" and not (
        caller.kind == "federated" and caller.provider != "saml"
    ):
        return (
            "Note: AssumeRoleWithWebIdentity is called with a token from an OpenID Connect "
            f"or web identity provider, and this caller is not one ({STS_COMPARISON_PAGE})."
        )
    if action == "sts:assumerolewithsaml" and caller.provider != "saml":
        return (
            "Note: AssumeRoleWithSAML is called with an assertion from a SAML provider, and "
            f"this caller is not one ({STS_COMPARISON_PAGE})."
        )
    if action == "sts:assumerole" and caller.kind == "federated":
        return (
            "Note: a federated identity reaches a role through AssumeRoleWithWebIdentity or "
            f"AssumeRoleWithSAML, not AssumeRole ({STS_COMPARISON_PAGE})."
        )
    return None


def evaluate_case(case: Any) -> EvaluationResult:
    """Evaluate one case of the engine contract."""
    parsed = parse_case(case)
    request = parsed.request
    if parsed.trust_text is None:
        trust_policy = None
        findings = [] if parsed.trust_error is None else [parsed.trust_error]
    else:
        trust_policy, _ = _load_text(parsed.trust_text)
        findings = list(_validate_text(parsed.trust_text, request.role_account))
    errors = [f for f in findings if f.severity == "error"]

    explanation: list[str] = [_caller_line(request)]
    note = _action_caller_note(request)
    if note is not None:
        explanation.append(note)
    if not request.caller.is_iam and parsed.given_identity_keys:
        explanation.append(
            "The case's "
            + ", ".join(parsed.given_identity_keys)
            + " are ignored: they belong to IAM users and roles, and this caller is "
            + ("an AWS service." if request.caller.kind == "service" else "a federated identity.")
        )

    if (
        parsed.session_policy is not None
        and request.caller.is_iam
        and request.caller.kind not in ("session", "role")
    ):
        explanation.append(
            "The case's session_policy is ignored: only a role session has a session policy, "
            "and this caller is not one."
        )
    main = decide_action(request.action, request, trust_policy, parsed)
    for statement in main.trust.statements:
        explanation.append(statement.summary)
    explanation.extend(main.lines)

    companions: list[ActionOutcome] = []
    for action, why in companion_actions(request):
        outcome = decide_action(action, request, trust_policy, parsed)
        companions.append(outcome)
        explanation.append(f"{why}: {action} is {decision_words(outcome.decision)}.")
        if outcome.decision != "allowed":
            for statement in outcome.trust.statements:
                if statement.matched or outcome.decision == "explicitDeny":
                    explanation.append(f"For {action}: {statement.summary}")
            explanation.extend(
                f"For {action}: {line}" for line in outcome.lines if line not in main.lines
            )

    decision = _combine([main.decision, *(c.decision for c in companions)])
    assumed = list(main.assumed)
    for c in companions:
        assumed.extend(a for a in c.assumed if a not in assumed)

    blocked = trust_policy is None or bool(errors)
    if blocked:
        if trust_policy is None:
            explanation.insert(
                0,
                f"The trust policy cannot be read ({errors[0].message if errors else 'no policy'})"
                ", so no statement can allow anything: the decision is implicitDeny.",
            )
        else:
            would = decision
            first = errors[0]
            where = f"({first.code}, line {first.line}, column {first.column})"
            head = (
                f"The trust policy has an error {where}"
                if len(errors) == 1
                else f"The trust policy has {len(errors)} errors; the first {where}"
            )
            explanation.append(
                f"{head}: {_short(first.message)} AWS would refuse to attach this policy to a "
                "role, so nobody can assume the role with it and the decision is implicitDeny. "
                "Had AWS accepted it, the request would have been "
                f"{would}."
            )
        decision = "implicitDeny"
        assumed = []
    warnings = [f for f in findings if f.severity == "security_warning"]
    for finding in warnings[:3]:
        explanation.append(
            f"Security warning at line {finding.line} ({finding.code}): {_short(finding.message)}"
        )
    explanation.append(final_line(decision))

    return EvaluationResult(
        decision=decision,
        main=main,
        companions=companions,
        same_account=request.same_account,
        explanation=explanation,
        assumed=assumed,
        derived_context=request.context.derived(),
        findings=findings,
        blocked_by_errors=blocked,
    )
