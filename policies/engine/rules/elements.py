"""Rules about a statement's elements: names, Sid, Effect, Resource."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..codes import PAGES
from ..findings import Finding
from ..model import element
from ..parser import JMember, JNode
from .common import (
    Checked,
    check_unique_keys,
    close,
    finding,
    head,
    unknown_element,
    variable_in_element,
)
from .registry import PolicyInput, RuleInput, document_rule, statement_rule

STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_SID = re.compile(r"[A-Za-z0-9]*")


_KNOWN_ELEMENTS = frozenset(STATEMENT_ELEMENTS)


#: The elements a statement may have without a word said (Resource gets one).
_QUIET_ELEMENTS = _KNOWN_ELEMENTS - {"Resource", "NotResource"}


@statement_rule
def statement_elements(given: RuleInput) -> list[Finding]:
    """Each element once, only the elements a statement has, and no Resource.

    A list, not a generator: it runs on every statement and almost always finds nothing.
    """
    members = given.members  # by name: as many as the members when no name repeats
    written = given.statement.node.value  # a statement is an object: its members
    if len(members) == len(written) and _QUIET_ELEMENTS.issuperset(members):
        return []  # the usual statement: one test in C over its names
    out = check_unique_keys(given, given.statement.node)  # a fresh list: the findings go to it
    for member in written:
        if member.key not in _KNOWN_ELEMENTS:
            out.extend(
                unknown_element(given, member.key, member.key_span, STATEMENT_ELEMENTS, "statement")
            )
    for key in ("Resource", "NotResource"):
        if key in members:
            out.append(
                finding(
                    "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
                    f"A role trust policy has no {key}: the resource is always the role "
                    "itself, and Resource is not valid here. Delete this element.",
                    members[key].key_span,
                    PAGES["principal"],
                )
            )
    return out


@document_rule
def statement_sids(given: PolicyInput) -> list[Finding]:
    """A Sid is text of letters and digits, unique in the policy.

    A list, not a generator: it runs on every keystroke and seldom finds anything.
    """
    out: list[Finding] = []
    seen: set[str] = set()
    for statement in given.policy.statements:
        sid = statement.sid  # the text of a string Sid (the last one), else None
        if sid == "":
            continue  # an empty Sid is valid and never a repeat
        # Letters and digits: isascii() and isalnum() say so as _SID would, in C.
        if sid is not None and sid not in seen and sid.isascii() and sid.isalnum():
            seen.add(sid)  # letters and digits, first seen: nothing to say
            continue
        node = element(statement.node, "Sid")
        if node is not None:
            out.extend(_sid(given, node, seen))
    return out


def _sid(ctx: Checked, node: JNode, seen: set[str]) -> Iterator[Finding]:
    if node.kind != "string":
        yield finding(
            "DATA_TYPE_MISMATCH",
            'A Sid is text in quotes, such as "AllowGitHubDeploy".',
            node.span,
            PAGES["sid"],
        )
        return
    sid = node.text
    if sid == "":
        return  # an empty Sid is valid; AWS's own examples use it
    if "${" in sid:
        yield variable_in_element(ctx, "Sid", node.span)
    elif not _SID.fullmatch(sid):
        yield finding(
            "UNSUPPORTED_SID",
            f'The Sid "{sid}" has characters the Sid element does not support: it may '
            "hold only ASCII letters A-Z and a-z and digits 0-9. Remove spaces, "
            "dashes and punctuation.",
            node.span,
            PAGES["sid"],
        )
    if sid in seen:
        yield finding(
            "UNIQUE_SIDS_REQUIRED",
            f'The Sid "{sid}" is already used by an earlier statement; in IAM each Sid '
            "must be unique within the policy. Rename one of them.",
            node.span,
            PAGES["sid"],
        )
    seen.add(sid)


@statement_rule
def statement_effect(given: RuleInput) -> Iterable[Finding]:
    """Effect is exactly "Allow" or "Deny"."""
    if given.statement.effect in ("Allow", "Deny"):
        return ()  # read from a string "Allow" or "Deny": nothing to say
    return check_effect(given, given.members, given.statement.node)


def check_effect(ctx: Checked, members: dict[str, JMember], node: JNode) -> Iterator[Finding]:
    member = members.get("Effect")
    if member is None:
        if close("Effect", members) is None:
            yield finding(
                "MISSING_EFFECT",
                'This statement has no "Effect". Every statement says whether it '
                'allows or denies: add "Effect": "Allow".',
                head(node.span),
                PAGES["effect"],
            )
        return
    value = member.value
    if value.kind != "string":
        yield finding(
            "DATA_TYPE_MISMATCH",
            'Effect is text: "Allow" or "Deny".',
            value.span,
            PAGES["effect"],
        )
    elif value.value not in ("Allow", "Deny"):
        guess = close(value.text, ("Allow", "Deny"))
        hint = f' Write "{guess}".' if guess else ""
        yield finding(
            "INVALID_EFFECT",
            f'"{value.value}" is not an effect: Effect is exactly "Allow" or "Deny", '
            f"with that capitalization.{hint}",
            value.span,
            PAGES["effect"],
        )
