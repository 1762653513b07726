"""Matching a request against a policy: actions, ARNs and principals.

The wildcard matcher itself and every AWS fact used here (ARN grammar, unique
ids, service principals, web identity providers) live in :mod:`.aws`.
Principal rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from .aws.arns import (
    ACCOUNT_ID,
    ANY_IAM_ARN,
    Arn,
    arn_parts,
    is_unique_id,
    parse_arn,
    unique_id_kind,
)
from .aws.principals import SERVICE_PRINCIPAL, WEB_IDENTITY_PROVIDERS
from .aws.wildcard import (
    Piece,
    WildcardMatcher,
    compile_pieces,
    compile_wildcard,
    wildcard_match,
)

__all__ = [
    "WELL_KNOWN_WEB_PROVIDERS",
    "Arn",
    "Caller",
    "How",
    "Piece",
    "PrincipalMatch",
    "WildcardMatcher",
    "action_matches",
    "arn_like",
    "arn_like_pieces",
    "compile_pieces",
    "compile_wildcard",
    "is_unique_id",
    "match_principal_entry",
    "parse_arn",
    "parse_caller",
    "wildcard_match",
]

#: The web identity providers AWS names without an ARN.
WELL_KNOWN_WEB_PROVIDERS = frozenset(WEB_IDENTITY_PROVIDERS)


# ---------------------------------------------------------------------------
# Actions


def action_matches(pattern: str, action: str) -> bool:
    """Action names match case-insensitively, with ``*`` and ``?`` wildcards.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    """
    return wildcard_match(pattern, action, ignore_case=True)


# ---------------------------------------------------------------------------
# ARNs


def arn_like(pattern: str, value: str) -> bool:
    """``ArnLike``/``ArnEquals``: each of the six colon-separated parts is
    compared on its own, case-sensitively, with ``*`` and ``?`` wildcards.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
    """
    return arn_like_pieces(((pattern, False),), value)


def arn_like_pieces(pieces: tuple[Piece, ...], value: str) -> bool:
    """:func:`arn_like` for a pattern given as pieces (after policy variables)."""
    if all(not literal and set(text) <= {"*"} for text, literal in pieces):
        return True  # "*" alone matches any ARN
    value_parts = value.split(":", 5)
    if len(value_parts) != 6:
        return False
    pattern_parts = _split_pieces(pieces, ":", 5)
    if len(pattern_parts) != 6:
        return False
    for pattern_part, value_part in zip(pattern_parts, value_parts, strict=True):
        if not compile_pieces(pattern_part).matches(value_part):
            return False
    return True


def _split_pieces(pieces: tuple[Piece, ...], sep: str, maxsplit: int) -> list[tuple[Piece, ...]]:
    out: list[list[Piece]] = [[]]
    for text, literal in pieces:
        chunks = text.split(sep) if not literal else [text]
        for i, chunk in enumerate(chunks):
            if i > 0:
                if len(out) <= maxsplit:
                    out.append([])
                else:
                    out[-1].append((sep, literal))
            if chunk:
                out[-1].append((chunk, literal))
    return [tuple(p) for p in out]


# ---------------------------------------------------------------------------
# Principals

CallerKind = Literal["user", "role", "session", "root", "service", "federated"]


class Caller(NamedTuple):
    """Who makes the request, as the engine understands it.

    A named tuple rather than a frozen dataclass: just as immutable, and several
    times cheaper to build, which every evaluation does.
    """

    kind: CallerKind
    text: str  # exactly as given
    partition: str | None = None
    account: str | None = None
    arn: str | None = None  # user, role, session or root ARN
    name: str | None = None  # user name, role name (for a session: the role's name)
    path: str | None = None  # user or role path, "/" when none
    session_name: str | None = None
    provider: str | None = None  # federated: "oidc", "saml" or the well-known host
    service: str | None = None

    @property
    def is_iam(self) -> bool:
        """An IAM identity that has identity policies of its own."""
        return self.kind in ("user", "role", "session", "root")

    @property
    def role_arn(self) -> str | None:
        """For a role or a role session: the role's ARN (without path for a session)."""
        if self.kind == "role":
            return self.arn
        if self.kind == "session":
            return f"arn:{self.partition}:iam::{self.account}:role/{self.name}"
        return None

    def describe(self) -> str:
        match self.kind:
            case "user":
                return f"IAM user {self.name} of account {self.account}"
            case "role":
                return f"a session of IAM role {self.name} of account {self.account}"
            case "session":
                return (
                    f"role session {self.session_name} of IAM role {self.name} "
                    f"of account {self.account}"
                )
            case "root":
                return f"the root user of account {self.account}"
            case "service":
                return f"the AWS service {self.service}"
            case _:
                return f"users signed in through the identity provider {self.text}"


def parse_caller(text: str) -> Caller | None:
    """Understand a request principal, or ``None`` when it is not one of the
    forms the contract names (IAM user, role, role session, account root,
    service principal, OIDC/SAML provider ARN, well-known web identity host).
    """
    m = ANY_IAM_ARN.fullmatch(text)
    if m:
        partition, service, account, resource = m.groups()
        if service == "iam":
            if resource == "root":
                return Caller("root", text, partition, account, text)
            iam_kinds: tuple[CallerKind, ...] = ("user", "role")
            for kind in iam_kinds:
                prefix = kind + "/"
                if resource.startswith(prefix):
                    rest = resource[len(prefix) :]
                    path, _, name = rest.rpartition("/")
                    if not name or "*" in rest:
                        return None
                    return Caller(
                        kind,
                        text,
                        partition,
                        account,
                        text,
                        name,
                        "/" + path + "/" if path else "/",
                    )
            for provider in ("oidc-provider/", "saml-provider/"):
                if resource.startswith(provider) and len(resource) > len(provider):
                    return Caller(
                        "federated", text, partition, account, provider=provider.split("-")[0]
                    )
            return None
        # sts
        if resource.startswith("assumed-role/"):
            parts = resource.split("/")
            if len(parts) != 3 or not parts[1] or not parts[2]:
                return None
            return Caller(
                "session", text, partition, account, text, parts[1], None, session_name=parts[2]
            )
        return None
    if text in WELL_KNOWN_WEB_PROVIDERS:
        return Caller("federated", text, provider=text)
    if SERVICE_PRINCIPAL.fullmatch(text):
        return Caller("service", text, service=text)
    return None


How = Literal["account", "user", "role", "session", "wildcard", "service", "federated", "exact"]


@dataclass(slots=True)
class PrincipalMatch:
    """Whether one principal entry names the caller, how, and why.

    Not frozen: a frozen dataclass costs three times as much to build, and the cold
    path builds one per principal entry; nothing changes it after it is returned.
    """

    matched: bool
    how: How | None
    reason: str


def match_principal_entry(
    kind: str, value: str, caller: Caller, *, partition: str | None = None
) -> PrincipalMatch:
    """Whether the ``Principal`` entry ``{kind: value}`` names ``caller``.

    ``partition`` is the role's partition when known (``aws`` otherwise): a
    12-digit account id means the root of that account in the role's own
    partition, and role assumption never crosses partitions.

    Rules from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    """
    if kind == "AWS":
        return _match_aws(value, caller, partition or "aws")
    if kind == "Service":
        return _match_service(value, caller)
    if kind == "Federated":
        return _match_federated(value, caller)
    if kind == "CanonicalUser":
        return PrincipalMatch(
            False,
            None,
            "A CanonicalUser id identifies an account to Amazon S3; it never names a caller "
            "of AWS STS.",
        )
    return PrincipalMatch(
        False,
        None,
        f"The key '{kind}' is not a principal type; AWS knows AWS, Service, Federated and "
        "CanonicalUser.",
    )


def _match_service(value: str, caller: Caller) -> PrincipalMatch:
    if caller.kind != "service":
        return PrincipalMatch(
            False,
            None,
            f"The principal {value} is a service principal, and the caller is not a service.",
        )
    if "*" in value or "?" in value:
        return PrincipalMatch(
            False,
            None,
            f"The service principal '{value}' has a wildcard, which AWS does not support there.",
        )
    if value.lower() == (caller.service or "").lower():
        return PrincipalMatch(True, "service", f"The service principal {value} is the caller.")
    return PrincipalMatch(False, None, f"The service principal {value} is another service.")


def _match_federated(value: str, caller: Caller) -> PrincipalMatch:
    if caller.kind != "federated":
        return PrincipalMatch(
            False,
            None,
            f"The principal {value} is a federated identity provider, and the caller did not "
            "sign in through an identity provider.",
        )
    if "*" in value or "?" in value:
        return PrincipalMatch(
            False,
            None,
            f"The federated principal '{value}' has a wildcard, which AWS does not support there.",
        )
    same = (
        value.lower() == caller.text.lower()
        if caller.provider in WELL_KNOWN_WEB_PROVIDERS
        else value == caller.text
    )
    if same:
        return PrincipalMatch(
            True, "federated", f"The identity provider {value} is the one the caller used."
        )
    return PrincipalMatch(
        False,
        None,
        f"The principal {value} is another identity provider than the caller's ({caller.text}).",
    )


def _match_aws(value: str, caller: Caller, partition: str) -> PrincipalMatch:
    if not caller.is_iam:
        who = "a service" if caller.kind == "service" else "a federated identity"
        return PrincipalMatch(
            False,
            None,
            f"The principal '{value}' names AWS accounts or IAM identities, and the caller is "
            f"{who}; services "
            "and identity providers are named under 'Service' and 'Federated'.",
        )
    if caller.partition != partition:
        # Each AWS account is scoped to one partition (Access Analyzer's "Invalid
        # partition" check, access-analyzer-reference-policy-checks.html), and the account
        # id and the account root ARN behave the same way
        # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts).
        return PrincipalMatch(
            False,
            None,
            f"The caller is in the partition {caller.partition} and the role in {partition}; "
            "a role can never be assumed from another partition.",
        )
    if value == "*":
        return PrincipalMatch(
            True, "wildcard", '"AWS": "*" names every AWS account and IAM identity in the world.'
        )
    if "*" in value or "?" in value:
        return PrincipalMatch(
            False,
            None,
            f"The principal '{value}' has a partial wildcard; AWS supports '*' in a principal "
            "only on its own, "
            "so this entry names nobody.",
        )
    if not value.startswith("arn:"):  # an ARN is neither a unique id nor an account id
        if is_unique_id(value):
            return _unique_id(value)
        if ACCOUNT_ID.fullmatch(value):
            return _match_account_id(value, caller)
    # The ARN's parts without building an Arn (a frozen dataclass, dearer than the
    # split): every trust statement comes here.
    parts = arn_parts(value)
    if parts is None:
        return PrincipalMatch(
            False,
            None,
            f"The principal '{value}' is neither an account id nor an ARN, so it names nobody.",
        )
    _, arn_partition, service, _, account, resource = parts
    if arn_partition != caller.partition or account != caller.account:
        return PrincipalMatch(
            False,
            None,
            f"The principal {value} is in account {account}, not the caller's ({caller.account}).",
        )
    return _match_arn(value, service, account, resource, caller)


def _unique_id(value: str) -> PrincipalMatch:
    kind = unique_id_kind(value)
    what = f"an IAM {kind}" if kind else "an IAM identity"
    return PrincipalMatch(
        False,
        None,
        f"The principal '{value}' is the unique id of {what}. AWS shows a unique id in a "
        "trust policy when the user or role it named was deleted; a new one with the same "
        "name gets a new id, so this entry no longer names anyone.",
    )


def _match_account_id(value: str, caller: Caller) -> PrincipalMatch:
    if value == caller.account:
        return PrincipalMatch(
            True,
            "account",
            f"The account id {value} names the whole account, and the caller belongs to it.",
        )
    return PrincipalMatch(
        False, None, f"The account {value} is not the caller's account ({caller.account})."
    )


def _match_arn(
    value: str, service: str, account: str, resource: str, caller: Caller
) -> PrincipalMatch:
    """An ARN of the caller's own account: the account, the user, the role or the session."""
    if service == "iam" and resource == "root":
        return PrincipalMatch(
            True,
            "account",
            f"The principal {value} names the whole account {account}, and the caller belongs "
            "to it.",
        )
    if service == "iam" and resource.startswith("user/"):
        if caller.kind == "user" and value == caller.arn:
            return PrincipalMatch(True, "user", f"The principal {value} is the calling IAM user.")
        return PrincipalMatch(
            False, None, f"The principal {value} is another identity than the caller."
        )
    if service == "iam" and resource.startswith("role/"):
        return _match_role(value, resource, caller)
    if service == "sts" and resource.startswith("assumed-role/"):
        if caller.kind == "session" and value == caller.arn:
            return PrincipalMatch(
                True, "session", f"The principal {value} is the calling role session itself."
            )
        return PrincipalMatch(
            False, None, f"The principal {value} is another role session than the caller."
        )
    if value == caller.arn:
        return PrincipalMatch(True, "exact", f"The principal {value} is the caller.")
    return PrincipalMatch(False, None, f"The principal {value} does not name the caller.")


def _match_role(value: str, resource: str, caller: Caller) -> PrincipalMatch:
    if caller.kind == "role" and value == caller.arn:
        return PrincipalMatch(
            True, "role", f"The principal {value} is the role whose session makes the request."
        )
    if caller.kind == "session" and resource.rsplit("/", 1)[-1] == caller.name:
        return PrincipalMatch(
            True,
            "role",
            f"The caller is a session of the role {value}, and naming a role also names "
            "its sessions.",
        )
    return PrincipalMatch(False, None, f"The principal {value} is another role than the caller's.")
