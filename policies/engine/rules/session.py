"""Checks on the condition keys of a statement: session keys, tag keys, STS keys.

- A condition on ``sts:SourceIdentity`` or on session-tag keys is evaluated for
  the action that sets them, so the statement must allow ``sts:SetSourceIdentity``
  / ``sts:TagSession`` (Access Analyzer's "Missing action for condition key",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
- ``aws:PrincipalTag`` and the other tag keys need a tag key after the slash
  (Access Analyzer's "Missing tag key in condition", same page).
- A key with the ``sts:`` prefix must be one AWS STS defines (Access Analyzer's
  "Invalid service condition key", same page; the keys are listed in
  https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html).

The checks run in the one pass over a statement's conditions of
:func:`.analyzer.condition_key_checks` (:func:`session_key_checks`), their findings
before Access Analyzer's.
"""

from __future__ import annotations

import difflib

from ..aws.docs import SESSION_TAGS_PAGE, SOURCE_IDENTITY_PAGE, STS_SERVICE_PAGE
from ..aws.keys import listed_key_names, lookup, sts_key_names
from ..codes import PAGES, finding_at
from ..findings import Finding
from ..matching import action_matches
from ..model import Condition, Statement, Value

_TAG_KEY_PREFIXES = ("aws:principaltag", "aws:requesttag", "aws:resourcetag", "iam:resourcetag")
_SESSION_TAG_KEYS = ("aws:tagkeys", "sts:transitivetagkeys")


def _allows(statement: Statement, action: str) -> bool:
    """Whether the statement's Action (or NotAction) covers ``action``."""
    actions = statement.actions
    if actions is not None:
        return _covers(actions, action)
    not_actions = statement.not_actions
    if not_actions is not None:
        return not _covers(not_actions, action)
    return True  # no action at all is reported by MISSING_ACTION


def _covers(values: list[Value], action: str) -> bool:
    """Whether one of ``values`` matches ``action`` as :func:`..matching.action_matches`
    does; a name without wildcards (the usual one) is compared ignoring case here,
    as it does, without a call per value."""
    lowered = action.lower()
    for value in values:
        text = value.text
        if "*" in text or "?" in text:
            if action_matches(text, action):
                return True
        elif text.lower() == lowered:
            return True
    return False


def _needed_action(key: str) -> tuple[str, str] | None:
    """The action a key (lowercased) is set by, with its page, when it is a session key."""
    if key == "sts:sourceidentity":
        return "sts:SetSourceIdentity", SOURCE_IDENTITY_PAGE
    if key.startswith("aws:requesttag/") or key in _SESSION_TAG_KEYS:
        return "sts:TagSession", SESSION_TAGS_PAGE
    return None


def _unknown_sts_key(key: str) -> bool:
    """A key with the ``sts:`` prefix that AWS STS does not define."""
    service, _, name = key.partition(":")
    return service.lower() == "sts" and bool(name) and lookup(key) is None


#: The keys listed in :mod:`..aws.keys`, in their documented spelling, that none of
#: this module's checks concerns: a table built at import, from the checks themselves.
QUIET_KEYS = frozenset(
    name
    for name in listed_key_names()
    if _needed_action(name.lower()) is None
    and name.lower().rstrip("/") not in _TAG_KEY_PREFIXES
    and not _unknown_sts_key(name)
)


#: The action (and its page) that sets each listed key not in :data:`QUIET_KEYS`, by
#: its documented spelling: a listed key calls for no other check of this module (it
#: is no bare tag prefix, and AWS STS defines it). A table built at import.
_NEEDED_BY_SPELLING = {
    name: needed
    for name in listed_key_names()
    if (needed := _needed_action(name.lower())) is not None
}


#: The services of every key this module's checks concern (session keys, tag keys,
#: STS keys): a key of any other service (a provider's claim, a SAML key) is passed over.
_CONCERNED_SERVICES = ("aws:", "sts:", "iam:")


def session_key_checks(statement: Statement, condition: Condition, out: list[Finding]) -> None:
    """The checks of this module on one condition of ``statement``; the findings go to
    ``out``.

    The key pass of :func:`.analyzer.condition_key_checks` calls it for every key but
    the listed ones none of the checks concerns (:data:`QUIET_KEYS`): one pass over a
    statement's conditions serves the key checks of both modules.
    """
    key = condition.key
    listed = _NEEDED_BY_SPELLING.get(key)
    if listed is not None:  # aws:TagKeys...: the action that sets it is all there is to check
        if statement.effect == "Allow" and not _allows(statement, listed[0]):
            out.append(_missing_action(condition, *listed))
        return
    if key[:4].lower() not in _CONCERNED_SERVICES:
        return
    key = key.lower()
    needed = _needed_action(key) if statement.effect == "Allow" else None
    if needed is not None and not _allows(statement, needed[0]):
        out.append(_missing_action(condition, *needed))
    if key.rstrip("/") in _TAG_KEY_PREFIXES:
        out.append(_missing_tag_key(condition))
    if _unknown_sts_key(condition.key):
        out.append(_invalid_sts_key(condition))


def _missing_action(condition: Condition, action: str, page: str) -> Finding:
    """A session-key condition in a statement that does not allow the action setting it."""
    return finding_at(
        "MISSING_ACTION_FOR_CONDITION_KEY",
        f"{condition.key} is set by {action}, and this statement does not allow "
        f"{action}: a request that sets {condition.key} also needs {action}, which no "
        f"part of this statement grants. Add {action} to the Action of this statement.",
        condition.key_span,
        page,
    )


def _missing_tag_key(condition: Condition) -> Finding:
    """``aws:PrincipalTag`` (or another tag key) with nothing after the slash."""
    name = condition.key.rstrip("/")
    return finding_at(
        "MISSING_TAG_KEY_IN_CONDITION",
        f"{condition.key} names no tag: write {name}/tag-key with the tag's key, as in "
        f'"{name}/team". Without it no request carries this key, so the condition '
        "tests a missing key.",
        condition.key_span,
        PAGES["condition_keys"],
    )


def _invalid_sts_key(condition: Condition) -> Finding:
    """A key with the ``sts:`` prefix that AWS STS does not define (a typo)."""
    known = sts_key_names()
    guess = difflib.get_close_matches(condition.key, known, n=1, cutoff=0.6)
    hint = f' Did you mean "{guess[0]}"?' if guess else ""
    return finding_at(
        "INVALID_SERVICE_CONDITION_KEY",
        f'The condition key "{condition.key}" does not exist in AWS STS, so no request '
        "carries it: the condition tests a missing key (a positive operator is then "
        f"false, a negated one true).{hint}",
        condition.key_span,
        STS_SERVICE_PAGE,
    )
