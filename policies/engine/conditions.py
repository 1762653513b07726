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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, Protocol

from .aws.operators import OPERATORS_BY_LOWER, Family, Operator
from .budget import MAX_MATCH_WORK, MatchBudget, comparing_work, work_bound
from .comparisons import Incomparable, parse_bool, parse_date, positive_matcher
from .context import RequestContext
from .errors import InputTooLargeError
from .jsontree import Located, Span, worked_out
from .variables import PolicyValues, Substituted, policy_values, substitute

__all__ = [
    "MAX_MATCH_WORK",
    "ConditionResult",
    "InputTooLargeError",
    "MatchBudget",
    "OperatorSpec",
    "Substituted",
    "charge_conditions",
    "complete_conditions",
    "decide_conditions",
    "evaluate_condition",
    "evaluate_conditions",
    "parse_date",
    "parse_operator",
    "substitute",
]


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


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """An operator name taken apart."""

    name: str  # canonical spelling of the base operator, e.g. "StringNotLike"
    family: Family
    negated: bool
    relation: str  # how the positive twin relates request value to policy value
    set_operator: Literal["ForAllValues", "ForAnyValue"] | None
    if_exists: bool
    operator: Operator  # the base operator's entry in the one operator table

    @property
    def full_name(self) -> str:
        prefix = f"{self.set_operator}:" if self.set_operator else ""
        return prefix + self.name + ("IfExists" if self.if_exists else "")


def _take_apart(operator: str) -> OperatorSpec | None:
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
    op = OPERATORS_BY_LOWER.get(rest.lower())
    if op is None:
        return None
    return OperatorSpec(op.name, op.family, op.negated, op.relation, set_op, if_exists, op)


#: Every operator spelling AWS accepts, in lower case, taken apart once at import:
#: a fixed table of AWS facts (27 operators, 3 set prefixes, with and without
#: IfExists), not a cache of anything a policy brought in.
_SPECS: dict[str, OperatorSpec] = {
    name: spec
    for name in (
        prefix + base + suffix
        for prefix in ("", "forallvalues:", "foranyvalue:")
        for base in OPERATORS_BY_LOWER
        for suffix in ("", "ifexists")
    )
    if (spec := _take_apart(name)) is not None
}


def parse_operator(operator: str) -> OperatorSpec | None:
    """Take an operator such as ``ForAnyValue:StringLikeIfExists`` apart.

    Returns ``None`` for a name AWS does not know. Operator names are compared
    without regard to case, so a typo in case is judged by validation rather
    than silently ignored here.
    """
    return _SPECS.get(operator.lower())


# ---------------------------------------------------------------------------
# Results


@dataclass(slots=True)
class ConditionResult(Located):
    """One (operator, key) test and why it came out as it did."""

    operator: str
    key: str
    request_values: list[str] | None  # None: the key is not in the request
    request_multivalued: bool
    policy_values: list[str]  # as written in the policy
    effective_values: list[str]  # after policy variables (unresolved ones as written)
    matched: bool
    why: str | Callable[[], str]  # the reason, or how to write it when it is asked for
    # The condition the result is about: its key's span is read from it only when asked
    # (a cold decision never asks, and the fast reader makes a span on each read).
    source: ConditionLike | None = None

    @property
    def span(self) -> Span | None:
        """Where the condition key is in the policy text."""
        return getattr(self.source, "key_span", None)

    @property
    def reason(self) -> str:
        """Why the condition came out as it did (written on first use)."""
        if not isinstance(self.why, str):
            self.why = self.why()
        return self.why

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
        if self.span is not None:  # positions worked out here, only when asked for
            span = worked_out(self.span)
            out["line"] = span.line
            out["column"] = span.column
        return out


def _q(text: str, limit: int = 120) -> str:
    if len(text) > limit:
        text = text[:limit] + "…"
    return "'" + text + "'"


def _qvalues(values: Sequence[str]) -> str:
    """The first eight request values, quoted."""
    return ", ".join(_q(v) for v in values[:8])


def _qlist(values: Sequence[str], hit: bool = False) -> str:
    if len(values) == 1:
        return _q(values[0])
    shown = ", ".join(_q(v) for v in values[:8])
    if len(values) > 8:
        shown += f" and {len(values) - 8} more"
    return ("one of " if hit else "any of ") + shown


#: Writes the reason of a verdict; called only when the reason is read.
Why = Callable[[], str]
#: A verdict: whether the condition holds, why, and the policy values after variables
#: (``None``: as written).
Verdict = tuple[bool, Why, list[str] | None]

# The reasons are written by module functions bound to their data with ``partial``,
# not by lambdas: a lambda makes a cell for every local it reads, on every call of
# the function that holds it, even when it returns another way (and the decision
# makes one per condition).


def evaluate_condition(
    cond: ConditionLike,
    ctx: RequestContext,
    variables_enabled: bool,
    budget: MatchBudget | None = None,
) -> ConditionResult:
    """Evaluate one (operator, key) pair of a ``Condition`` block.

    Raises :class:`InputTooLargeError` when ``budget`` runs out.
    """
    operator, key = cond.operator, cond.key
    policy_texts = [v.text for v in cond.values]
    entry = ctx.entries.get(key.lower())
    if entry is None:
        request_values, multivalued = None, False
    else:
        request_values, multivalued = entry.values, entry.multivalued
    matched, reason, effective = _verdict(
        operator, key, policy_texts, request_values, ctx, variables_enabled, budget
    )
    return ConditionResult(
        operator,
        key,
        request_values,  # the context's own list: nothing changes it after parsing
        multivalued,
        policy_texts,
        policy_texts if effective is None else effective,
        matched,
        reason,
        cond,
    )


def _verdict(
    operator: str,
    key: str,
    policy_texts: list[str],
    request_values: list[str] | None,
    ctx: RequestContext,
    variables_enabled: bool,
    budget: MatchBudget | None,
) -> Verdict:
    spec = _SPECS.get(operator.lower())
    if spec is None:
        return False, partial(_unknown_operator_reason, operator), None
    if not policy_texts:
        return False, partial(_no_values_reason, operator, key), None
    # Absent, or present with no values. For a set operator, a key whose values are
    # only empty strings is the "null data set" of the multivalued-keys page
    # (reference_policies_condition-single-vs-multi-valued-context-keys.html).
    missing = not request_values or (spec.set_operator is not None and not any(request_values))
    if spec.family == "Null":
        return _null_verdict(key, policy_texts, missing)
    if missing or request_values is None:
        return _missing_verdict(spec, key)
    return _compare_verdict(spec, key, policy_texts, request_values, ctx, variables_enabled, budget)


def _unknown_operator_reason(operator: str) -> str:
    return (
        f"'{operator}' is not a condition operator AWS knows, so this condition can never "
        "be true (and AWS would refuse the policy)."
    )


def _no_values_reason(operator: str, key: str) -> str:
    return f"{operator} on {key} lists no values, so it can never be true."


def _null_verdict(key: str, policy_texts: list[str], missing: bool) -> Verdict:
    wanted = [parse_bool(t) for t in policy_texts]
    if any(w is None for w in wanted):
        return False, partial(_null_refused_reason, policy_texts), None
    ok = missing in wanted
    return ok, partial(_null_reason, key, policy_texts, wanted, missing, ok), None


def _null_refused_reason(policy_texts: list[str]) -> str:
    return f"Null takes only true or false, not {_qlist(policy_texts)}."


def _null_reason(
    key: str, policy_texts: list[str], wanted: list[bool | None], missing: bool, ok: bool
) -> str:
    state = "is not in the request" if missing else "is in the request"
    need = "absent" if True in wanted and False not in wanted else "present"
    if True in wanted and False in wanted:
        need = "present or absent"
    verdict = "true" if ok else "false"
    return (
        f"The key {key} {state}; Null with {_qlist(policy_texts)} needs it "
        f"{need}, so the condition is {verdict}."
    )


def _missing_verdict(spec: OperatorSpec, key: str) -> Verdict:
    """AWS's rules for a key the request does not carry: IfExists is true, and a
    negated operator true and a positive one false
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html);
    ForAllValues is true and ForAnyValue false
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
    :func:`_missing_reason` says which applied."""
    if spec.if_exists or spec.set_operator == "ForAllValues":
        ok = True
    elif spec.set_operator == "ForAnyValue":
        ok = False
    else:
        ok = spec.negated
    return ok, partial(_missing_reason, spec, key), None


def _missing_reason(spec: OperatorSpec, key: str) -> str:
    if spec.if_exists:
        return (
            f"The key {key} is not in the request, and {spec.full_name} is true "
            "when the key is missing (that is what IfExists means)."
        )
    if spec.set_operator == "ForAllValues":
        return (
            f"The key {key} is not in the request (or has no values); ForAllValues is "
            "true when there is nothing to check. Pair it with a Null check if that is "
            "not what you want."
        )
    if spec.set_operator == "ForAnyValue":
        return (
            f"The key {key} is not in the request (or has no values); ForAnyValue "
            "needs at least one value that matches, so the condition is false."
        )
    if spec.negated:
        return (
            f"The key {key} is not in the request; a negated operator such as "
            f"{spec.name} is true when the key is missing."
        )
    return (
        f"The key {key} is not in the request, so {spec.name} cannot match and the "
        "condition is false."
    )


def _variable_note(spec: OperatorSpec, unresolved: str | None) -> str:
    """A variable with no value is effectively null: nothing equals or is like it, so
    a positive operator does not match it and a negated one does
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value)."""
    if unresolved is None:
        return ""
    return (
        f" The policy variable ${{{unresolved}}} has no value in the request and no "
        "default, so the value that uses it is effectively null: no request value equals "
        "it" + (", which a negated operator counts as a match." if spec.negated else ".")
    )


def _compare_verdict(
    spec: OperatorSpec,
    key: str,
    policy_texts: list[str],
    request_values: list[str],
    ctx: RequestContext,
    variables_enabled: bool,
    budget: MatchBudget | None,
) -> Verdict:
    var_ok = spec.family in ("String", "Arn")
    values: PolicyValues = policy_values(policy_texts, ctx, variables_enabled and var_ok)
    after, _, _, unresolved = values
    if budget is not None:
        budget.spend(comparing_work(spec, values, request_values))
    try:
        positive = positive_matcher(spec.operator, values)
        # Every value is read, as AWS reads them all: a value of the wrong type makes
        # the condition false even after a match.
        hits = [positive(r) for r in request_values]
    except Incomparable as exc:
        return False, partial(_incomparable_reason, spec, key, exc), after
    set_operator = spec.set_operator
    if set_operator is None:  # several request values are OR'ed (negated: none may match)
        ok = (True in hits) != spec.negated
    elif set_operator == "ForAllValues":  # every request value must match
        ok = (True not in hits) if spec.negated else (False not in hits)
    else:  # ForAnyValue: at least one must
        ok = (False in hits) if spec.negated else (True in hits)
    effective = policy_texts if after is None else after
    why = partial(_compare_reason, spec, key, request_values, effective, hits, ok, unresolved)
    return ok, why, after


def _incomparable_reason(spec: OperatorSpec, key: str, exc: Incomparable) -> str:
    return (
        f"{spec.full_name} on {key}: {exc.what}, so AWS cannot compare the values and "
        "the condition is false."
    )


def _compare_reason(
    spec: OperatorSpec,
    key: str,
    request_values: list[str],
    effective: list[str],
    hits: list[bool],
    ok: bool,
    unresolved: str | None,
) -> str:
    """Why the comparison came out as ``ok`` (the verdict :func:`_compare_verdict` reached)."""
    if spec.set_operator is None:
        text = _plain_reason(spec, key, request_values, effective, hits, ok)
    else:
        text = _set_reason(spec, key, request_values, effective, hits, ok)
    return text + _variable_note(spec, unresolved)


def _plain_reason(
    spec: OperatorSpec,
    key: str,
    request_values: list[str],
    effective: list[str],
    hits: list[bool],
    ok: bool,
) -> str:
    """No set operator: several request values are OR'ed (negated: none may match)."""
    any_hit = True in hits
    verdict = "true" if ok else "false"
    if len(request_values) == 1:
        rel = spec.relation if any_hit else "not " + spec.relation
        return (
            f"{spec.full_name} on {key}: the request's value {_q(request_values[0])} is {rel} "
            f"{_qlist(effective, any_hit)}, so the condition is {verdict}."
        )
    return (
        f"{spec.full_name} on {key}: the request carries several values "
        f"({', '.join(_q(r) for r in request_values[:8])}) and no "
        "ForAnyValue/ForAllValues qualifier; "
        + ("at least one of them is " if any_hit else "none of them is ")
        + f"{spec.relation} {_qlist(effective)}, so the condition is {verdict}."
    )


def _set_reason(
    spec: OperatorSpec,
    key: str,
    request_values: list[str],
    effective: list[str],
    hits: list[bool],
    ok: bool,
) -> str:
    """ForAllValues: every request value must match; ForAnyValue: at least one."""
    per_value = [not hit for hit in hits] if spec.negated else hits
    base = ("not " if spec.negated else "") + spec.relation
    if spec.set_operator == "ForAllValues":
        if ok:
            return (
                f"{spec.full_name} on {key}: every request value "
                f"({_qvalues(request_values)}) is {base} {_qlist(effective)}, so the "
                "condition is true."
            )
        failing = [r for r, good in zip(request_values, per_value, strict=True) if not good]
        return (
            f"{spec.full_name} on {key}: the request value {_q(failing[0])} is not "
            f"{base} {_qlist(effective)}, and ForAllValues needs every value to be, so "
            "the condition is false."
        )
    if ok:
        passing = [r for r, good in zip(request_values, per_value, strict=True) if good]
        return (
            f"{spec.full_name} on {key}: the request value {_q(passing[0])} is "
            f"{base} {_qlist(effective)}, so the condition is true."
        )
    return (
        f"{spec.full_name} on {key}: none of the request values "
        f"({_qvalues(request_values)}) is {base} {_qlist(effective)}, so the condition "
        "is false."
    )


def _charge(
    cond: ConditionLike, ctx: RequestContext, variables_enabled: bool, budget: MatchBudget
) -> None:
    """Charge what comparing ``cond`` would cost, without comparing (see
    :func:`decide_conditions`): exactly what :func:`evaluate_condition` spends,
    by its upper bound until the exact figure matters."""
    entry = ctx.entries.get(cond.key.lower())
    if entry is None:
        return  # the usual case: a key only other callers bring
    spec = _SPECS.get(cond.operator.lower())
    if spec is None or spec.family == "Null" or not cond.values:
        return
    request_values = entry.values
    if not request_values or (spec.set_operator is not None and not any(request_values)):
        return
    texts = [v.text for v in cond.values]
    enabled = variables_enabled and spec.family in ("String", "Arn")
    exact = partial(_exact_work, spec, texts, ctx, enabled, request_values)
    budget.spend_at_most(work_bound(spec, texts, request_values), exact)


def _exact_work(
    spec: OperatorSpec,
    texts: list[str],
    ctx: RequestContext,
    enabled: bool,
    request_values: list[str],
) -> int:
    """What comparing the values would cost, worked out (see :func:`_charge`)."""
    return comparing_work(spec, policy_values(texts, ctx, enabled), request_values)


def charge_conditions(
    conds: Sequence[ConditionLike],
    ctx: RequestContext,
    variables_enabled: bool,
    budget: MatchBudget | None,
) -> None:
    """Spend on ``budget`` what evaluating ``conds`` would, for conditions whose
    results only the trace reads: a case is refused for the same work whether or
    not its trace is ever written."""
    if budget is not None:
        for cond in conds:
            _charge(cond, ctx, variables_enabled, budget)


def decide_conditions(
    conds: Sequence[ConditionLike],
    ctx: RequestContext,
    variables_enabled: bool,
    budget: MatchBudget | None = None,
) -> tuple[bool, list[ConditionResult]]:
    """Whether all of a statement's conditions hold (AND), and the results evaluated.

    Evaluation stops at the first false condition: the ones after it cannot change
    the decision, so they are only charged to the budget and left for the trace
    (:func:`complete_conditions` writes them when it is read).
    """
    results: list[ConditionResult] = []
    for i, cond in enumerate(conds):
        result = evaluate_condition(cond, ctx, variables_enabled, budget)
        results.append(result)
        if not result.matched:
            charge_conditions(conds[i + 1 :], ctx, variables_enabled, budget)
            return False, results
    return True, results


def complete_conditions(
    conds: Sequence[ConditionLike],
    evaluated: Sequence[ConditionResult],
    ctx: RequestContext,
    variables_enabled: bool,
) -> list[ConditionResult]:
    """Every condition's result, for the trace: ``evaluated`` (the first ones, from
    :func:`decide_conditions`) and the rest, evaluated now (already charged)."""
    rest = conds[len(evaluated) :]
    return [*evaluated, *(evaluate_condition(c, ctx, variables_enabled) for c in rest)]


def evaluate_conditions(
    conds: Sequence[ConditionLike],
    ctx: RequestContext,
    variables_enabled: bool,
    budget: MatchBudget | None = None,
) -> tuple[bool, list[ConditionResult]]:
    """Evaluate a statement's conditions: all must be true (AND)."""
    results = [evaluate_condition(c, ctx, variables_enabled, budget) for c in conds]
    for result in results:
        if not result.matched:
            return False, results
    return True, results
