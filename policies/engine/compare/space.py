"""The space of requests: a symbolic caller, action and condition keys.

The caller is one of the kinds the engine understands (IAM user, role, role
session, AWS service, federated identity provider), its names constrained to
what AWS accepts (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
"IAM name requirements"). The account root user is left out: AWS never lets it
assume a role (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-api.html),
so both policies refuse it alike. Keys AWS derives from the caller
(``aws:PrincipalArn``, ``aws:PrincipalAccount`` ...) are not free: they hold the
value the engine derives, or are absent where it derives none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import z3

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
    constraints: list[z3.BoolRef] = field(default_factory=list)

    @classmethod
    def fresh(cls) -> Caller:
        s = z3.String
        caller = cls(
            z3.Int("caller_kind"),
            s("caller_partition"),
            s("caller_account"),
            s("caller_path"),
            s("caller_name"),
            s("caller_session"),
            s("caller_service"),
            s("caller_federated"),
        )
        caller.constraints = caller._domain()
        return caller

    def _domain(self) -> list[z3.BoolRef]:
        wk = [z3.Re(host) for host in sorted(WELL_KNOWN_WEB_PROVIDERS)]
        arn_head = z3.Concat(z3.Re("arn:"), _PARTITION, z3.Re(":iam::"), z3.Loop(_DIGIT, 12, 12))
        provider = z3.Plus(z3.Union(_HOST_CHAR, _NAME_CHAR, z3.Re("/")))
        federated = z3.Union(
            *wk,
            z3.Concat(arn_head, z3.Re(":oidc-provider/"), provider),
            z3.Concat(arn_head, z3.Re(":saml-provider/"), _NAME),
        )
        return [
            self.kind >= 0,
            self.kind <= FEDERATED,
            z3.InRe(self.partition, _PARTITION),
            z3.InRe(self.account, z3.Loop(_DIGIT, 12, 12)),
            # "" or ending in "/": written this way the solver stays fast.
            z3.InRe(self.path, z3.Star(z3.Union(_NAME_CHAR, z3.Re("/")))),
            z3.Or(self.path == "", z3.SuffixOf("/", self.path)),
            z3.Length(self.path) <= 64,
            z3.InRe(self.name, _NAME),
            z3.Length(self.name) <= 64,
            z3.InRe(self.session, _NAME),
            z3.Length(self.session) >= 2,
            z3.Length(self.session) <= 64,
            z3.InRe(self.service, _SERVICE),
            z3.InRe(self.federated, federated),
        ]

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
        return self.iam_arn("iam", z3.Concat(z3.StringVal("user/"), self.path, self.name))

    def role_arn(self) -> z3.SeqRef:
        return self.iam_arn("iam", z3.Concat(z3.StringVal("role/"), self.path, self.name))

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
                return self.kind == USER, self.name
        return None

    def read(self, model: z3.ModelRef) -> str:
        return model.eval(self.text(), model_completion=True).as_string()


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
        return self.count == 1, self.values[0]  # type: ignore[return-value]


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
            constraints += [z3.InRe(v, z3.Star(chars)), z3.Length(v) <= 256]
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
