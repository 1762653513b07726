"""Comparing a request value with policy values, family by family.

How AWS reads each type (numbers, ISO 8601 or epoch dates, true/false, base64,
IP addresses and CIDR ranges) and compares it, per the condition operators page
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .aws.operators import Operator
from .aws.wildcard import compile_pieces
from .matching import arn_like_pieces
from .variables import Substituted

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_EPOCH = re.compile(r"[+-]?\d+(?:\.\d+)?")


def parse_number(text: str) -> Decimal | None:
    """A number as AWS's numeric operators read it (integer or decimal)."""
    t = text.strip()
    if len(t) > 64 or not _NUMBER.fullmatch(t):
        return None
    try:
        n = Decimal(t)
    except InvalidOperation:
        return None
    return n if n.is_finite() else None


def parse_date(text: str) -> Decimal | None:
    """A moment in time, from ISO 8601 or epoch seconds, as epoch seconds.

    AWS accepts both forms in Date conditions (see the Date operators in
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date).
    """
    t = text.strip()
    if not t or len(t) > 64:
        return None
    if _EPOCH.fullmatch(t):
        return Decimal(t)
    try:
        dt = datetime.fromisoformat(t)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    except OverflowError:
        return None
    return (
        Decimal(delta.days) * 86400
        + Decimal(delta.seconds)
        + Decimal(delta.microseconds) / Decimal(1_000_000)
    )


def parse_bool(text: str) -> bool | None:
    low = text.strip().lower()
    if low == "true":
        return True
    if low == "false":
        return False
    return None


def parse_binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


class Incomparable(Exception):
    """A value cannot be read as the operator's type."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


_TYPE_NAME = {
    "Numeric": "a number",
    "Date": "a date (ISO 8601 or epoch seconds)",
    "Bool": "true or false",
    "Binary": "base64",
    "IpAddress": "an IP address or CIDR range",
}


def _q(text: str, limit: int = 120) -> str:
    if len(text) > limit:
        text = text[:limit] + "…"
    return "'" + text + "'"


Test = Callable[[str], bool]


def positive_matcher(op: Operator, policy: list[Substituted]) -> Test:
    """A test "does request value r match at least one policy value" for the positive
    twin of ``op``. Raises :class:`Incomparable` for a policy value that is not of the
    operator's type (and the test raises it for such a request value)."""
    usable = [s for s in policy if s.pieces is not None]
    if op.family == "String":
        return _string_matcher(op, usable)
    if op.family == "Arn":
        patterns = [s.pieces for s in usable if s.pieces is not None]
        return lambda r: any(arn_like_pieces(p, r) for p in patterns)
    if op.family in ("Numeric", "Date"):
        return _ordered_matcher(op, usable)
    if op.family == "Bool":
        return _bool_matcher(usable)
    if op.family == "Binary":
        return _binary_matcher(usable)
    return _ip_matcher(usable)


def _string_matcher(op: Operator, usable: list[Substituted]) -> Test:
    if op.compare == "like":
        matchers = [compile_pieces(s.pieces) for s in usable if s.pieces is not None]
        return lambda r: any(m.matches(r) for m in matchers)
    texts = ["".join(p for p, _ in s.pieces) for s in usable if s.pieces is not None]
    if op.compare == "eqi":
        lowered = {t.lower() for t in texts}
        return lambda r: r.lower() in lowered
    exact = set(texts)
    return lambda r: r in exact


def _ordered_matcher(op: Operator, usable: list[Substituted]) -> Test:
    family = op.family
    parse = parse_number if family == "Numeric" else parse_date
    numbers = []
    for s in usable:
        n = parse(s.text)
        if n is None:
            raise Incomparable(f"the policy value {_q(s.text)} is not {_TYPE_NAME[family]}")
        numbers.append(n)
    compare = _ORDER[op.compare]

    def test(r: str) -> bool:
        value = parse(r)
        if value is None:
            raise Incomparable(f"the request value {_q(r)} is not {_TYPE_NAME[family]}")
        return any(compare(value, n) for n in numbers)

    return test


def _bool_matcher(usable: list[Substituted]) -> Test:
    wanted = []
    for s in usable:
        b = parse_bool(s.text)
        if b is None:
            raise Incomparable(f"the policy value {_q(s.text)} is not true or false")
        wanted.append(b)

    def test(r: str) -> bool:
        value = parse_bool(r)
        if value is None:
            raise Incomparable(f"the request value {_q(r)} is not true or false")
        return value in wanted

    return test


def _binary_matcher(usable: list[Substituted]) -> Test:
    blobs: list[bytes] = []
    for s in usable:
        blob = parse_binary(s.text)
        if blob is None:
            raise Incomparable(f"the policy value {_q(s.text)} is not base64")
        blobs.append(blob)

    def test(r: str) -> bool:
        given = parse_binary(r)
        if given is None:
            given = r.encode("utf-8", "surrogatepass")
        return given in blobs

    return test


def _ip_matcher(usable: list[Substituted]) -> Test:
    networks = []
    for s in usable:
        network = parse_network(s.text)
        if network is None:
            raise Incomparable(f"the policy value {_q(s.text)} is not an IP address or range")
        networks.append(network)

    def test(r: str) -> bool:
        ip = parse_ip(r)
        if ip is None:
            raise Incomparable(f"the request value {_q(r)} is not an IP address")
        return any(ip.version == n.version and ip in n for n in networks)

    return test
