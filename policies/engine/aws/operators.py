"""The condition operators: their family, negation, comparison and the key types
they fit. One table; the evaluator and the validator both read it.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
(``ArnEquals`` and ``ArnLike`` behave alike: both take wildcards, per the ARN
operators section of that page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

Family = Literal["String", "Numeric", "Date", "Bool", "Binary", "IpAddress", "Arn", "Null"]
Compare = Literal["eq", "eqi", "like", "lt", "le", "gt", "ge", "in", "arn", "null"]

#: The condition key types (as :mod:`..keys` names them) each family compares.
KEY_TYPES_OF_FAMILY: dict[Family, tuple[str, ...]] = {
    "String": ("String", "ARN"),
    "Numeric": ("Numeric",),
    "Date": ("Date",),
    "Bool": ("Bool",),
    "Binary": ("Binary",),
    "IpAddress": ("IPAddress",),
    "Arn": ("ARN",),
    "Null": (),
}


@dataclass(frozen=True, slots=True)
class Operator:
    """A base condition operator (no ``ForAllValues:`` prefix, no ``IfExists``)."""

    name: str
    family: Family
    negated: bool
    relation: str  # how the positive twin relates the request value to the policy value
    compare: Compare

    @property
    def key_types(self) -> tuple[str, ...]:
        return KEY_TYPES_OF_FAMILY[self.family]

    @property
    def literal_string(self) -> bool:
        """A String operator that compares ``*`` and ``?`` as plain characters."""
        return self.family == "String" and self.compare in ("eq", "eqi")

    @property
    def takes_wildcards(self) -> bool:
        return self.compare in ("like", "arn")


def _op(name: str, family: Family, negated: bool, relation: str, compare: Compare) -> Operator:
    return Operator(name, family, negated, relation, compare)


OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        _op("StringEquals", "String", False, "equal to", "eq"),
        _op("StringNotEquals", "String", True, "equal to", "eq"),
        _op("StringEqualsIgnoreCase", "String", False, "equal (ignoring case) to", "eqi"),
        _op("StringNotEqualsIgnoreCase", "String", True, "equal (ignoring case) to", "eqi"),
        _op("StringLike", "String", False, "matched by", "like"),
        _op("StringNotLike", "String", True, "matched by", "like"),
        _op("NumericEquals", "Numeric", False, "equal to", "eq"),
        _op("NumericNotEquals", "Numeric", True, "equal to", "eq"),
        _op("NumericLessThan", "Numeric", False, "less than", "lt"),
        _op("NumericLessThanEquals", "Numeric", False, "at most", "le"),
        _op("NumericGreaterThan", "Numeric", False, "greater than", "gt"),
        _op("NumericGreaterThanEquals", "Numeric", False, "at least", "ge"),
        _op("DateEquals", "Date", False, "the same moment as", "eq"),
        _op("DateNotEquals", "Date", True, "the same moment as", "eq"),
        _op("DateLessThan", "Date", False, "before", "lt"),
        _op("DateLessThanEquals", "Date", False, "at or before", "le"),
        _op("DateGreaterThan", "Date", False, "after", "gt"),
        _op("DateGreaterThanEquals", "Date", False, "at or after", "ge"),
        _op("Bool", "Bool", False, "equal to", "eq"),
        _op("BinaryEquals", "Binary", False, "equal (as decoded bytes) to", "eq"),
        _op("IpAddress", "IpAddress", False, "in the range", "in"),
        _op("NotIpAddress", "IpAddress", True, "in the range", "in"),
        _op("ArnEquals", "Arn", False, "matched by", "arn"),
        _op("ArnLike", "Arn", False, "matched by", "arn"),
        _op("ArnNotEquals", "Arn", True, "matched by", "arn"),
        _op("ArnNotLike", "Arn", True, "matched by", "arn"),
        _op("Null", "Null", False, "", "null"),
    )
}
OPERATORS_BY_LOWER = {name.lower(): op for name, op in OPERATORS.items()}
#: Every operator name a policy may use, with ``IfExists`` forms (Null has none).
OPERATOR_NAMES = [*OPERATORS, *(f"{name}IfExists" for name in OPERATORS if name != "Null")]
SET_PREFIXES = ("ForAllValues:", "ForAnyValue:")


class OperatorForm(NamedTuple):
    """An operator as written in a policy: its set prefix (``ForAllValues``,
    ``ForAnyValue`` or ``None``), its base operator and whether it ends in ``IfExists``."""

    set_prefix: str | None
    operator: Operator
    if_exists: bool


#: Every well-written operator name (``ForAllValues:StringLikeIfExists``...) with its
#: parts: a table built at import, so that the rules read the usual names without
#: splitting them. A name not in it is misspelled or odd; the rules parse it.
OPERATOR_FORMS: dict[str, OperatorForm] = {
    f"{prefix}{name}{suffix}": OperatorForm(prefix[:-1] or None, op, bool(suffix))
    for prefix in ("", *SET_PREFIXES)
    for name, op in OPERATORS.items()
    for suffix in ("", "IfExists")
    if not (name == "Null" and suffix)
}
