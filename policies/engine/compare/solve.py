"""Search for requests one policy admits and the other refuses, within a budget."""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import z3  # type: ignore[import-untyped]

from ..errors import PolicyParseError, UsageError
from ..evaluate import evaluate_case, load_cached, policy_text
from ..model import Policy
from .encode import Encoder
from .patterns import Unsupported, wildcard_regex
from .result import Comparison, Relation
from .scope import Scope, parse_scope
from .space import ACTIONS, KIND_NAMES, Caller, Slot

#: Time one comparison may spend in the solver, over all its searches.
DEFAULT_TIMEOUT_MS = 2_000
#: Largest problem handed to the solver (statements, conditions, values and
#: pattern length, in rough units); a bigger one is ``unknown`` at once.
MAX_SIZE = 1_500
#: Counterexamples looked for in each direction.
MAX_EXAMPLES = 2
#: Time the search for each further example may take.
EXTRA_EXAMPLE_MS = 100
_PROBE = {"principal": "ec2.amazonaws.com", "action": "sts:AssumeRole"}


def _load(source: str | Mapping[str, Any], scope: Scope) -> tuple[Policy | None, list[str], str]:
    """The policy, the codes of its error findings, and its text."""
    try:
        text = policy_text(source, "a policy")
    except PolicyParseError:
        return None, ["JSON_SYNTAX_ERROR"], ""
    request = dict(_PROBE)
    if scope.role_arn is not None:
        request["role_arn"] = scope.role_arn
    result = evaluate_case({"trust_policy": text, "request": request})
    errors = [f.code for f in result.findings if f.severity == "error"]
    policy = None if result.blocked_by_errors else load_cached(text)
    return policy, errors, text


def compare(
    a: str | Mapping[str, Any],
    b: str | Mapping[str, Any],
    scope: Mapping[str, Any] | Scope | None = None,
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    max_examples: int = MAX_EXAMPLES,
) -> Comparison:
    """Compare two trust policies (text or parsed JSON) of the same role.

    Raises :class:`UsageError` for a policy that is neither text nor an object,
    or an unusable scope. Never runs longer than about ``timeout_ms``.
    """
    started = time.perf_counter()
    parsed = parse_scope(scope)
    for source in (a, b):
        if not isinstance(source, str | Mapping):
            raise UsageError("each policy must be JSON text or a JSON object")
    policy_a, errors_a, text_a = _load(a, parsed)
    policy_b, errors_b, text_b = _load(b, parsed)
    result = Comparison("unknown", scope=parsed.to_dict(), errors_a=errors_a, errors_b=errors_b)
    try:
        search = _Search(parsed, policy_a, policy_b, started + timeout_ms / 1000)
    except Unsupported as exc:
        result.reason = f"not compared: {exc}"
        return _done(result, started)
    if search.size > MAX_SIZE:
        result.reason = f"the policies are too large to compare (size {search.size} > {MAX_SIZE})"
        return _done(result, started)
    only_a, state_a = search.run(search.fa, search.fb, text_a, text_b, max_examples)
    only_b, state_b = search.run(search.fb, search.fa, text_b, text_a, max_examples)
    result.only_a, result.only_b = only_a, only_b
    result.relation = _relation(state_a, state_b)
    if result.relation == "unknown":
        result.reason = search.reason or "the solver ran out of its time budget"
    return _done(result, started)


def _done(result: Comparison, started: float) -> Comparison:
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def _relation(a: str, b: str) -> Relation:
    if "unknown" in (a, b):
        return "unknown"
    if a == "found" and b == "found":
        return "incomparable"
    if a == "found":
        return "a_more_permissive"
    if b == "found":
        return "b_more_permissive"
    return "equivalent"


class _Search:
    """The shared request space, both formulas, and the solver loop."""

    def __init__(self, scope: Scope, a: Policy | None, b: Policy | None, deadline: float) -> None:
        self.scope = scope
        self.deadline = deadline
        self.reason: str | None = None
        self.caller = Caller.fresh()
        self.action = z3.Int("action")
        encoder = Encoder(self.caller, self.action)
        for policy in (a, b):
            if policy is not None:
                encoder.collect(policy)
        self.size = encoder.size
        self.caller.learn(encoder.text)
        # No role can be assumed from another partition
        # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html), and
        # with no role ARN the evaluator takes the role to be in the aws partition: so
        # callers come from the role's partition only. (Letting them range wider made
        # the solver offer an aws-cn caller that evaluate rightly refused, an "unknown"
        # that depended on which model z3 happened to find first.)
        role_partition = "aws" if scope.role_arn is None else scope.role_arn.split(":")[1]
        self.caller.partitions = [role_partition]
        encoder.build_slots(scope.context)
        self.slots = encoder.slots
        actions = scope.action_indexes()
        self.fa = encoder.decision(a, actions)
        self.fb = encoder.decision(b, actions)
        self.domain = [*encoder.domain, z3.Or(*[self.action == i for i in actions])]
        if scope.principals:
            text = self.caller.text()
            self.domain.append(z3.Or(*[z3.InRe(text, wildcard_regex(p)) for p in scope.principals]))

    def run(
        self, admits: z3.BoolRef, refuses: z3.BoolRef, text_yes: str, text_no: str, limit: int
    ) -> tuple[list[dict[str, Any]], str]:
        """Requests ``admits`` allows and ``refuses`` does not: (found, state),
        state being "found", "none" or "unknown". One search per kind of caller:
        with the kind fixed, the formula simplifies and the solver stays fast."""
        found: list[dict[str, Any]] = []
        unknown = False
        problem = z3.And(*self.domain, admits, z3.Not(refuses))
        for kind in range(len(KIND_NAMES)):
            if len(found) >= limit:
                break
            fixed = z3.simplify(z3.substitute(problem, (self.caller.kind, z3.IntVal(kind))))
            if z3.is_false(fixed):
                continue
            state = self._search_kind(fixed, kind, text_yes, text_no, limit - len(found), found)
            unknown = unknown or state == "unknown"
            if state == "mismatch":
                return found, "found" if found else "unknown"
        if found:
            return found, "found"
        return found, "unknown" if unknown else "none"

    def _search_kind(
        self,
        problem: z3.BoolRef,
        kind: int,
        text_yes: str,
        text_no: str,
        limit: int,
        found: list[dict[str, Any]],
    ) -> str:
        blocked: list[z3.BoolRef] = []
        for _ in range(limit):
            remaining = int((self.deadline - time.perf_counter()) * 1000)
            if remaining <= 0:
                return "unknown"
            # A fresh solver each time: z3 solves a first query much faster
            # than one added to an incremental session.
            solver = z3.Solver()
            # Boolean atoms false first: most keys absent, most branches off.
            # On these formulas that is often 50 times faster than the default.
            solver.set("phase_selection", 0)
            # Examples beyond the first in each search are a courtesy: they may
            # not eat the time the other searches need to settle the relation.
            solver.set("timeout", remaining if not found else min(remaining, EXTRA_EXAMPLE_MS))
            solver.add(problem, self.caller.kind == kind, *self.caller.domain(kind), *blocked)
            answer = solver.check()
            if answer == z3.unsat:
                return "none"
            if answer != z3.sat:
                return "unknown"
            model = solver.model()
            request = self._request(model)
            action = model.eval(self.action, model_completion=True).as_long()
            if not _confirmed(request, text_yes, text_no):
                self.reason = (
                    "the solver's request was not confirmed by the evaluator "
                    f"({KIND_NAMES[kind]} calling {ACTIONS[action]})"
                )
                return "mismatch"
            found.append(_polished(request, text_yes, text_no))
            blocked.append(self.action != action)  # the next example: another action
        return "found"

    def _request(self, model: z3.ModelRef) -> dict[str, Any]:
        action = model.eval(self.action, model_completion=True).as_long()
        request: dict[str, Any] = {
            "principal": self.caller.read(model),
            "action": ACTIONS[action],
        }
        if self.scope.role_arn is not None:
            request["role_arn"] = self.scope.role_arn
        context: dict[str, Any] = {}
        for slot in self.slots.values():
            if slot.derived:
                continue
            if slot.fixed:
                context[slot.name] = self.scope.context.get(slot.name, _fixed_raw(self.scope, slot))
                continue
            count = model.eval(slot.count, model_completion=True).as_long()
            if count == 0:
                continue
            values = [_read_value(model, slot, i) for i in range(count)]
            context[slot.name] = values if slot.multi else values[0]
        request["context"] = context
        return request


def _fixed_raw(scope: Scope, slot: Slot) -> Any:
    return next(v for k, v in scope.context.items() if k.lower() == slot.name.lower())


def _read_value(model: z3.ModelRef, slot: Slot, i: int) -> str:
    value = model.eval(slot.values[i], model_completion=True)
    if slot.group == "str":
        return str(value.as_string())
    valid = z3.is_true(model.eval(slot.valid[i], model_completion=True))
    if slot.group == "num":
        if not valid:
            return "not-a-number"
        number = Decimal(value.as_long()) / (Decimal(10) ** slot.scale)
        return format(number.normalize(), "f")
    if slot.group == "bool":
        return {0: "false", 1: "true"}.get(value.as_long(), "maybe")
    version = model.eval(slot.ip_kind[i], model_completion=True).as_long()
    bits = value.as_long()
    if version == 4:
        return str(ipaddress.IPv4Address(bits))
    if version == 6:
        return str(ipaddress.IPv6Address(bits))
    return "not-an-ip"


_PLAIN = re.compile(r"[A-Za-z0-9]")


def _polished(request: dict[str, Any], text_yes: str, text_no: str) -> dict[str, Any]:
    """The request with readable names where the evaluator still agrees: the
    solver picks the shortest strings it can ("contractor-", "--"), and a
    learner reads these. Each change is kept only if it is still confirmed."""
    principal = request["principal"]
    head, sep, resource = principal.rpartition(":")
    if not sep or "/" not in resource:
        return request
    kind, *parts = resource.split("/")
    for i, part in enumerate(parts):
        for better in (part + "example" if part.endswith("-") else None, f"example{i + 1}"):
            if better is None or (better.startswith("example") and _PLAIN.search(part)):
                continue
            trial = [*parts[:i], better, *parts[i + 1 :]]
            candidate = {**request, "principal": f"{head}:{'/'.join([kind, *trial])}"}
            if _confirmed(candidate, text_yes, text_no):
                parts, request = trial, candidate
                break
    return request


def _confirmed(request: dict[str, Any], text_yes: str, text_no: str) -> bool:
    """Whether ``evaluate`` agrees: allowed by one policy, refused by the other."""
    try:
        yes = evaluate_case({"trust_policy": text_yes, "request": request}).decision
        no = evaluate_case({"trust_policy": text_no, "request": request}).decision
    except UsageError:
        return False
    return yes == "allowed" and no != "allowed"
