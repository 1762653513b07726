"""The space of requests: a symbolic caller, action and condition keys.

The caller is one of the kinds the engine understands (IAM user, role, role
session, AWS service, federated identity provider), its names constrained to
what AWS accepts (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
"IAM name requirements"; their length limits are left out: bounds on string
lengths make the solver much slower, and no comparison turns on them).
Accounts, partitions, services and identity providers range over the ones the
policies name plus one that none names. The account root user is left out:
AWS never lets it assume a role (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-api.html),
so both policies refuse it alike. Keys AWS derives from the caller
(``aws:PrincipalArn``, ``aws:PrincipalAccount`` ...) are not free: they hold the
value the engine derives, or are absent where it derives none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import z3  # type: ignore[import-untyped]

from ..matching import WELL_KNOWN_WEB_PROVIDERS
from .patterns import ANY_CHAR

#: The actions a request may name (the engine contract's list).
ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
)
ASSUME = frozenset(range(3))
TAG_SESSION = 3
SET_SOURCE_IDENTITY = 4

USER, ROLE, SESSION, SERVICE, FEDERATED = range(5)
KIND_NAMES = ("user", "role", "session", "service", "federated")

Group = str  # "str", "num", "bool", "ip"


def _chars(text: str) -> z3.ReRef:
    return z3.Union(*[z3.Re(c) for c in text])


_DIGIT = z3.Range("0", "9")
_NAME_CHAR = z3.Union(z3.Range("a", "z"), z3.Range("A", "Z"), _DIGIT, _chars("+=,.@_-"))
_NAME = z3.Plus(_NAME_CHAR)
_PARTITION = z3.Concat(
    z3.Range("a", "z"), z3.Star(z3.Union(z3.Range("a", "z"), _DIGIT, z3.Re("-")))
)
_HOST_CHAR = z3.Union(z3.Range("a", "z"), _DIGIT, _chars(".-"))
_SERVICE = z3.Concat(
    z3.Union(z3.Range("a", "z"), _DIGIT),
    z3.Star(_HOST_CHAR),
    z3.Union(z3.Re(".amazonaws.com"), z3.Re(".amazonaws.com.cn"), z3.Re(".aws.internal")),
)
_PRINTABLE = z3.Range(" ", "~")
_ACCOUNT = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
_ACCOUNT_PATTERN = re.compile(r"arn:[^:\"]*:[^:\"]*:[^:\"]*:([0-9*?]{1,12}):")
_PARTITION_IN_ARN = re.compile(r"arn:([a-z][a-z0-9-]*):")
_SERVICE_TEXT = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9.-]*\.amazonaws\.com(?:\.cn)?|[A-Za-z0-9][A-Za-z0-9.-]*\.aws\.internal"
)
_PROVIDER_TEXT = re.compile(r"arn:[a-z][a-z0-9-]*:iam::[0-9]{12}:(?:oidc|saml)-provider/[^\"\s*?]+")
_FRESH_ACCOUNTS = ("999988887777", "123456789012", "000000000001")


def _instances(text: str) -> set[str]:
    """A 12-digit account matched by each account pattern with wildcards."""
    out = set()
    for pattern in _ACCOUNT_PATTERN.findall(text):
        if "*" in pattern or "?" in pattern:
            filled = pattern.replace("?", "0")
            if "*" in filled:
                head, _, tail = filled.partition("*")
                tail = tail.replace("*", "")
                pad = 12 - len(head) - len(tail)
                filled = head + "0" * pad + tail if pad >= 0 else ""
            if len(filled) == 12:
                out.add(filled)
    return out


@dataclass
class Caller:
    """The symbolic caller and the texts AWS derives from it."""

    kind: z3.ArithRef
    partition: z3.SeqRef
    account: z3.SeqRef
    path: z3.SeqRef
    name: z3.SeqRef
    session: z3.SeqRef
    service: z3.SeqRef
    federated: z3.SeqRef
    accounts: list[str] = field(default_factory=list)
    partitions: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    #: Whether a policy reads aws:username, so a user's name must be split off.
    split_name: bool = False

    def learn(self, text: str) -> None:
        """Take the candidate accounts, partitions, services and identity
        providers from the policies' text, plus one of each that no policy
        names. Every principal entry compares these parts for equality, so a
        caller with any other value behaves like the fresh one; wildcard
        patterns over an account are instantiated to candidates too."""
        self.accounts = sorted(set(_ACCOUNT.findall(text)) | _instances(text))
        self.accounts.append(next(a for a in _FRESH_ACCOUNTS if a not in self.accounts))
        self.partitions = sorted({"aws", *_PARTITION_IN_ARN.findall(text)})
        self.partitions.append(
            next(p for p in ("aws-cn", "aws-us-gov", "aws-x") if p not in self.partitions)
        )
        services = {m.lower() for m in _SERVICE_TEXT.findall(text)}
        self.services = sorted(services | {"example.amazonaws.com"})
        found = set(_PROVIDER_TEXT.findall(text))
        fresh = self.accounts[-1]
        self.providers = sorted(
            found
            | set(WELL_KNOWN_WEB_PROVIDERS)
            | {
                f"arn:aws:iam::{fresh}:oidc-provider/idp.example.com",
                f"arn:aws:iam::{fresh}:saml-provider/Example",
            }
        )

    @classmethod
    def fresh(cls) -> Caller:
        s = z3.String
        return cls(
            z3.Int("caller_kind"),
            s("caller_partition"),
            s("caller_account"),
            s("caller_path"),
            s("caller_name"),
            s("caller_session"),
            s("caller_service"),
            s("caller_federated"),
        )

    def domain(self, kind: int) -> list[z3.BoolRef]:
        """What the parts of a caller of ``kind`` may hold. Only the parts that
        kind uses are constrained: each needless regular expression slows the
        solver down."""
        if kind == SERVICE:
            return [z3.Or(*[self.service == v for v in self.services])]
        if kind == FEDERATED:
            return [z3.Or(*[self.federated == v for v in self.providers])]
        out = [
            z3.Or(*[self.partition == v for v in self.partitions]),
            z3.Or(*[self.account == v for v in self.accounts]),
        ]
        if kind == SESSION:
            # Session names have at least two characters.
            return [
                *out,
                z3.InRe(self.name, _NAME),
                z3.InRe(self.session, z3.Concat(_NAME_CHAR, _NAME)),
            ]
        # The path and name of a user or role are one string ("rest" of the
        # ARN): the solver is far faster when it need not split it. It is split
        # only when a policy reads aws:username.
        out += [
            z3.InRe(self.path, z3.Star(z3.Union(_NAME_CHAR, z3.Re("/")))),
            z3.Not(z3.SuffixOf("/", self.path)),
            self.path != "",
        ]
        if kind == USER and self.split_name:
            out += [
                z3.InRe(self.name, _NAME),
                z3.SuffixOf(self.name, self.path),
                z3.Or(
                    self.path == self.name,
                    z3.SuffixOf(z3.Concat(z3.StringVal("/"), self.name), self.path),
                ),
            ]
        return out

    def is_iam(self) -> z3.BoolRef:
        return z3.Or(self.kind == USER, self.kind == ROLE, self.kind == SESSION)

    def iam_arn(self, service: str, resource: z3.SeqRef) -> z3.SeqRef:
        return z3.Concat(
            z3.StringVal("arn:"),
            self.partition,
            z3.StringVal(f":{service}::"),
            self.account,
            z3.StringVal(":"),
            resource,
        )

    def user_arn(self) -> z3.SeqRef:
        return self.iam_arn("iam", z3.Concat(z3.StringVal("user/"), self.path))

    def role_arn(self) -> z3.SeqRef:
        return self.iam_arn("iam", z3.Concat(z3.StringVal("role/"), self.path))

    def session_arn(self) -> z3.SeqRef:
        return self.iam_arn(
            "sts",
            z3.Concat(z3.StringVal("assumed-role/"), self.name, z3.StringVal("/"), self.session),
        )

    def text(self) -> z3.SeqRef:
        """The request's ``principal``."""
        return z3.If(
            self.kind == USER,
            self.user_arn(),
            z3.If(
                self.kind == ROLE,
                self.role_arn(),
                z3.If(
                    self.kind == SESSION,
                    self.session_arn(),
                    z3.If(self.kind == SERVICE, self.service, self.federated),
                ),
            ),
        )

    def has_arn(self, kind: int, value: str) -> z3.BoolRef:
        """Whether the caller is of ``kind`` (user, role or session) and its ARN
        is exactly ``value``. The ARN is taken apart here rather than by the
        solver, which is much slower at splitting a concatenation."""
        service = "sts" if kind == SESSION else "iam"
        prefix = {USER: "user/", ROLE: "role/", SESSION: "assumed-role/"}[kind]
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != service or parts[3]:
            return z3.BoolVal(False)
        resource = parts[5]
        if not resource.startswith(prefix):
            return z3.BoolVal(False)
        rest = resource[len(prefix) :]
        same = [self.kind == kind, self.partition == parts[1], self.account == parts[4]]
        if kind == SESSION:
            pieces = rest.split("/")
            if len(pieces) != 2:
                return z3.BoolVal(False)
            return z3.And(*same, self.name == pieces[0], self.session == pieces[1])
        return z3.And(*same, self.path == rest)

    def principal_arn(self) -> z3.SeqRef:
        """``aws:PrincipalArn``: for a session, the role's ARN without its path."""
        session_role = self.iam_arn("iam", z3.Concat(z3.StringVal("role/"), self.name))
        return z3.If(
            self.kind == USER,
            self.user_arn(),
            z3.If(self.kind == ROLE, self.role_arn(), session_role),
        )

    def derived(self, key: str) -> tuple[z3.BoolRef, z3.SeqRef] | None:
        """(present, value) of a key the engine derives from the caller, or
        ``None`` when ``key`` is not one of them."""
        iam = self.is_iam()
        match key.lower():
            case "aws:principalarn":
                return iam, self.principal_arn()
            case "aws:principalaccount":
                return iam, self.account
            case "aws:principaltype":
                return iam, z3.If(
                    self.kind == USER, z3.StringVal("User"), z3.StringVal("AssumedRole")
                )
            case "aws:principalisawsservice":
                value = z3.If(self.kind == SERVICE, z3.StringVal("true"), z3.StringVal("false"))
                return z3.Or(iam, self.kind == SERVICE), value
            case "aws:principalservicename":
                return self.kind == SERVICE, self.service
            case "aws:username":
                self.split_name = True
                return self.kind == USER, self.name
        return None

    def read(self, model: z3.ModelRef) -> str:
        return str(model.eval(self.text(), model_completion=True).as_string())


#: Decimal places kept for numbers and dates: every value of the policies is
#: exact, with one more place so that a value strictly between two fits.
def scale_for(values: list[Decimal]) -> int:
    places = [max(0, -int(v.as_tuple().exponent)) for v in values if v.is_finite()]
    return min(max(places, default=0), 6) + 1


@dataclass
class Slot:
    """One condition key of the request: up to ``size`` values of one type."""

    name: str
    group: Group
    multi: bool
    size: int
    count: z3.ArithRef
    values: list[z3.ExprRef]
    valid: list[z3.BoolRef]
    scale: int = 0
    ip_kind: list[z3.ArithRef] = field(default_factory=list)
    derived: bool = False
    fixed: bool = False

    def present(self) -> z3.BoolRef:
        return self.count > 0

    def any_value(self, test) -> z3.BoolRef:  # type: ignore[no-untyped-def]
        return z3.Or(*[z3.And(i < self.count, test(i)) for i in range(self.size)])

    def all_values(self, test) -> z3.BoolRef:  # type: ignore[no-untyped-def]
        return z3.And(*[z3.Implies(i < self.count, test(i)) for i in range(self.size)])

    def single(self) -> tuple[z3.BoolRef, z3.SeqRef] | None:
        """(resolved, value) for a policy variable naming this key."""
        if self.multi or self.group != "str":
            return None
        return self.count == 1, self.values[0]


def new_slot(
    index: int, name: str, group: Group, multi: bool, size: int, scale: int, chars: z3.ReRef
) -> Slot:
    """A free key with fresh variables and their domains."""
    tag = f"key{index}"
    count = z3.Int(f"{tag}_count")
    values: list[z3.ExprRef] = []
    valid: list[z3.BoolRef] = []
    kinds: list[z3.ArithRef] = []
    constraints: list[z3.BoolRef] = [count >= 0, count <= size]
    for i in range(size):
        if group == "str":
            v = z3.String(f"{tag}_{i}")
            values.append(v)
            valid.append(z3.BoolVal(True))
        elif group == "num":
            values.append(z3.Int(f"{tag}_{i}"))
            valid.append(z3.Bool(f"{tag}_{i}_ok"))
        elif group == "bool":
            b = z3.Int(f"{tag}_{i}")
            constraints += [b >= 0, b <= 2]
            values.append(b)
            valid.append(b < 2)
        else:
            k = z3.Int(f"{tag}_{i}_v")
            bits = z3.BitVec(f"{tag}_{i}", 128)
            constraints += [
                z3.Or(k == 0, k == 4, k == 6),
                z3.Implies(k == 4, z3.LShR(bits, 32) == 0),
            ]
            values.append(bits)
            valid.append(k != 0)
            kinds.append(k)
    slot = Slot(name, group, multi, size, count, values, valid, scale, kinds)
    slot.domain = constraints  # type: ignore[attr-defined]
    return slot


def value_chars(extra: str) -> z3.ReRef:
    """Characters a free string value may hold: printable ASCII and any other
    character the policies use."""
    others = sorted({c for c in extra if not (" " <= c <= "~")})
    if not others:
        return _PRINTABLE
    return z3.Union(_PRINTABLE, *[z3.Re(c) for c in others])


__all__ = ["ACTIONS", "ANY_CHAR", "Caller", "Slot", "new_slot", "scale_for", "value_chars"]
