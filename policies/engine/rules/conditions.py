"""Rules about the Condition element: operators, keys and their values."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..aws.analyzer import UNSUPPORTED_GLOBAL_KEYS
from ..aws.keys import KeyInfo, global_key_names, listed_key_names, lookup
from ..aws.operators import (
    OPERATOR_FORMS,
    OPERATOR_NAMES,
    OPERATORS,
    OPERATORS_BY_LOWER,
    SET_PREFIXES,
)
from ..codes import PAGES
from ..findings import Finding
from ..jsontree import typed_text
from ..parser import JMember, JNode, Span
from .common import Checked, check_unique_keys, close, finding
from .registry import RuleInput, statement_rule
from .values import (
    NOT_WELL_TYPED,
    WELL_TYPED,
    Network,
    check_private_ranges,
    check_value,
    ip_value,
    read_range,
    typed_value,
)


@statement_rule
def statement_conditions(given: RuleInput) -> list[Finding]:
    """The Condition element: operators, keys and values AWS can read.

    The checks append to one list instead of yielding: they run for every operator,
    key and value of the editor's policy on every keystroke, and find nothing in
    almost all of them.
    """
    member = given.members.get("Condition")
    if member is None:
        return []
    block = member.value
    if block.kind != "object":
        return [
            finding(
                "DATA_TYPE_MISMATCH",
                'Condition is an object of operators: {"StringEquals": {"key": "value"}}.',
                block.span,
                PAGES["condition"],
            )
        ]
    operators = block.value  # an object node's members, read once
    out = check_unique_keys(given, block)  # a fresh list: the findings go to it
    if not operators:
        out.append(
            finding(
                "EMPTY_OBJECT_CONDITION",
                "The Condition object is empty and has no effect; remove it or add a condition.",
                block.span,
                PAGES["condition"],
            )
        )
    for operator in operators:
        # A block of one key under a well-written operator (the usual one) goes straight
        # to the key loop: check_operator_block would find nothing else to say about it.
        name, operator_block = operator.key, operator.value
        facts = _OPERATOR_FACTS.get(name)
        members = operator_block.value
        if (
            facts is not None
            and operator_block.kind == "object"
            and len(members) == 1
            and not facts[5]
        ):
            _check_keys(given, name, facts, members, out)
        else:
            check_operator_block(given, name, operator.key_span, operator_block, out)
    return out


def check_operator_block(
    ctx: Checked, operator: str, span: Span, block: JNode, out: list[Finding]
) -> None:
    """One operator and its block of keys; the findings go to ``out``."""
    facts = _OPERATOR_FACTS.get(operator)
    if facts is None:
        base, set_prefix, known = parse_operator(ctx, operator, span, out)
        facts = _operator_facts(base, set_prefix) if known else None
    else:
        base, set_prefix = facts[0], facts[1]
    if base == "Null" and set_prefix:
        always = "true" if set_prefix == "ForAllValues" else "false"
        out.append(
            finding(
                "NULL_WITH_QUALIFIER",
                f"Null with {set_prefix} is always {always}, whatever the request holds, so "
                f'this condition tests nothing. Drop "{set_prefix}:" and write "Null".',
                span,
                PAGES["operators"] + "#Conditions_Null",
            )
        )
    members = block.value
    if block.kind != "object":
        out.append(
            finding(
                "DATA_TYPE_MISMATCH",
                f"Under {operator} comes an object of condition keys and values: "
                '{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}.',
                block.span,
                PAGES["condition"],
            )
        )
        return
    if not members:
        out.append(
            finding(
                "EMPTY_OBJECT_CONDITION",
                f"The {operator} block is empty and has no effect; add a key or remove it.",
                block.span,
                PAGES["condition"],
            )
        )
    if len(members) > 1:
        out.extend(check_unique_keys(ctx, block))
        _keys_in_two_cases(members, out)
    if facts is None:  # not an operator: its keys are checked, its values cannot be
        for key_member in members:
            if key_member.key not in _LISTED_KEYS:
                _unlisted_key(ctx, key_member.key, key_member.key_span, out)
        return
    _check_keys(ctx, operator, facts, members, out)


#: What the key loop reads of an operator: its base operator, its set prefix ("" for
#: none), whether it is a String operator, an IP one, the listed keys (in their
#: documented spelling) that it takes with a finding (:func:`_key_findings`),
#: whether it is Null with a set prefix (NULL_WITH_QUALIFIER), and the test of a
#: well-written value of its type (:data:`.values.WELL_TYPED`).
_Facts = tuple[str, str, bool, bool, frozenset[str], bool, Callable[[str], object]]


def _operator_facts(base: str, set_prefix: str) -> _Facts:
    troubled = _TROUBLED[base, set_prefix == "ForAllValues"]
    family = OPERATORS[base].family
    null = base == "Null" and bool(set_prefix)
    well_typed = WELL_TYPED.get(family, NOT_WELL_TYPED)
    return base, set_prefix, family == "String", family == "IpAddress", troubled, null, well_typed


def _check_keys(
    ctx: Checked, operator: str, facts: _Facts, members: list[JMember], out: list[Finding]
) -> None:
    """Each key of an operator block and its values; the findings go to ``out``.

    A listed key in its documented spelling (the usual case) is one set look-up for
    its fit with the operator (:data:`_OPERATOR_FACTS`), and one string value without
    a policy variable skips :func:`check_key_values`: a plain one of a String
    operator has nothing to check, one of another operator (IP ranges aside) its
    type check alone."""
    base, set_prefix, strings, ip, troubled, _, well_typed = facts
    for key_member in members:
        # Spans are read only for a finding: the fast reader makes them when read.
        key, values = key_member.key, key_member.value
        if key in troubled:
            info: KeyInfo | None = _LISTED_KEYS[key]
        elif key not in _LISTED_KEYS:
            info = _unlisted_key(ctx, key, key_member.key_span, out)
        else:
            info = None
        if info is not None:
            _key_findings(operator, base, set_prefix, key, info, key_member.key_span, out)
        text = values.value
        if values.kind == "string" and "${" not in text and not ip:
            if not strings:  # one value of the operator's own type: its type check alone
                if not well_typed(text):
                    typed_value(base, key, text, values.span, out)
                continue
            if "*" not in text and "?" not in text:
                continue  # a plain string compared as a string: nothing to check
        check_key_values(ctx, operator, base, set_prefix, key, values, out)


def _unlisted_key(ctx: Checked, key: str, span: Span, out: list[Finding]) -> KeyInfo | None:
    """A key not listed in its documented spelling: what is known of it, after
    :func:`check_key` has said what is wrong with it."""
    info = lookup(key)
    # Else check_key finds nothing: a key known by name, or a provider's claim
    # (host:claim, known=False) with a service before its first colon.
    if info is None or key.endswith("/") or (not info.known and key.startswith(":")):
        info = check_key(ctx, key, span, out, info)
    return info


def _key_findings(
    operator: str,
    base: str,
    set_prefix: str,
    key: str,
    info: KeyInfo,
    span: Span,
    out: list[Finding],
) -> None:
    """What is wrong with ``key`` under ``operator``: ForAllValues on a key that holds
    one value, or a key of another type than the operator compares."""
    if set_prefix == "ForAllValues" and info.multivalued is False:
        out.append(_single_valued(operator, key, span))
    if base != "Null" and _KEY_TYPES[base].isdisjoint(info.types):
        out.append(_type_mismatch(base, key, info, span))


def _keys_in_two_cases(members: list[JMember], out: list[Finding]) -> None:
    """A key written twice in one block with different capitals (key names ignore case)."""
    seen: dict[str, str] = {}
    for key_member in members:
        key = key_member.key
        lowered = key.lower()
        first = seen.setdefault(lowered, key)
        if first != key:
            out.append(
                finding(
                    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                    f'"{key}" and "{first}" are the same condition key (key names '
                    "ignore case) written twice in one block. Keep one spelling.",
                    key_member.key_span,
                    PAGES["condition"],
                )
            )


def parse_operator(
    ctx: Checked, operator: str, span: Span, out: list[Finding]
) -> tuple[str, str, bool]:
    """Split ``ForAllValues:StringLikeIfExists`` into its base family; report bad names."""
    set_prefix = ""
    name = operator
    for prefix in SET_PREFIXES:
        if operator.startswith(prefix):
            set_prefix, name = prefix[:-1], operator[len(prefix) :]
            break
    base = name[: -len("IfExists")] if name.endswith("IfExists") else name
    if base == "Null" and name != base:
        out.append(
            finding(
                "NULL_WITH_IF_EXISTS",
                "Null cannot take IfExists: Null already tests whether the key exists "
                '("true": the key is absent, "false": it is present). Write "Null".',
                span,
                PAGES["operators"] + "#Conditions_Null",
            )
        )
        return base, set_prefix, True
    if base in OPERATORS:
        return base, set_prefix, True
    known = OPERATORS_BY_LOWER.get(name.lower())
    guess = known.name if known is not None else close(name, OPERATOR_NAMES)
    hint = f' Did you mean "{(set_prefix + ":") if set_prefix else ""}{guess}"?' if guess else ""
    out.append(
        finding(
            "INVALID_CONDITION_OPERATOR",
            f'"{operator}" is not a condition operator, so AWS cannot evaluate this '
            "condition and the policy is not valid. "
            "Operators are names such as StringEquals, StringLike, ArnLike, "
            f"NumericLessThan, DateGreaterThan, Bool, IpAddress and Null.{hint}",
            span,
            PAGES["operators"],
        )
    )
    return base, set_prefix, False


def check_key(
    ctx: Checked, key: str, span: Span, out: list[Finding], info: KeyInfo | None
) -> KeyInfo | None:
    """What is wrong with a key (``info``: its :func:`..aws.keys.lookup`): its form, a
    tag key without its tag, an unknown global key. The findings go to ``out``; the
    key's facts come back when it is usable."""
    service, sep, name = key.partition(":")
    if not sep or not service or not name:
        out.append(
            finding(
                "INVALID_CONDITION_KEY_FORMAT",
                f'"{key}" is not a condition key: keys are written service:name, such as '
                '"aws:SourceAccount" or "sts:ExternalId".',
                span,
                PAGES["condition_keys"],
            )
        )
        return None
    if key.lower().rstrip("/") in ("aws:principaltag", "aws:requesttag", "aws:resourcetag"):
        return None  # MISSING_TAG_KEY_IN_CONDITION (rules.session)
    if info is None and service.lower() == "aws":
        if key.lower() in UNSUPPORTED_GLOBAL_KEYS:
            return None  # UNSUPPORTED_GLOBAL_CONDITION_KEY (rules.analyzer)
        guess = close(key, global_key_names())
        hint = f' Did you mean "{guess}"?' if guess else ""
        out.append(
            finding(
                "INVALID_GLOBAL_CONDITION_KEY",
                f'"{key}" is not an AWS global condition key, so no request carries it: the '
                "condition tests a missing key (a positive operator is then false, a "
                f"negated one true).{hint}",
                span,
                PAGES["condition_keys"],
            )
        )
    return info


_OPERATOR_FOR_TYPE = {
    "String": "a String operator (StringEquals, StringLike)",
    "ARN": "an ARN operator (ArnEquals, ArnLike)",
    "Numeric": "a Numeric operator (NumericLessThan, ...)",
    "Date": "a Date operator (DateGreaterThan, ...)",
    "Bool": "Bool",
    "IPAddress": "IpAddress or NotIpAddress",
    "Binary": "BinaryEquals",
}


def check_key_values(
    ctx: Checked,
    operator: str,
    base: str,
    set_prefix: str,
    key: str,
    values: JNode,
    out: list[Finding],
) -> None:
    """The values of one key of an operator block; the findings go to ``out``."""
    items = values.value
    if values.kind != "array":
        items = [values]
    elif not items:
        out.extend(empty_values(ctx, operator, set_prefix, key, values.span))
    elif base == "Bool":
        out.extend(_value_list(base, key, values))
    else:
        for item in items:  # a loop, cheaper than any() over a generator
            if item.kind != "string":  # else all is well
                out.extend(_value_list(base, key, values))
                break
    if base in ("IpAddress", "NotIpAddress"):
        _check_ip_values(ctx, base, key, items, values.span, out)
    else:
        _check_values(ctx, base, key, items, out)


def _check_values(
    ctx: Checked, base: str, key: str, items: list[JNode], out: list[Finding]
) -> None:
    """Each value of a key, read as the operator ``base`` reads it."""
    strings = OPERATORS[base].family == "String"
    for item in items:
        kind, text = item.kind, item.value
        if kind == "string":
            if strings and "${" not in text and "*" not in text and "?" not in text:
                continue  # a plain string compared as a string: nothing to check
        elif kind in ("object", "array", "null"):
            out.append(_not_a_value(item.span))
            continue
        else:
            text = typed_text(item, ctx.policy.text)
        if strings or "${" in text:
            check_value(ctx, base, key, text, item.span, out)
        else:
            typed_value(base, key, text, item.span, out)


def _check_ip_values(
    ctx: Checked, base: str, key: str, items: list[JNode], span: Span, out: list[Finding]
) -> None:
    """The values of a key under IpAddress or NotIpAddress, each string read once
    (:func:`.values.read_range`) for its own check and aws:SourceIp's private ranges."""
    read: list[tuple[Network | None, bool] | None] = []
    well_written = True  # every value a range without host bits (the usual case)
    for item in items:
        if item.kind == "string":
            ranged = read_range(item.value)
            if ranged[0] is None or ranged[1]:
                well_written = False
        else:
            ranged = None
            well_written = False
        read.append(ranged)
    if key.lower() == "aws:sourceip":
        networks = [ranged[0] for ranged in read if ranged is not None]
        check_private_ranges(base, networks, span, out)
    if well_written:
        return  # nothing else to say about them (a policy variable is no range)
    text_of = ctx.policy.text
    for item, ranged in zip(items, read, strict=True):
        if item.kind in ("object", "array", "null"):
            out.append(_not_a_value(item.span))
            continue
        where = item.span
        text = item.value if ranged is not None else text_of[where.offset : where.end_offset]
        if "${" in text:
            check_value(ctx, base, key, text, where, out)
        else:
            ip_value(base, key, text, where, ranged or read_range(text), out)


def _not_a_value(span: Span) -> Finding:
    """An object, a list or null where a condition value goes."""
    return finding(
        "DATA_TYPE_MISMATCH",
        "A condition value is a string, number or boolean, or a list of them.",
        span,
        PAGES["condition"],
    )


#: The key types each base operator compares, as sets.
_KEY_TYPES = {name: frozenset(op.key_types) for name, op in OPERATORS.items()}
#: Every listed key by its documented spelling.
_LISTED_KEYS = {name: info for name in listed_key_names() if (info := lookup(name)) is not None}


def _troubled(base: str, forall: bool) -> frozenset[str]:
    """The listed keys that ``base`` (with ForAllValues or not) takes with a finding."""
    types = _KEY_TYPES[base] if base != "Null" else None
    return frozenset(
        name
        for name, info in _LISTED_KEYS.items()
        if (forall and info.multivalued is False)
        or (types is not None and types.isdisjoint(info.types))
    )


#: :func:`_troubled` of every base operator, with ForAllValues and without.
_TROUBLED = {
    (base, forall): _troubled(base, forall) for base in OPERATORS for forall in (False, True)
}
#: The facts of every well-written operator name: a table built at import, read as a
#: plain tuple (unpacked once per block: named-tuple fields are slow to read on 3.13).
_OPERATOR_FACTS = {
    name: _operator_facts(form.operator.name, form.set_prefix or "")
    for name, form in OPERATOR_FORMS.items()
}


def _single_valued(operator: str, key: str, span: Span) -> Finding:
    """ForAllValues on a key that holds one value."""
    return finding(
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        f"{key} holds a single value, and ForAllValues is also true when the key "
        "is missing from the request, so this condition can let in requests that "
        f'lack {key} altogether. Drop "ForAllValues:" and use '
        f"{operator.split(':')[1]}.",
        span,
        PAGES["multivalued"],
    )


def _type_mismatch(base: str, key: str, info: KeyInfo, span: Span) -> Finding:
    """An operator that compares values of another type than the key's."""
    types = OPERATORS[base].key_types
    return finding(
        "TYPE_MISMATCH",
        f"{key} is of type {info.type}, but {base} compares "
        f"{'/'.join(types)} values, so the comparison may never match as "
        f"you expect. Use {_OPERATOR_FOR_TYPE[info.type]}.",
        span,
        PAGES["operators"],
    )


def _value_list(base: str, key: str, values: JNode) -> Iterator[Finding]:
    """A list of values: one JSON type, and one value for Bool."""
    items = values.items
    kinds = {item.kind for item in items}
    if len(kinds & {"string", "number", "bool"}) > 1:
        yield finding(
            "INVALID_CONDITION_DATA_TYPE",
            f"The values of {key} mix JSON types (text, numbers, true/false). Write "
            'them all the same way, for example all as text in quotes: ["1", "2"].',
            values.span,
            PAGES["condition"],
        )
    if base == "Bool" and len(items) > 1:
        yield finding(
            "INVALID_CONDITION_MULTIPLE_BOOLEAN",
            f"{key} is tested against several Boolean values. A Boolean key is true "
            "or false, so a list either repeats itself or matches both ways and tests "
            "nothing. Use a single value.",
            values.span,
            PAGES["operators"] + "#Conditions_Boolean",
        )


def empty_values(
    ctx: Checked, operator: str, set_prefix: str, key: str, span: Span
) -> Iterator[Finding]:
    if set_prefix == "ForAllValues":
        code = "EMPTY_ARRAY_CONDITION_FORALLVALUES"
        effect = f"matches only when the request has no {key} at all"
    elif set_prefix == "ForAnyValue":
        code = "EMPTY_ARRAY_CONDITION_FORANYVALUE"
        effect = "never matches, so the statement has no effect"
    elif operator.endswith("IfExists"):
        code = "EMPTY_ARRAY_CONDITION_IFEXISTS"
        effect = f"matches only when the request has no {key} at all"
    else:
        code = "EMPTY_ARRAY_CONDITION"
        effect = "does not work as a test"
    hint = (
        ' To test that a key is missing, write "Null": {"' + key + '": "true"}.'
        if "only when" in effect
        else " Give at least one value or remove the key."
    )
    yield finding(
        code,
        f"{key} has an empty list of values, so this condition {effect}.{hint}",
        span,
        PAGES["condition"],
    )
