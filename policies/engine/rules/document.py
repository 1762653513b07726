"""Rules about the policy document: its size, Version and Statement."""

from __future__ import annotations

from ..codes import PAGES
from ..findings import Finding
from ..limits import TRUST_POLICY_QUOTA
from ..model import element
from ..parser import JNode
from .common import Checked, check_unique_keys, close, finding, head, unknown_element
from .registry import PolicyInput, document_rule

VERSIONS = ("2012-10-17", "2008-10-17")
POLICY_ELEMENTS = ("Version", "Id", "Statement")


def _keys(root: JNode) -> list[str]:
    """The names of an object's members (for a near spelling of a missing one)."""
    return [member.key for member in root.value]


# The document rules return lists, not generators, and look their element up
# without a dict of the members: they run on every keystroke and seldom find anything.


@document_rule
def policy_is_an_object(given: PolicyInput) -> list[Finding]:
    """A policy is a JSON object."""
    root = given.policy.root
    if root.kind == "object":
        return []
    return [
        finding(
            "DATA_TYPE_MISMATCH",
            'a policy is a JSON object: it starts with { and holds "Version" and '
            '"Statement". Wrap the statements in {"Version": "2012-10-17", '
            '"Statement": [...]}.',
            root.span,
            PAGES["version"],
        )
    ]


@document_rule
def policy_elements(given: PolicyInput) -> list[Finding]:
    """Each top-level element once, and only Version, Id and Statement."""
    root = given.policy.root
    if root.kind != "object":
        return []
    out = check_unique_keys(given, root)
    for member in root.value:
        if member.key not in POLICY_ELEMENTS:
            out.extend(
                unknown_element(given, member.key, member.key_span, POLICY_ELEMENTS, "policy")
            )
    return out


@document_rule
def policy_version(given: PolicyInput) -> list[Finding]:
    policy = given.policy
    # The model read a string Version (the last one): a known one needs no more look.
    if policy.version in VERSIONS or policy.root.kind != "object":
        return []
    return check_version(given, policy.root)


@document_rule
def policy_statements(given: PolicyInput) -> list[Finding]:
    root = given.policy.root
    return [] if root.kind != "object" else check_statements(given, root)


@document_rule
def check_size(ctx: PolicyInput) -> list[Finding]:
    """The role trust policy quota (whitespace not counted)."""
    text = ctx.policy.text
    if len(text) <= TRUST_POLICY_QUOTA:
        return []  # within the quota with its whitespace: nothing to count
    size = len(text) - text.count(" ")
    if size <= TRUST_POLICY_QUOTA:
        return []  # within the quota even with the rest of its whitespace: nothing more to count
    size -= sum(text.count(space) for space in "\t\n\r")
    if size <= TRUST_POLICY_QUOTA:
        return []
    return [
        finding(
            "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
            f"This trust policy has {size:,} characters without whitespace; by default "
            f"IAM accepts at most {TRUST_POLICY_QUOTA:,} in a role trust policy and "
            "refuses to save a longer one. Merge statements that share a principal, "
            "drop repeated values, or ask for a higher quota in Service Quotas.",
            head(ctx.policy.root.span),
            PAGES["quotas"],
        )
    ]


def check_version(ctx: Checked, root: JNode) -> list[Finding]:
    node = element(root, "Version")
    if node is None:
        if close("Version", _keys(root)) is not None:
            return []  # reported as a misspelled element
        return [
            finding(
                "MISSING_VERSION",
                'This policy has no "Version". Without "2012-10-17", the features of the '
                "current policy language do not work: policy variables such as "
                '${aws:username} stay plain text. Add "Version": "2012-10-17" as the '
                "first element.",
                head(root.span),
                PAGES["version"],
            )
        ]
    if node.kind != "string":
        return [
            finding(
                "DATA_TYPE_MISMATCH",
                'Version is text in quotes: write "Version": "2012-10-17".',
                node.span,
                PAGES["version"],
            )
        ]
    if node.value not in VERSIONS:
        return [
            finding(
                "INVALID_VERSION",
                f'"{node.value}" is not a policy language version; it is not a date you '
                'choose. Use "2012-10-17", the current version (2008-10-17 is the old '
                "one, without policy variables).",
                node.span,
                PAGES["version"],
            )
        ]
    return []


def check_statements(ctx: Checked, root: JNode) -> list[Finding]:
    node = element(root, "Statement")
    if node is None:
        if close("Statement", _keys(root)) is not None:
            return []  # reported as a misspelled element
        return [
            finding(
                "MISSING_STATEMENT",
                'This policy has no "Statement", so it lets nobody assume the role. '
                'Add "Statement": [ { ... } ] with at least one statement.',
                head(root.span),
                PAGES["version"],
            )
        ]
    kind = node.kind
    if kind == "object":
        return []
    if kind != "array":
        return [
            finding(
                "DATA_TYPE_MISMATCH",
                'Statement is a list of statement objects: [ { "Effect": ... } ].',
                node.span,
                PAGES["version"],
            )
        ]
    items = node.value
    if not items:
        return [
            finding(
                "EMPTY_ARRAY_STATEMENT",
                "The Statement list is empty, so nobody can assume this role. Add a "
                "statement that names who may assume it.",
                node.span,
                PAGES["version"],
            )
        ]
    if len(items) == len(ctx.policy.statements):
        return []  # the model made a statement of each item: each is an object
    return [
        finding(
            "DATA_TYPE_MISMATCH",
            'Each statement is a JSON object in braces: { "Effect": "Allow", ... }.',
            item.span,
            PAGES["version"],
        )
        for item in items
        if item.kind != "object"
    ]
