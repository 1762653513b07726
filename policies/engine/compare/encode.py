"""A trust policy as a z3 formula over the request space.

Each rule mirrors the evaluator (``evaluate.py``, ``conditions.py``,
``matching.py``) and cites the same AWS pages; the comparison re-checks every
counterexample with :func:`policies.engine.evaluate`, so a slip here can cost
an answer (it becomes ``unknown``) but never produces a wrong counterexample.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import z3  # type: ignore[import-untyped]

from ..aws.arns import is_unique_id, parse_arn
from ..aws.keys import lookup
from ..comparisons import parse_bool, parse_date, parse_network, parse_number
from ..conditions import OperatorSpec, parse_operator
from ..matching import WELL_KNOWN_WEB_PROVIDERS, action_matches
from ..model import Condition, Policy, PrincipalEntry, Statement
from ..variables import _SPECIAL, _VAR_BODY, _VARIABLE
from .patterns import (
    Unsupported,
    arn_regex,
    ignore_case_regex,
    like_with_variables,
    wildcard_regex,
)
from .space import (
    ACTIONS,
    ASSUME,
    FEDERATED,
    ROLE,
    SERVICE,
    SESSION,
    SET_SOURCE_IDENTITY,
    TAG_SESSION,
    USER,
    Caller,
    Group,
    Slot,
    new_slot,
    scale_for,
    value_chars,
)

_FAMILY_GROUP: dict[str, Group] = {
    "String": "str",
    "Arn": "str",
    "Numeric": "num",
    "Date": "num",
    "Bool": "bool",
    "IpAddress": "ip",
}
#: Most values a multivalued key carries in the search (ForAllValues/ForAnyValue).
MAX_SET_SIZE = 3
_TAG_PREFIX = "aws:requesttag/"

#: A value with policy variables, piece by piece: ((text, is a variable), expression).
Pieces = list[tuple[tuple[str, bool], Any]]
#: The positive test of one request value.
ValueTest = Callable[[Any], Any]


@dataclass
class _Usage:
    name: str
    groups: set[Group] = field(default_factory=set)
    multi: bool = False
    conditions: int = 0
    numbers: list[Decimal] = field(default_factory=list)


def _variables(text: str) -> list[tuple[str, str | None]]:
    """The (key, default) of every policy variable in ``text``."""
    out = []
    for m in _VARIABLE.finditer(text):
        body = m.group(1)
        if body in _SPECIAL:
            continue
        vm = _VAR_BODY.fullmatch(body)
        if vm is not None:
            out.append((vm.group(1), vm.group(2)))
    return out


class Encoder:
    """Builds the formulas of both policies over one shared request space."""

    def __init__(self, caller: Caller, action: z3.ArithRef) -> None:
        self.caller = caller
        self.action = action
        self.usage: dict[str, _Usage] = {}
        self.slots: dict[str, Slot] = {}
        self.domain: list[z3.BoolRef] = []
        self.size = 0
        self.text = ""

    # -- collecting keys -------------------------------------------------

    def _use(self, key: str, group: Group | None = None, multi: bool = False) -> _Usage:
        usage = self.usage.setdefault(key.lower(), _Usage(key))
        if group is not None:
            usage.groups.add(group)
        usage.multi = usage.multi or multi
        return usage

    def collect(self, policy: Policy) -> None:
        """Note every key the policy reads, with the types it reads it as."""
        self.text += policy.text
        for statement in policy.statements:
            self.size += 1
            for cond in statement.conditions:
                self._collect_condition(cond, policy.variables_enabled)

    def _collect_condition(self, cond: Condition, variables: bool) -> None:
        spec = parse_operator(cond.operator)
        self.size += 1 + len(cond.values) + sum(len(v.text) for v in cond.values) // 32
        if spec is None:
            return
        if spec.family == "Binary":
            raise Unsupported(f"{spec.full_name} (binary values) is not compared")
        usage = self._use(cond.key, _FAMILY_GROUP.get(spec.family), spec.set_operator is not None)
        usage.conditions += 1
        if spec.family == "Numeric":
            usage.numbers += [n for v in cond.values if (n := parse_number(v.text)) is not None]
        if spec.family == "Date":
            usage.numbers += [n for v in cond.values if (n := parse_date(v.text)) is not None]
        if variables and spec.family in ("String", "Arn"):
            for value in cond.values:
                for key, _default in _variables(value.text):
                    self._use(key, "str")

    def build_slots(self, fixed: dict[str, object]) -> None:
        """Create the key variables once both policies are collected."""
        self._use("aws:TagKeys", "str", True)
        self._use("sts:SourceIdentity", "str")
        for key in fixed:
            self._use(key)
        chars = value_chars(self.text)
        for index, (lower, usage) in enumerate(sorted(self.usage.items())):
            self.slots[lower] = self._slot(index, lower, usage, fixed, chars)
        self._tie_tags()

    def _slot(
        self, index: int, lower: str, usage: _Usage, fixed: dict[str, object], chars: z3.ReRef
    ) -> Slot:
        derived = self.caller.derived(lower)
        if derived is not None:
            if usage.groups - {"str", "bool"}:
                raise Unsupported(f"{usage.name} is compared as a number, date or IP address")
            present, value = derived
            slot = Slot(
                usage.name, "str", False, 1, z3.If(present, 1, 0), [value], [z3.BoolVal(True)]
            )
            slot.derived = True
            return slot
        if len(usage.groups) > 1:
            raise Unsupported(f"{usage.name} is compared as more than one type")
        group = next(iter(usage.groups), "str")
        info = lookup(usage.name)
        multi = usage.multi or (info is not None and info.multivalued is True)
        size = min(MAX_SET_SIZE, 1 + usage.conditions) if multi else 1
        if lower == "aws:tagkeys":
            tags = sum(1 for k in self.usage if k.startswith(_TAG_PREFIX))
            size = min(MAX_SET_SIZE + 2, max(size, tags + 1))
        scale = scale_for(usage.numbers) if group == "num" else 0
        if lower in {k.lower() for k in fixed}:
            raw = next(v for k, v in fixed.items() if k.lower() == lower)
            return _fixed_slot(usage.name, group, raw, scale)
        slot = new_slot(index, usage.name, group, multi, size, scale, chars)
        self.domain += slot.domain  # type: ignore[attr-defined]
        return slot

    def _tie_tags(self) -> None:
        """A session tag K is passed exactly when K is among aws:TagKeys, as AWS
        sets it (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html)."""
        tag_keys = self.slots["aws:tagkeys"]
        if tag_keys.fixed:
            return
        for lower, slot in self.slots.items():
            if lower.startswith(_TAG_PREFIX) and not slot.fixed:
                name = slot.name[len(_TAG_PREFIX) :]
                listed = tag_keys.any_value(lambda i, n=name: tag_keys.values[i] == z3.StringVal(n))
                self.domain.append(slot.present() == listed)

    # -- the decision ----------------------------------------------------

    def decision(self, policy: Policy | None, actions: list[int]) -> z3.BoolRef:
        """When the policy alone allows the request (trust policy only,
        identity side assumed granted; companions included)."""
        if policy is None:
            return z3.BoolVal(False)
        allow, deny = self._statements(policy)

        def verdict(a: int) -> z3.BoolRef:
            allows = [base for base, acts in allow if acts[a]]
            denies = [base for base, acts in deny if acts[a]]
            return z3.And(z3.Or(*allows), z3.Not(z3.Or(*denies)))

        tags = z3.Or(
            self.slots["aws:tagkeys"].present(),
            *[s.present() for k, s in self.slots.items() if k.startswith(_TAG_PREFIX)],
            *[s.present() for k, s in self.slots.items() if k == "sts:transitivetagkeys"],
        )
        source = self.slots["sts:sourceidentity"].present()
        cases = []
        for a in actions:
            parts = [verdict(a)]
            if a in ASSUME:
                parts.append(z3.Implies(tags, verdict(TAG_SESSION)))
                parts.append(z3.Implies(source, verdict(SET_SOURCE_IDENTITY)))
            cases.append(z3.And(self.action == a, *parts))
        return z3.Or(*cases)

    def _statements(
        self, policy: Policy
    ) -> tuple[list[tuple[z3.BoolRef, list[bool]]], list[tuple[z3.BoolRef, list[bool]]]]:
        allow: list[tuple[z3.BoolRef, list[bool]]] = []
        deny: list[tuple[z3.BoolRef, list[bool]]] = []
        for statement in policy.statements:
            if statement.effect not in ("Allow", "Deny"):
                continue
            acts = [_action_part(statement, name) for name in ACTIONS]
            if not any(acts):
                continue
            base = z3.And(
                self._principal_part(statement),
                *[self._condition(c, policy.variables_enabled) for c in statement.conditions],
            )
            (allow if statement.effect == "Allow" else deny).append((base, acts))
        return allow, deny

    # -- principals ------------------------------------------------------

    def _principal_part(self, statement: Statement) -> z3.BoolRef:
        principal, negated = statement.principal, False
        if principal is None:
            principal, negated = statement.not_principal, True
        if principal is None:
            return z3.BoolVal(False)
        if principal.wildcard:
            return z3.BoolVal(not negated)
        if not principal.entries:
            return z3.BoolVal(False)
        named = z3.Or(*[self._entry(e) for e in principal.entries])
        return z3.Not(named) if negated else named

    def _entry(self, entry: PrincipalEntry) -> z3.BoolRef:
        c, value = self.caller, entry.value
        wild = "*" in value or "?" in value
        if entry.kind == "Service":
            return (
                z3.BoolVal(False) if wild else z3.And(c.kind == SERVICE, c.service == value.lower())
            )
        if entry.kind == "Federated":
            if wild:
                return z3.BoolVal(False)
            text = value.lower() if value.lower() in WELL_KNOWN_WEB_PROVIDERS else value
            return z3.And(c.kind == FEDERATED, c.federated == text)
        if entry.kind != "AWS":
            return z3.BoolVal(False)
        return z3.And(c.is_iam(), self._aws_entry(value))

    def _aws_entry(self, value: str) -> z3.BoolRef:
        c = self.caller
        if value == "*":
            return z3.BoolVal(True)
        if "*" in value or "?" in value or is_unique_id(value):
            return z3.BoolVal(False)
        if len(value) == 12 and value.isdigit() and value.isascii():
            return c.account == value
        arn = parse_arn(value)
        if arn is None:
            return z3.BoolVal(False)
        same = z3.And(c.partition == arn.partition, c.account == arn.account)
        resource = arn.resource
        if arn.service == "iam" and resource == "root":
            return same
        if arn.service == "iam" and resource.startswith("user/"):
            return c.has_arn(USER, value)
        if arn.service == "iam" and resource.startswith("role/"):
            by_role = c.has_arn(ROLE, value)
            by_session = z3.And(c.kind == SESSION, c.name == resource.rsplit("/", 1)[-1])
            return z3.And(same, z3.Or(by_role, by_session))
        if arn.service == "sts" and resource.startswith("assumed-role/"):
            return c.has_arn(SESSION, value)
        return z3.Or(*[c.has_arn(kind, value) for kind in (USER, ROLE, SESSION)])

    # -- conditions ------------------------------------------------------

    def _condition(self, cond: Condition, variables: bool) -> z3.BoolRef:
        spec = parse_operator(cond.operator)
        if spec is None or not cond.values:
            return z3.BoolVal(False)
        slot = self.slots[cond.key.lower()]
        texts = [v.text for v in cond.values]
        if spec.family == "Null":
            wanted = {parse_bool(t) for t in texts}
            if None in wanted:
                return z3.BoolVal(False)
            return z3.Or(*[slot.present() != w for w in wanted])
        if spec.if_exists or spec.set_operator == "ForAllValues":
            missing: bool = True
        elif spec.set_operator == "ForAnyValue":
            missing = False
        else:
            missing = spec.negated
        return z3.If(slot.present(), self._present(spec, slot, texts, variables), missing)

    def _present(
        self, spec: OperatorSpec, slot: Slot, texts: list[str], variables: bool
    ) -> z3.BoolRef:
        guard: z3.BoolRef = z3.BoolVal(True)
        if spec.family in ("String", "Arn"):
            # A value whose policy variable has no value (and no default) drops out:
            # it is effectively null, so nothing equals it and a negated operator
            # matches, as the evaluator decides (policies.engine.variables).
            positive = self._string_test(spec, slot, texts, variables)
        else:
            test = self._typed_test(spec, slot, texts)
            if test is None:
                return z3.BoolVal(False)  # a policy value not of the operator's type
            positive = test
            guard = slot.all_values(lambda i: slot.valid[i])
        if spec.set_operator is None:
            hit = slot.any_value(positive)
            core = z3.Not(hit) if spec.negated else hit
        else:

            def per(i: int) -> z3.BoolRef:
                return z3.Not(positive(i)) if spec.negated else positive(i)

            if spec.set_operator == "ForAllValues":
                core = slot.all_values(per)
            else:
                core = slot.any_value(per)
        return z3.And(guard, core)

    def _typed_test(
        self, spec: OperatorSpec, slot: Slot, texts: list[str]
    ) -> Callable[[int], z3.BoolRef] | None:
        if spec.family in ("Numeric", "Date"):
            parse = parse_number if spec.family == "Numeric" else parse_date
            numbers = [parse(t) for t in texts]
            if any(n is None for n in numbers):
                return None
            relation: Callable[[Any, Any], Any] = {
                "equal to": lambda x, y: x == y,
                "the same moment as": lambda x, y: x == y,
                "less than": lambda x, y: x < y,
                "before": lambda x, y: x < y,
                "at most": lambda x, y: x <= y,
                "at or before": lambda x, y: x <= y,
                "greater than": lambda x, y: x > y,
                "after": lambda x, y: x > y,
                "at least": lambda x, y: x >= y,
                "at or after": lambda x, y: x >= y,
            }[spec.relation]
            scaled = [_scaled(n, slot.scale) for n in numbers if n is not None]
            return lambda i: z3.Or(*[relation(slot.values[i], n) for n in scaled])
        if spec.family == "Bool":
            bools = [parse_bool(t) for t in texts]
            if any(b is None for b in bools):
                return None
            if slot.derived:
                return lambda i: z3.Or(
                    *[slot.values[i] == ("true" if b else "false") for b in bools]
                )
            return lambda i: z3.Or(*[slot.values[i] == int(bool(b)) for b in bools])
        nets = [parse_network(t) for t in texts]
        if any(n is None for n in nets):
            return None

        def in_range(i: int) -> z3.BoolRef:
            tests = []
            for net in nets:
                assert net is not None
                mask = int(net.netmask)
                tests.append(
                    z3.And(
                        slot.ip_kind[i] == net.version,
                        slot.values[i] & mask == int(net.network_address),
                    )
                )
            return z3.Or(*tests)

        return in_range

    def _string_test(
        self, spec: OperatorSpec, slot: Slot, texts: list[str], variables: bool
    ) -> Callable[[int], z3.BoolRef]:
        """The positive test of one request value: it matches one of the policy's
        values whose variables (if any) all have a value."""
        compiled = [self._substitute(t, variables) for t in texts]
        compare = spec.name
        tests: list[ValueTest] = []
        for text, (ok, pieces) in zip(texts, compiled, strict=True):
            tests.append(self._one_value(compare, spec.family, text, ok, pieces))
        if slot.group != "str":
            raise Unsupported(f"{slot.name} is compared as a string and as another type")
        return lambda i: z3.Or(*[t(slot.values[i]) for t in tests])

    def _one_value(
        self, compare: str, family: str, text: str, ok: z3.BoolRef, pieces: Pieces | None
    ) -> ValueTest:
        if family == "Arn":
            if pieces is None:
                regex = arn_regex(text)
                return (
                    (lambda v: z3.BoolVal(False))
                    if regex is None
                    else (lambda v: z3.InRe(v, regex))
                )
            return _arn_with_variables(pieces, ok)
        if compare in ("StringEquals", "StringNotEquals"):
            if pieces is None:
                return lambda v: v == z3.StringVal(text)
            joined = _concat([expr for _, expr in pieces])
            return lambda v: z3.And(ok, v == joined)
        if compare in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
            if pieces is not None:
                raise Unsupported("a policy variable in StringEqualsIgnoreCase")
            regex = ignore_case_regex(text)
            return lambda v: z3.InRe(v, regex)
        if pieces is None:
            regex = wildcard_regex(text)
            return lambda v: z3.InRe(v, regex)
        chunks = [(t, None) if not literal else ("", e) for (t, literal), e in _chunk(pieces)]
        return lambda v: z3.And(ok, like_with_variables(v, chunks))

    def _substitute(self, text: str, variables: bool) -> tuple[z3.BoolRef, Pieces | None]:
        """(resolved, pieces) of a value with policy variables; pieces is None
        when it has none. Each piece is ((text, literal), expr)."""
        if not variables or "${" not in text:
            return z3.BoolVal(True), None
        pieces: Pieces = []
        resolved: list[z3.BoolRef] = []
        pos = 0
        for m in _VARIABLE.finditer(text):
            if m.start() > pos:
                chunk = text[pos : m.start()]
                pieces.append(((chunk, False), z3.StringVal(chunk)))
            body, pos = m.group(1), m.end()
            if body in _SPECIAL:
                pieces.append(((_SPECIAL[body], True), z3.StringVal(_SPECIAL[body])))
                continue
            vm = _VAR_BODY.fullmatch(body)
            if vm is None:
                pieces.append(((m.group(0), False), z3.StringVal(m.group(0))))
                continue
            ok, value = self._variable(vm.group(1), vm.group(2))
            resolved.append(ok)
            pieces.append((("$", True), value))
        if pos < len(text):
            pieces.append(((text[pos:], False), z3.StringVal(text[pos:])))
        return z3.And(*resolved), pieces

    def _variable(self, key: str, default: str | None) -> tuple[z3.BoolRef, z3.SeqRef]:
        single = self.slots[key.lower()].single()
        if single is None:
            if default is None:
                return z3.BoolVal(False), z3.StringVal("")
            return z3.BoolVal(True), z3.StringVal(default)
        present, value = single
        if default is None:
            return present, value
        return z3.BoolVal(True), z3.If(present, value, z3.StringVal(default))


def _chunk(pieces: Pieces) -> Pieces:
    return [((t, lit), e) for (t, lit), e in pieces]


def _concat(parts: list[z3.SeqRef]) -> z3.SeqRef:
    return parts[0] if len(parts) == 1 else z3.Concat(*parts)


def _arn_with_variables(pieces: Pieces, ok: z3.BoolRef) -> ValueTest:
    """ArnLike with policy variables and no wildcard: equality, with the
    variables of the first five parts free of colons (they cannot cross a
    part boundary)."""
    if any(not literal and ("*" in t or "?" in t) for (t, literal), _ in pieces):
        raise Unsupported("a policy variable inside an ARN pattern with wildcards")
    colons = 0
    no_colon: list[z3.BoolRef] = []
    for (t, literal), expr in pieces:
        if literal:
            if colons < 5:
                no_colon.append(z3.Not(z3.Contains(expr, ":")))
        else:
            colons += t.count(":")
    if colons < 5:
        return lambda v: z3.BoolVal(False)
    joined = _concat([expr for _, expr in pieces])
    return lambda v: z3.And(ok, v == joined, *no_colon)


def _action_part(statement: Statement, action: str) -> bool:
    if statement.actions is not None:
        return any(action_matches(v.text, action) for v in statement.actions)
    if statement.not_actions is not None:
        return not any(action_matches(v.text, action) for v in statement.not_actions)
    return False


def _scaled(number: Decimal, scale: int) -> z3.ArithRef:
    """A number in units of 10^-scale, as an exact rational."""
    return z3.RealVal(str(number * (Decimal(10) ** scale)))


def _fixed_slot(name: str, group: Group, raw: object, scale: int) -> Slot:
    """A key the scope fixes to given values."""
    values = [raw] if not isinstance(raw, list) else raw
    texts = [
        v if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
        for v in values
    ]
    exprs: list[z3.ExprRef] = []
    valid: list[z3.BoolRef] = []
    kinds: list[z3.ArithRef] = []
    for text in texts:
        if group == "str":
            exprs.append(z3.StringVal(text))
            valid.append(z3.BoolVal(True))
        elif group == "num":
            n = parse_number(text)
            if n is None:
                n = parse_date(text)
            exprs.append(_scaled(n, scale) if n is not None else z3.RealVal(0))
            valid.append(z3.BoolVal(n is not None))
        elif group == "bool":
            b = parse_bool(text)
            exprs.append(z3.IntVal(2 if b is None else int(b)))
            valid.append(z3.BoolVal(b is not None))
        else:
            try:
                ip = ipaddress.ip_address(text.strip())
                exprs.append(z3.BitVecVal(int(ip), 128))
                kinds.append(z3.IntVal(ip.version))
                valid.append(z3.BoolVal(True))
            except ValueError:
                exprs.append(z3.BitVecVal(0, 128))
                kinds.append(z3.IntVal(0))
                valid.append(z3.BoolVal(False))
    slot = Slot(
        name,
        group,
        isinstance(raw, list),
        len(texts),
        z3.IntVal(len(texts)),
        exprs,
        valid,
        scale,
        kinds,
    )
    slot.fixed = True
    return slot
