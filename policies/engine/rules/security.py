"""Security warnings and suggestions: who a principal lets in, and the conditions that narrow it."""

from __future__ import annotations

from collections.abc import Container

from ..aws.analyzer import (
    KEYS_ABSENT_FOR_SERVICE_PRINCIPALS,
    NOT_SERVICE_SOURCE_KEYS,
    SERVICE_SOURCE_KEYS,
)
from ..aws.arns import ACCOUNT_ID, ROOT_ARN, oidc_provider
from ..aws.operators import OPERATOR_FORMS, OPERATORS, Operator
from ..aws.principals import CONFUSED_DEPUTY_SERVICES, GITHUB_HOST, WEB_IDENTITY_PROVIDERS
from ..codes import PAGES
from ..findings import Finding
from ..model import Condition, Value
from ..parser import Span
from .common import Checked, finding
from .registry import RuleInput, statement_rule

Limits = dict[str, list[Condition]]

#: Keys that tie a service's request to the account or resource it acts for.
SOURCE_KEYS = SERVICE_SOURCE_KEYS
#: Keys whose presence means a service principal is narrowed, rightly or not.
_NARROWING_KEYS = SOURCE_KEYS | NOT_SERVICE_SOURCE_KEYS | KEYS_ABSENT_FOR_SERVICE_PRINCIPALS
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


@statement_rule
def trust_security(given: RuleInput) -> list[Finding]:
    """Who an Allow lets in: strangers' accounts, any token of a provider, a deputy.

    A list, not a generator: it runs on every statement and seldom finds anything;
    the checks append to it.
    """
    statement = given.statement
    principal = statement.principal
    if principal is None or statement.effect != "Allow":
        return []
    out: list[Finding] = []
    conditions = statement.conditions
    # Each check asks whether the few keys it knows narrow the principal
    # (_narrowed_by), rather than reading every condition into a table.
    for entry in principal.entries:
        kind, value, span = entry.kind, entry.value, entry.span
        if kind == "Federated":
            check_web_identity(given, value, span, conditions, out)
        elif kind == "AWS":
            if value == "*":
                if not _narrowed_by(conditions, LIMITING_KEYS):
                    out.append(_wildcard_principal(span))
            else:
                check_cross_account(given, value, span, conditions, out)
        elif kind == "Service" and value in CONFUSED_DEPUTY_SERVICES:
            _service_source(value, span, conditions, out)
    return out


def _wildcard_principal(span: Span) -> Finding:
    return finding(
        "MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL",
        '{"AWS": "*"} trusts every principal of every AWS account, '
        "including strangers' accounts; with nothing else to check, "
        "anyone who learns the role ARN can try to assume it. Add a "
        "condition that limits it, such as aws:PrincipalOrgID for your "
        "organization or aws:PrincipalArn for specific roles, or name "
        "the accounts instead.",
        span,
    )


def _service_source(
    service: str, span: Span, conditions: list[Condition], out: list[Finding]
) -> None:
    url = CONFUSED_DEPUTY_SERVICES[service]
    # Narrowed by a key that is not a source key: rules.analyzer says so on that key
    # (RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL, or UNSUPPORTED_CONDITION_KEY_FOR_
    # SERVICE_PRINCIPAL for a key the service never sends), one finding for one problem.
    if not _narrowed_by(conditions, _NARROWING_KEYS):
        out.append(
            finding(
                "MISSING_SOURCE_CONDITION_FOR_SERVICE_PRINCIPAL",
                f"{service} acts on behalf of many AWS accounts. Its "
                "documentation recommends aws:SourceAccount or aws:SourceArn in "
                "this trust policy, so that the service can assume the role only "
                "for your own account or resources, not when someone else's "
                "request tricks it (the confused deputy problem).",
                span,
                url,
            )
        )


def check_cross_account(
    ctx: Checked, value: str, span: Span, conditions: list[Condition], out: list[Finding]
) -> None:
    if ctx.role_account is None:
        return
    if len(value) == 12 and ACCOUNT_ID.fullmatch(value):  # 12 characters, or no account id
        account = value
    else:
        # One pattern for the account's root ARN, not PRINCIPAL_ARN and then a test
        # of its service and resource.
        match = ROOT_ARN.fullmatch(value)
        if match is None:
            return
        account = match.group(1)
    if account == ctx.role_account or _narrowed_by(conditions, _THIRD_PARTY_KEYS):
        return
    out.append(
        finding(
            "MISSING_EXTERNAL_ID_FOR_CROSS_ACCOUNT_TRUST",
            f"This trusts the whole account {account}, which is not the role's account. If "
            "that account belongs to a third party that serves many customers, require "
            "the external ID you agreed with them (a StringEquals condition on "
            "sts:ExternalId), so that another customer cannot trick them into using "
            "your role.",
            span,
            PAGES["external_id"],
        )
    )


#: Keys that keep a third party's other customers out of a cross-account trust.
_THIRD_PARTY_KEYS = frozenset({"sts:externalid", "aws:principalorgid", "aws:principalorgpaths"})


def check_web_identity(
    ctx: Checked,
    value: str,
    span: Span,
    conditions: list[Condition],
    out: list[Finding],
) -> None:
    provider = oidc_provider(value)
    if provider is not None:
        host = provider.partition("/")[0]
        if host == GITHUB_HOST:
            check_github(ctx, provider, span, conditions, out)
        _oidc_claims(provider, host, span, conditions, out)
        return
    audience = WEB_IDENTITY_PROVIDERS.get(value)
    if audience is not None and not _narrowed_by(
        conditions, (audience.lower(),), key_always_present=True
    ):
        out.append(
            finding(
                "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
                f"This trusts every token from {value} without a condition on {audience}. "
                "That key names your application (for Amazon Cognito, your identity pool "
                "ID); without it, users of anyone else's application at the same provider "
                f"can assume the role. Add a StringEquals condition on {audience}.",
                span,
                PAGES["cognito"] if value.startswith("cognito") else PAGES["oidc"],
            )
        )


def _oidc_claims(
    provider: str, host: str, span: Span, conditions: list[Condition], out: list[Finding]
) -> None:
    """An OIDC provider's audience and subject are both pinned (GitHub's subject is
    checked by :func:`check_github`, which also knows its repository claims)."""
    lowered = provider.lower()  # keys are compared lowercased
    missing = []
    if not _narrowed_by(conditions, (lowered + ":aud", lowered + ":azp"), key_always_present=True):
        missing.append("aud")
    if host != GITHUB_HOST and not _narrowed_by(
        conditions, (lowered + ":sub",), key_always_present=True
    ):
        missing.append("sub")
    if missing:
        names = " and ".join(f"{provider}:{claim}" for claim in missing)
        out.append(
            finding(
                "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
                f"This trusts every token from {host} that has no condition on {names}. "
                "The audience (aud) says which application the token was issued for "
                "and the subject (sub) says which user or workload it identifies; "
                "without them, any identity of this provider may assume the role. Add "
                f"a StringEquals condition on {names}.",
                span,
                PAGES["oidc"],
            )
        )


#: The claims of GitHub's tokens that name a repository (the subject, and the
#: repository by name and by id: https://docs.github.com/en/actions/reference/security/oidc).
_GITHUB_REPOSITORY_CLAIMS = frozenset({"sub", "repository", "repository_id"})


def check_github(
    ctx: Checked,
    provider: str,
    span: Span,
    conditions: list[Condition],
    out: list[Finding],
) -> None:
    prefix = provider.lower() + ":"
    cut = len(prefix)
    permissive: list[Value] = []
    named = False  # a condition on a repository claim with a positive operator
    for condition in conditions:
        key = condition.key.lower()
        if not key.startswith(prefix) or key[cut:] not in _GITHUB_REPOSITORY_CLAIMS:
            continue
        operator = condition.operator
        if not _is_positive(operator):
            continue  # a negated or Null operator names no repository
        named = True
        wild = _wildcard_repositories(operator, condition.values)
        if not wild:
            return  # one condition that names the repositories is enough (AND)
        permissive.extend(wild)
    if not named:
        out.append(
            finding(
                "MISSING_GITHUB_REPO_CONDITION_KEY",
                "This trusts GitHub Actions without a condition on "
                f"{provider}:sub, so a workflow in any GitHub repository, including "
                "a stranger's, can assume the role. Add a condition on the sub claim that "
                'names your repository, such as "StringLike": '
                f'{{"{provider}:sub": "repo:my-org/my-repo:*"}}.',
                span,
                PAGES["oidc"] + "#idp_oidc_Create_GitHub",
            )
        )
        return
    out.extend([_github_wildcard(value) for value in permissive])


def _wildcard_repositories(operator: str, values: list[Value]) -> list[Value]:
    """The values of a positive operator on a repository claim that admit any repository."""
    form = OPERATOR_FORMS.get(operator)
    base = (
        form.operator
        if form is not None
        else OPERATORS[operator.split(":")[-1].removesuffix("IfExists")]
    )
    if not values or not base.takes_wildcards:
        return []
    return [value for value in values if _admits_any_repository(value.text)]


def _github_wildcard(value: Value) -> Finding:
    """Any owner is a security warning; any repository of one owner, AWS's minimum, a
    general warning that names the owner (id_roles_create_for-idp_oidc.html)."""
    owner = _github_owner(value.text)
    if owner is None:
        return finding(
            "OVERLY_PERMISSIVE_GITHUB_REPO_CONDITION",
            f'"{value.text}" lets workflows of any owner\'s repositories match (the '
            "wildcard sits in the owner), so repositories you do not control can "
            "assume the role. Name your organization and repository, as in "
            '"repo:my-org/my-repo:*" or "repo:my-org/my-repo:ref:refs/heads/main".',
            value.span,
            PAGES["oidc"] + "#idp_oidc_Create_GitHub",
        )
    return finding(
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
    form = OPERATOR_FORMS.get(operator)
    if form is not None:  # a well-written name: no splitting
        op: Operator | None = form.operator
        if not key_always_present and form.set_prefix == "ForAllValues":
            return False
    elif not key_always_present and operator.startswith("ForAllValues:"):
        return False
    else:
        op = OPERATORS.get(operator.split(":")[-1].removesuffix("IfExists"))
    return op is not None and not op.negated and op.family != "Null"


def _limiting_conditions(conditions: list[Condition], *, key_always_present: bool = True) -> Limits:
    """Keys (lowercased) tested by a positive operator with some value other than "*".

    With ``key_always_present=False`` an ``IfExists`` operator does not count,
    because it lets in every request that lacks the key (for example a
    principal outside any organization for ``aws:PrincipalOrgID``).
    """
    limits: Limits = {}
    counted = _COUNTED if key_always_present else _COUNTED_WHEN_KEY_MAY_BE_MISSING
    for condition in conditions:
        key = condition.key.lower()
        if _limits(condition, key, counted, key_always_present):
            limits.setdefault(key, []).append(condition)
    return limits


def _narrowed_by(
    conditions: list[Condition], keys: Container[str], *, key_always_present: bool = False
) -> bool:
    """Whether a condition on one of ``keys`` (lowercased) limits who matches: whether
    :func:`_limiting_conditions` would give one of them.

    The keys are looked at first and the search stops at the first that limits: each
    check of trust_security asks about a few keys. By default the key may be missing
    from the request (a wildcard, another account, a deputy service); a web identity
    token always carries its claims.
    """
    counted = _COUNTED if key_always_present else _COUNTED_WHEN_KEY_MAY_BE_MISSING
    for condition in conditions:
        key = condition.key.lower()
        if key in keys and _limits(condition, key, counted, key_always_present):
            return True
    return False


def _limits(
    condition: Condition, key: str, counted: frozenset[str], key_always_present: bool
) -> bool:
    """Whether ``condition`` (on ``key``, lowercased) limits who matches: a positive
    operator (``counted`` holds the well-written ones) with some value other than "*"."""
    operator = condition.operator
    if operator not in counted and (
        operator in OPERATOR_FORMS  # a well-written name that does not count
        or not _is_positive(operator, key_always_present=key_always_present)
        or (not key_always_present and operator.endswith("IfExists"))
    ):
        return False
    values = condition.values
    for value in values:
        if value.text != "*":
            break
    else:
        return False  # no value, or only "*"
    # One value that admits every account makes an account-scoped condition limit nothing.
    return key not in _ACCOUNT_SCOPED_KEYS or all(
        _names_an_account(key, value.text) for value in values
    )


#: The well-written operator names that count in :func:`_limiting_conditions`, as
#: :func:`_is_positive` and the ``IfExists`` rule decide (tables built at import).
_COUNTED = frozenset(name for name in OPERATOR_FORMS if _is_positive(name))
_COUNTED_WHEN_KEY_MAY_BE_MISSING = frozenset(
    name
    for name in OPERATOR_FORMS
    if _is_positive(name, key_always_present=False) and not name.endswith("IfExists")
)


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
