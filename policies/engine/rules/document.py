"""Rules about the policy document: its size, Version and Statement."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..codes import PAGES
from ..findings import Finding
from ..limits import TRUST_POLICY_QUOTA
from ..parser import JMember, JNode
from .common import Checked, check_unique_keys, close, finding, head, unknown_element
from .registry import PolicyInput, document_rule

VERSIONS = ("2012-10-17", "2008-10-17")
POLICY_ELEMENTS = ("Version", "Id", "Statement")


def _members(given: PolicyInput) -> dict[str, JMember] | None:
    """The policy's top-level elements, or ``None`` when it is not a JSON object."""
    root = given.policy.root
    return None if root.kind != "object" else {m.key: m for m in root.members}


@document_rule
def policy_is_an_object(given: PolicyInput) -> Iterator[Finding]:
    """A policy is a JSON object."""
    root = given.policy.root
    if root.kind != "object":
        yield finding(
            "DATA_TYPE_MISMATCH",
            'a policy is a JSON object: it starts with { and holds "Version" and '
            '"Statement". Wrap the statements in {"Version": "2012-10-17", '
            '"Statement": [...]}.',
            root.span,
            PAGES["version"],
        )


@document_rule
def policy_elements(given: PolicyInput) -> Iterator[Finding]:
    """Each top-level element once, and only Version, Id and Statement."""
    root = given.policy.root
    if root.kind != "object":
        return
    yield from check_unique_keys(given, root)
    for member in root.members:
        if member.key not in POLICY_ELEMENTS:
            yield from unknown_element(
                given, member.key, member.key_span, POLICY_ELEMENTS, "policy"
            )


@document_rule
def policy_version(given: PolicyInput) -> Iterable[Finding]:
    members = _members(given)
    return () if members is None else check_version(given, members, given.policy.root)


@document_rule
def policy_statements(given: PolicyInput) -> Iterable[Finding]:
    members = _members(given)
    return () if members is None else check_statements(given, members, given.policy.root)


@document_rule
def check_size(ctx: PolicyInput) -> Iterator[Finding]:
    """The role trust policy quota (whitespace not counted)."""
    text = ctx.policy.text
    size = len(text) - text.count(" ")
    if size <= TRUST_POLICY_QUOTA:
        return  # within the quota even with the rest of its whitespace: nothing more to count
    size -= sum(text.count(space) for space in "\t\n\r")
    if size > TRUST_POLICY_QUOTA:
        yield finding(
            "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
            f"This trust policy has {size:,} characters without whitespace; by default "
            f"IAM accepts at most {TRUST_POLICY_QUOTA:,} in a role trust policy and "
            "refuses to save a longer one. Merge statements that share a principal, "
            "drop repeated values, or ask for a higher quota in Service Quotas.",
            head(ctx.policy.root.span),
            PAGES["quotas"],
        )


def check_version(ctx: Checked, members: dict[str, JMember], root: JNode) -> Iterator[Finding]:
    member = members.get("Version")
    if member is None:
        if close("Version", members) is not None:
            return  # reported as a misspelled element
        yield finding(
            "MISSING_VERSION",
            'This policy has no "Version". Without "2012-10-17", the features of the '
            "current policy language do not work: policy variables such as "
            '${aws:username} stay plain text. Add "Version": "2012-10-17" as the '
            "first element.",
            head(root.span),
            PAGES["version"],
        )
        return
    node = member.value
    if node.kind != "string":
        yield finding(
            "DATA_TYPE_MISMATCH",
            'Version is text in quotes: write "Version": "2012-10-17".',
            node.span,
            PAGES["version"],
        )
    elif node.value not in VERSIONS:
        yield finding(
            "INVALID_VERSION",
            f'"{node.value}" is not a policy language version; it is not a date you '
            'choose. Use "2012-10-17", the current version (2008-10-17 is the old '
            "one, without policy variables).",
            node.span,
            PAGES["version"],
        )


def check_statements(ctx: Checked, members: dict[str, JMember], root: JNode) -> Iterator[Finding]:
    member = members.get("Statement")
    if member is None:
        if close("Statement", members) is None:
            yield finding(
                "MISSING_STATEMENT",
                'This policy has no "Statement", so it lets nobody assume the role. '
                'Add "Statement": [ { ... } ] with at least one statement.',
                head(root.span),
                PAGES["version"],
            )
        return
    node = member.value
    if node.kind == "array":
        items = node.items
        if not items:
            yield finding(
                "EMPTY_ARRAY_STATEMENT",
                "The Statement list is empty, so nobody can assume this role. Add a "
                "statement that names who may assume it.",
                node.span,
                PAGES["version"],
            )
    elif node.kind == "object":
        items = [node]
    else:
        yield finding(
            "DATA_TYPE_MISMATCH",
            'Statement is a list of statement objects: [ { "Effect": ... } ].',
            node.span,
            PAGES["version"],
        )
        return
    for item in items:
        if item.kind != "object":
            yield finding(
                "DATA_TYPE_MISMATCH",
                'Each statement is a JSON object in braces: { "Effect": "Allow", ... }.',
                item.span,
                PAGES["version"],
            )
