"""Rules about Principal and NotPrincipal in a role trust policy."""

from __future__ import annotations

import re

from ..aws.arns import (
    ACCOUNT_ID,
    CANONICAL_USER,
    OIDC_PROVIDER_ARN_WITH_SCHEME,
    PRINCIPAL_ARN,
    SAML_PROVIDER_ARN,
    UNIQUE_ID_KINDS,
    VALID_PRINCIPAL_ARN,
    oidc_provider,
    unique_id_kind,
)
from ..aws.principals import (
    PRINCIPAL_KEYS,
    SERVICE_PRINCIPAL,
    WEB_IDENTITY_PROVIDERS,
    is_service_principal,
)
from ..codes import PAGES
from ..findings import Finding
from ..parser import JNode, Span
from .common import Checked, check_unique_keys, close, finding, head, variable_in_element
from .registry import RuleInput, statement_rule

_SERVICE_LABEL = re.compile(r"[a-z0-9-]+")  # compiled once, not per principal


@statement_rule
def statement_principal(given: RuleInput) -> list[Finding]:
    """Principal, not NotPrincipal: an object naming AWS, Service or Federated principals.

    A list, not a generator: it runs on every statement and almost always finds
    nothing; the checks of each principal append to it.
    """
    members = given.members
    out: list[Finding] = []
    if "NotPrincipal" in members:
        out.append(
            finding(
                "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
                "NotPrincipal cannot be used in a role trust policy (only in some other "
                "resource-based policies, and only with Deny). A "
                "trust policy must name who may assume the role: use Principal with the "
                "accounts, roles, services or identity providers you trust.",
                members["NotPrincipal"].key_span,
                PAGES["principal"],
            )
        )
    member = members.get("Principal")
    if member is None:
        if "NotPrincipal" not in members and close("Principal", members) is None:
            out.append(
                finding(
                    "MISSING_PRINCIPAL",
                    "This trust policy statement names no Principal, and a trust policy "
                    "must: the Principal says who may assume the role. Add, for example, "
                    '"Principal": {"Service": "ec2.amazonaws.com"}.',
                    head(given.statement.node.span),
                    PAGES["principal"],
                )
            )
        return out
    value = member.value
    if value.kind == "string":
        out.append(_principal_string(value))
        return out
    if value.kind != "object":
        out.append(
            finding(
                "DATA_TYPE_MISMATCH",
                'Principal is an object such as {"AWS": "arn:aws:iam::111122223333:root"}.',
                value.span,
                PAGES["principal"],
            )
        )
        return out
    _principal_object(given, value, out)
    return out


def _principal_string(value: JNode) -> Finding:
    """A Principal written as a string instead of an object."""
    if value.text == "*":
        return finding(
            "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            'A bare "Principal": "*" is not accepted in a role trust policy. '
            'If you really mean every AWS principal, write {"AWS": "*"} and limit '
            "it with a condition such as aws:PrincipalOrgID; better, name the "
            "accounts or roles you trust.",
            value.span,
            PAGES["principal"],
        )
    return finding(
        "INVALID_PRINCIPAL_FORMAT",
        "Principal is an object that says what kind of principal this is: "
        'write {"AWS": "..."} for accounts, users and roles, {"Service": "..."} '
        'for AWS services, or {"Federated": "..."} for identity providers.',
        value.span,
        PAGES["principal"],
    )


def _principal_object(ctx: Checked, value: JNode, out: list[Finding]) -> None:
    members = value.value  # an object node's members, read once
    if len(members) > 1:
        out.extend(check_unique_keys(ctx, value))
    if not members:
        out.append(
            finding(
                "EMPTY_OBJECT_PRINCIPAL",
                "The Principal object is empty, so this statement lets nobody in. Name "
                "who may assume the role.",
                value.span,
                PAGES["principal"],
            )
        )
    for member in members:
        key = member.key
        if key not in PRINCIPAL_KEYS:
            guess = close(key, PRINCIPAL_KEYS)
            hint = f' Did you mean "{guess}"?' if guess else ""
            out.append(
                finding(
                    "INVALID_PRINCIPAL_KEY",
                    f'"{key}" is not a principal type. Use "AWS" (accounts, users, roles), '
                    '"Service" (AWS services), "Federated" (identity providers) or '
                    f'"CanonicalUser".{hint}',
                    member.key_span,
                    PAGES["principal"],
                )
            )
            continue
        _principal_values(ctx, key, member.value, out)


def _principal_values(ctx: Checked, key: str, entries: JNode, out: list[Finding]) -> None:
    if entries.kind != "array":
        items = [entries]
    elif not (items := entries.value):
        out.append(
            finding(
                "EMPTY_ARRAY_PRINCIPAL",
                f"The {key} list is empty; name at least one principal or remove it.",
                entries.span,
                PAGES["principal"],
            )
        )
    for item in items:
        kind, text, span = item.kind, item.value, item.span
        if kind != "string":
            out.append(
                finding(
                    "DATA_TYPE_MISMATCH",
                    f"Each {key} principal is text in quotes.",
                    span,
                    PAGES["principal"],
                )
            )
            continue
        found: Finding | None
        if "${" in text:
            found = variable_in_element(ctx, "Principal", span)
        elif key == "AWS":
            found = check_aws_principal(ctx, text, span)
        elif key == "Service":
            found = check_service_principal(ctx, text, span)
        elif key == "Federated":
            found = check_federated_principal(ctx, text, span)
        else:
            found = check_canonical_user(ctx, text, span)
        if found is not None:
            out.append(found)


def check_aws_principal(ctx: Checked, text: str, span: Span) -> Finding | None:
    # An account id has 12 characters: the pattern only for text of that length.
    if text == "*" or (len(text) == 12 and ACCOUNT_ID.fullmatch(text)):
        return None
    # Only the unique ids of a user or a role have a kind: no regular expression for
    # the text that starts otherwise (an ARN, the usual case).
    kind = unique_id_kind(text) if text[:4] in UNIQUE_ID_KINDS else None
    if kind is not None:
        return finding(
            "INVALID_ROLE_REFERENCE" if kind == "role" else "INVALID_USER_REFERENCE",
            f"{text} is the unique ID of an IAM {kind}, not its ARN. IAM shows an ID "
            f"here when the {kind} the policy named was deleted: the trust pointed at "
            f"that exact {kind}, and a new {kind} with the same name is a different "
            f"principal that does not match. Replace the ID with the ARN of the {kind} "
            "you want to trust now.",
            span,
            PAGES["principal"] + ("#principal-roles" if kind == "role" else "#principal-users"),
        )
    if "*" in text or "?" in text:
        return finding(
            "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            f'"{text}" uses a wildcard inside a principal, which IAM does not support: '
            "a principal names exact accounts, users or roles. To trust many roles, "
            'name the account and add a condition such as "ArnLike": '
            '{"aws:PrincipalArn": "arn:aws:iam::111122223333:role/deploy-*"}.',
            span,
            PAGES["principal"],
        )
    if VALID_PRINCIPAL_ARN.fullmatch(text):
        return None  # an account's root, a user, a role or a role session: one pattern
    match = PRINCIPAL_ARN.fullmatch(text)
    if match and match.group(4).startswith("group/"):
        return finding(
            "INVALID_PRINCIPAL_FORMAT",
            "An IAM group cannot be a principal: groups hold permissions but never "
            "sign in or make requests. Name the users, a role, or the account.",
            span,
            PAGES["principal"],
        )
    return finding(
        "INVALID_PRINCIPAL_FORMAT",
        f'"{text}" is not an AWS principal. Use a 12-digit account ID, '
        "arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/NAME, "
        "arn:aws:iam::ACCOUNT:role/NAME or "
        "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.",
        span,
        PAGES["principal"],
    )


def check_service_principal(ctx: Checked, text: str, span: Span) -> Finding | None:
    if "*" in text or "?" in text:
        return finding(
            "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            f'"{text}" uses a wildcard in a service principal, which IAM does not '
            "support. Name each service that may assume the role, such as "
            '"ec2.amazonaws.com".',
            span,
            PAGES["principal"] + "#principal-services",
        )
    if is_service_principal(text):
        return None
    if SERVICE_PRINCIPAL.fullmatch(text.lower()):
        hint = f' Write it in lowercase: "{text.lower()}".'
    elif text.startswith("arn:"):
        hint = ' An ARN is an "AWS" principal, not a "Service".'
    elif _SERVICE_LABEL.fullmatch(text):
        hint = f' Did you mean "{text}.amazonaws.com"?'
    else:
        hint = ""
    return finding(
        "INVALID_SERVICE_PRINCIPAL_FORMAT",
        f'"{text}" is not a service principal. A service principal is the service\'s '
        f'name followed by .amazonaws.com, such as "lambda.amazonaws.com".{hint}',
        span,
        PAGES["principal"] + "#principal-services",
    )


def check_federated_principal(ctx: Checked, text: str, span: Span) -> Finding | None:
    if "://" in text and OIDC_PROVIDER_ARN_WITH_SCHEME.fullmatch(text):
        return None  # reported by rules.federation
    if (
        text in WEB_IDENTITY_PROVIDERS
        or oidc_provider(text) is not None
        or SAML_PROVIDER_ARN.fullmatch(text)
    ):
        if "*" in text or "?" in text:
            return finding(
                "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                f'"{text}" uses a wildcard in an identity provider ARN; name the exact provider.',
                span,
                PAGES["principal"],
            )
        return None
    return finding(
        "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
        f'"{text}" is not an identity provider. A federated principal is the ARN of an '
        "IAM OIDC provider (arn:aws:iam::ACCOUNT:oidc-provider/HOST) or SAML provider "
        "(arn:aws:iam::ACCOUNT:saml-provider/NAME), or one of "
        "cognito-identity.amazonaws.com, accounts.google.com, graph.facebook.com, "
        "www.amazon.com.",
        span,
        PAGES["principal"] + "#principal-federated-users",
    )


def check_canonical_user(ctx: Checked, text: str, span: Span) -> Finding | None:
    if not CANONICAL_USER.fullmatch(text):
        return finding(
            "INVALID_PRINCIPAL_FORMAT",
            f'"{text}" is not a canonical user ID (64 lowercase hexadecimal characters).',
            span,
            PAGES["principal"],
        )
    return None
