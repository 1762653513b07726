"""Comparing a request value with policy values, family by family.

How AWS reads each type (numbers, ISO 8601 or epoch dates, true/false, base64,
IP addresses and CIDR ranges) and compares it, per the condition operators page
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from socket import AF_INET, AF_INET6, inet_pton
from typing import Any

from .aws.operators import Operator
from .aws.wildcard import compile_pieces
from .matching import arn_like_pieces
from .variables import PolicyValues

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_EPOCH = re.compile(r"[+-]?\d+(?:\.\d+)?")
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_number(text: str) -> Decimal | None:
    """A number as AWS's numeric operators read it (integer or decimal)."""
    t = text.strip()
    if len(t) > 64:
        return None
    if t.isdigit() and t.isascii():
        return Decimal(t)  # the usual case: a whole number, which the pattern accepts
    if not _NUMBER.fullmatch(t):
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
        delta = dt - _UNIX_EPOCH
    except OverflowError:
        return None
    seconds = Decimal(delta.days * 86400 + delta.seconds)
    if not delta.microseconds:
        return seconds
    return seconds + Decimal(delta.microseconds) / Decimal(1_000_000)


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
    "eq": operator.eq,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
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

# The number, Bool, Binary and IP tests are module functions bound to their policy
# values with partial, not nested functions: a nested function made a cell for each
# variable it read, on every call. The String and ARN tests are lambdas over one value.

# The number and IP tests look through their policy values with ``True in [...]``
# rather than any() over a generator: 3.12+ inlines a list comprehension (no generator
# object), and each comparison is cheap. Pattern tests keep any(): a match costs more
# than the generator, and the first one that matches ends the search.


def positive_matcher(op: Operator, policy: PolicyValues) -> Test:
    """A test "does request value r match at least one policy value" for the positive
    twin of ``op``. Raises :class:`Incomparable` for a policy value that is not of the
    operator's type (and the test raises it for such a request value)."""
    family = op.family
    if family == "String":
        return _string_matcher(op, policy)
    if family == "Arn":
        patterns = policy.patterns()
        return lambda r: any(arn_like_pieces(p, r) for p in patterns)
    if family in ("Numeric", "Date"):
        return _ordered_matcher(op, policy.texts)
    if family == "Bool":
        return _bool_matcher(policy.texts)
    if family == "Binary":
        return _binary_matcher(policy.texts)
    return _ip_matcher(policy.texts)


def _string_matcher(op: Operator, policy: PolicyValues) -> Test:
    if op.compare == "like":
        matchers = [compile_pieces(p) for p in policy.patterns()]
        return lambda r: any(m.matches(r) for m in matchers)
    if op.compare == "eqi":
        lowered = {t.lower() for t in policy.texts}
        return lambda r: r.lower() in lowered
    texts = policy.texts
    # A few values (the usual one or two) are looked through faster than a set is built.
    return texts.__contains__ if len(texts) <= 4 else set(texts).__contains__


def _number(text: str) -> int | Decimal | None:
    """:func:`parse_number`, with a plain whole number read as an int (the usual
    value, several times cheaper; an int and a Decimal compare exactly)."""
    if text.isdigit() and text.isascii() and len(text) <= 64:
        return int(text)
    return parse_number(text)


def _ordered_matcher(op: Operator, texts: list[str]) -> Test:
    family = op.family
    parse: Callable[[str], int | Decimal | None] = _number if family == "Numeric" else parse_date
    numbers = []
    for text in texts:
        n = parse(text)
        if n is None:
            raise Incomparable(f"the policy value {_q(text)} is not {_TYPE_NAME[family]}")
        numbers.append(n)
    return partial(_ordered_test, family, parse, numbers, _ORDER[op.compare])


def _ordered_test(
    family: str,
    parse: Callable[[str], int | Decimal | None],
    numbers: list[int | Decimal],
    compare: Callable[[Any, Any], bool],
    r: str,
) -> bool:
    value = parse(r)
    if value is None:
        raise Incomparable(f"the request value {_q(r)} is not {_TYPE_NAME[family]}")
    return True in [compare(value, n) for n in numbers]


def _bool_matcher(texts: list[str]) -> Test:
    wanted = []
    for text in texts:
        b = parse_bool(text)
        if b is None:
            raise Incomparable(f"the policy value {_q(text)} is not true or false")
        wanted.append(b)
    return partial(_bool_test, wanted)


def _bool_test(wanted: list[bool], r: str) -> bool:
    value = parse_bool(r)
    if value is None:
        raise Incomparable(f"the request value {_q(r)} is not true or false")
    return value in wanted


def _binary_matcher(texts: list[str]) -> Test:
    blobs: list[bytes] = []
    for text in texts:
        blob = parse_binary(text)
        if blob is None:
            raise Incomparable(f"the policy value {_q(text)} is not base64")
        blobs.append(blob)
    return partial(_binary_test, blobs)


def _binary_test(blobs: list[bytes], r: str) -> bool:
    given = parse_binary(r)
    if given is None:
        given = r.encode("utf-8", "surrogatepass")
    return given in blobs


# IP addresses as integers. ``ipaddress`` objects cost microseconds each to build,
# more than the rest of a condition, so the usual forms (a dotted IPv4 address, an
# IPv6 address of hex groups, a decimal prefix length) are read here by the same
# rules ``ipaddress`` applies; anything else (a scope id, an IPv4 tail in IPv6, a
# netmask written as an address) goes to ``ipaddress`` itself. Either way an address
# is (version, integer) and a range (version, network, mask), which is exactly what
# ``address in network`` compares.


def address_int(family: int, text: str) -> int | None:
    """An address of ``family`` as an integer, read by ``inet_pton`` (in C), or ``None``.

    For ``AF_INET`` it reads four decimal octets with no leading zeros, each at most
    255 (POSIX's form, which refuses short forms and hex, as ``ipaddress`` does). For
    ``AF_INET6`` it reads one to four hex digits a group, eight groups or fewer around
    one ``::``, exactly as ``ipaddress`` does; the callers send a scope id (``%``) or
    an IPv4 tail (``.``) to ``ipaddress`` itself.
    """
    if not text.isascii():
        return None
    try:
        return int.from_bytes(inet_pton(family, text))
    except (OSError, ValueError):  # not an address; ValueError: a NUL character
        return None


def plain_address(address: str) -> tuple[int, int, int | None] | None:
    """(version, bits, the address as an integer or ``None``) of an address in its
    plain form, read by :func:`address_int`; ``None`` for an IPv6 address with a
    scope id (``%``) or an IPv4 tail (``.``), which only ``ipaddress`` reads."""
    if ":" not in address:
        return 4, 32, address_int(AF_INET, address)
    if "." not in address and "%" not in address:
        return 6, 128, address_int(AF_INET6, address)
    return None


def ip_value(text: str) -> tuple[int, int] | None:
    """An IP address as (version, integer), or ``None`` when it is not one."""
    t = text.strip()
    plain = plain_address(t)
    if plain is None:
        ip = parse_ip(t)
        return None if ip is None else (ip.version, int(ip))
    version, _, number = plain
    return None if number is None else (version, number)


def network_value(text: str) -> tuple[int, int, int] | None:
    """An IP address or CIDR range as (version, network, mask), host bits cleared
    (``ip_network(text, strict=False)``), or ``None`` when it is neither."""
    t = text.strip()
    address, slash, prefix = t.partition("/")
    plain = None if "/" in prefix else plain_address(address)
    if plain is None:
        return _network_from_ipaddress(t)
    version, bits, number = plain
    if number is None:
        return None
    if not slash:
        length = bits
    elif 0 < len(prefix) <= 3 and prefix.isascii() and prefix.isdigit() and int(prefix) <= bits:
        length = int(prefix)
    else:
        return _network_from_ipaddress(t)  # a netmask such as 255.255.255.0, or an error
    mask = ((1 << length) - 1) << (bits - length)
    return version, number & mask, mask


def _network_from_ipaddress(text: str) -> tuple[int, int, int] | None:
    network = parse_network(text)
    if network is None:
        return None
    return network.version, int(network.network_address), int(network.netmask)


def _ip_matcher(texts: list[str]) -> Test:
    networks = []
    for text in texts:
        network = network_value(text)
        if network is None:
            raise Incomparable(f"the policy value {_q(text)} is not an IP address or range")
        networks.append(network)
    return partial(_ip_test, networks)


def _ip_test(networks: list[tuple[int, int, int]], r: str) -> bool:
    ip = ip_value(r)
    if ip is None:
        raise Incomparable(f"the request value {_q(r)} is not an IP address")
    version, number = ip
    return True in [v == version and number & mask == net for v, net, mask in networks]
