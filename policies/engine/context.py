"""The request: who calls, which action, on which role, with which context keys.

Context key names are case-insensitive
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html, "Key names
are case-insensitive"). A string is a single value; a list makes a multivalued key
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).

Keys the engine can work out from the principal are filled in when the case
does not give them, following the "Properties of the principal" section of
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
and the table of principal key values in
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .aws.actions import ACTION_NAME
from .aws.arns import ACCOUNT_ID
from .errors import InputTooLargeError, UsageError
from .limits import MAX_CONTEXT_VALUES, MAX_STRING_CHARS
from .matching import Arn, Caller, parse_arn, parse_caller

#: Keys derived from the principal, in the order they are reported.
DERIVABLE_KEYS = (
    "aws:TagKeys",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalType",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:userid",
    "aws:username",
)
# Where each derivable key sorts in ``derived_context``; built once, not per request.
_DERIVED_ORDER = {k.lower(): i for i, k in enumerate(DERIVABLE_KEYS)}
# Each derivable key's name in lower case, as the context files it: no key is
# lowercased on each request.
_LOWER_NAMES = {k: k.lower() for k in DERIVABLE_KEYS}


@dataclass(slots=True)
class ContextEntry:
    name: str  # as given (or as AWS spells it, when derived)
    values: list[str]
    multivalued: bool
    derived: bool = False


@dataclass(slots=True)
class RequestContext:
    """Condition keys of a request; lookups ignore the case of the key name."""

    entries: dict[str, ContextEntry] = field(default_factory=dict)

    def get(self, key: str) -> list[str] | None:
        """The key's values, or ``None`` when the key is not in the request."""
        entry = self.entries.get(key.lower())
        return None if entry is None else entry.values

    def entry(self, key: str) -> ContextEntry | None:
        return self.entries.get(key.lower())

    def __contains__(self, key: str) -> bool:
        return key.lower() in self.entries

    def __iter__(self) -> Iterator[ContextEntry]:
        return iter(self.entries.values())

    def set(self, key: str, values: list[str], *, multivalued: bool, derived: bool) -> None:
        self.entries[key.lower()] = ContextEntry(key, values, multivalued, derived)

    def derived(self) -> dict[str, str | list[str]]:
        """The keys the engine filled in, as the contract's ``derived_context``."""
        # The derivable keys in their order (an entry is filed under its name in lower
        # case), then any other key set as derived, in the order it was set.
        entries = self.entries
        out: dict[str, str | list[str]] = {}
        for lower in _DERIVED_ORDER:
            e = entries.get(lower)
            if e is not None and e.derived:
                out[e.name] = list(e.values) if e.multivalued else e.values[0]
        for lower, e in entries.items():
            if e.derived and lower not in _DERIVED_ORDER:
                out[e.name] = list(e.values) if e.multivalued else e.values[0]
        return out


@dataclass(slots=True)
class Request:
    """A usable request, parsed from the case's ``request`` object."""

    principal: str
    caller: Caller
    action: str
    role_arn: str | None
    role: Arn | None
    context: RequestContext

    @property
    def role_account(self) -> str | None:
        return None if self.role is None else self.role.account

    @property
    def same_account(self) -> bool:
        """Whether the caller belongs to the role's own account."""
        return (
            self.caller.account is not None
            and self.role is not None
            and self.caller.account == self.role.account
            and self.caller.partition == self.role.partition
        )

    def with_action(self, action: str) -> Request:
        return Request(self.principal, self.caller, action, self.role_arn, self.role, self.context)


def _context_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        try:
            text = json.dumps(value, allow_nan=False)
        except ValueError as exc:  # NaN, infinity, or an integer too long to write
            raise UsageError(
                f"request.context[{key!r}] holds a number JSON cannot carry",
                field="request.context",
                reason=f"{key} holds a number JSON cannot carry",
            ) from exc
    else:
        kind = type(value).__name__
        raise UsageError(
            f"request.context[{key!r}] holds a {kind}; a context value is a string "
            "(or a number or boolean), or a list of them",
            field="request.context",
            reason=f"{key} holds a {kind}; a context value is a string (or a number or "
            "boolean), or a list of them",
        )
    if len(text) > MAX_STRING_CHARS:
        raise InputTooLargeError(
            f"request.context[{key!r}] has a value longer than {MAX_STRING_CHARS} characters",
            field="request.context",
            reason=f"{key} has a value longer than {MAX_STRING_CHARS} characters",
        )
    return text


def parse_context(raw: Any) -> RequestContext:
    """Build a :class:`RequestContext` from the case's ``request.context``."""
    ctx = RequestContext()
    if raw is None:
        return ctx
    if type(raw) is not dict and not isinstance(raw, Mapping):  # type() first: cheaper
        raise UsageError.about("request.context", "must be a JSON object of condition keys")
    if len(raw) > MAX_CONTEXT_VALUES:
        raise InputTooLargeError.about(
            "request.context", f"has more than {MAX_CONTEXT_VALUES} keys"
        )
    entries = ctx.entries
    for key, value in raw.items():
        if not isinstance(key, str) or not key or key.isspace():
            raise UsageError.about("request.context", "has an empty key name")
        if len(key) > MAX_STRING_CHARS:
            raise InputTooLargeError.about("request.context", "has a key name that is too long")
        if isinstance(value, list):
            if len(value) > MAX_CONTEXT_VALUES:
                raise InputTooLargeError(
                    f"request.context[{key!r}] has more than {MAX_CONTEXT_VALUES} values",
                    field="request.context",
                    reason=f"{key} has more than {MAX_CONTEXT_VALUES} values",
                )
            values = [_context_value(key, v) for v in value]
            multivalued = True
        elif type(value) is str and len(value) <= MAX_STRING_CHARS:
            values, multivalued = [value], False  # the usual value, checked here
        else:
            values = [_context_value(key, value)]
            multivalued = False
        lower = key.lower()
        if lower in entries:
            raise UsageError.about(
                "request.context", f"names the key {key!r} twice (keys ignore case)"
            )
        entries[lower] = ContextEntry(key, values, multivalued)
    return ctx


#: aws:PrincipalType by the kind of IAM caller.
_PRINCIPAL_TYPES = {
    "user": "User",
    "role": "AssumedRole",
    "session": "AssumedRole",
    "root": "Account",
}


def _principal_keys(caller: Caller) -> list[tuple[str, str]]:
    """The keys the principal itself gives (name as AWS spells it, value)."""
    kind = caller.kind
    if caller.is_iam:
        # For a role session, aws:PrincipalArn is the role's ARN, not the session's.
        arn = caller.role_arn if kind == "session" else caller.arn
        keys = [
            ("aws:PrincipalArn", arn or ""),
            ("aws:PrincipalAccount", caller.account or ""),
            ("aws:PrincipalType", _PRINCIPAL_TYPES[kind]),
            ("aws:PrincipalIsAWSService", "false"),
        ]
        if kind == "user" and caller.name:
            keys.append(("aws:username", caller.name))
        if kind == "root" and caller.account:
            keys.append(("aws:userid", caller.account))
        return keys
    if kind == "service":
        return [
            ("aws:PrincipalIsAWSService", "true"),
            ("aws:PrincipalServiceName", caller.service or caller.text),
        ]
    return []


def derive_keys(ctx: RequestContext, caller: Caller) -> None:
    """Fill in the principal's keys that the case did not give."""
    entries = ctx.entries
    # The tag keys of a request that passes tags (aws:TagKeys, multivalued), looked
    # for among the keys given, before the principal's (none of which is a tag) join.
    tag_keys: list[str] = []
    if "aws:tagkeys" not in entries:
        prefix = "aws:requesttag/"
        tag_keys = [e.name[len(prefix) :] for k, e in entries.items() if k.startswith(prefix)]
    for key, value in _principal_keys(caller):
        lower = _LOWER_NAMES[key]
        if lower not in entries:
            entries[lower] = ContextEntry(key, [value], False, True)
    if tag_keys:
        entries["aws:tagkeys"] = ContextEntry("aws:TagKeys", tag_keys, True, True)


def parse_request(raw: Any) -> Request:
    """Parse and check the case's ``request``; raise :class:`UsageError` if unusable."""
    if type(raw) is not dict and not isinstance(raw, Mapping):  # type() first: cheaper
        raise UsageError("the case needs a 'request' object with 'principal' and 'action'")
    principal = raw.get("principal")
    if not isinstance(principal, str) or not principal:
        raise UsageError.about("request.principal", "must be a non-empty string")
    if len(principal) > MAX_STRING_CHARS:
        raise InputTooLargeError.about("request.principal", "is too long")
    caller = parse_caller(principal)
    if caller is None:
        raise UsageError.about(
            "request.principal",
            f"{principal[:200]!r} is not an IAM user, role, role session or "
            "account root ARN, a service principal, or a federated identity provider",
        )
    action = raw.get("action")
    if not isinstance(action, str) or not ACTION_NAME.fullmatch(action):
        raise UsageError.about("request.action", "must be an action name such as 'sts:AssumeRole'")
    role_arn = raw.get("role_arn")
    role: Arn | None = None
    if role_arn is not None:
        if not isinstance(role_arn, str):
            raise UsageError.about("request.role_arn", "must be a string")
        role = parse_arn(role_arn)
        if (
            role is None
            or role.service != "iam"
            or not role.resource.startswith("role/")
            or not ACCOUNT_ID.fullmatch(role.account)
        ):
            raise UsageError.about(
                "request.role_arn",
                f"{role_arn[:200]!r} is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)",
            )
    ctx = parse_context(raw.get("context"))
    derive_keys(ctx, caller)
    return Request(principal, caller, action, role_arn, role, ctx)
