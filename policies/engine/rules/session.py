"""Rules about the condition keys of a statement: session keys, tag keys, STS keys.

- A condition on ``sts:SourceIdentity`` or on session-tag keys is evaluated for
  the action that sets them, so the statement must allow ``sts:SetSourceIdentity``
  / ``sts:TagSession`` (Access Analyzer's "Missing action for condition key",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
- ``aws:PrincipalTag`` and the other tag keys need a tag key after the slash
  (Access Analyzer's "Missing tag key in condition", same page).
- A key with the ``sts:`` prefix must be one AWS STS defines (Access Analyzer's
  "Invalid service condition key", same page; the keys are listed in
  https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html).
"""

from __future__ import annotations

import difflib

from ..aws.docs import SESSION_TAGS_PAGE, SOURCE_IDENTITY_PAGE, STS_SERVICE_PAGE
from ..aws.keys import lookup, sts_key_names
from ..codes import PAGES, finding_at
from ..findings import Finding
from ..matching import action_matches
from ..model import Condition, Statement
from .registry import RuleInput, statement_rule

_TAG_KEY_PREFIXES = ("aws:principaltag", "aws:requesttag", "aws:resourcetag", "iam:resourcetag")
_SESSION_TAG_KEYS = ("aws:tagkeys", "sts:transitivetagkeys")


def _allows(statement: Statement, action: str) -> bool:
    """Whether the statement's Action (or NotAction) covers ``action``."""
    if statement.actions is not None:
        return any(action_matches(value.text, action) for value in statement.actions)
    if statement.not_actions is not None:
        return not any(action_matches(value.text, action) for value in statement.not_actions)
    return True  # no action at all is reported by MISSING_ACTION


def _needed_action(condition: Condition) -> tuple[str, str] | None:
    """The action a key is set by, with its page, when the key is a session key."""
    key = condition.key.lower()
    if key == "sts:sourceidentity":
        return "sts:SetSourceIdentity", SOURCE_IDENTITY_PAGE
    if key.startswith("aws:requesttag/") or key in _SESSION_TAG_KEYS:
        return "sts:TagSession", SESSION_TAGS_PAGE
    return None


@statement_rule
def missing_action_for_condition_key(given: RuleInput) -> list[Finding]:
    """A session-key condition in a statement that does not allow the action setting it.

    The three rules of this module return lists: they read every condition of every
    statement and almost always find nothing.
    """
    statement = given.statement
    if statement.effect != "Allow":
        return []
    out: list[Finding] = []
    for condition in statement.conditions:
        needed = _needed_action(condition)
        if needed is None or _allows(statement, needed[0]):
            continue
        action, page = needed
        out.append(
            finding_at(
                "MISSING_ACTION_FOR_CONDITION_KEY",
                f"{condition.key} is set by {action}, and this statement does not allow "
                f"{action}: a request that sets {condition.key} also needs {action}, which "
                f"no part of this statement grants. Add {action} to the Action of this "
                "statement.",
                condition.key_span,
                page,
            )
        )
    return out


@statement_rule
def missing_tag_key_in_condition(given: RuleInput) -> list[Finding]:
    """``aws:PrincipalTag`` (or another tag key) with nothing after the slash."""
    out: list[Finding] = []
    for condition in given.statement.conditions:
        key = condition.key.lower().rstrip("/")
        if key not in _TAG_KEY_PREFIXES:
            continue
        name = condition.key.rstrip("/")
        out.append(
            finding_at(
                "MISSING_TAG_KEY_IN_CONDITION",
                f"{condition.key} names no tag: write {name}/tag-key with the tag's key, as "
                f'in "{name}/team". Without it no request carries this key, so the '
                "condition tests a missing key.",
                condition.key_span,
                PAGES["condition_keys"],
            )
        )
    return out


@statement_rule
def invalid_sts_condition_key(given: RuleInput) -> list[Finding]:
    """A key with the ``sts:`` prefix that AWS STS does not define (a typo)."""
    out: list[Finding] = []
    for condition in given.statement.conditions:
        service, _, name = condition.key.partition(":")
        if service.lower() != "sts" or not name or lookup(condition.key) is not None:
            continue
        known = sts_key_names()
        guess = difflib.get_close_matches(condition.key, known, n=1, cutoff=0.6)
        hint = f' Did you mean "{guess[0]}"?' if guess else ""
        out.append(
            finding_at(
                "INVALID_SERVICE_CONDITION_KEY",
                f'The condition key "{condition.key}" does not exist in AWS STS, so no '
                "request carries it: the condition tests a missing key (a positive "
                f"operator is then false, a negated one true).{hint}",
                condition.key_span,
                STS_SERVICE_PAGE,
            )
        )
    return out
