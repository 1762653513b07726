"""Condition operators, with AWS's rules for missing keys, sets and variables.

Sources (IAM User Guide):
- Operators and the rules for missing keys:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- Several values under one key are OR'ed; several keys and operators are AND'ed:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
- ``ForAllValues`` / ``ForAnyValue`` (true / false on a missing or empty key):
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- Policy variables, only in String and ARN conditions and only under Version 2012-10-17;
  ``${*}``, ``${?}``, ``${$}`` and defaults ``${key, 'value'}``:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal, Protocol

from .context import RequestContext
from .errors import InputTooLargeError
from .matching import Piece, arn_like_pieces, compile_pieces

#: Work units one evaluation may spend comparing values (see :class:`MatchBudget`).
#: A unit is about one comparison, or one value character for the slowest wildcard
#: search; the budget keeps the worst accepted case well under 50 ms. A case that
#: needs more (hundreds of long request values against hundreds of long patterns)
#: is refused with :class:`InputTooLargeError`.
MAX_MATCH_WORK = 120_000


class _ValueLike(Protocol):
    @property
    def text(self) -> str: ...


class ConditionLike(Protocol):
    """What the engine needs from a ``model.Condition``."""

    @property
    def operator(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def values(self) -> Sequence[_ValueLike]: ...


Family = Literal["String", "Numeric", "Date", "Bool", "Binary", "IpAddress", "Arn", "Null"]


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """An operator name taken apart."""

    name: str  # canonical spelling of the base operator, e.g. "StringNotLike"
    family: Family
    negated: bool
    relation: str  # how the positive twin relates request value to policy value
    set_operator: Literal["ForAllValues", "ForAnyValue"] | None
    if_exists: bool

    @property
    def full_name(self) -> str:
        prefix = f"{self.set_operator}:" if self.set_operator else ""
        return prefix + self.name + ("IfExists" if self.if_exists else "")


# name -> (family, negated, relation of the positive twin, comparison name)
_BASE: dict[str, tuple[Family, bool, str, str]] = {
    "StringEquals": ("String", False, "equal to", "eq"),
    "StringNotEquals": ("String", True, "equal to", "eq"),
    "StringEqualsIgnoreCase": ("String", False, "equal (ignoring case) to", "eqi"),
    "StringNotEqualsIgnoreCase": ("String", True, "equal (ignoring case) to", "eqi"),
    "StringLike": ("String", False, "matched by", "like"),
    "StringNotLike": ("String", True, "matched by", "like"),
    "NumericEquals": ("Numeric", False, "equal to", "eq"),
    "NumericNotEquals": ("Numeric", True, "equal to", "eq"),
    "NumericLessThan": ("Numeric", False, "less than", "lt"),
    "NumericLessThanEquals": ("Numeric", False, "at most", "le"),
    "NumericGreaterThan": ("Numeric", False, "greater than", "gt"),
    "NumericGreaterThanEquals": ("Numeric", False, "at least", "ge"),
    "DateEquals": ("Date", False, "the same moment as", "eq"),
    "DateNotEquals": ("Date", True, "the same moment as", "eq"),
    "DateLessThan": ("Date", False, "before", "lt"),
    "DateLessThanEquals": ("Date", False, "at or before", "le"),
    "DateGreaterThan": ("Date", False, "after", "gt"),
    "DateGreaterThanEquals": ("Date", False, "at or after", "ge"),
    "Bool": ("Bool", False, "equal to", "eq"),
    "BinaryEquals": ("Binary", False, "equal (as decoded bytes) to", "eq"),
    "IpAddress": ("IpAddress", False, "in the range", "in"),
    "NotIpAddress": ("IpAddress", True, "in the range", "in"),
    "ArnEquals": ("Arn", False, "matched by", "arn"),
    "ArnLike": ("Arn", False, "matched by", "arn"),
    "ArnNotEquals": ("Arn", True, "matched by", "arn"),
    "ArnNotLike": ("Arn", True, "matched by", "arn"),
    "Null": ("Null", False, "", "null"),
}
_BASE_LOWER = {k.lower(): k for k in _BASE}


@lru_cache(maxsize=512)
def parse_operator(operator: str) -> OperatorSpec | None:
    """Take an operator such as ``ForAnyValue:StringLikeIfExists`` apart.

    Returns ``None`` for a name AWS does not know. Operator names are compared
    without regard to case, so a typo in case is judged by validation rather
    than silently ignored here.
    """
    rest = operator
    set_op: Literal["ForAllValues", "ForAnyValue"] | None = None
    head, sep, tail = operator.partition(":")
    if sep:
        if head.lower() == "forallvalues":
            set_op = "ForAllValues"
        elif head.lower() == "foranyvalue":
            set_op = "ForAnyValue"
        else:
            return None
        rest = tail
    if_exists = False
    if rest.lower().endswith("ifexists"):
        if_exists = True
        rest = rest[: -len("ifexists")]
    name = _BASE_LOWER.get(rest.lower())
    if name is None:
        return None
    family, negated, relation, _ = _BASE[name]
    return OperatorSpec(name, family, negated, relation, set_op, if_exists)


# ---------------------------------------------------------------------------
# Policy variables

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_VAR_BODY = re.compile(r"\s*([^,\s][^,]*?)\s*(?:,\s*'([^']*)'\s*)?")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Substituted:
    """A policy value after policy variables: its pieces, or why it has none."""

    pieces: tuple[Piece, ...] | None
    text: str  # what the value reads as (for the trace)
    unresolved: str | None = None  # the variable that had no value and no default


def substitute(text: str, ctx: RequestContext, enabled: bool) -> Substituted:
    """Replace policy variables in ``text`` with their values from ``ctx``.

    When ``enabled`` is false (Version 2008-10-17 or none), the text is literal
    and ``${...}`` means the characters themselves.
    """
    if not enabled or "${" not in text:
        return Substituted(((text, False),), text)
    pieces: list[Piece] = []
    pos = 0
    for m in _VARIABLE.finditer(text):
        if m.start() > pos:
            pieces.append((text[pos : m.start()], False))
        body = m.group(1)
        pos = m.end()
        if body in _SPECIAL:
            pieces.append((_SPECIAL[body], True))
            continue
        vm = _VAR_BODY.fullmatch(body)
        if vm is None:
            pieces.append((m.group(0), False))
            continue
        key, default = vm.group(1), vm.group(2)
        entry = ctx.entry(key)
        value: str | None = None
        if entry is not None and not entry.multivalued and entry.values:
            value = entry.values[0]
        elif default is not None:
            value = default
        if value is None:
            return Substituted(None, text, unresolved=key)
        pieces.append((value, True))
    if pos < len(text):
        pieces.append((text[pos:], False))
    shown = "".join(p for p, _ in pieces)
    return Substituted(tuple(pieces), shown)


# ---------------------------------------------------------------------------
# Typed values

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


# ---------------------------------------------------------------------------
# Results


@dataclass(slots=True)
class ConditionResult:
    """One (operator, key) test and why it came out as it did."""

    operator: str
    key: str
    request_values: list[str] | None  # None: the key is not in the request
    request_multivalued: bool
    policy_values: list[str]  # as written in the policy
    effective_values: list[str]  # after policy variables (unresolved ones as written)
    matched: bool
    reason: str
    line: int | None = None  # where the condition key is in the policy text
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.request_values is None:
            request: str | list[str] | None = None
        elif self.request_multivalued:
            request = list(self.request_values)
        else:
            request = self.request_values[0] if self.request_values else None
        out: dict[str, Any] = {
            "operator": self.operator,
            "key": self.key,
            "request_value": request,
            "policy_value": (
                self.policy_values[0] if len(self.policy_values) == 1 else list(self.policy_values)
            ),
            "matched": self.matched,
            "reason": self.reason,
        }
        if self.effective_values != self.policy_values:
            out["policy_value_after_variables"] = (
                self.effective_values[0]
                if len(self.effective_values) == 1
                else list(self.effective_values)
            )
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        return out


def _q(text: str, limit: int = 120) -> str:
    if len(text) > limit:
        text = text[:limit] + "…"
    return "'" + text + "'"


def _qlist(values: Sequence[str], hit: bool = False) -> str:
    if len(values) == 1:
        return _q(values[0])
    shown = ", ".join(_q(v) for v in values[:8])
    if len(values) > 8:
        shown += f" and {len(values) - 8} more"
    return ("one of " if hit else "any of ") + shown


class MatchBudget:
    """How much comparing one evaluation may still do; shared by all its conditions."""

    __slots__ = ("remaining",)

    def __init__(self, units: int = MAX_MATCH_WORK) -> None:
        self.remaining = units

    def spend(self, units: int) -> None:
        self.remaining -= units
        if self.remaining < 0:
            raise InputTooLargeError(
                "the case needs more value comparisons than one evaluation may do "
                f"({MAX_MATCH_WORK:,} work units): use fewer or shorter context values "
                "or condition values"
            )


def _work(spec: OperatorSpec, subs: list[Substituted], request_values: list[str]) -> int:
    """An upper bound of the comparing work of one condition, in work units."""
    usable = [s.pieces for s in subs if s.pieces is not None]
    if spec.family == "String" and _BASE[spec.name][3] == "like":
        matchers = [compile_pieces(p) for p in usable]
        return sum(m.cost(len(r)) for m in matchers for r in request_values)
    if spec.family == "Arn":
        return sum(6 + len(r) for r in request_values) * max(1, len(usable))
    if spec.family == "String":
        return len(request_values) + len(usable)
    return len(request_values) * max(1, len(usable))


class _Incomparable(Exception):
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


def _matcher(spec: OperatorSpec, policy: list[Substituted]) -> Callable[[str], bool]:
    """A test 'does request value r match at least one policy value' for the
    positive twin of ``spec``. Raises :class:`_Incomparable` for a policy value
    that is not of the operator's type."""
    family = spec.family
    compare = _BASE[spec.name][3]
    usable = [s for s in policy if s.pieces is not None]
    if family == "String":
        if compare == "like":
            matchers = [compile_pieces(s.pieces) for s in usable if s.pieces is not None]
            return lambda r: any(m.matches(r) for m in matchers)
        texts = ["".join(p for p, _ in s.pieces) for s in usable if s.pieces is not None]
        if compare == "eqi":
            lowered = {t.lower() for t in texts}
            return lambda r: r.lower() in lowered
        exact = set(texts)
        return lambda r: r in exact
    if family == "Arn":
        pats = [s.pieces for s in usable if s.pieces is not None]
        return lambda r: any(arn_like_pieces(p, r) for p in pats)
    if family in ("Numeric", "Date"):
        parse = parse_number if family == "Numeric" else parse_date
        nums = []
        for s in usable:
            n = parse(s.text)
            if n is None:
                raise _Incomparable(f"the policy value {_q(s.text)} is not {_TYPE_NAME[family]}")
            nums.append(n)
        op = _ORDER[compare]

        def test_ordered(r: str) -> bool:
            rv = parse(r)
            if rv is None:
                raise _Incomparable(f"the request value {_q(r)} is not {_TYPE_NAME[family]}")
            return any(op(rv, n) for n in nums)

        return test_ordered
    if family == "Bool":
        bools = []
        for s in usable:
            b = parse_bool(s.text)
            if b is None:
                raise _Incomparable(f"the policy value {_q(s.text)} is not true or false")
            bools.append(b)

        def test_bool(r: str) -> bool:
            rb = parse_bool(r)
            if rb is None:
                raise _Incomparable(f"the request value {_q(r)} is not true or false")
            return rb in bools

        return test_bool
    if family == "Binary":
        blobs: list[bytes] = []
        for s in usable:
            blob = parse_binary(s.text)
            if blob is None:
                raise _Incomparable(f"the policy value {_q(s.text)} is not base64")
            blobs.append(blob)

        def test_binary(r: str) -> bool:
            given = parse_binary(r)
            if given is None:
                given = r.encode("utf-8", "surrogatepass")
            return given in blobs

        return test_binary
    # IpAddress
    nets = []
    for s in usable:
        net = parse_network(s.text)
        if net is None:
            raise _Incomparable(f"the policy value {_q(s.text)} is not an IP address or range")
        nets.append(net)

    def test_ip(r: str) -> bool:
        ip = parse_ip(r)
        if ip is None:
            raise _Incomparable(f"the request value {_q(r)} is not an IP address")
        return any(ip.version == n.version and ip in n for n in nets)

    return test_ip


def evaluate_condition(
    cond: ConditionLike,
    ctx: RequestContext,
    variables_enabled: bool,
    budget: MatchBudget | None = None,
) -> ConditionResult:
    """Evaluate one (operator, key) pair of a ``Condition`` block.

    Raises :class:`InputTooLargeError` when ``budget`` runs out.
    """
    operator = cond.operator
    key = cond.key
    policy_texts = [v.text for v in cond.values]
    entry = ctx.entry(key)
    request_values = None if entry is None else entry.values
    multivalued = entry is not None and entry.multivalued

    span = getattr(cond, "key_span", None)

    def result(matched: bool, reason: str, effective: list[str] | None = None) -> ConditionResult:
        return ConditionResult(
            operator,
            key,
            None if request_values is None else list(request_values),
            multivalued,
            policy_texts,
            policy_texts if effective is None else effective,
            matched,
            reason,
            None if span is None else span.line,
            None if span is None else span.column,
        )

    spec = parse_operator(operator)
    if spec is None:
        return result(
            False,
            f"'{operator}' is not a condition operator AWS knows, so this condition can never "
            "be true (and AWS would refuse the policy).",
        )
    if not policy_texts:
        return result(False, f"{operator} on {key} lists no values, so it can never be true.")

    # Absent, or present with no values. For a set operator, a key whose values are
    # only empty strings is the "null data set" of the multivalued-keys page
    # (reference_policies_condition-single-vs-multi-valued-context-keys.html).
    missing = not request_values or (
        spec.set_operator is not None and all(v == "" for v in request_values)
    )
    shown_key = key

    if spec.family == "Null":
        wanted = [parse_bool(t) for t in policy_texts]
        if any(w is None for w in wanted):
            return result(False, f"Null takes only true or false, not {_qlist(policy_texts)}.")
        is_null = missing
        ok = is_null in wanted
        state = "is not in the request" if is_null else "is in the request"
        need = "absent" if True in wanted and False not in wanted else "present"
        if True in wanted and False in wanted:
            need = "present or absent"
        verdict = "true" if ok else "false"
        return result(
            ok,
            f"The key {shown_key} {state}; Null with {_qlist(policy_texts)} needs it "
            f"{need}, so the condition is {verdict}.",
        )

    if missing:
        if spec.if_exists:
            return result(
                True,
                f"The key {shown_key} is not in the request, and {spec.full_name} is true "
                "when the key is missing (that is what IfExists means).",
            )
        if spec.set_operator == "ForAllValues":
            return result(
                True,
                f"The key {shown_key} is not in the request (or has no values); ForAllValues is "
                "true when there is nothing to check. Pair it with a Null check if that is "
                "not what you want.",
            )
        if spec.set_operator == "ForAnyValue":
            return result(
                False,
                f"The key {shown_key} is not in the request (or has no values); ForAnyValue "
                "needs at least one value that matches, so the condition is false.",
            )
        if spec.negated:
            return result(
                True,
                f"The key {shown_key} is not in the request; a negated operator such as "
                f"{spec.name} is true when the key is missing.",
            )
        return result(
            False,
            f"The key {shown_key} is not in the request, so {spec.name} cannot match and the "
            "condition is false.",
        )
    assert request_values is not None

    var_ok = spec.family in ("String", "Arn")
    subs = [substitute(t, ctx, variables_enabled and var_ok) for t in policy_texts]
    effective = [s.text for s in subs]
    unresolved = [s.unresolved for s in subs if s.unresolved is not None]
    note = ""
    if unresolved:
        # A variable with no value is effectively null: nothing equals or is like it, so
        # a positive operator does not match it and a negated one does
        # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value).
        note = (
            f" The policy variable ${{{unresolved[0]}}} has no value in the request and no "
            "default, so the value that uses it is effectively null: no request value equals "
            "it" + (", which a negated operator counts as a match." if spec.negated else ".")
        )

    if budget is not None:
        budget.spend(_work(spec, subs, request_values))
    try:
        positive = _matcher(spec, subs)
        if spec.set_operator is None:
            hits = [positive(r) for r in request_values]
            any_hit = any(hits)
            ok = (not any_hit) if spec.negated else any_hit
            if len(request_values) == 1:
                r = request_values[0]
                rel = spec.relation if any_hit else "not " + spec.relation
                reason = (
                    f"{spec.full_name} on {shown_key}: the request's value {_q(r)} is {rel} "
                    f"{_qlist(effective, any_hit)}, so the condition is "
                    f"{'true' if ok else 'false'}."
                )
            else:
                reason = (
                    f"{spec.full_name} on {shown_key}: the request carries several values "
                    f"({', '.join(_q(r) for r in request_values[:8])}) and no "
                    "ForAnyValue/ForAllValues qualifier; "
                    + ("at least one of them is " if any_hit else "none of them is ")
                    + f"{spec.relation} {_qlist(effective)}, so the condition is "
                    f"{'true' if ok else 'false'}."
                )
            return result(ok, reason + note, effective)
        per_value = [(not positive(r)) if spec.negated else positive(r) for r in request_values]
        base = ("not " if spec.negated else "") + spec.relation
        if spec.set_operator == "ForAllValues":
            ok = all(per_value)
            failing = [r for r, good in zip(request_values, per_value, strict=True) if not good]
            if ok:
                reason = (
                    f"{spec.full_name} on {shown_key}: every request value "
                    f"({', '.join(_q(r) for r in request_values[:8])}) is {base} "
                    f"{_qlist(effective)}, so the condition is true."
                )
            else:
                reason = (
                    f"{spec.full_name} on {shown_key}: the request value {_q(failing[0])} is not "
                    f"{base} {_qlist(effective)}, and ForAllValues needs every value to be, so "
                    "the condition is false."
                )
        else:
            ok = any(per_value)
            passing = [r for r, good in zip(request_values, per_value, strict=True) if good]
            if ok:
                reason = (
                    f"{spec.full_name} on {shown_key}: the request value {_q(passing[0])} is "
                    f"{base} {_qlist(effective)}, so the condition is true."
                )
            else:
                reason = (
                    f"{spec.full_name} on {shown_key}: none of the request values "
                    f"({', '.join(_q(r) for r in request_values[:8])}) is {base} "
                    f"{_qlist(effective)}, so the condition is false."
                )
        return result(ok, reason + note, effective)
    except _Incomparable as exc:
        return result(
            False,
            f"{spec.full_name} on {shown_key}: {exc.what}, so AWS cannot compare the values and "
            "the condition is false.",
            effective,
        )


def evaluate_conditions(
    conds: Sequence[ConditionLike],
    ctx: RequestContext,
    variables_enabled: bool,
    budget: MatchBudget | None = None,
) -> tuple[bool, list[ConditionResult]]:
    """Evaluate a statement's conditions: all must be true (AND)."""
    results = [evaluate_condition(c, ctx, variables_enabled, budget) for c in conds]
    return all(r.matched for r in results), results
