"""A lenient, typed view of a trust policy.

The many small parts (values, principals, conditions) are plain classes set
once by their ``__init__``: as immutable in use as frozen dataclasses, made about
three times faster (which counts on the cold path, where every keystroke in the
editor builds them anew), and read faster than named tuples.

:func:`build_policy` never raises on an odd shape: it keeps what it can read
and leaves the rest to validation, which reports it with a position. Where a
JSON object has the same key twice the last one is used, as ``json.loads``
does; validation warns about the duplicate.

The spans these parts carry (``span``, ``operator_span``, ``key_span``) are
those of the tree: for text read by the fast reader, a
:class:`~.jsontree.LazySpan` whose positions are worked out only when read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import PolicyParseError, UsageError
from .findings import Finding
from .jsontree import Record, typed_text
from .limits import MAX_POLICY_CHARS, TRUST_POLICY_QUOTA
from .parser import JMember, JNode, Span, dump_policy, parse_json

__all__ = [
    "Condition",
    "Policy",
    "Principal",
    "PrincipalEntry",
    "Statement",
    "Value",
    "build_policy",
    "element",
    "load_policy",
    "members_by_key",
]

#: The only version under which policy variables are substituted
#: (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
CURRENT_VERSION = "2012-10-17"


# The parts below are plain classes with their fields set once by __init__
# (jsontree.Record): the rules and the decision read these fields hundreds of
# times per policy, for the reasons jsontree.JNode gives. Values, principals and
# conditions keep the node (or member) they were read from and read their spans
# from it when asked: a span is rarely read (for a finding or a trace entry), and
# the fast reader makes one only when it is.


class Value(Record):
    """A scalar from the policy, as text the way AWS compares it, with its span."""

    _fields = ("text", "span")

    def __init__(self, text: str, node: JNode) -> None:
        self.text = text
        #: The node the value was read from.
        self.node = node

    @property
    def span(self) -> Span:
        return self.node.span


class PrincipalEntry(Record):
    """One principal: ``kind`` is the key as typed ("AWS", "Service", ...)."""

    _fields = ("kind", "value", "span")

    def __init__(self, kind: str, value: str, node: JNode) -> None:
        self.kind = kind
        self.value = value
        #: The string node the principal was read from.
        self.node = node

    @property
    def span(self) -> Span:
        return self.node.span


class Principal(Record):
    """A ``Principal`` or ``NotPrincipal`` element.

    A bare ``"*"`` gives ``wildcard=True`` and no entries. Values that are not
    strings are left out of ``entries`` (validation reports them).
    """

    _fields = ("wildcard", "entries", "node")

    def __init__(self, wildcard: bool, entries: list[PrincipalEntry], node: JNode) -> None:
        self.wildcard = wildcard
        self.entries = entries
        self.node = node


class Condition(Record):
    """One (operator, key) pair of a ``Condition`` block with its values.

    ``node`` is the key's value (a string, an array...) as written.
    """

    _fields = ("operator", "operator_span", "key", "key_span", "values", "node")

    def __init__(self, operator: JMember, key: JMember, values: list[Value]) -> None:
        self.operator = operator.key
        self._operator_member = operator
        self.key = key.key
        self._key_member = key
        self.values = values
        self.node = key.value

    @property
    def operator_span(self) -> Span:
        return self._operator_member.key_span

    @property
    def key_span(self) -> Span:
        return self._key_member.key_span


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement; ``None`` means the element is absent (or not readable)."""

    index: int
    sid: str | None
    effect: str | None
    principal: Principal | None
    not_principal: Principal | None
    actions: list[Value] | None
    not_actions: list[Value] | None
    has_resource: bool
    has_not_resource: bool
    conditions: list[Condition]
    node: JNode


@dataclass(frozen=True, slots=True)
class Policy:
    """A whole policy: its statements, its tree and the text positions refer to."""

    version: str | None
    statements: list[Statement]
    root: JNode
    text: str
    variables_enabled: bool = field(default=False)


def members_by_key(node: JNode) -> dict[str, JMember]:
    """The members of an object node by key; for a duplicate key the last one wins."""
    return {member.key: member for member in node.members}


def element(node: JNode, key: str) -> JNode | None:
    """The value of ``key`` in an object node (last one wins), or ``None``."""
    found = None
    for member in node.members:
        if member.key == key:
            found = member.value
    return found


def scalar_text(node: JNode) -> str | None:
    """A scalar as text: strings as they are, ``true``/``false``, numbers by value.

    :func:`values_of` keeps the exact characters of a number instead.
    """
    kind = node.kind
    if kind == "string":
        return node.text
    if kind == "bool":
        return "true" if node.value else "false"
    if kind == "number":
        return str(node.value)
    return None


def values_of(node: JNode, text: str | None = None) -> list[Value]:
    """A scalar or an array of scalars as a list of :class:`Value`.

    With ``text`` given, numbers keep the exact characters the author typed.
    Objects, arrays nested in arrays and ``null`` are skipped.
    """
    out: list[Value] = []
    for item in node.items_or_self():
        kind = item.kind
        if kind == "string":  # most values: no call to scalar_text
            out.append(Value(item.value, item))
            continue
        if kind == "number" and text is not None:
            out.append(Value(typed_text(item, text), item))
            continue
        scalar = scalar_text(item)
        if scalar is not None:
            out.append(Value(scalar, item))
    return out


def _principal(node: JNode | None) -> Principal | None:
    if node is None:
        return None
    kind = node.kind
    if kind == "string":
        return Principal(node.value == "*", [], node)
    entries: list[PrincipalEntry] = []
    if kind == "object":
        # For a kind written twice, the last one (as members_by_key).
        members = node.value
        by_kind = members if len(members) == 1 else members_by_key(node).values()
        for member in by_kind:
            key, value = member.key, member.value
            if value.kind == "string":
                entries.append(PrincipalEntry(key, value.value, value))
                continue
            for item in value.items_or_self():
                if item.kind == "string":
                    entries.append(PrincipalEntry(key, item.value, item))
    return Principal(False, entries, node)


def _conditions(node: JNode, text: str) -> list[Condition]:
    out: list[Condition] = []
    if node.kind != "object":
        return out
    operators = node.value
    for operator in operators if len(operators) == 1 else _last(operators):
        block = operator.value
        if block.kind != "object":
            continue
        keys = block.value
        for member in keys if len(keys) == 1 else _last(keys):
            value = member.value
            # A lone string needs no loop (values_of keeps the digits of numbers).
            if value.kind == "string":
                values = [Value(value.value, value)]
            else:
                values = values_of(value, text)
            out.append(Condition(operator, member, values))
    return out


def _last(members: list[JMember]) -> Iterable[JMember]:
    """The members of an object, the last one for a key written twice."""
    return {member.key: member for member in members}.values()


def _action_values(node: JNode | None) -> list[Value] | None:
    if node is None:
        return None
    if node.kind == "string":
        return [Value(node.value, node)]
    items = node.items_or_self()
    return [Value(item.value, item) for item in items if item.kind == "string"]


# A frozen dataclass's __init__ sets each field through object.__setattr__ (about
# 1.5 µs for a Statement); build_policy, on every keystroke, sets the slots
# through their descriptors instead (a test holds it to what __init__ makes).
def _setter(cls: type, name: str) -> Callable[[object, object], None]:
    setter: Callable[[object, object], None] = getattr(cls, name).__set__
    return setter


_SET_INDEX = _setter(Statement, "index")
_SET_SID = _setter(Statement, "sid")
_SET_EFFECT = _setter(Statement, "effect")
_SET_PRINCIPAL = _setter(Statement, "principal")
_SET_NOT_PRINCIPAL = _setter(Statement, "not_principal")
_SET_ACTIONS = _setter(Statement, "actions")
_SET_NOT_ACTIONS = _setter(Statement, "not_actions")
_SET_HAS_RESOURCE = _setter(Statement, "has_resource")
_SET_HAS_NOT_RESOURCE = _setter(Statement, "has_not_resource")
_SET_CONDITIONS = _setter(Statement, "conditions")
_SET_NODE = _setter(Statement, "node")
_SET_VERSION = _setter(Policy, "version")
_SET_STATEMENTS = _setter(Policy, "statements")
_SET_ROOT = _setter(Policy, "root")
_SET_TEXT = _setter(Policy, "text")
_SET_VARIABLES_ENABLED = _setter(Policy, "variables_enabled")


def _statement(index: int, node: JNode, text: str) -> Statement:
    # One dict of the statement's elements (for a name written twice, the last).
    members = {member.key: member.value for member in node.value}
    get = members.get
    sid, effect, condition = get("Sid"), get("Effect"), get("Condition")
    statement = object.__new__(Statement)
    _SET_INDEX(statement, index)
    _SET_SID(statement, sid.value if sid is not None and sid.kind == "string" else None)
    _SET_EFFECT(statement, effect.value if effect is not None and effect.kind == "string" else None)
    _SET_PRINCIPAL(statement, _principal(get("Principal")))
    _SET_NOT_PRINCIPAL(statement, _principal(get("NotPrincipal")))
    _SET_ACTIONS(statement, _action_values(get("Action")))
    _SET_NOT_ACTIONS(statement, _action_values(get("NotAction")))
    _SET_HAS_RESOURCE(statement, "Resource" in members)
    _SET_HAS_NOT_RESOURCE(statement, "NotResource" in members)
    _SET_CONDITIONS(statement, [] if condition is None else _conditions(condition, text))
    _SET_NODE(statement, node)
    return statement


def build_policy(root: JNode, text: str) -> Policy:
    """Read a parsed policy leniently into a :class:`Policy`."""
    version_node = element(root, "Version")
    version = (
        version_node.text if version_node is not None and version_node.kind == "string" else None
    )
    statement_node = element(root, "Statement")
    statements: list[Statement] = []
    if statement_node is not None:
        for index, item in enumerate(statement_node.items_or_self()):
            if item.kind == "object":
                statements.append(_statement(index, item, text))
    policy = object.__new__(Policy)
    _SET_VERSION(policy, version)
    _SET_STATEMENTS(policy, statements)
    _SET_ROOT(policy, root)
    _SET_TEXT(policy, text)
    _SET_VARIABLES_ENABLED(policy, version == CURRENT_VERSION)
    return policy


def _refusal(code: str, message: str, line: int, column: int) -> Finding:
    from .codes import learn_more, severity_of

    return Finding(
        code=code,
        severity=severity_of(code),
        message=message,
        line=line,
        column=column,
        end_line=line,
        end_column=column + 1,
        learn_more=learn_more(code),
    )


def parse_error_finding(error: PolicyParseError) -> Finding:
    """The finding a parse error becomes, pointing at the first bad character."""
    if error.code == "JSON_SYNTAX_ERROR":
        message = (
            f"Fix the JSON syntax error at line {error.line}, column {error.column}: "
            f"{error.message} AWS rejects a policy that is not valid JSON, so nothing "
            "else in it can be checked until this is fixed."
        )
    else:
        message = f"{error.message} The checker stops here so that it stays fast."
    return _refusal(error.code, message, error.line, error.column)


def _too_large(length: int) -> Finding:
    return _refusal(
        "POLICY_TOO_LARGE_TO_CHECK",
        f"This policy has {length:,} characters; the checker reads at most "
        f"{MAX_POLICY_CHARS:,}. A role trust policy may hold at most "
        f"{TRUST_POLICY_QUOTA:,} characters by default (whitespace not counted), "
        "so shorten it.",
        1,
        1,
    )


def load_policy(source: str | Mapping[str, Any]) -> tuple[Policy | None, list[Finding]]:
    """Parse policy text (or a parsed dict) into a :class:`Policy`.

    A syntax error or an input too large to check is returned as a finding,
    with ``None`` for the policy. A dict is first written out with two-space
    indentation, and positions refer to that text. Raises :class:`UsageError`
    only for a source that is neither text nor a JSON object.
    """
    if isinstance(source, str):
        text = source
    elif isinstance(source, Mapping):
        try:
            text = dump_policy(dict(source))
        except PolicyParseError as error:
            return None, [parse_error_finding(error)]
    else:
        raise UsageError(
            f"a policy must be JSON text or a JSON object, not {type(source).__name__}"
        )
    if len(text) > MAX_POLICY_CHARS:
        return None, [_too_large(len(text))]
    try:
        root = parse_json(text)
    except PolicyParseError as error:
        return None, [parse_error_finding(error)]
    return build_policy(root, text), []
