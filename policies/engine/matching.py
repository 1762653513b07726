"""Matching: wildcards, actions, ARNs and principals.

Wildcard patterns (``*`` any run of characters, ``?`` exactly one character)
are compiled into segments split on ``*``. The first segment must match at the
start, the last at the end, and every middle segment is found greedily at its
leftmost place. For patterns made only of ``*`` and ``?`` the leftmost choice is
always safe, so no backtracking is ever needed. A segment without ``?`` is found
with ``str.find``; one with ``?`` is found by checking its longest literal run
and, when value and segment are both long, by the bit-parallel Shift-And search,
one big-integer step per value character. Either way a whole match costs about
one pass over the value: ``*a*a*a*...`` against a 4,096-character value takes a
few milliseconds at most, never exponential time.

AWS documents these wildcards for actions
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html),
for ``StringLike`` and the ARN operators
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
and forbids partial wildcards in ``Principal``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

#: One piece of a pattern: its text and whether ``*``/``?`` in it are literal
#: characters (text that came from a policy variable, or ``${*}``) rather than
#: wildcards.
Piece = tuple[str, bool]


@dataclass(frozen=True, slots=True)
class _Segment:
    """The text between two stars: fixed length, ``?`` wildcards at known places."""

    length: int
    literal: str | None  # the text when the segment has no ``?`` (fast str.find path)
    # The literal runs between ``?`` wildcards, as (offset, text); the longest first.
    # Every position outside the runs is a ``?``.
    runs: tuple[tuple[int, str], ...] = ()


#: Above this many (value characters x segment characters), a search for a
#: segment with ``?`` runs the bit-parallel Shift-And loop, whose cost is one
#: big-integer step per value character, instead of checking each candidate.
_SCAN_BUDGET = 20_000


@dataclass(frozen=True, slots=True)
class WildcardMatcher:
    """A compiled wildcard pattern. Call :meth:`matches` with a value."""

    segments: tuple[_Segment, ...]
    anchored_start: bool
    anchored_end: bool
    ignore_case: bool

    @property
    def slow(self) -> bool:
        """Whether matching may take one Python step per value character (the
        Shift-And search of a long segment with ``?``), rather than C-speed finds."""
        return any(seg.literal is None and seg.length > 4 for seg in self.segments)

    def cost(self, value_length: int) -> int:
        """A bound on the work of one :meth:`matches` call, in work units."""
        if self.slow:
            return value_length + len(self.segments)
        return 1 + len(self.segments) + value_length // 64

    def matches(self, value: str) -> bool:
        if self.ignore_case:
            value = value.lower()
        segments = self.segments
        n = len(value)
        if not self.anchored_start and not self.anchored_end and not segments:
            return True  # the pattern is only stars
        if len(segments) == 1 and self.anchored_start and self.anchored_end:
            seg = segments[0]
            return seg.length == n and _match_at(seg, value, 0)
        pos = 0
        end = n
        first = 0
        last = len(segments)
        if self.anchored_start:
            seg = segments[0]
            if seg.length > n or not _match_at(seg, value, 0):
                return False
            pos = seg.length
            first = 1
        if self.anchored_end:
            seg = segments[-1]
            start = n - seg.length
            if start < pos or not _match_at(seg, value, start):
                return False
            end = start
            last -= 1
        for i in range(first, last):
            seg = segments[i]
            found = _find(seg, value, pos, end)
            if found < 0:
                return False
            pos = found + seg.length
        return pos <= end


def _match_at(seg: _Segment, value: str, pos: int) -> bool:
    """Whether the segment matches ``value`` at ``pos`` (the caller checked the length)."""
    if seg.literal is not None:
        return value.startswith(seg.literal, pos)
    return all(value.startswith(text, pos + offset) for offset, text in seg.runs)


def _find(seg: _Segment, value: str, pos: int, end: int) -> int:
    """The leftmost start ``s >= pos`` where the segment matches within ``value[:end]``."""
    if seg.literal is not None:
        return value.find(seg.literal, pos, end)
    length = seg.length
    last_start = end - length
    if last_start < pos:
        return -1
    if not seg.runs:
        return pos  # only ``?``: any place with room will do
    if (end - pos) * length <= _SCAN_BUDGET:
        # Find the longest literal run, then check the rest of the segment there.
        offset, text = seg.runs[0]
        s = pos
        while s <= last_start:
            j = value.find(text, s + offset, last_start + offset + len(text))
            if j < 0:
                return -1
            candidate = j - offset
            if _match_at(seg, value, candidate):
                return candidate
            s = candidate + 1
        return -1
    # Shift-And (bitap): linear in the value, whatever the pattern.
    # The tables are built per search, not cached: for a long segment of many
    # distinct characters they are large, and this path is rare.
    masks, default = _shift_and_tables(seg)
    goal = 1 << (length - 1)
    state = 0
    for i in range(pos, end):
        state = ((state << 1) | 1) & masks.get(value[i], default)
        if state & goal:
            return i - length + 1
    return -1


def _shift_and_tables(seg: _Segment) -> tuple[dict[str, int], int]:
    """Shift-And tables: bit i of ``masks[c]`` is set when position i of the segment
    is ``c`` or ``?``; the default (any other character) has only the ``?`` bits."""
    literal_bits = 0
    masks: dict[str, int] = {}
    for offset, text in seg.runs:
        for i, c in enumerate(text, offset):
            bit = 1 << i
            literal_bits |= bit
            masks[c] = masks.get(c, 0) | bit
    any_bits = ((1 << seg.length) - 1) & ~literal_bits
    return {c: bits | any_bits for c, bits in masks.items()}, any_bits


def _compile_segment(text: str, wild: frozenset[int]) -> _Segment:
    """A segment between stars; ``wild`` holds the positions of ``?`` wildcards."""
    if not wild:
        return _Segment(len(text), text)
    runs: list[tuple[int, str]] = []
    run_start = -1
    for i in range(len(text)):
        if i in wild:
            if run_start >= 0:
                runs.append((run_start, text[run_start:i]))
                run_start = -1
        elif run_start < 0:
            run_start = i
    if run_start >= 0:
        runs.append((run_start, text[run_start:]))
    runs.sort(key=lambda r: -len(r[1]))
    return _Segment(len(text), None, tuple(runs))


_NO_WILD: frozenset[int] = frozenset()


def _wild_positions(text: str) -> frozenset[int]:
    if "?" not in text:
        return _NO_WILD
    return frozenset(i for i, c in enumerate(text) if c == "?")


@lru_cache(maxsize=1024)
def compile_pieces(pieces: tuple[Piece, ...], ignore_case: bool = False) -> WildcardMatcher:
    """Compile a pattern given as pieces (see :data:`Piece`). Cached.

    With ``ignore_case`` the pattern and every value are compared in lower case.
    """
    if ignore_case:
        pieces = tuple((text.lower(), literal) for text, literal in pieces)
    segments: list[tuple[str, frozenset[int]]]
    if not any(literal for _, literal in pieces):
        # The usual case: one pattern string, split on its stars.
        segments = [(t, _wild_positions(t)) for t in "".join(t for t, _ in pieces).split("*")]
    else:
        texts: list[list[str]] = [[]]
        wilds: list[set[int]] = [set()]
        sizes = [0]
        for text, literal in pieces:
            if literal:
                texts[-1].append(text)
                sizes[-1] += len(text)
                continue
            for i, chunk in enumerate(text.split("*")):
                if i:
                    texts.append([])
                    wilds.append(set())
                    sizes.append(0)
                base = sizes[-1]
                wilds[-1].update(base + j for j, c in enumerate(chunk) if c == "?")
                texts[-1].append(chunk)
                sizes[-1] += len(chunk)
        segments = [("".join(t), frozenset(w)) for t, w in zip(texts, wilds, strict=True)]
    if len(segments) == 1:
        text, wild = segments[0]
        return WildcardMatcher((_compile_segment(text, wild),), True, True, ignore_case)
    compiled = tuple(_compile_segment(t, w) for t, w in segments if t)
    return WildcardMatcher(compiled, bool(segments[0][0]), bool(segments[-1][0]), ignore_case)


def compile_wildcard(pattern: str, ignore_case: bool = False) -> WildcardMatcher:
    """Compile ``pattern`` (``*`` and ``?`` are wildcards). Cached."""
    return compile_pieces(((pattern, False),), ignore_case)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whether ``value`` matches ``pattern`` where ``*`` and ``?`` are wildcards."""
    if "*" not in pattern and "?" not in pattern:
        if ignore_case:
            return pattern.lower() == value.lower()
        return pattern == value
    return compile_wildcard(pattern, ignore_case).matches(value)


# ---------------------------------------------------------------------------
# Actions


def action_matches(pattern: str, action: str) -> bool:
    """Action names match case-insensitively, with ``*`` and ``?`` wildcards.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    """
    return wildcard_match(pattern, action, ignore_case=True)


# ---------------------------------------------------------------------------
# ARNs


@dataclass(frozen=True, slots=True)
class Arn:
    """An ARN split into its six parts.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    """

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def text(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    """Split an ARN into its parts, or ``None`` when it is not ARN-shaped."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


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

_ACCOUNT_ID = re.compile(r"\d{12}")
# Unique ids: AIDA (user), AROA (role) and the other documented prefixes.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
_UNIQUE_ID = re.compile(r"A(?:IDA|ROA|GPA|NPA|NVA|SIA|KIA|CCA|PKA|BIA|3T|IPA)[A-Z0-9]{12,}")
_UNIQUE_ID_KINDS = {"AIDA": "an IAM user", "AROA": "an IAM role"}

#: The web identity providers AWS names without an ARN.
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-federated-web-identity
WELL_KNOWN_WEB_PROVIDERS = frozenset(
    {
        "cognito-identity.amazonaws.com",
        "accounts.google.com",
        "graph.facebook.com",
        "www.amazon.com",
    }
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes the request, as the engine understands it."""

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


_IAM_ARN = re.compile(r"arn:([a-z][a-z0-9-]*):(iam|sts)::(\d{12}):(.+)", re.DOTALL)
_SERVICE = re.compile(
    r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?|[a-z0-9][a-z0-9.-]*\.aws\.internal"
)


def parse_caller(text: str) -> Caller | None:
    """Understand a request principal, or ``None`` when it is not one of the
    forms the contract names (IAM user, role, role session, account root,
    service principal, OIDC/SAML provider ARN, well-known web identity host).
    """
    m = _IAM_ARN.fullmatch(text)
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
    if _SERVICE.fullmatch(text):
        return Caller("service", text, service=text)
    return None


How = Literal["account", "user", "role", "session", "wildcard", "service", "federated", "exact"]


@dataclass(frozen=True, slots=True)
class PrincipalMatch:
    """Whether one principal entry names the caller, how, and why."""

    matched: bool
    how: How | None
    reason: str


def is_unique_id(value: str) -> bool:
    """Whether ``value`` is an IAM unique id (``AIDA…``, ``AROA…``)."""
    return _UNIQUE_ID.fullmatch(value) is not None


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
                f"The service principal '{value}' has a wildcard, which AWS does not support "
                "there.",
            )
        if value.lower() == (caller.service or "").lower():
            return PrincipalMatch(True, "service", f"The service principal {value} is the caller.")
        return PrincipalMatch(False, None, f"The service principal {value} is another service.")
    if kind == "Federated":
        if caller.kind != "federated":
            return PrincipalMatch(
                False,
                None,
                f"The principal {value} is a federated identity provider, and the caller did not "
                "sign in "
                "through an identity provider.",
            )
        if "*" in value or "?" in value:
            return PrincipalMatch(
                False,
                None,
                f"The federated principal '{value}' has a wildcard, which AWS does not support "
                "there.",
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
            f"The principal {value} is another identity provider than the caller's "
            f"({caller.text}).",
        )
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
    if is_unique_id(value):
        what = _UNIQUE_ID_KINDS.get(value[:4], "an IAM identity")
        return PrincipalMatch(
            False,
            None,
            f"The principal '{value}' is the unique id of {what}. AWS shows a unique id in a "
            "trust policy when "
            "the user or role it named was deleted; a new one with the same name gets a new id, "
            "so this entry no longer names anyone.",
        )
    if _ACCOUNT_ID.fullmatch(value):
        if value == caller.account:
            return PrincipalMatch(
                True,
                "account",
                f"The account id {value} names the whole account, and the caller belongs to it.",
            )
        return PrincipalMatch(
            False, None, f"The account {value} is not the caller's account ({caller.account})."
        )
    arn = parse_arn(value)
    if arn is None:
        return PrincipalMatch(
            False,
            None,
            f"The principal '{value}' is neither an account id nor an ARN, so it names nobody.",
        )
    if arn.partition != caller.partition or arn.account != caller.account:
        return PrincipalMatch(
            False,
            None,
            f"The principal {value} is in account {arn.account}, not the caller's "
            f"({caller.account}).",
        )
    if arn.service == "iam" and arn.resource == "root":
        return PrincipalMatch(
            True,
            "account",
            f"The principal {value} names the whole account {arn.account}, and the caller belongs "
            "to it.",
        )
    if arn.service == "iam" and arn.resource.startswith("user/"):
        if caller.kind == "user" and value == caller.arn:
            return PrincipalMatch(True, "user", f"The principal {value} is the calling IAM user.")
        return PrincipalMatch(
            False, None, f"The principal {value} is another identity than the caller."
        )
    if arn.service == "iam" and arn.resource.startswith("role/"):
        if caller.kind == "role" and value == caller.arn:
            return PrincipalMatch(
                True, "role", f"The principal {value} is the role whose session makes the request."
            )
        if caller.kind == "session" and arn.resource.rsplit("/", 1)[-1] == caller.name:
            return PrincipalMatch(
                True,
                "role",
                f"The caller is a session of the role {value}, and naming a role also names "
                "its sessions.",
            )
        return PrincipalMatch(
            False, None, f"The principal {value} is another role than the caller's."
        )
    if arn.service == "sts" and arn.resource.startswith("assumed-role/"):
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
