"""What one statement does with a request, part by part (principal, action,
resource, conditions), for the trust policy and for the caller's side.

The parts carry the trace the editor shows ("why"). The decision needs only
whether each statement applies, so it compares no more than that takes (see
:func:`trust_statement`); the parts and a statement's one-line summary are
written when first read (see :class:`.results.StatementResult`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from .conditions import (
    ConditionResult,
    MatchBudget,
    charge_conditions,
    complete_conditions,
    decide_conditions,
    substitute,
)
from .context import Request
from .matching import (
    How,
    Piece,
    PrincipalMatch,
    action_matches,
    arn_like_pieces,
    match_principal_entry,
)
from .model import Policy, PrincipalEntry, Statement, element, values_of
from .results import (
    EntryResult,
    LayerResult,
    PartResult,
    StatementParts,
    StatementResult,
    layer_decision,
)

PrincipalPart = tuple[PartResult, How | None]


def _principal_part(
    statement: Statement, request: Request, known: Sequence[PrincipalMatch] = ()
) -> PrincipalPart:
    """Whether the statement's Principal (or NotPrincipal) names the caller, and how.

    ``known`` holds the matches the decision already worked out for the first entries
    (see :func:`_principal_how`); they are not worked out again.
    """
    negated = statement.principal is None
    principal = statement.not_principal if negated else statement.principal
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
    name = "NotPrincipal" if negated else "Principal"
    if principal.wildcard:
        return _wildcard_principal(name, negated, request)
    partition = None if request.role is None else request.role.partition
    entries = [
        _entry_result(
            entry,
            known[i] if i < len(known) else None,
            request,
            partition,
        )
        for i, entry in enumerate(principal.entries)
    ]
    if not entries:
        return (
            PartResult(
                name,
                False,
                f"The {name} element names no principal AWS can read, so it names nobody.",
                request.principal,
                [],
            ),
            None,
        )
    if negated:
        return _not_principal(entries, request)
    return _named_principal(entries, request)


def _entry_result(
    entry: PrincipalEntry, m: PrincipalMatch | None, request: Request, partition: str | None
) -> tuple[EntryResult, How | None]:
    if m is None:
        m = match_principal_entry(entry.kind, entry.value, request.caller, partition=partition)
    return EntryResult(entry.kind, entry.value, m.matched, m.reason, entry.span), m.how


def _wildcard_principal(name: str, negated: bool, request: Request) -> PrincipalPart:
    if negated:
        return (
            PartResult(
                name,
                False,
                'NotPrincipal "*" excludes everyone, so the statement names nobody.',
                request.principal,
                ["*"],
            ),
            None,
        )
    return (
        PartResult(
            name,
            True,
            '"Principal": "*" names everyone: every AWS account, every service and '
            "every federated identity.",
            request.principal,
            ["*"],
        ),
        "wildcard",
    )


def _not_principal(
    entries: list[tuple[EntryResult, How | None]], request: Request
) -> PrincipalPart:
    results = [e for e, _ in entries]
    shown = [f"{e.kind}: {e.value}" for e in results]
    first = next((e for e in results if e.matched), None)
    if first is None:
        return (
            PartResult(
                "NotPrincipal",
                True,
                f"NotPrincipal lists {len(results)} principal(s) and none of them is the "
                "caller, so the statement covers the caller.",
                request.principal,
                shown,
                results,
            ),
            "account",
        )
    return (
        PartResult(
            "NotPrincipal",
            False,
            f"NotPrincipal excludes the caller: {first.reason}",
            request.principal,
            shown,
            results,
        ),
        None,
    )


def _named_principal(
    entries: list[tuple[EntryResult, How | None]], request: Request
) -> PrincipalPart:
    results = [e for e, _ in entries]
    shown = [f"{e.kind}: {e.value}" for e in results]
    for entry, how in entries:
        if entry.matched:
            return PartResult(
                "Principal", True, entry.reason, request.principal, shown, results
            ), how
    if len(results) == 1:
        reason = results[0].reason
    else:
        first = results[0].reason
        reason = (
            f"None of the {len(results)} principals names the caller "
            f"(for example: {first[0].lower()}{first[1:]})"
        )
    return PartResult("Principal", False, reason, request.principal, shown, results), None


def _action_part(statement: Statement, action: str) -> PartResult:
    if statement.actions is not None:
        patterns = [v.text for v in statement.actions]
        for p in patterns:
            if p == action or action_matches(p, action):
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


#: The Resource or NotResource element of a statement: its name, its patterns and
#: the first one that covers the role (None: none does).
ResourceHit = tuple[str, list[str], str | None]


def _resource_hit(statement: Statement, request: Request, variables: bool) -> ResourceHit | None:
    """The statement's Resource (or NotResource) and what covers the role; None when
    it has neither."""
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
        return name, patterns, hit
    return None


def _resource_applies(statement: Statement, request: Request, variables: bool) -> bool:
    """Whether the Resource covers the role (or NotResource does not exclude it)."""
    found = _resource_hit(statement, request, variables)
    return found is not None and (found[2] is not None) == (found[0] == "Resource")


def _resource_part(statement: Statement, request: Request, variables: bool) -> PartResult:
    role_arn = request.role_arn
    found = _resource_hit(statement, request, variables)
    if found is not None:
        name, patterns, hit = found
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


def _principal_how(
    statement: Statement, request: Request, seen: list[PrincipalMatch]
) -> How | None:
    """How the statement's Principal (or NotPrincipal) names the caller, or None when
    it does not: the decision's half of :func:`_principal_part`, without the trace.
    The matches worked out, in entry order, are added to ``seen`` for the trace."""
    negated = statement.principal is None
    principal = statement.not_principal if negated else statement.principal
    if principal is None:
        return None
    if principal.wildcard:
        return None if negated else "wildcard"
    caller = request.caller
    partition = None if request.role is None else request.role.partition
    if negated:
        if not principal.entries:
            return None
        for entry in principal.entries:
            m = match_principal_entry(entry.kind, entry.value, caller, partition=partition)
            seen.append(m)
            if m.matched:
                return None
        return "account"
    for entry in principal.entries:
        m = match_principal_entry(entry.kind, entry.value, caller, partition=partition)
        seen.append(m)
        if m.matched:
            return m.how
    return None


def _action_applies(statement: Statement, action: str) -> bool:
    """Whether Action covers ``action`` (or NotAction does not list it): the decision's
    half of :func:`_action_part`."""
    # A loop rather than any() over a generator: no generator object per statement.
    actions = statement.actions
    if actions is not None:
        for v in actions:
            text = v.text
            if text == action or action_matches(text, action):
                return True
        return False
    if statement.not_actions is not None:
        return not any(action_matches(v.text, action) for v in statement.not_actions)
    return False


def _conditions_hold(
    statement: Statement,
    request: Request,
    variables: bool,
    budget: MatchBudget | None,
    applies: bool,
) -> tuple[bool, Sequence[ConditionResult]]:
    """Whether the conditions hold, for a statement whose other parts ``applies``; when
    they do not, nothing is compared (the trace compares when read), only charged."""
    if applies:
        return decide_conditions(statement.conditions, request.context, variables, budget)
    charge_conditions(statement.conditions, request.context, variables, budget)
    return False, ()  # one empty tuple for every statement that does not apply


def trust_statement(
    statement: Statement, request: Request, variables: bool, budget: MatchBudget | None = None
) -> StatementResult:
    """What one trust-policy statement does with the request (its trace written when read)."""
    seen: list[PrincipalMatch] = []
    how = _principal_how(statement, request, seen)
    applies = (
        statement.effect in ("Allow", "Deny")
        and how is not None
        and _action_applies(statement, request.action)
    )
    matched, evaluated = _conditions_hold(statement, request, variables, budget, applies)
    # partial, not a closure: a closure makes a cell per variable it reads on every call.
    parts = partial(_trust_parts, statement, request, variables, seen, evaluated)
    return StatementResult(
        statement.index,
        statement.sid,
        statement.effect,
        matched,
        parts,
        request.principal,
        statement.node,
        how if matched else None,
    )


def _trust_parts(
    statement: Statement,
    request: Request,
    variables: bool,
    seen: list[PrincipalMatch],
    evaluated: Sequence[ConditionResult],
) -> StatementParts:
    """The trace of a trust-policy statement (see :func:`trust_statement`)."""
    principal, _ = _principal_part(statement, request, seen)
    action = _action_part(statement, request.action)
    conditions = complete_conditions(statement.conditions, evaluated, request.context, variables)
    return StatementParts(principal, action, None, conditions)


def identity_statement(
    statement: Statement,
    request: Request,
    variables: bool,
    source: str,
    budget: MatchBudget | None = None,
) -> StatementResult:
    """What one identity-side statement (identity policy, boundary, SCP) does."""
    applies = (
        statement.effect in ("Allow", "Deny")
        and _action_applies(statement, request.action)
        and _resource_applies(statement, request, variables)
    )
    matched, evaluated = _conditions_hold(statement, request, variables, budget, applies)
    return StatementResult(
        statement.index,
        statement.sid,
        statement.effect,
        matched,
        partial(_identity_parts, statement, request, variables, evaluated),
        f"{request.action} on the role",
        statement.node,
        source=source,
    )


def _identity_parts(
    statement: Statement,
    request: Request,
    variables: bool,
    evaluated: Sequence[ConditionResult],
) -> StatementParts:
    """The trace of an identity-side statement (see :func:`identity_statement`)."""
    action = _action_part(statement, request.action)
    resource = _resource_part(statement, request, variables)
    conditions = complete_conditions(statement.conditions, evaluated, request.context, variables)
    return StatementParts(None, action, resource, conditions)


def layer(
    name: str,
    policies: Sequence[Policy],
    request: Request,
    label: str,
    budget: MatchBudget | None = None,
) -> LayerResult:
    """The statements of ``policies`` (one kind: identity, boundary, SCP level...) and
    their verdict together."""
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
