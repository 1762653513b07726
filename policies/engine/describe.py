"""Who can assume this role, and under which conditions, in plain language.

This reads the trust policy as a whole, not one request: each service, each
account or IAM identity (and whether their own permissions are also needed),
each federated identity with the claims it must present, and loud flags for
"anyone at all" and "any GitHub repository".

Sources:
- Naming an account hands the decision to that account, whose own identity
  policies must then allow the call; another account's identities always need
  their own permission:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
  and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
- GitHub Actions must be limited with ``token.actions.githubusercontent.com:sub``:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .aws.arns import is_unique_id, parse_arn
from .aws.principals import GITHUB_HOST
from .conditions import parse_operator
from .errors import UsageError
from .matching import WELL_KNOWN_WEB_PROVIDERS
from .model import Condition, Policy, Statement

GrantKind = Literal[
    "everyone",
    "any_aws",
    "account",
    "user",
    "role",
    "session",
    "service",
    "federated",
    "nobody",
]


@dataclass(slots=True)
class ConditionSummary:
    operator: str
    key: str
    values: list[str]
    text: str  # "sts:ExternalId must be 'abc'"

    def to_dict(self) -> dict[str, Any]:
        return {
            "operator": self.operator,
            "key": self.key,
            "values": self.values,
            "text": self.text,
        }


@dataclass(slots=True)
class Grant:
    """One principal that an Allow statement lets in, with its conditions."""

    kind: GrantKind
    principal: str
    statement_index: int
    sid: str | None
    actions: list[str]
    account: str | None = None
    own_permission_needed: bool | None = None  # None: depends on the role's account
    conditions: list[ConditionSummary] = field(default_factory=list)
    claims: list[ConditionSummary] = field(default_factory=list)
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "principal": self.principal,
            "statement_index": self.statement_index,
            "sid": self.sid,
            "actions": self.actions,
            "account": self.account,
            "own_permission_needed": self.own_permission_needed,
            "conditions": [c.to_dict() for c in self.conditions],
            "claims": [c.to_dict() for c in self.claims],
            "text": self.text,
        }


@dataclass(slots=True)
class Description:
    """The answer of :func:`describe`."""

    grants: list[Grant]
    denies: list[str]
    anyone_outside_account: bool
    anyone_at_all: bool
    any_github_repository: bool
    accounts: list[str]
    readable: bool = True
    warnings: list[str] = field(default_factory=list)

    def text(self) -> list[str]:
        """Plain-language lines, the loudest first."""
        lines: list[str] = []
        if not self.readable:
            return ["This policy cannot be read, so nobody can assume the role with it."]
        lines.extend(self.warnings)
        if not self.grants:
            lines.append("Nobody can assume this role: no Allow statement names a principal.")
        lines.extend(g.text for g in self.grants)
        lines.extend(self.denies)
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "grants": [g.to_dict() for g in self.grants],
            "denies": list(self.denies),
            "anyone_outside_account": self.anyone_outside_account,
            "anyone_at_all": self.anyone_at_all,
            "any_github_repository": self.any_github_repository,
            "accounts": list(self.accounts),
            "text": self.text(),
        }


def _values_text(values: list[str]) -> str:
    shown = [f"'{v}'" for v in values[:6]]
    if len(values) > 6:
        shown.append(f"{len(values) - 6} more")
    if len(shown) == 1:
        return shown[0]
    return "one of " + ", ".join(shown)


_COMPARE_WORDS = {
    "NumericLessThan": "less than",
    "NumericLessThanEquals": "at most",
    "NumericGreaterThan": "greater than",
    "NumericGreaterThanEquals": "at least",
    "DateLessThan": "before",
    "DateLessThanEquals": "at or before",
    "DateGreaterThan": "after",
    "DateGreaterThanEquals": "at or after",
}


def summarize_condition(cond: Condition) -> ConditionSummary:
    """One condition as a short plain-language clause ("sts:ExternalId is 'abc'")."""
    values = [v.text for v in cond.values]
    spec = parse_operator(cond.operator)
    if spec is None:
        text = f"{cond.key} passes the unknown operator '{cond.operator}' (never true)"
        return ConditionSummary(cond.operator, cond.key, values, text)
    if spec.family == "Null":
        if values == ["true"]:
            text = f"{cond.key} is absent"
        elif values == ["false"]:
            text = f"{cond.key} is present"
        else:
            text = f"{cond.key} passes a Null check with {_values_text(values)}"
        return ConditionSummary(cond.operator, cond.key, values, text)
    if spec.name.endswith("Like") or spec.family == "Arn":
        verb = "does not match" if spec.negated else "matches"
    elif spec.family == "IpAddress":
        verb = "is not in" if spec.negated else "is in"
    else:
        words = _COMPARE_WORDS.get(spec.name)
        verb = ("is not " if spec.negated else "is ") + (words or "")
        verb = verb.rstrip()
    if spec.name.endswith("IgnoreCase"):
        verb += " (ignoring case)"
    subject = cond.key
    if spec.set_operator == "ForAllValues":
        subject = f"every value of {cond.key}"
    elif spec.set_operator == "ForAnyValue":
        subject = f"at least one value of {cond.key}"
    text = f"{subject} {verb} {_values_text(values)}"
    if spec.if_exists:
        text += " (when present)"
    return ConditionSummary(cond.operator, cond.key, values, text)


def _github_any_repo(conditions: list[Condition]) -> bool:
    """True when no condition pins ``token.actions.githubusercontent.com:sub`` to
    a repository (missing, negated, or with the owner left to a wildcard)."""
    subs = [c for c in conditions if c.key.lower() == f"{GITHUB_HOST}:sub"]
    pinned = False
    for c in subs:
        spec = parse_operator(c.operator)
        if spec is None or spec.negated or spec.if_exists or spec.family != "String":
            continue
        if spec.set_operator == "ForAllValues":
            continue
        if all(_pins_repository(v.text) for v in c.values):
            pinned = True
    return not pinned


def _pins_repository(pattern: str) -> bool:
    """``repo:OWNER/NAME:...`` with a concrete owner and repository name."""
    if not pattern.startswith("repo:"):
        return False
    owner_repo = pattern[len("repo:") :].split(":", 1)[0]
    owner, _, repo = owner_repo.partition("/")
    return bool(owner) and bool(repo) and not any(c in owner + repo for c in "*?")


def _claim_prefix(principal: str) -> str | None:
    if principal in WELL_KNOWN_WEB_PROVIDERS:
        return principal.lower() + ":"
    arn = parse_arn(principal)
    if arn is None:
        return None
    if arn.resource.startswith("oidc-provider/"):
        return arn.resource[len("oidc-provider/") :].lower() + ":"
    if arn.resource.startswith("saml-provider/"):
        return "saml:"
    return None


def _conditions_tail(conds: list[ConditionSummary]) -> str:
    if not conds:
        return ""
    return ", only when " + " and ".join(c.text for c in conds)


def _grant_for(kind: str, value: str, statement: Statement, role_account: str | None) -> Grant:
    actions = [v.text for v in statement.actions or []]
    base = Grant("nobody", value, statement.index, statement.sid, actions)
    base.conditions = [summarize_condition(c) for c in statement.conditions]
    act = ", ".join(actions) if actions else "(no action)"
    if kind == "AWS":
        _aws_grant(base, act, role_account)
    elif kind == "Service":
        base.kind = "service"
        base.own_permission_needed = False
        base.text = f"The AWS service {value} may call {act}{_conditions_tail(base.conditions)}."
    elif kind == "Federated":
        _federated_grant(base, act)
    elif kind == "CanonicalUser":
        base.text = f"The CanonicalUser '{value}' never names a caller of AWS STS."
    else:
        base.text = f"'{kind}' is not a principal type: it names nobody."
    return base


def _aws_grant(base: Grant, act: str, role_account: str | None) -> None:
    """Fill in ``base`` for an ``"AWS"`` principal entry."""
    value, tail = base.principal, _conditions_tail(base.conditions)
    if value == "*":
        base.kind = "any_aws"
        base.own_permission_needed = None
        if base.conditions:
            base.text = (
                f"Any AWS principal in any account may call {act}{tail}. Principals in "
                "other accounts also need their own permission, which their own "
                "administrators control."
            )
        else:
            base.text = (
                f'ANYONE WITH AN AWS ACCOUNT can call {act}: "AWS": "*" with no '
                "condition lets in every AWS principal in the world, since they control "
                "their own permissions."
            )
    elif any(c in value for c in "*?"):
        base.text = (
            f"'{value}' has a partial wildcard, which AWS does not support: it names nobody."
        )
    elif is_unique_id(value):
        base.text = (
            f"'{value}' is a unique id left behind by a deleted user or role: it names "
            "nobody, not even a new principal with the same name."
        )
    else:
        _named_aws_grant(base, act, tail, role_account)


def _named_aws_grant(base: Grant, act: str, tail: str, role_account: str | None) -> None:
    """An account id or an IAM ARN: the account, a user, a role or a role session."""
    value = base.principal
    arn = parse_arn(value)
    account = (
        arn.account
        if arn is not None
        else (value if value.isdigit() and len(value) == 12 else None)
    )
    base.account = account
    if account is None:
        base.text = f"'{value}' is neither an account id nor an ARN: it names nobody."
        return
    if value == account or (arn is not None and arn.resource == "root"):
        base.kind = "account"
        base.own_permission_needed = True
        base.text = (
            f"Any IAM user or role in account {account} may call {act}{tail}, provided "
            "its own identity policy also allows it (naming the account hands the "
            "decision to that account)."
        )
        return
    assert arn is not None
    resource = arn.resource
    if resource.startswith("user/"):
        base.kind, who = "user", f"The IAM user {value}"
    elif resource.startswith("role/"):
        base.kind, who = "role", f"Sessions of the role {value}"
    elif resource.startswith("assumed-role/"):
        base.kind, who = "session", f"The role session {value}"
    else:
        base.kind, who = "user", f"The principal {value}"
    other = None if role_account is None else account != role_account
    base.own_permission_needed = other
    need = {
        True: ", and it also needs its own permission since it is in another account",
        False: "; in the role's own account no identity policy is needed",
        None: "; its own permission is also needed if it is in another account than the role",
    }[other]
    base.text = f"{who} may call {act}{tail}{need}."


def _federated_grant(base: Grant, act: str) -> None:
    """A ``"Federated"`` entry: the token claims it must present apart from other conditions."""
    base.kind = "federated"
    base.own_permission_needed = False
    prefix = _claim_prefix(base.principal)
    if prefix is not None:
        base.claims = [s for s in base.conditions if s.key.lower().startswith(prefix)]
        base.conditions = [s for s in base.conditions if s not in base.claims]
    claims = (
        " presenting a token whose " + " and whose ".join(c.text for c in base.claims)
        if base.claims
        else " with ANY token the provider issues (no claim is checked)"
    )
    rest = _conditions_tail(base.conditions)
    base.text = f"Users who sign in through {base.principal} may call {act}{claims}{rest}."


def _load(source: Any) -> Policy | None:
    from .evaluate import load_cached  # the same cache as evaluate(): one parse per text

    if isinstance(source, Policy):
        return source
    if isinstance(source, str | Mapping):
        return load_cached(source)
    raise UsageError("describe() takes policy text or a JSON object")


@dataclass(slots=True)
class _Reading:
    """What :func:`describe` gathers statement by statement."""

    role_account: str | None
    grants: list[Grant] = field(default_factory=list)
    denies: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    anyone: bool = False
    outside: bool = False
    github_any: bool = False


def describe(
    source: str | Mapping[str, Any] | Policy, role_account: str | None = None
) -> Description:
    """Who can assume the role whose trust policy is ``source``, and how.

    ``role_account`` (optional) is the role's own account id; with it the
    description can tell which principals are outside the account.
    """
    policy = _load(source)
    if policy is None:
        return Description([], [], False, False, False, [], readable=False)
    seen = _Reading(role_account)
    for st in policy.statements:
        if st.effect == "Deny":
            who = _who(st)
            conds = [summarize_condition(c) for c in st.conditions]
            when = " when " + " and ".join(c.text for c in conds) if conds else ""
            seen.denies.append(
                f"Statement #{st.index + 1} denies {who}{when}, whatever any Allow says."
            )
        elif st.effect == "Allow" and st.principal is None:
            if st.not_principal is not None:
                _everyone(seen, st, not_principal=True)
        elif st.effect == "Allow" and st.principal is not None:
            if st.principal.wildcard:
                _everyone(seen, st, not_principal=False)
            for entry in st.principal.entries:
                _read_entry(seen, st, entry.kind, entry.value)
    if role_account is None and len(seen.accounts) > 1:
        seen.outside = True
    warnings: list[str] = []
    if seen.anyone:
        warnings.append(
            "WARNING: ANYONE ON THE INTERNET can assume this role: an Allow statement lets in "
            "every caller without a limiting condition."
        )
    if seen.github_any:
        warnings.append(
            "WARNING: ANY GITHUB REPOSITORY can assume this role: nothing pins "
            f"{GITHUB_HOST}:sub to your repository "
            "(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html)."
        )
    return Description(
        seen.grants,
        seen.denies,
        seen.outside,
        seen.anyone,
        seen.github_any,
        seen.accounts,
        True,
        warnings,
    )


def _everyone(seen: _Reading, st: Statement, *, not_principal: bool) -> None:
    """An Allow with ``"Principal": "*"`` or with ``NotPrincipal``: everyone (else)."""
    g = Grant("everyone", "*", st.index, st.sid, [v.text for v in st.actions or []])
    g.conditions = [summarize_condition(c) for c in st.conditions]
    if not_principal:
        g.text = (
            f"EVERYONE EXCEPT {_who(st).removeprefix('everyone except ')}: an Allow "
            "with NotPrincipal lets in every other principal"
            + _conditions_tail(g.conditions)
            + " (and AWS refuses NotPrincipal in a role trust policy)."
        )
    else:
        g.text = (
            'ANYONE AT ALL: "Principal": "*" names every AWS principal, service and '
            "federated user (and AWS refuses it in a role trust policy)"
            + _conditions_tail(g.conditions)
            + "."
        )
    seen.grants.append(g)
    seen.anyone = seen.anyone or not st.conditions
    seen.outside = True


def _read_entry(seen: _Reading, st: Statement, kind: str, value: str) -> None:
    """One principal entry of an Allow statement: its grant and the flags it raises."""
    g = _grant_for(kind, value, st, seen.role_account)
    seen.grants.append(g)
    if g.account and g.account not in seen.accounts:
        seen.accounts.append(g.account)
    if g.kind == "any_aws":
        seen.outside = True
        seen.anyone = seen.anyone or not st.conditions
    if g.kind == "federated":
        seen.outside = True
        if not g.claims and value.lower().split("/")[-1] in (
            {h.lower() for h in WELL_KNOWN_WEB_PROVIDERS} | {GITHUB_HOST}
        ):
            seen.anyone = True
        if GITHUB_HOST in value.lower() and _github_any_repo(st.conditions):
            seen.github_any = True
    if g.kind in ("account", "user", "role", "session") and (
        seen.role_account is not None and g.account != seen.role_account
    ):
        seen.outside = True


def _who(st: Statement) -> str:
    p = st.principal or st.not_principal
    if p is None:
        return "nobody named"
    if p.wildcard:
        return "everyone"
    names = ["every AWS principal" if e.value == "*" else e.value for e in p.entries]
    prefix = "everyone except " if st.principal is None else ""
    return prefix + (", ".join(names[:4]) if names else "nobody named")
