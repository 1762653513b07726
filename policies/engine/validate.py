"""Validation of role trust policies: IAM Access Analyzer's checks, and more.

Every finding says what is wrong, why it matters and how to fix it, links to
the AWS page that explains the rule, and points at the exact element.

Cross-account suggestions need to know which account owns the role; the
policy text does not say. :func:`validate_policy` therefore takes an optional
``role_account``: without it, a principal naming a whole account could be the
role's own account or another one, so the ExternalId suggestion is not made.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import ipaddress
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from .codes import PAGES, finding_at
from .findings import Finding
from .keys import KeyInfo, global_key_names, lookup
from .limits import TRUST_POLICY_QUOTA
from .model import Condition, Policy, Statement, load_policy
from .parser import JMember, JNode, Span
from .rules import run_rules
from .rules.federation import OIDC_ARN_WITH_SCHEME

__all__ = ["validate_loaded", "validate_policy"]

VERSIONS = ("2012-10-17", "2008-10-17")
POLICY_ELEMENTS = ("Version", "Id", "Statement")
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
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")

#: Every action of AWS STS (Service Authorization Reference, "Actions defined by
#: AWS Security Token Service").
STS_ACTIONS = (
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "AssumeRoot",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetCallerIdentity",
    "GetFederationToken",
    "GetServiceBearerToken",
    "GetSessionToken",
    "SetContext",
    "SetSourceIdentity",
    "TagSession",
)
#: The STS actions a role trust policy controls.
TRUST_ACTIONS = (
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "SetContext",
    "SetSourceIdentity",
    "TagSession",
)
ASSUME = "sts:AssumeRole"
ASSUME_SAML = "sts:AssumeRoleWithSAML"
ASSUME_WEB = "sts:AssumeRoleWithWebIdentity"
_STS_LOWER = {name.lower(): name for name in STS_ACTIONS}
_ASSUME_LOWER = {name.lower(): name for name in (ASSUME, ASSUME_SAML, ASSUME_WEB)}

#: Condition operator families and the key types each one fits.
FAMILIES: dict[str, tuple[str, ...]] = {
    "StringEquals": ("String", "ARN"),
    "StringNotEquals": ("String", "ARN"),
    "StringEqualsIgnoreCase": ("String", "ARN"),
    "StringNotEqualsIgnoreCase": ("String", "ARN"),
    "StringLike": ("String", "ARN"),
    "StringNotLike": ("String", "ARN"),
    "NumericEquals": ("Numeric",),
    "NumericNotEquals": ("Numeric",),
    "NumericLessThan": ("Numeric",),
    "NumericLessThanEquals": ("Numeric",),
    "NumericGreaterThan": ("Numeric",),
    "NumericGreaterThanEquals": ("Numeric",),
    "DateEquals": ("Date",),
    "DateNotEquals": ("Date",),
    "DateLessThan": ("Date",),
    "DateLessThanEquals": ("Date",),
    "DateGreaterThan": ("Date",),
    "DateGreaterThanEquals": ("Date",),
    "Bool": ("Bool",),
    "BinaryEquals": ("Binary",),
    "IpAddress": ("IPAddress",),
    "NotIpAddress": ("IPAddress",),
    "ArnEquals": ("ARN",),
    "ArnLike": ("ARN",),
    "ArnNotEquals": ("ARN",),
    "ArnNotLike": ("ARN",),
    "Null": (),
}
_FAMILY_SETS = {name: frozenset(types) for name, types in FAMILIES.items()}
NEGATED = frozenset(
    {
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotEquals",
        "ArnNotLike",
    }
)
#: String operators that compare literally: `*` and `?` are plain characters.
LITERAL_STRING_OPERATORS = frozenset(
    {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}
)
_STRING_FAMILY = frozenset(name for name in FAMILIES if name.startswith("String"))
LIKE_OPERATORS = frozenset({"StringLike", "ArnLike", "ArnEquals"})
SET_PREFIXES = ("ForAllValues:", "ForAnyValue:")
_OPERATOR_NAMES = [*FAMILIES, *(f"{op}IfExists" for op in FAMILIES if op != "Null")]
_OPERATORS_LOWER = {name.lower(): name for name in _OPERATOR_NAMES}
_GLOBAL_KEYS_LOWER = {name.lower(): name for name in global_key_names()}

#: Providers AWS names in the Principal element page for web identity federation,
#: with the condition key that carries the audience (the app the token was issued to).
NAMED_WEB_PROVIDERS = {
    "cognito-identity.amazonaws.com": "cognito-identity.amazonaws.com:aud",
    "accounts.google.com": "accounts.google.com:aud",
    "graph.facebook.com": "graph.facebook.com:app_id",
    "www.amazon.com": "www.amazon.com:app_id",
}
GITHUB_HOST = "token.actions.githubusercontent.com"

#: Services whose documentation asks for aws:SourceAccount or aws:SourceArn in the
#: trust policy of the role they assume, to prevent the cross-service confused deputy
#: problem; each with that page.
CONFUSED_DEPUTY_SERVICES = {
    "config.amazonaws.com": (
        "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html"
    ),
    "logs.amazonaws.com": (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateDestination.html"
    ),
    "ssm.amazonaws.com": (
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
        "cloud-connector-gcp-automation-assume-role.html"
    ),
    "personalize.amazonaws.com": (
        "https://docs.aws.amazon.com/personalize/latest/dg/"
        "cross-service-confused-deputy-prevention.html"
    ),
    "iot.amazonaws.com": (
        "https://docs.aws.amazon.com/iot/latest/developerguide/"
        "cross-service-confused-deputy-prevention.html"
    ),
    "frauddetector.amazonaws.com": (
        "https://docs.aws.amazon.com/frauddetector/latest/ug/confused-deputy-prevention.html"
    ),
}
#: Keys that tie a service's request to the account or resource it acts for.
SOURCE_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}
)
#: Keys that narrow {"AWS": "*"} to known accounts, organizations or principals.
LIMITING_KEYS = frozenset(
    {
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:userid",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:vpcsourceip",
    }
)

_PARTITION = r"aws(?:-cn|-us-gov|-iso(?:-[a-z])?|-eusc)?"
_ACCOUNT_ID = re.compile(r"\d{12}")
_AWS_ARN = re.compile(rf"arn:({_PARTITION}):(iam|sts)::(\d{{12}}):(.+)")
_IAM_RESOURCE = re.compile(r"root|(user|role)(/[\x21-\x7e]*)?/[\w+=,.@-]+")
_STS_RESOURCE = re.compile(r"assumed-role/[\w+=,.@-]+/[\w+=,.@-]+|federated-user/[\w+=,.@-]+")
_UNIQUE_ID = re.compile(r"(AROA|AIDA)[A-Z0-9]{12,}")
_SERVICE = re.compile(
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"\.(?:amazonaws\.com(?:\.cn)?|amazon\.com)"
)
_OIDC_ARN = re.compile(
    rf"arn:{_PARTITION}:iam::\d{{12}}:oidc-provider/(?!https?://)([^\s/]+(?:/\S+)?)", re.I
)
_SAML_ARN = re.compile(rf"arn:{_PARTITION}:iam::\d{{12}}:saml-provider/[\w+=,.@-]+")
_CANONICAL = re.compile(r"[0-9a-f]{64}")
_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?]+")
_SID = re.compile(r"[A-Za-z0-9]*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_DATE = re.compile(
    r"-?\d+|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_STARS = re.compile(r"\*{2,}")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")

_OPERATOR_ANCHORS = {
    "TYPE_MISMATCH_NUMBER": "#Conditions_Numeric",
    "TYPE_MISMATCH_DATE": "#Conditions_Date",
    "TYPE_MISMATCH_BOOLEAN": "#Conditions_Boolean",
    "TYPE_MISMATCH_IP_RANGE": "#Conditions_IPAddress",
    "TYPE_MISMATCH_ARN": "#Conditions_ARN",
    "TYPE_MISMATCH_STRING": "#Conditions_BinaryEquals",
}
_GUIDE_GRAMMAR = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
_MISSING_BRACE_HINT = "Close every ${ with a }, as in ${aws:username}."


def validate_policy(
    source: str | Mapping[str, Any], *, role_account: str | None = None
) -> list[Finding]:
    """Check a role trust policy; return its findings sorted by position.

    ``source`` is the policy text (positions point into it) or a parsed JSON
    object (positions point into its two-space-indented form).
    ``role_account`` is the 12-digit account that owns the role, when known.
    """
    policy, findings = load_policy(source)
    if policy is None:
        return findings
    return validate_loaded(policy, role_account=role_account)


def validate_loaded(policy: Policy, *, role_account: str | None = None) -> list[Finding]:
    """Check a policy already read by :func:`model.load_policy`."""
    checker = _Checker(policy, role_account)
    checker.run()
    findings = checker.findings
    if policy.root.kind == "object":
        findings.extend(run_rules(policy, role_account))
    return sorted(findings, key=Finding.sort_key)


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """`*` and `?` wildcard match in O(len(pattern) * len(value)) at worst, never worse."""
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    if "**" in pattern:
        pattern = _STARS.sub("*", pattern)
    if len(pattern) - pattern.count("*") > len(value):
        return False  # more characters to match than the value has
    p = v = 0
    star = -1
    mark = 0
    while v < len(value):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == value[v]):
            p += 1
            v += 1
        elif p < len(pattern) and pattern[p] == "*":
            star = p
            mark = v
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            v = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _head(span: Span) -> Span:
    """The first character of a span (an object's opening brace)."""
    return Span(span.line, span.column, span.line, span.column + 1, span.offset, span.offset + 1)


def _close(word: str, names: Iterable[str]) -> str | None:
    names = list(names)
    lowered = {name.lower(): name for name in names}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word, names, n=1, cutoff=0.75)
    return match[0] if match else None


def _strip_variables(text: str) -> str:
    return _VARIABLE.sub("", text)


class _Checker:
    """Runs every check over one policy and collects the findings."""

    def __init__(self, policy: Policy, role_account: str | None) -> None:
        self.policy = policy
        self.role_account = role_account
        self.findings: list[Finding] = []

    def add(self, code: str, message: str, span: Span, url: str | None = None) -> None:
        if code == "DATA_TYPE_MISMATCH":
            message = (
                f"Wrong JSON type here: {message[0].lower()}{message[1:]} An element of the "
                "wrong type makes the policy invalid, so it cannot be attached to a role."
            )
        self.findings.append(finding_at(code, message, span, url))

    # --- The document ------------------------------------------------------------------

    def run(self) -> None:
        policy = self.policy
        root = policy.root
        self.check_size()
        if root.kind != "object":
            self.add(
                "DATA_TYPE_MISMATCH",
                'a policy is a JSON object: it starts with { and holds "Version" and '
                '"Statement". Wrap the statements in {"Version": "2012-10-17", '
                '"Statement": [...]}.',
                root.span,
                PAGES["version"],
            )
            return
        self.check_unique_keys(root)
        members = {member.key: member for member in root.members}
        for member in root.members:
            if member.key not in POLICY_ELEMENTS:
                self.unknown_element(member.key, member.key_span, POLICY_ELEMENTS, "policy")
        self.check_version(members, root)
        self.check_statements(members, root)

    def check_size(self) -> None:
        text = self.policy.text
        size = len(text) - sum(text.count(space) for space in " \t\n\r")
        if size > TRUST_POLICY_QUOTA:
            self.add(
                "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
                f"This trust policy has {size:,} characters without whitespace; by default "
                f"IAM accepts at most {TRUST_POLICY_QUOTA:,} in a role trust policy and "
                "refuses to save a longer one. Merge statements that share a principal, "
                "drop repeated values, or ask for a higher quota in Service Quotas.",
                _head(self.policy.root.span),
                PAGES["quotas"],
            )

    def check_unique_keys(self, node: JNode) -> None:
        """Warn about a key written twice in one object (only the last one counts)."""
        members = node.members
        if len({member.key for member in members}) == len(members):
            return
        seen: set[str] = set()
        for member in members:
            if member.key in seen:
                self.add(
                    "DUPLICATE_KEY",
                    f'"{member.key}" appears twice in the same object. Only the last one '
                    "counts (the earlier one is silently ignored), which hides what the "
                    "policy really does. Merge them into one.",
                    member.key_span,
                )
            seen.add(member.key)

    def unknown_element(self, key: str, span: Span, allowed: tuple[str, ...], where: str) -> None:
        guess = _close(key, allowed)
        hint = (
            f' Did you mean "{guess}"? Element names are written exactly like that.'
            if guess
            else f" A {where} holds only {', '.join(allowed)}."
        )
        self.add(
            "INVALID_POLICY_ELEMENT",
            f'"{key}" is not an element of a {where}, so the policy is not valid.{hint}',
            span,
            PAGES["version"] if where == "policy" else _GUIDE_GRAMMAR,
        )

    def check_version(self, members: dict[str, JMember], root: JNode) -> None:
        member = members.get("Version")
        if member is None:
            if _close("Version", members) is not None:
                return  # reported as a misspelled element
            self.add(
                "MISSING_VERSION",
                'This policy has no "Version". Without "2012-10-17", the features of the '
                "current policy language do not work: policy variables such as "
                '${aws:username} stay plain text. Add "Version": "2012-10-17" as the '
                "first element.",
                _head(root.span),
                PAGES["version"],
            )
            return
        node = member.value
        if node.kind != "string":
            self.add(
                "DATA_TYPE_MISMATCH",
                'Version is text in quotes: write "Version": "2012-10-17".',
                node.span,
                PAGES["version"],
            )
        elif node.value not in VERSIONS:
            self.add(
                "INVALID_VERSION",
                f'"{node.value}" is not a policy language version; it is not a date you '
                'choose. Use "2012-10-17", the current version (2008-10-17 is the old '
                "one, without policy variables).",
                node.span,
                PAGES["version"],
            )

    def check_statements(self, members: dict[str, JMember], root: JNode) -> None:
        member = members.get("Statement")
        if member is None:
            if _close("Statement", members) is None:
                self.add(
                    "MISSING_STATEMENT",
                    'This policy has no "Statement", so it lets nobody assume the role. '
                    'Add "Statement": [ { ... } ] with at least one statement.',
                    _head(root.span),
                    PAGES["version"],
                )
            return
        node = member.value
        if node.kind == "array":
            items = node.items
            if not items:
                self.add(
                    "EMPTY_ARRAY_STATEMENT",
                    "The Statement list is empty, so nobody can assume this role. Add a "
                    "statement that names who may assume it.",
                    node.span,
                    PAGES["version"],
                )
        elif node.kind == "object":
            items = [node]
        else:
            self.add(
                "DATA_TYPE_MISMATCH",
                'Statement is a list of statement objects: [ { "Effect": ... } ].',
                node.span,
                PAGES["version"],
            )
            return
        for item in items:
            if item.kind != "object":
                self.add(
                    "DATA_TYPE_MISMATCH",
                    'Each statement is a JSON object in braces: { "Effect": "Allow", ... }.',
                    item.span,
                    PAGES["version"],
                )
        sids: dict[str, Span] = {}
        for statement in self.policy.statements:
            self.check_statement(statement, sids)

    # --- One statement -------------------------------------------------------------------

    def check_statement(self, statement: Statement, sids: dict[str, Span]) -> None:
        node = statement.node
        self.check_unique_keys(node)
        members = {member.key: member for member in node.members}
        for member in node.members:
            if member.key not in STATEMENT_ELEMENTS:
                self.unknown_element(member.key, member.key_span, STATEMENT_ELEMENTS, "statement")
        self.check_sid(members, sids)
        self.check_effect(members, node)
        for key in ("Resource", "NotResource"):
            if key in members:
                self.add(
                    "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
                    f"A role trust policy has no {key}: the resource is always the role "
                    "itself, and Resource is not valid here. Delete this element.",
                    members[key].key_span,
                    PAGES["principal"],
                )
        self.check_actions(members, node)
        self.check_principal(members, node, statement)
        self.check_conditions(members)
        if statement.effect == "Allow" and statement.principal is not None:
            self.check_security(statement)

    def check_sid(self, members: dict[str, JMember], sids: dict[str, Span]) -> None:
        member = members.get("Sid")
        if member is None:
            return
        node = member.value
        if node.kind != "string":
            self.add(
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
            self.variable_in_element("Sid", node.span)
        elif not _SID.fullmatch(sid):
            self.add(
                "UNSUPPORTED_SID",
                f'The Sid "{sid}" has characters the Sid element does not support: it may '
                "hold only ASCII letters A-Z and a-z and digits 0-9. Remove spaces, "
                "dashes and punctuation.",
                node.span,
                PAGES["sid"],
            )
        if sid in sids:
            self.add(
                "UNIQUE_SIDS_REQUIRED",
                f'The Sid "{sid}" is already used by an earlier statement; in IAM each Sid '
                "must be unique within the policy. Rename one of them.",
                node.span,
                PAGES["sid"],
            )
        else:
            sids[sid] = node.span

    def check_effect(self, members: dict[str, JMember], node: JNode) -> None:
        member = members.get("Effect")
        if member is None:
            if _close("Effect", members) is None:
                self.add(
                    "MISSING_EFFECT",
                    'This statement has no "Effect". Every statement says whether it '
                    'allows or denies: add "Effect": "Allow".',
                    _head(node.span),
                    PAGES["effect"],
                )
            return
        value = member.value
        if value.kind != "string":
            self.add(
                "DATA_TYPE_MISMATCH",
                'Effect is text: "Allow" or "Deny".',
                value.span,
                PAGES["effect"],
            )
        elif value.value not in ("Allow", "Deny"):
            guess = _close(value.text, ("Allow", "Deny"))
            hint = f' Write "{guess}".' if guess else ""
            self.add(
                "INVALID_EFFECT",
                f'"{value.value}" is not an effect: Effect is exactly "Allow" or "Deny", '
                f"with that capitalization.{hint}",
                value.span,
                PAGES["effect"],
            )

    # --- Action --------------------------------------------------------------------------

    def check_actions(self, members: dict[str, JMember], node: JNode) -> None:
        action = members.get("Action")
        not_action = members.get("NotAction")
        if action is not None and not_action is not None:
            self.add(
                "UNSUPPORTED_ELEMENT_COMBINATION",
                "A statement has either Action or NotAction, not both. Keep Action "
                '(for example "sts:AssumeRole").',
                not_action.key_span,
                PAGES["action"],
            )
        if action is None and not_action is None:
            if _close("Action", members) is None and _close("NotAction", members) is None:
                self.add(
                    "MISSING_ACTION",
                    'This statement has no "Action", so it applies to nothing. Add the '
                    'STS action it allows, such as "Action": "sts:AssumeRole".',
                    _head(node.span),
                    PAGES["action"],
                )
            return
        for member, code in (
            (action, "EMPTY_ARRAY_ACTION"),
            (not_action, "EMPTY_ARRAY_NOT_ACTION"),
        ):
            if member is None:
                continue
            value = member.value
            items = value.items_or_self()
            if value.kind == "array" and not items:
                self.add(
                    code,
                    f"The {member.key} list is empty, so this statement matches no action. "
                    'Add the action, for example "sts:AssumeRole", or delete the statement.',
                    value.span,
                    PAGES["action"],
                )
            for item in items:
                if item.kind != "string":
                    self.add(
                        "DATA_TYPE_MISMATCH",
                        f'Each {member.key} is text such as "sts:AssumeRole".',
                        item.span,
                        PAGES["action"],
                    )
                else:
                    self.check_action(item.text, item.span)

    def check_action(self, action: str, span: Span) -> None:
        if action == "*":
            return
        if "${" in action:
            self.variable_in_element("Action", span)
            return
        if not _ACTION.fullmatch(action):
            self.add(
                "INVALID_ACTION",
                f'"{action}" is not an action name. Actions are written service:Action, '
                'for example "sts:AssumeRole".',
                span,
                PAGES["action"],
            )
            return
        service, name = action.split(":", 1)
        if service.lower() != "sts":
            self.add(
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
            matched = [known for known in STS_ACTIONS if glob_match(name, known, ignore_case=True)]
        else:
            exact = _STS_LOWER.get(name.lower())
            matched = [exact] if exact else []
        if not matched:
            guess = _close(name, STS_ACTIONS)
            hint = f' Did you mean "sts:{guess}"?' if guess else ""
            self.add(
                "INVALID_ACTION",
                f'"{action}" is not an action of AWS STS, so it matches nothing.{hint}',
                span,
                PAGES["action"],
            )
        elif not any(known in TRUST_ACTIONS for known in matched):
            self.add(
                "UNSUPPORTED_ACTION_IN_TRUST_POLICY",
                f'"{action}" is an AWS STS action that a role trust policy does not '
                "control; only sts:AssumeRole*, sts:TagSession, sts:SetSourceIdentity and "
                "sts:SetContext apply to a role.",
                span,
                PAGES["action"],
            )

    # --- Principal -----------------------------------------------------------------------

    def check_principal(
        self, members: dict[str, JMember], node: JNode, statement: Statement
    ) -> None:
        if "NotPrincipal" in members:
            self.add(
                "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
                "NotPrincipal cannot be used in a role trust policy (only in some other "
                "resource-based policies, and only with Deny). A "
                "trust policy must name who may assume the role: use Principal with the "
                "accounts, roles, services or identity providers you trust.",
                members["NotPrincipal"].key_span,
                PAGES["principal"],
            )
        member = members.get("Principal")
        if member is None:
            if "NotPrincipal" not in members and _close("Principal", members) is None:
                self.add(
                    "MISSING_PRINCIPAL",
                    "This trust policy statement names no Principal, and a trust policy "
                    "must: the Principal says who may assume the role. Add, for example, "
                    '"Principal": {"Service": "ec2.amazonaws.com"}.',
                    _head(node.span),
                    PAGES["principal"],
                )
            return
        value = member.value
        if value.kind == "string":
            if value.value == "*":
                self.add(
                    "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                    'A bare "Principal": "*" is not accepted in a role trust policy. '
                    'If you really mean every AWS principal, write {"AWS": "*"} and limit '
                    "it with a condition such as aws:PrincipalOrgID; better, name the "
                    "accounts or roles you trust.",
                    value.span,
                    PAGES["principal"],
                )
            else:
                self.add(
                    "INVALID_PRINCIPAL_FORMAT",
                    "Principal is an object that says what kind of principal this is: "
                    'write {"AWS": "..."} for accounts, users and roles, {"Service": "..."} '
                    'for AWS services, or {"Federated": "..."} for identity providers.',
                    value.span,
                    PAGES["principal"],
                )
            return
        if value.kind != "object":
            self.add(
                "DATA_TYPE_MISMATCH",
                'Principal is an object such as {"AWS": "arn:aws:iam::111122223333:root"}.',
                value.span,
                PAGES["principal"],
            )
            return
        self.check_unique_keys(value)
        if not value.value:
            self.add(
                "EMPTY_OBJECT_PRINCIPAL",
                "The Principal object is empty, so this statement lets nobody in. Name "
                "who may assume the role.",
                value.span,
                PAGES["principal"],
            )
        for kind_member in value.members:
            key = kind_member.key
            if key not in PRINCIPAL_KEYS:
                guess = _close(key, PRINCIPAL_KEYS)
                hint = f' Did you mean "{guess}"?' if guess else ""
                self.add(
                    "INVALID_PRINCIPAL_KEY",
                    f'"{key}" is not a principal type. Use "AWS" (accounts, users, roles), '
                    '"Service" (AWS services), "Federated" (identity providers) or '
                    f'"CanonicalUser".{hint}',
                    kind_member.key_span,
                    PAGES["principal"],
                )
                continue
            entries = kind_member.value
            items = entries.items_or_self()
            if entries.kind == "array" and not items:
                self.add(
                    "EMPTY_ARRAY_PRINCIPAL",
                    f"The {key} list is empty; name at least one principal or remove it.",
                    entries.span,
                    PAGES["principal"],
                )
            for item in items:
                if item.kind != "string":
                    self.add(
                        "DATA_TYPE_MISMATCH",
                        f"Each {key} principal is text in quotes.",
                        item.span,
                        PAGES["principal"],
                    )
                    continue
                text = item.text
                if "${" in text:
                    self.variable_in_element("Principal", item.span)
                elif key == "AWS":
                    self.check_aws_principal(text, item.span)
                elif key == "Service":
                    self.check_service_principal(text, item.span)
                elif key == "Federated":
                    self.check_federated_principal(text, item.span)
                else:
                    self.check_canonical_user(text, item.span)
        self.check_mismatched_actions(statement)

    def check_aws_principal(self, text: str, span: Span) -> None:
        if text == "*" or _ACCOUNT_ID.fullmatch(text):
            return
        if _UNIQUE_ID.fullmatch(text):
            kind = "role" if text.startswith("AROA") else "user"
            self.add(
                "INVALID_ROLE_REFERENCE" if kind == "role" else "INVALID_USER_REFERENCE",
                f"{text} is the unique ID of an IAM {kind}, not its ARN. IAM shows an ID "
                f"here when the {kind} the policy named was deleted: the trust pointed at "
                f"that exact {kind}, and a new {kind} with the same name is a different "
                f"principal that does not match. Replace the ID with the ARN of the {kind} "
                "you want to trust now.",
                span,
                PAGES["principal"] + ("#principal-roles" if kind == "role" else "#principal-users"),
            )
            return
        match = _AWS_ARN.fullmatch(text)
        if "*" in text or "?" in text:
            self.add(
                "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                f'"{text}" uses a wildcard inside a principal, which IAM does not support: '
                "a principal names exact accounts, users or roles. To trust many roles, "
                'name the account and add a condition such as "ArnLike": '
                '{"aws:PrincipalArn": "arn:aws:iam::111122223333:role/deploy-*"}.',
                span,
                PAGES["principal"],
            )
            return
        if match:
            service, resource = match.group(2), match.group(4)
            if service == "iam" and _IAM_RESOURCE.fullmatch(resource):
                return
            if service == "sts" and _STS_RESOURCE.fullmatch(resource):
                return
            if resource.startswith("group/"):
                self.add(
                    "INVALID_PRINCIPAL_FORMAT",
                    "An IAM group cannot be a principal: groups hold permissions but never "
                    "sign in or make requests. Name the users, a role, or the account.",
                    span,
                    PAGES["principal"],
                )
                return
        self.add(
            "INVALID_PRINCIPAL_FORMAT",
            f'"{text}" is not an AWS principal. Use a 12-digit account ID, '
            "arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/NAME, "
            "arn:aws:iam::ACCOUNT:role/NAME or "
            "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.",
            span,
            PAGES["principal"],
        )

    def check_service_principal(self, text: str, span: Span) -> None:
        if "*" in text or "?" in text:
            self.add(
                "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                f'"{text}" uses a wildcard in a service principal, which IAM does not '
                "support. Name each service that may assume the role, such as "
                '"ec2.amazonaws.com".',
                span,
                PAGES["principal"] + "#principal-services",
            )
            return
        if _SERVICE.fullmatch(text):
            return
        if _SERVICE.fullmatch(text.lower()):
            hint = f' Write it in lowercase: "{text.lower()}".'
        elif text.startswith("arn:"):
            hint = ' An ARN is an "AWS" principal, not a "Service".'
        elif re.fullmatch(r"[a-z0-9-]+", text):
            hint = f' Did you mean "{text}.amazonaws.com"?'
        else:
            hint = ""
        self.add(
            "INVALID_SERVICE_PRINCIPAL_FORMAT",
            f'"{text}" is not a service principal. A service principal is the service\'s '
            f'name followed by .amazonaws.com, such as "lambda.amazonaws.com".{hint}',
            span,
            PAGES["principal"] + "#principal-services",
        )

    def check_federated_principal(self, text: str, span: Span) -> None:
        if OIDC_ARN_WITH_SCHEME.fullmatch(text):
            return  # reported by rules.federation
        if text in NAMED_WEB_PROVIDERS or _OIDC_ARN.fullmatch(text) or _SAML_ARN.fullmatch(text):
            if "*" in text or "?" in text:
                self.add(
                    "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                    f'"{text}" uses a wildcard in an identity provider ARN; name the exact '
                    "provider.",
                    span,
                    PAGES["principal"],
                )
            return
        self.add(
            "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
            f'"{text}" is not an identity provider. A federated principal is the ARN of an '
            "IAM OIDC provider (arn:aws:iam::ACCOUNT:oidc-provider/HOST) or SAML provider "
            "(arn:aws:iam::ACCOUNT:saml-provider/NAME), or one of "
            "cognito-identity.amazonaws.com, accounts.google.com, graph.facebook.com, "
            "www.amazon.com.",
            span,
            PAGES["principal"] + "#principal-federated-users",
        )

    def check_canonical_user(self, text: str, span: Span) -> None:
        if not _CANONICAL.fullmatch(text):
            self.add(
                "INVALID_PRINCIPAL_FORMAT",
                f'"{text}" is not a canonical user ID (64 lowercase hexadecimal characters).',
                span,
                PAGES["principal"],
            )

    def check_mismatched_actions(self, statement: Statement) -> None:
        """Each assume action must fit at least one kind of principal in the statement."""
        principal = statement.principal
        if principal is None or principal.wildcard or not statement.actions:
            return
        needed: dict[str, str] = {}
        for entry in principal.entries:
            if entry.kind == "Federated":
                if _SAML_ARN.fullmatch(entry.value):
                    needed.setdefault(ASSUME_SAML, entry.value)
                elif entry.value in NAMED_WEB_PROVIDERS or _OIDC_ARN.fullmatch(entry.value):
                    needed.setdefault(ASSUME_WEB, entry.value)
            elif entry.kind in ("AWS", "Service"):
                needed.setdefault(ASSUME, entry.value)
        if not needed:
            return
        for action in statement.actions:
            if "*" in action.text or "?" in action.text:
                variants = {
                    name
                    for name in (ASSUME, ASSUME_SAML, ASSUME_WEB)
                    if glob_match(action.text, name, ignore_case=True)
                }
            else:
                exact = _ASSUME_LOWER.get(action.text.lower())
                variants = {exact} if exact else set()
            if not variants or variants & needed.keys():
                continue
            wrong = " and ".join(sorted(variants))
            advice = []
            if ASSUME_SAML in needed:
                advice.append(f"a SAML provider ({needed[ASSUME_SAML]}) goes with {ASSUME_SAML}")
            if ASSUME_WEB in needed:
                advice.append(f"an OIDC provider ({needed[ASSUME_WEB]}) goes with {ASSUME_WEB}")
            if ASSUME in needed:
                advice.append(f"an AWS or Service principal ({needed[ASSUME]}) goes with {ASSUME}")
            self.add(
                "MISMATCHED_ACTION_FOR_PRINCIPAL",
                f"{wrong} does not fit the principal of this statement, so it "
                f"never lets it in: {'; '.join(advice)}. Change the action to match the "
                "principal.",
                action.span,
                PAGES["principal"] + "#principal-federated-users",
            )

    # --- Condition -----------------------------------------------------------------------

    def check_conditions(self, members: dict[str, JMember]) -> None:
        member = members.get("Condition")
        if member is None:
            return
        block = member.value
        if block.kind != "object":
            self.add(
                "DATA_TYPE_MISMATCH",
                'Condition is an object of operators: {"StringEquals": {"key": "value"}}.',
                block.span,
                PAGES["condition"],
            )
            return
        self.check_unique_keys(block)
        if not block.value:
            self.add(
                "EMPTY_OBJECT_CONDITION",
                "The Condition object is empty and has no effect; remove it or add a condition.",
                block.span,
                PAGES["condition"],
            )
        for operator_member in block.members:
            self.check_operator_block(
                operator_member.key, operator_member.key_span, operator_member.value
            )

    def check_operator_block(self, operator: str, span: Span, block: JNode) -> None:
        base, set_prefix, known = self.parse_operator(operator, span)
        if base == "Null" and set_prefix:
            always = "true" if set_prefix == "ForAllValues" else "false"
            self.add(
                "NULL_WITH_QUALIFIER",
                f"Null with {set_prefix} is always {always}, whatever the request holds, so "
                f'this condition tests nothing. Drop "{set_prefix}:" and write "Null".',
                span,
                PAGES["operators"] + "#Conditions_Null",
            )
        if block.kind != "object":
            self.add(
                "DATA_TYPE_MISMATCH",
                f"Under {operator} comes an object of condition keys and values: "
                '{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}.',
                block.span,
                PAGES["condition"],
            )
            return
        if not block.value:
            self.add(
                "EMPTY_OBJECT_CONDITION",
                f"The {operator} block is empty and has no effect; add a key or remove it.",
                block.span,
                PAGES["condition"],
            )
        self.check_unique_keys(block)
        seen: dict[str, str] = {}
        for key_member in block.members:
            key = key_member.key
            lowered = key.lower()
            if lowered in seen and seen[lowered] != key:
                self.add(
                    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                    f'"{key}" and "{seen[lowered]}" are the same condition key (key names '
                    "ignore case) written twice in one block. Keep one spelling.",
                    key_member.key_span,
                    PAGES["condition"],
                )
            seen.setdefault(lowered, key)
            info = self.check_key(key, key_member.key_span)
            if known:
                self.check_key_values(operator, base, set_prefix, key, info, key_member)

    def parse_operator(self, operator: str, span: Span) -> tuple[str, str, bool]:
        """Split ``ForAllValues:StringLikeIfExists`` into its base family; report bad names."""
        set_prefix = ""
        name = operator
        for prefix in SET_PREFIXES:
            if operator.startswith(prefix):
                set_prefix, name = prefix[:-1], operator[len(prefix) :]
                break
        base = name[: -len("IfExists")] if name.endswith("IfExists") else name
        if base == "Null" and name != base:
            self.add(
                "NULL_WITH_IF_EXISTS",
                "Null cannot take IfExists: Null already tests whether the key exists "
                '("true": the key is absent, "false": it is present). Write "Null".',
                span,
                PAGES["operators"] + "#Conditions_Null",
            )
            return base, set_prefix, True
        if base in FAMILIES:
            return base, set_prefix, True
        guess = _OPERATORS_LOWER.get(name.lower()) or _close(name, _OPERATOR_NAMES)
        hint = (
            f' Did you mean "{(set_prefix + ":") if set_prefix else ""}{guess}"?' if guess else ""
        )
        self.add(
            "INVALID_CONDITION_OPERATOR",
            f'"{operator}" is not a condition operator, so AWS cannot evaluate this '
            "condition and the policy is not valid. "
            "Operators are names such as StringEquals, StringLike, ArnLike, "
            f"NumericLessThan, DateGreaterThan, Bool, IpAddress and Null.{hint}",
            span,
            PAGES["operators"],
        )
        return base, set_prefix, False

    def check_key(self, key: str, span: Span) -> KeyInfo | None:
        service, sep, name = key.partition(":")
        if not sep or not service or not name:
            self.add(
                "INVALID_CONDITION_KEY_FORMAT",
                f'"{key}" is not a condition key: keys are written service:name, such as '
                '"aws:SourceAccount" or "sts:ExternalId".',
                span,
                PAGES["condition_keys"],
            )
            return None
        info = lookup(key)
        if key.lower().rstrip("/") in ("aws:principaltag", "aws:requesttag", "aws:resourcetag"):
            return None  # MISSING_TAG_KEY_IN_CONDITION (rules.session)
        if info is None and service.lower() == "aws":
            guess = _close(key, _GLOBAL_KEYS_LOWER.values())
            hint = f' Did you mean "{guess}"?' if guess else ""
            self.add(
                "INVALID_GLOBAL_CONDITION_KEY",
                f'"{key}" is not an AWS global condition key, so no request carries it: the '
                "condition tests a missing key (a positive operator is then false, a "
                f"negated one true).{hint}",
                span,
                PAGES["condition_keys"],
            )
        return info

    def check_key_values(
        self,
        operator: str,
        base: str,
        set_prefix: str,
        key: str,
        info: KeyInfo | None,
        member: JMember,
    ) -> None:
        values = member.value
        if set_prefix == "ForAllValues" and info is not None and info.multivalued is False:
            self.add(
                "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                f"{key} holds a single value, and ForAllValues is also true when the key "
                "is missing from the request, so this condition can let in requests that "
                f'lack {key} altogether. Drop "ForAllValues:" and use {operator.split(":")[1]}.',
                member.key_span,
                PAGES["multivalued"],
            )
        if base != "Null" and info is not None and _FAMILY_SETS[base].isdisjoint(info.types):
            wanted = {
                "String": "a String operator (StringEquals, StringLike)",
                "ARN": "an ARN operator (ArnEquals, ArnLike)",
                "Numeric": "a Numeric operator (NumericLessThan, ...)",
                "Date": "a Date operator (DateGreaterThan, ...)",
                "Bool": "Bool",
                "IPAddress": "IpAddress or NotIpAddress",
                "Binary": "BinaryEquals",
            }[info.type]
            self.add(
                "TYPE_MISMATCH",
                f"{key} is of type {info.type}, but {base} compares "
                f"{'/'.join(FAMILIES[base])} values, so the comparison may never match as "
                f"you expect. Use {wanted}.",
                member.key_span,
                PAGES["operators"],
            )
        items = values.items_or_self()
        if values.kind == "array" and not items:
            self.empty_values(operator, set_prefix, key, values.span)
        elif values.kind == "array":
            kinds = {item.kind for item in items}
            if len(kinds & {"string", "number", "bool"}) > 1:
                self.add(
                    "INVALID_CONDITION_DATA_TYPE",
                    f"The values of {key} mix JSON types (text, numbers, true/false). Write "
                    'them all the same way, for example all as text in quotes: ["1", "2"].',
                    values.span,
                    PAGES["condition"],
                )
            if base == "Bool" and len(items) > 1:
                self.add(
                    "INVALID_CONDITION_MULTIPLE_BOOLEAN",
                    f"{key} is tested against several Boolean values. A Boolean key is true "
                    "or false, so a list either repeats itself or matches both ways and tests "
                    "nothing. Use a single value.",
                    values.span,
                    PAGES["operators"] + "#Conditions_Boolean",
                )
        if base in ("IpAddress", "NotIpAddress") and key.lower() == "aws:sourceip":
            self.check_private_ranges(base, items, values.span)
        text_of = self.policy.text
        for item in items:
            if item.kind in ("object", "array", "null"):
                self.add(
                    "DATA_TYPE_MISMATCH",
                    "A condition value is a string, number or boolean, or a list of them.",
                    item.span,
                    PAGES["condition"],
                )
                continue
            text = (
                text_of[item.span.offset : item.span.end_offset]
                if item.kind != "string"
                else item.value
            )
            self.check_value(base, key, text, item.span)  # type: ignore[arg-type]

    def empty_values(self, operator: str, set_prefix: str, key: str, span: Span) -> None:
        if set_prefix == "ForAllValues":
            code = "EMPTY_ARRAY_CONDITION_FORALLVALUES"
            effect = f"matches only when the request has no {key} at all"
        elif set_prefix == "ForAnyValue":
            code = "EMPTY_ARRAY_CONDITION_FORANYVALUE"
            effect = "never matches, so the statement has no effect"
        elif operator.endswith("IfExists"):
            code = "EMPTY_ARRAY_CONDITION_IFEXISTS"
            effect = f"matches only when the request has no {key} at all"
        else:
            code = "EMPTY_ARRAY_CONDITION"
            effect = "does not work as a test"
        hint = (
            ' To test that a key is missing, write "Null": {"' + key + '": "true"}.'
            if "only when" in effect
            else " Give at least one value or remove the key."
        )
        self.add(
            code,
            f"{key} has an empty list of values, so this condition {effect}.{hint}",
            span,
            PAGES["condition"],
        )

    def check_private_ranges(self, base: str, items: list[JNode], span: Span) -> None:
        """aws:SourceIp only ever holds public addresses; private ranges never match it."""
        networks = []
        for item in items:
            if item.kind != "string":
                continue
            try:
                network = _network(item.text)
            except ValueError:
                return
            networks.append(network)
        private = [net for net in networks if _is_private(net)]
        if not private:
            return
        negated = base == "NotIpAddress"
        if len(private) == len(networks):
            code = "PRIVATE_NOT_IP_ADDRESS" if negated else "PRIVATE_IP_ADDRESS"
            effect = (
                "so NotIpAddress is true for every request and limits nothing"
                if negated
                else "so this condition never matches"
            )
        else:
            code = "PRIVATE_NOT_IP_ADDRESS_SUBSET" if negated else "PRIVATE_IP_ADDRESS_SUBSET"
            effect = "so the private ranges in this list have no effect"
        self.add(
            code,
            "aws:SourceIp carries only public IP addresses; requests from private "
            f"ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7) never show them, "
            f"{effect}. For addresses inside a VPC, test aws:VpcSourceIp instead.",
            span,
            PAGES["condition_keys"] + "#condition-keys-sourceip",
        )

    def check_value(self, base: str, key: str, text: str, span: Span) -> None:
        has_variable = "${" in text
        if not has_variable and base in _STRING_FAMILY and "*" not in text and "?" not in text:
            return  # the common case: a plain string compared by a String operator
        if has_variable:
            if not self.policy.variables_enabled:
                self.add(
                    "VARIABLE_UNSUPPORTED_IN_VERSION",
                    'This value contains "${", but policy variables are replaced only '
                    'when the policy says "Version": "2012-10-17". Here the text is '
                    "compared literally, so it will almost never match. Set the Version to "
                    "2012-10-17.",
                    span,
                    PAGES["variables"],
                )
                has_variable = False
            elif not self.check_variable_syntax(text, span):
                return
            elif FAMILIES[base] and "String" not in FAMILIES[base] and "ARN" not in FAMILIES[base]:
                self.add(
                    "INVALID_VARIABLE_FOR_OPERATOR",
                    f"Policy variables work only with String and ARN operators, not with {base}: "
                    "here the ${...} is not replaced. Compare with a fixed value, or use a "
                    "String operator.",
                    span,
                    PAGES["variables"] + "#policy-vars-conditionelement",
                )
                return
        literal = _strip_variables(text) if has_variable else text
        if base in LITERAL_STRING_OPERATORS and ("*" in literal or "?" in literal):
            like = base.replace("Equals", "Like").replace("IgnoreCase", "")
            self.add(
                "WILDCARD_WITHOUT_LIKE_OPERATOR",
                f"This value contains * or ?, but {base} compares them as plain "
                "characters, so it matches only that exact text. If you meant a "
                f"wildcard, use {like}.",
                span,
                PAGES["operators"] + "#Conditions_String",
            )
        if has_variable:
            return  # the type is known only once the variable is replaced
        problem = self.value_problem(base, text)
        if problem is None and base in ("IpAddress", "NotIpAddress"):
            network = _network(text)
            if "/" in text and not _is_strict_network(text):
                self.add(
                    "IMPROVE_IP_RANGE",
                    f'"{text}" has bits set after the prefix length, and AWS ignores them: '
                    f'this range is really "{network}". Write "{network}" so that the policy '
                    "says what it does.",
                    span,
                    PAGES["operators"] + "#Conditions_IPAddress",
                )
        if problem:
            code, wanted = problem
            self.add(
                code,
                f'"{text}" is not {wanted}, which {base} needs: AWS cannot read it as '
                f"one, so this value never matches {key}. Write the value in that form.",
                span,
                PAGES["operators"] + _OPERATOR_ANCHORS.get(code, ""),
            )

    @staticmethod
    def value_problem(base: str, text: str) -> tuple[str, str] | None:
        """The finding code and the kind of value ``base`` needs, when ``text`` is not one."""
        if base.startswith("Numeric"):
            if _NUMBER.fullmatch(text):
                return None
            return "TYPE_MISMATCH_NUMBER", "a number (such as 3600)"
        if base.startswith("Date"):
            if _DATE.fullmatch(text):
                return None
            return (
                "TYPE_MISMATCH_DATE",
                "a date (ISO 8601 such as 2026-01-31 or 2026-01-31T12:00:00Z, or epoch seconds)",
            )
        if base in ("Bool", "Null"):
            if text.lower() in ("true", "false"):
                return None
            return "TYPE_MISMATCH_BOOLEAN", "true or false"
        if base in ("IpAddress", "NotIpAddress"):
            try:
                _network(text)
            except ValueError:
                return (
                    "TYPE_MISMATCH_IP_RANGE",
                    "an IP address or a CIDR range (such as 203.0.113.0/24)",
                )
            return None
        if base.startswith("Arn"):
            if text == "*" or (text.startswith("arn:") and text.count(":") >= 5):
                return None
            return "TYPE_MISMATCH_ARN", "an ARN (arn:partition:service:region:account:resource)"
        if base == "BinaryEquals":
            try:
                base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                return "TYPE_MISMATCH_STRING", "base64-encoded binary data"
        return None

    def check_variable_syntax(self, text: str, span: Span) -> bool:
        start = 0
        while (start := text.find("${", start)) >= 0:
            end = text.find("}", start)
            if end < 0:
                self.add(
                    "MISSING_BRACE_IN_VARIABLE",
                    f"A policy variable starts with ${{ but never ends. {_MISSING_BRACE_HINT}",
                    span,
                    PAGES["variables"],
                )
                return False
            inner = text[start + 2 : end]
            name = inner.split(",", 1)[0]
            if not name.strip():
                self.add(
                    "EMPTY_VARIABLE",
                    "${} names no variable. Write the key to substitute, such as "
                    "${aws:username}, or remove it.",
                    span,
                    PAGES["variables"],
                )
                return False
            if "," in inner:
                default = inner.split(",", 1)[1].strip()
                if len(default) < 2 or default[0] != "'" or default[-1] != "'":
                    self.add(
                        "MISSING_QUOTE_IN_VARIABLE",
                        "The default value of a policy variable goes in single quotes after a "
                        "comma and a space, as in ${aws:username, 'anonymous'}.",
                        span,
                        PAGES["variables"],
                    )
                    return False
            if name != name.strip() or " " in name:
                self.add(
                    "UNSUPPORTED_SPACE_IN_VARIABLE",
                    f'The variable name "{name}" contains a space; variable names have '
                    "none (a default value comes after a comma: ${aws:username, 'none'}).",
                    span,
                    PAGES["variables"],
                )
                return False
            start = end + 1
        return True

    def variable_in_element(self, element_name: str, span: Span) -> None:
        self.add(
            "VARIABLE_UNSUPPORTED_IN_ELEMENT",
            f"Policy variables are not replaced in {element_name}: they work only in "
            "Resource and in condition values, so this ${...} is taken literally here. "
            "Name the principal or action directly, or move the test into a Condition.",
            span,
            PAGES["variables"],
        )

    # --- Security warnings and suggestions ----------------------------------------------

    def check_security(self, statement: Statement) -> None:
        principal = statement.principal
        assert principal is not None
        entries = principal.entries
        if not any(
            entry.kind == "Federated"
            or (entry.kind == "AWS" and (entry.value == "*" or self.role_account is not None))
            or (entry.kind == "Service" and entry.value in CONFUSED_DEPUTY_SERVICES)
            for entry in entries
        ):
            return  # nothing here that a condition must narrow
        limits = _limiting_conditions(statement.conditions)
        strict = _limiting_conditions(statement.conditions, key_always_present=False)
        for entry in entries:
            if entry.kind == "Federated":
                self.check_web_identity(entry.value, entry.span, limits, statement.conditions)
            elif entry.kind == "AWS":
                if entry.value == "*":
                    if not strict.keys() & LIMITING_KEYS:
                        self.add(
                            "MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL",
                            '{"AWS": "*"} trusts every principal of every AWS account, '
                            "including strangers' accounts; with nothing else to check, "
                            "anyone who learns the role ARN can try to assume it. Add a "
                            "condition that limits it, such as aws:PrincipalOrgID for your "
                            "organization or aws:PrincipalArn for specific roles, or name "
                            "the accounts instead.",
                            entry.span,
                        )
                else:
                    self.check_cross_account(entry.value, entry.span, strict)
            elif entry.kind == "Service":
                url = CONFUSED_DEPUTY_SERVICES.get(entry.value)
                if url and not strict.keys() & SOURCE_KEYS:
                    self.add(
                        "MISSING_SOURCE_CONDITION_FOR_SERVICE_PRINCIPAL",
                        f"{entry.value} acts on behalf of many AWS accounts. Its "
                        "documentation recommends aws:SourceAccount or aws:SourceArn in "
                        "this trust policy, so that the service can assume the role only "
                        "for your own account or resources, not when someone else's "
                        "request tricks it (the confused deputy problem).",
                        entry.span,
                        url,
                    )

    def check_cross_account(
        self, value: str, span: Span, limits: dict[str, list[Condition]]
    ) -> None:
        if self.role_account is None:
            return
        if _ACCOUNT_ID.fullmatch(value):
            account = value
        else:
            match = _AWS_ARN.fullmatch(value)
            if not match or match.group(2) != "iam" or match.group(4) != "root":
                return
            account = match.group(3)
        if account == self.role_account:
            return
        if limits.keys() & {"sts:externalid", "aws:principalorgid", "aws:principalorgpaths"}:
            return
        self.add(
            "MISSING_EXTERNAL_ID_FOR_CROSS_ACCOUNT_TRUST",
            f"This trusts the whole account {account}, which is not the role's account. If "
            "that account belongs to a third party that serves many customers, require "
            "the external ID you agreed with them (a StringEquals condition on "
            "sts:ExternalId), so that another customer cannot trick them into using "
            "your role.",
            span,
            PAGES["external_id"],
        )

    def check_web_identity(
        self,
        value: str,
        span: Span,
        limits: dict[str, list[Condition]],
        conditions: list[Condition],
    ) -> None:
        match = _OIDC_ARN.fullmatch(value)
        if match:
            provider = match.group(1)
            host = provider.split("/", 1)[0]
            if host == GITHUB_HOST:
                self.check_github(provider, span, limits, conditions)
            missing = [
                claim
                for claim, keys in (
                    ("aud", (f"{provider}:aud", f"{provider}:azp")),
                    ("sub", (f"{provider}:sub",)),
                )
                # GitHub's subject is checked by check_github (sub, repository, ...).
                if not any(key.lower() in limits for key in keys)
                and not (host == GITHUB_HOST and claim == "sub")
            ]
            if missing:
                names = " and ".join(f"{provider}:{claim}" for claim in missing)
                self.add(
                    "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
                    f"This trusts every token from {host} that has no condition on {names}. "
                    "The audience (aud) says which application the token was issued for "
                    "and the subject (sub) says which user or workload it identifies; "
                    "without them, any identity of this provider may assume the role. Add "
                    f"a StringEquals condition on {names}.",
                    span,
                    PAGES["oidc"],
                )
            return
        audience = NAMED_WEB_PROVIDERS.get(value)
        if audience is not None and audience.lower() not in limits:
            self.add(
                "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
                f"This trusts every token from {value} without a condition on {audience}. "
                "That key names your application (for Amazon Cognito, your identity pool "
                "ID); without it, users of anyone else's application at the same provider "
                f"can assume the role. Add a StringEquals condition on {audience}.",
                span,
                PAGES["cognito"] if value.startswith("cognito") else PAGES["oidc"],
            )

    def check_github(
        self,
        provider: str,
        span: Span,
        limits: dict[str, list[Condition]],
        conditions: list[Condition],
    ) -> None:
        keys = {f"{provider}:{claim}".lower() for claim in ("sub", "repository", "repository_id")}
        subject = [
            condition
            for condition in conditions
            if condition.key.lower() in keys and _is_positive(condition.operator)
        ]
        if not subject:
            self.add(
                "MISSING_GITHUB_REPO_CONDITION_KEY",
                "This trusts GitHub Actions without a condition on "
                f"{provider}:sub, so a workflow in any GitHub repository, including "
                "a stranger's, can assume the role. Add a condition on the sub claim that "
                'names your repository, such as "StringLike": '
                f'{{"{provider}:sub": "repo:my-org/my-repo:*"}}.',
                span,
                PAGES["oidc"] + "#idp_oidc_Create_GitHub",
            )
            return
        permissive = []
        for condition in subject:
            base = condition.operator.split(":")[-1].removesuffix("IfExists")
            wild = [
                value
                for value in condition.values
                if base in LIKE_OPERATORS and _admits_any_repository(value.text)
            ]
            if not wild:
                return  # one condition that names the repositories is enough (AND)
            permissive.extend(wild)
        for value in permissive:
            owner = _github_owner(value.text)
            if owner is None:
                self.add(
                    "OVERLY_PERMISSIVE_GITHUB_REPO_CONDITION",
                    f'"{value.text}" lets workflows of any owner\'s repositories match (the '
                    "wildcard sits in the owner), so repositories you do not control can "
                    "assume the role. Name your organization and repository, as in "
                    '"repo:my-org/my-repo:*" or "repo:my-org/my-repo:ref:refs/heads/main".',
                    value.span,
                    PAGES["oidc"] + "#idp_oidc_Create_GitHub",
                )
                continue
            # AWS gives "repo:GitHubOrg/*" as the minimum condition, and recommends
            # narrowing it to repositories or branches (id_roles_create_for-idp_oidc.html).
            self.add(
                "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED",
                f'"{value.text}" lets a workflow of any repository of {owner} assume the '
                f"role, including repositories {owner} creates later. That is the minimum "
                "AWS recommends; name the repository (and branch) that deploys, as in "
                f'"repo:{owner}/my-repo:ref:refs/heads/main".',
                value.span,
                PAGES["oidc"] + "#idp_oidc_Create_GitHub",
            )


def _is_positive(operator: str, *, key_always_present: bool = True) -> bool:
    """True for an operator that can only narrow who matches (not negated, not Null).

    When the key may be missing from the request, ``ForAllValues`` does not
    narrow anything: it is also true when the key is missing.
    """
    if not key_always_present and operator.startswith("ForAllValues:"):
        return False
    base = operator.split(":")[-1].removesuffix("IfExists")
    return base in FAMILIES and base not in NEGATED and base != "Null"


def _limiting_conditions(
    conditions: list[Condition], *, key_always_present: bool = True
) -> dict[str, list[Condition]]:
    """Keys (lowercased) tested by a positive operator with some value other than "*".

    With ``key_always_present=False`` an ``IfExists`` operator does not count,
    because it lets in every request that lacks the key (for example a
    principal outside any organization for ``aws:PrincipalOrgID``).
    """
    limits: dict[str, list[Condition]] = {}
    for condition in conditions:
        operator = condition.operator
        if not _is_positive(operator, key_always_present=key_always_present):
            continue
        if not key_always_present and operator.endswith("IfExists"):
            continue
        if not condition.values or all(value.text == "*" for value in condition.values):
            continue
        key = condition.key.lower()
        if key in _ACCOUNT_SCOPED_KEYS and not all(
            _names_an_account(key, value.text) for value in condition.values
        ):
            continue  # one value admits every account, so the condition limits nothing
        limits.setdefault(key, []).append(condition)
    return limits


#: Keys whose values limit a request to accounts only when they name the account.
_ACCOUNT_SCOPED_KEYS = frozenset(
    {"aws:principalarn", "aws:sourcearn", "aws:principalaccount", "aws:sourceaccount"}
)


def _names_an_account(key: str, text: str) -> bool:
    """False for a value that any account can match: a wildcard in its account field
    (``arn:aws:iam::*:role/deploy``) or in the account id itself."""
    if key.endswith("account"):
        account = text
    else:
        fields = text.split(":", 5)
        if len(fields) < 6:
            return "*" not in text and "?" not in text
        account = fields[4]
    return bool(account) and "*" not in account and "?" not in account


_PRIVATE_RANGES = tuple(
    ipaddress.ip_network(cidr)
    for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


@lru_cache(maxsize=1024)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An IP address or CIDR range as a network (host bits ignored); raises ValueError."""
    return ipaddress.ip_network(text, strict=False)


@lru_cache(maxsize=1024)
def _is_strict_network(text: str) -> bool:
    """False when a CIDR range has bits set after its prefix length."""
    try:
        ipaddress.ip_network(text)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)
def _is_private(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """RFC 1918 and RFC 4193 ranges: never the source of a request that reaches AWS."""
    return any(
        network.version == private.version and network.subnet_of(private)  # type: ignore[arg-type]  # versions checked first
        for private in _PRIVATE_RANGES
    )


def _admits_any_repository(value: str) -> bool:
    """True when a GitHub ``sub`` pattern matches more than one owner/repository."""
    if not value.startswith("repo:"):
        head = value.split(":", 1)[0]
        return "*" in head or "?" in head
    repository = value[len("repo:") :].split(":", 1)[0]
    return "*" in repository or "?" in repository or "/" not in repository


def _github_owner(value: str) -> str | None:
    """The one owner a GitHub ``sub`` pattern is limited to, or ``None`` for any owner."""
    if not value.startswith("repo:"):
        return None
    owner, slash, _ = value[len("repo:") :].partition("/")
    if not slash or not owner or "*" in owner or "?" in owner:
        return None
    return owner
