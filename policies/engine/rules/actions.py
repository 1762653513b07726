"""Rules about Action and NotAction in a role trust policy."""

from __future__ import annotations

from collections.abc import Iterator

from ..aws.actions import (
    ACTION_NAME,
    ASSUME,
    ASSUME_BY_LOWER,
    ASSUME_SAML,
    ASSUME_WEB,
    STS_ACTIONS,
    STS_BY_LOWER,
    TRUST_ACTION_NAMES,
    TRUST_ACTIONS,
)
from ..aws.principals import assume_action_for_principal
from ..aws.wildcard import wildcard_match
from ..codes import PAGES
from ..findings import Finding
from ..model import PrincipalEntry, Statement, Value
from ..parser import JMember, Span
from .common import Checked, close, finding, head, variable_in_element
from .registry import RuleInput, statement_rule


@statement_rule
def statement_actions(given: RuleInput) -> list[Finding]:
    """Action or NotAction, not both and not neither; each a known STS action.

    A list, not a generator: it runs on every statement and almost always finds
    nothing; the checks of each action append to it.
    """
    members = given.members
    action = members.get("Action")
    not_action = members.get("NotAction")
    if action is not None and not_action is None:
        value = action.value
        if value.kind == "string" and value.value in TRUST_ACTION_NAMES:
            return []  # the usual statement: one trust action, as documented
    out: list[Finding] = []
    if action is not None and not_action is not None:
        out.append(
            finding(
                "UNSUPPORTED_ELEMENT_COMBINATION",
                "A statement has either Action or NotAction, not both. Keep Action "
                '(for example "sts:AssumeRole").',
                not_action.key_span,
                PAGES["action"],
            )
        )
    if action is None and not_action is None:
        if close("Action", members) is None and close("NotAction", members) is None:
            out.append(
                finding(
                    "MISSING_ACTION",
                    'This statement has no "Action", so it applies to nothing. Add the '
                    'STS action it allows, such as "Action": "sts:AssumeRole".',
                    head(given.statement.node.span),
                    PAGES["action"],
                )
            )
        return out
    if action is not None:
        _action_list(given, action, "EMPTY_ARRAY_ACTION", out)
    if not_action is not None:
        _action_list(given, not_action, "EMPTY_ARRAY_NOT_ACTION", out)
    return out


def _action_list(ctx: Checked, member: JMember, empty_code: str, out: list[Finding]) -> None:
    value = member.value
    if value.kind != "array":
        items = [value]
    elif not (items := value.value):
        out.append(
            finding(
                empty_code,
                f"The {member.key} list is empty, so this statement matches no action. "
                'Add the action, for example "sts:AssumeRole", or delete the statement.',
                value.span,
                PAGES["action"],
            )
        )
    for item in items:
        if item.kind != "string":
            out.append(
                finding(
                    "DATA_TYPE_MISMATCH",
                    f'Each {member.key} is text such as "sts:AssumeRole".',
                    item.span,
                    PAGES["action"],
                )
            )
        elif item.value not in TRUST_ACTION_NAMES:  # a trust action as documented: all right
            out.extend(check_action(ctx, item.value, item.span))


def check_action(ctx: Checked, action: str, span: Span) -> Iterator[Finding]:
    if action == "*":
        return
    if "${" in action:
        yield variable_in_element(ctx, "Action", span)
        return
    if not ACTION_NAME.fullmatch(action):
        yield finding(
            "INVALID_ACTION",
            f'"{action}" is not an action name. Actions are written service:Action, '
            'for example "sts:AssumeRole".',
            span,
            PAGES["action"],
        )
        return
    service, name = action.split(":", 1)
    if service.lower() != "sts":
        yield finding(
            "UNSUPPORTED_ACTION_IN_TRUST_POLICY",
            f'"{action}" is not an AWS STS action, so it never applies here: a trust '
            "policy only decides who may assume the role (sts:AssumeRole, "
            "sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML, sts:TagSession, "
            "sts:SetSourceIdentity, sts:SetContext). What the role may do belongs in "
            "its permissions policies.",
            span,
            PAGES["action"],
        )
        return
    if "*" in name or "?" in name:
        matched = [known for known in STS_ACTIONS if wildcard_match(name, known, ignore_case=True)]
    else:
        exact = STS_BY_LOWER.get(name.lower())
        matched = [exact] if exact else []
    if not matched:
        guess = close(name, STS_ACTIONS)
        hint = f' Did you mean "sts:{guess}"?' if guess else ""
        yield finding(
            "INVALID_ACTION",
            f'"{action}" is not an action of AWS STS, so it matches nothing.{hint}',
            span,
            PAGES["action"],
        )
    elif not any(known in TRUST_ACTIONS for known in matched):
        yield finding(
            "UNSUPPORTED_ACTION_IN_TRUST_POLICY",
            f'"{action}" is an AWS STS action that a role trust policy does not '
            "control; only sts:AssumeRole*, sts:TagSession, sts:SetSourceIdentity and "
            "sts:SetContext apply to a role.",
            span,
            PAGES["action"],
        )


@statement_rule
def mismatched_action_for_principal(given: RuleInput) -> list[Finding]:
    """Each assume action fits a kind of principal of the statement."""
    statement = given.statement
    actions, principal = statement.actions, statement.principal
    if (
        actions is not None
        and len(actions) == 1
        and actions[0].text == ASSUME
        and principal is not None
        and principal.entries
        and principal.entries[0].kind in ("AWS", "Service")
    ):
        return []  # the usual statement: sts:AssumeRole fits an AWS or Service principal
    return check_mismatched_actions(given, statement)


#: The trust actions other than the three assume actions, as documented.
_OTHER_TRUST_ACTION_NAMES = TRUST_ACTION_NAMES - {ASSUME, ASSUME_SAML, ASSUME_WEB}


def _assume_variants(action: str) -> set[str]:
    """The ways of assuming a role that ``action`` (a pattern, in any case) names."""
    if "*" in action or "?" in action:
        return {
            name
            for name in (ASSUME, ASSUME_SAML, ASSUME_WEB)
            if wildcard_match(action, name, ignore_case=True)
        }
    exact = ASSUME_BY_LOWER.get(action.lower())
    return {exact} if exact else set()


def _needed(entries: list[PrincipalEntry]) -> dict[str, str]:
    """The assume actions the principal's entries call for, each with its first entry."""
    needed: dict[str, str] = {}
    for entry in entries:
        assumed = assume_action_for_principal(entry.kind, entry.value)
        if assumed is not None and assumed not in needed:
            needed[assumed] = entry.value
    return needed


def check_mismatched_actions(ctx: Checked, statement: Statement) -> list[Finding]:
    """Each assume action must fit at least one kind of principal in the statement.

    A list, not a generator: it runs on every statement and seldom finds anything.
    A Principal that is not an object has no entries (the model keeps only the
    strings of an object's kinds), so it needs nothing."""
    principal = statement.principal
    actions = statement.actions
    if principal is None or not principal.entries or not actions:
        return []
    needed = _needed(principal.entries)
    if not needed:
        return []
    out: list[Finding] = []
    for action in actions:
        text = action.text
        if text in needed or text in _OTHER_TRUST_ACTION_NAMES:
            continue  # the assume action that fits, or no assume action, as documented
        variants = _assume_variants(text)
        if variants and variants.isdisjoint(needed):
            out.append(_mismatch(action, variants, needed))
    return out


def _mismatch(action: Value, variants: set[str], needed: dict[str, str]) -> Finding:
    wrong = " and ".join(sorted(variants))
    advice = []
    if ASSUME_SAML in needed:
        advice.append(f"a SAML provider ({needed[ASSUME_SAML]}) goes with {ASSUME_SAML}")
    if ASSUME_WEB in needed:
        advice.append(f"an OIDC provider ({needed[ASSUME_WEB]}) goes with {ASSUME_WEB}")
    if ASSUME in needed:
        advice.append(f"an AWS or Service principal ({needed[ASSUME]}) goes with {ASSUME}")
    return finding(
        "MISMATCHED_ACTION_FOR_PRINCIPAL",
        f"{wrong} does not fit the principal of this statement, so it "
        f"never lets it in: {'; '.join(advice)}. Change the action to match the "
        "principal.",
        action.span,
        PAGES["principal"] + "#principal-federated-users",
    )


# --- Condition -----------------------------------------------------------------------
