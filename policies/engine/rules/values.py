"""Rules about one condition value: its type, wildcards, policy variables, IP ranges."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Iterator

from ..aws.operators import OPERATORS
from ..codes import PAGES
from ..comparisons import network_value, plain_address
from ..findings import Finding
from ..parser import Span
from .common import Checked, finding, strip_variables

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE = re.compile(r"-?\d+|" + _ISO_DATE)  # epoch seconds or ISO 8601
_MISSING_BRACE_HINT = "Close every ${ with a }, as in ${aws:username}."
_OPERATOR_ANCHORS = {
    "TYPE_MISMATCH_NUMBER": "#Conditions_Numeric",
    "TYPE_MISMATCH_DATE": "#Conditions_Date",
    "TYPE_MISMATCH_BOOLEAN": "#Conditions_Boolean",
    "TYPE_MISMATCH_IP_RANGE": "#Conditions_IPAddress",
    "TYPE_MISMATCH_ARN": "#Conditions_ARN",
    "TYPE_MISMATCH_STRING": "#Conditions_BinaryEquals",
}


Network = tuple[int, int, int]


def check_private_ranges(
    base: str, networks: list[Network | None], span: Span, out: list[Finding]
) -> None:
    """aws:SourceIp only ever holds public addresses; private ranges never match it.

    ``networks`` are the key's string values as :func:`read_range` read them (no
    finding when one of them is no range: its own check reports it). The finding
    goes to ``out``."""
    private = 0
    for network in networks:
        if network is None:
            return
        private += is_private(network)
    if not private:
        return
    negated = base == "NotIpAddress"
    if private == len(networks):
        code = "PRIVATE_NOT_IP_ADDRESS" if negated else "PRIVATE_IP_ADDRESS"
        effect = (
            "so NotIpAddress is true for every request and limits nothing"
            if negated
            else "so this condition never matches"
        )
    else:
        code = "PRIVATE_NOT_IP_ADDRESS_SUBSET" if negated else "PRIVATE_IP_ADDRESS_SUBSET"
        effect = "so the private ranges in this list have no effect"
    out.append(
        finding(
            code,
            "aws:SourceIp carries only public IP addresses; requests from private "
            f"ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7) never show "
            f"them, {effect}. For addresses inside a VPC, test aws:VpcSourceIp instead.",
            span,
            PAGES["condition_keys"] + "#condition-keys-sourceip",
        )
    )


def plain_string(base: str, text: str) -> bool:
    """Whether ``text`` is a plain string (no variable, no wildcard) compared by a
    String operator: the common case, which :func:`check_value` has nothing to say about."""
    return (
        "${" not in text
        and OPERATORS[base].family == "String"
        and "*" not in text
        and "?" not in text
    )


def check_value(
    ctx: Checked, base: str, key: str, text: str, span: Span, out: list[Finding]
) -> None:
    """One condition value, read as the operator ``base`` will read it; the findings
    go to ``out``."""
    if plain_string(base, text):
        return
    op = OPERATORS[base]
    has_variable = "${" in text
    if has_variable:
        usable = _variables_replaced(ctx, base, text, span, out)
        if usable is None:
            return
        has_variable = usable
    literal = strip_variables(text) if has_variable else text
    if op.literal_string and ("*" in literal or "?" in literal):
        like = base.replace("Equals", "Like").replace("IgnoreCase", "")
        out.append(
            finding(
                "WILDCARD_WITHOUT_LIKE_OPERATOR",
                f"This value contains * or ?, but {base} compares them as plain "
                "characters, so it matches only that exact text. If you meant a "
                f"wildcard, use {like}.",
                span,
                PAGES["operators"] + "#Conditions_String",
            )
        )
    # With a variable, the type is known only once it is replaced; a String operator
    # reads any text (typed_value has nothing to say about its values).
    if not has_variable and op.family != "String":
        typed_value(base, key, text, span, out)


def _variables_replaced(
    ctx: Checked, base: str, text: str, span: Span, out: list[Finding]
) -> bool | None:
    """Whether AWS replaces the value's policy variables (``False``: the text is
    literal), or ``None`` when a finding about them ends the checks of the value."""
    if not ctx.policy.variables_enabled:
        out.append(
            finding(
                "VARIABLE_UNSUPPORTED_IN_VERSION",
                'This value contains "${", but policy variables are replaced only '
                'when the policy says "Version": "2012-10-17". Here the text is '
                "compared literally, so it will almost never match. Set the Version to "
                "2012-10-17.",
                span,
                PAGES["variables"],
            )
        )
        return False
    problem = variable_syntax_problem(text, span)
    if problem is not None:
        out.append(problem)
        return None
    types = OPERATORS[base].key_types
    if types and "String" not in types and "ARN" not in types:
        out.append(
            finding(
                "INVALID_VARIABLE_FOR_OPERATOR",
                f"Policy variables work only with String and ARN operators, not with {base}: "
                "here the ${...} is not replaced. Compare with a fixed value, or use a "
                "String operator.",
                span,
                PAGES["variables"] + "#policy-vars-conditionelement",
            )
        )
        return None
    return True


def typed_value(base: str, key: str, text: str, span: Span, out: list[Finding]) -> None:
    """A value of the operator's type (number, date, IP range, ...), well written: all
    that :func:`check_value` checks in a value without a policy variable for an
    operator that is not a String operator."""
    if base in _IP_OPERATORS:
        ip_value(base, key, text, span, read_range(text), out)
        return
    problem = value_problem(base, text)
    if problem:
        out.append(_wrong_type(problem, base, key, text, span))
    elif base.startswith("Date") and (text[1:] if text[:1] == "-" else text).isdecimal():
        # Epoch seconds, -?\d+ read without a second pattern (isdecimal is what \d matches).
        out.extend(_epoch_date(key, text, span))


#: For each family of operators that :func:`typed_value` reads (String and IpAddress
#: aside), a test run in C (a pattern's fullmatch, a set's membership) that is true
#: only of a value typed_value has nothing to say about: the usual value passes it
#: without two Python calls. A value it refuses goes to typed_value, which decides.
WELL_TYPED: dict[str, Callable[[str], object]] = {
    "Numeric": _NUMBER.fullmatch,
    "Date": re.compile(_ISO_DATE).fullmatch,  # not epoch seconds (INVALID_DATE_VALUE)
    "Bool": frozenset({"true", "false"}).__contains__,
    "Null": frozenset({"true", "false"}).__contains__,
}
#: The test for a family without one: every value goes to typed_value.
NOT_WELL_TYPED: Callable[[str], object] = frozenset[str]().__contains__


def _wrong_type(problem: tuple[str, str], base: str, key: str, text: str, span: Span) -> Finding:
    code, wanted = problem
    return finding(
        code,
        f'"{text}" is not {wanted}, which {base} needs: AWS cannot read it as '
        f"one, so this value never matches {key}. Write the value in that form.",
        span,
        PAGES["operators"] + _OPERATOR_ANCHORS.get(code, ""),
    )


def ip_value(
    base: str,
    key: str,
    text: str,
    span: Span,
    read: tuple[Network | None, bool],
    out: list[Finding],
) -> None:
    """An IP address or range (``read``: its :func:`read_range`): a range at all, and
    without host bits."""
    network, host_bits = read
    if network is None:
        out.append(_wrong_type(_NOT_AN_IP_RANGE, base, key, text, span))
    elif host_bits:
        shown = ipaddress.ip_network(text, strict=False)  # its text, for the message only
        out.append(
            finding(
                "IMPROVE_IP_RANGE",
                f'"{text}" has bits set after the prefix length, and AWS ignores them: '
                f'this range is really "{shown}". Write "{shown}" so that the policy '
                "says what it does.",
                span,
                PAGES["operators"] + "#Conditions_IPAddress",
            )
        )


def _epoch_date(key: str, text: str, span: Span) -> Iterator[Finding]:
    """Access Analyzer's "Invalid date value": epoch seconds may not resolve as expected
    (access-analyzer-reference-policy-checks.html); aws:EpochTime is epoch by nature."""
    if key.lower() == "aws:epochtime":
        return
    yield finding(
        "INVALID_DATE_VALUE",
        f'The date "{text}" is written as epoch seconds, which might not resolve to the '
        "moment you expect. Write it in the W3C date format, such as 2026-01-31 or "
        "2026-01-31T12:00:00Z.",
        span,
        PAGES["operators"] + "#Conditions_Date",
    )


_IP_OPERATORS = ("IpAddress", "NotIpAddress")
_NOT_AN_IP_RANGE = (
    "TYPE_MISMATCH_IP_RANGE",
    "an IP address or a CIDR range (such as 203.0.113.0/24)",
)


def value_problem(base: str, text: str) -> tuple[str, str] | None:
    """The finding code and the kind of value ``base`` needs, when ``text`` is not one."""
    if base.startswith("Numeric"):
        if _NUMBER.fullmatch(text):
            return None
        return "TYPE_MISMATCH_NUMBER", "a number (such as 3600)"
    if base.startswith("Date"):
        if _DATE.fullmatch(text):
            return None
        return (
            "TYPE_MISMATCH_DATE",
            "a date (ISO 8601 such as 2026-01-31 or 2026-01-31T12:00:00Z, or epoch seconds)",
        )
    if base in ("Bool", "Null"):
        if text.lower() in ("true", "false"):
            return None
        return "TYPE_MISMATCH_BOOLEAN", "true or false"
    if base in _IP_OPERATORS:
        return _NOT_AN_IP_RANGE if ip_range(text) is None else None
    if base.startswith("Arn"):
        if text == "*" or (text.startswith("arn:") and text.count(":") >= 5):
            return None
        return "TYPE_MISMATCH_ARN", "an ARN (arn:partition:service:region:account:resource)"
    if base == "BinaryEquals":
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return "TYPE_MISMATCH_STRING", "base64-encoded binary data"
    return None


def variable_syntax_problem(text: str, span: Span) -> Finding | None:
    """The finding about the first badly written policy variable in ``text``, if any."""
    start = 0
    while (start := text.find("${", start)) >= 0:
        end = text.find("}", start)
        if end < 0:
            return finding(
                "MISSING_BRACE_IN_VARIABLE",
                f"A policy variable starts with ${{ but never ends. {_MISSING_BRACE_HINT}",
                span,
                PAGES["variables"],
            )
        inner = text[start + 2 : end]
        name = inner.split(",", 1)[0]
        if not name.strip():
            return finding(
                "EMPTY_VARIABLE",
                "${} names no variable. Write the key to substitute, such as "
                "${aws:username}, or remove it.",
                span,
                PAGES["variables"],
            )
        if "," in inner:
            default = inner.split(",", 1)[1].strip()
            if len(default) < 2 or default[0] != "'" or default[-1] != "'":
                return finding(
                    "MISSING_QUOTE_IN_VARIABLE",
                    "The default value of a policy variable goes in single quotes after a "
                    "comma and a space, as in ${aws:username, 'anonymous'}.",
                    span,
                    PAGES["variables"],
                )
        if name != name.strip() or " " in name:
            return finding(
                "UNSUPPORTED_SPACE_IN_VARIABLE",
                f'The variable name "{name}" contains a space; variable names have '
                "none (a default value comes after a comma: ${aws:username, 'none'}).",
                span,
                PAGES["variables"],
            )
        start = end + 1
    return None


def _as_ints(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> tuple[int, int, int]:
    return network.version, int(network.network_address), int(network.netmask)


#: RFC 1918 and RFC 4193 ranges as (version, network, mask): never the source of a
#: request that reaches AWS.
_PRIVATE_RANGES = tuple(
    _as_ints(ipaddress.ip_network(cidr))
    for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


#: The same ranges by IP version, as (network, mask).
_PRIVATE_BY_VERSION = {
    version: tuple((start, mask) for other, start, mask in _PRIVATE_RANGES if other == version)
    for version in (4, 6)
}


def ip_range(text: str) -> tuple[int, int, int] | None:
    """An IP address or CIDR range as (version, network, mask), host bits cleared, as
    ``ipaddress.ip_network(text, strict=False)`` reads it; ``None`` when it is neither.

    The usual forms are read as integers by :func:`..comparisons.network_value`
    (``ipaddress`` objects cost microseconds each); it reads the text stripped of
    whitespace, which ``ipaddress`` refuses, so such text goes to ``ipaddress``.
    """
    if text.strip() == text:
        return network_value(text)
    try:
        return _as_ints(ipaddress.ip_network(text, strict=False))
    except ValueError:
        return None


def is_private(network: tuple[int, int, int]) -> bool:
    """Whether a range (as :func:`ip_range` gives it) lies in a private range."""
    version, number, mask = network
    for start, private_mask in _PRIVATE_BY_VERSION[version]:  # a loop: no generator
        if mask >= private_mask and number & private_mask == start:
            break
    else:
        return False
    return True


def _has_host_bits(text: str, network: tuple[int, int, int]) -> bool:
    """Whether a range (``network`` is its :func:`ip_range`) has bits set after its
    prefix length: ``ipaddress.ip_network(text)`` would refuse it."""
    if "/" not in text:
        return False
    address = ip_range(text.partition("/")[0])
    return address is None or address[1] != network[1]


#: The length of every prefix written with one to three ASCII digits ("24", "024"), the
#: form :func:`read_range` reads itself: one look-up instead of four tests and int().
_PREFIX_LENGTHS = {f"{n:0{width}}": n for width in (1, 2, 3) for n in range(10**width)}


def read_range(text: str) -> tuple[Network | None, bool]:
    """:func:`ip_range` of ``text``, and whether the range has host bits set (bits
    after its prefix length, which ``ipaddress.ip_network(text)`` refuses): one
    reading of the text for both.

    A plain address with a decimal prefix length (the usual form) is read once, as
    an address (:func:`..comparisons.plain_address`, as
    :func:`..comparisons.ip_value` reads it, without its other calls: this runs for
    every IP value of every keystroke), and masked by the rules
    :func:`..comparisons.network_value` applies to it; any other text goes to
    :func:`ip_range`.
    """
    address, _, prefix = text.partition("/")
    length = _PREFIX_LENGTHS.get(prefix)  # None without a slash ("" is no length)
    if length is not None and address.strip() == address:
        plain = plain_address(address)
        if plain is None:
            return _read_other_range(text)
        version, bits, number = plain
        if number is None:
            return None, False
        if length <= bits:
            mask = ((1 << length) - 1) << (bits - length)
            return (version, number & mask, mask), number & mask != number
    return _read_other_range(text)


def _read_other_range(text: str) -> tuple[Network | None, bool]:
    """:func:`read_range` of a text in another form than address/prefix."""
    network = ip_range(text)
    return network, network is not None and _has_host_bits(text, network)


def _is_strict(text: str) -> bool:
    """Whether ``ipaddress.ip_network(text)`` (strict) accepts ``text``."""
    network, host_bits = read_range(text)
    return network is not None and not host_bits
