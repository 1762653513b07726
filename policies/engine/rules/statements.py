"""Rules that compare parts of a policy with each other.

From Access Analyzer's policy check reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html):
"Redundant principal in role trust policy" (a role and one of its sessions named
together) and "Redundant statement" (a statement repeated). Its "Empty Sid value"
suggestion is left out on purpose: AWS's own trust policy examples (the ECS task
role, for one) use ``"Sid": ""``, and the editor promises no finding on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator

from ..aws.arns import ROLE_ARN, SESSION_ARN
from ..codes import PAGES, finding_at
from ..findings import Finding
from ..model import PrincipalEntry, Statement, Value
from .common import head
from .registry import PolicyInput, RuleInput, document_rule, statement_rule


@statement_rule
def redundant_principal_in_role_trust_policy(given: RuleInput) -> list[Finding]:
    """A role session ARN next to the ARN of its own role (the role covers its sessions).

    A list, not a generator: it runs on every statement and almost always finds nothing.
    """
    principal = given.statement.principal
    if principal is None or len(principal.entries) < 2:
        return []  # a session and its role: two entries at least
    return list(_redundant_sessions(principal.entries))


def _redundant_sessions(entries: list[PrincipalEntry]) -> Iterator[Finding]:
    roles: dict[tuple[str, str, str], str] = {}
    for entry in entries:
        match = ROLE_ARN.fullmatch(entry.value) if entry.kind == "AWS" else None
        if match is not None:
            roles[(match.group(1), match.group(2), match.group(3))] = entry.value
    for entry in entries:
        match = SESSION_ARN.fullmatch(entry.value) if entry.kind == "AWS" else None
        parent = (
            None if match is None else roles.get((match.group(1), match.group(2), match.group(3)))
        )
        if parent is None:
            continue
        yield finding_at(
            "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY",
            f"The role session {entry.value} is already covered by its role {parent}, "
            "named in the same Principal: naming a role names all its sessions. Remove the "
            "session ARN.",
            entry.span,
            PAGES["principal"] + "#principal-role-session",
        )


def _texts(values: list[Value] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(sorted(v.text for v in values))


def _fingerprint(statement: Statement) -> Hashable:
    """What a statement grants, read from the model (Sid and layout aside)."""
    principal = statement.principal
    principals = (
        None
        if principal is None
        else (principal.wildcard, tuple(sorted((e.kind, e.value) for e in principal.entries)))
    )
    conditions = sorted(
        (c.operator, c.key, tuple(v.text for v in c.values)) for c in statement.conditions
    )
    return (
        statement.effect,
        principals,
        _texts(statement.actions),
        _texts(statement.not_actions),
        statement.not_principal is not None,
        statement.has_resource or statement.has_not_resource,
        tuple(conditions),
    )


def _outline(statement: Statement) -> Hashable:
    """A cheap summary that :func:`_fingerprint` determines: statements with
    different outlines cannot repeat each other."""
    principal = statement.principal
    actions = statement.actions
    if actions is None:
        length = None
    elif len(actions) == 1:
        length = len(actions[0].text)  # the usual single action: no loop
    else:
        length = sum([len(action.text) for action in actions])
    return (
        statement.effect,
        len(statement.conditions),
        None if principal is None else len(principal.entries),
        length,
    )


@document_rule
def redundant_statement(given: PolicyInput) -> list[Finding]:
    """A statement that repeats an earlier one (Sid aside).

    A list, not a generator: it runs on every keystroke and seldom finds anything.
    """
    statements = given.policy.statements
    if len(statements) < 2:
        return []
    # Only statements of the same outline can repeat each other: the full
    # fingerprint (sorted values) is taken of those only.
    outlines = [_outline(statement) for statement in statements]
    if len(set(outlines)) == len(outlines):
        return []  # no two statements alike (the usual case)
    alike = Counter(outlines)
    seen: dict[Hashable, int] = {}
    out: list[Finding] = []
    for statement, outline in zip(statements, outlines, strict=True):
        if alike[outline] < 2:
            continue
        mine = _fingerprint(statement)
        earlier = seen.setdefault(mine, statement.index)
        if earlier == statement.index:
            continue
        out.append(
            finding_at(
                "REDUNDANT_STATEMENT",
                f"This statement repeats statement {earlier + 1} and grants nothing more. "
                "Remove one of them: two copies tend to drift apart when one is edited.",
                head(statement.node.span),  # its opening brace
                PAGES["statement"],
            )
        )
    return out
