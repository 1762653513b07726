"""The match budget: how much comparing one evaluation may do.

Comparing request values with policy values is the one part of an evaluation
whose cost grows with the product of two inputs (values times patterns), so it
is counted in work units and bounded: a case that needs more is refused with
:class:`InputTooLargeError` rather than answered slowly. Conditions the decision
does not compare (see :func:`.conditions.decide_conditions`) are charged all the
same, so a case is refused for the same work whether or not its trace is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .aws.wildcard import compile_pieces
from .errors import InputTooLargeError

if TYPE_CHECKING:
    from .conditions import OperatorSpec
    from .variables import PolicyValues

__all__ = ["MAX_MATCH_WORK", "MatchBudget", "comparing_work", "work_bound"]

#: Work units one evaluation may spend comparing values (see :class:`MatchBudget`).
#: A unit is about one comparison, or one value character for the slowest wildcard
#: search; the budget keeps the worst accepted case well under 50 ms. A case that
#: needs more (hundreds of long request values against hundreds of long patterns)
#: is refused with :class:`InputTooLargeError`.
MAX_MATCH_WORK = 120_000


class MatchBudget:
    """How much comparing one evaluation may still do; shared by all its conditions.

    Work the decision does not do (conditions only the trace reads) is charged all
    the same, by an upper bound first (:meth:`spend_at_most`); it is worked out
    exactly only when the bounds could exhaust the budget, so a case is refused
    exactly when comparing everything would cost more than the budget.
    """

    __slots__ = ("_bound", "_later", "remaining")

    def __init__(self, units: int = MAX_MATCH_WORK) -> None:
        self.remaining = units  # less the work worked out exactly
        self._bound = 0  # an upper bound of the work charged but not worked out yet
        self._later: list[Callable[[], int]] = []

    def spend(self, units: int) -> None:
        self.remaining -= units
        if self.remaining < self._bound:
            self._settle()

    def spend_at_most(self, bound: int, exact: Callable[[], int]) -> None:
        """Charge work known by an upper bound (``exact()`` works it out)."""
        self._bound += bound
        self._later.append(exact)
        if self.remaining < self._bound:
            self._settle()

    def _settle(self) -> None:
        later, self._later, self._bound = self._later, [], 0
        for exact in later:
            self.remaining -= exact()
        if self.remaining < 0:
            raise InputTooLargeError(
                "the case needs more value comparisons than one evaluation may do "
                f"({MAX_MATCH_WORK:,} work units): use fewer or shorter context values "
                "or condition values"
            )


# The sums below add up lists, not generators: 3.12+ inlines a list comprehension
# (no generator object), and these run for every condition compared or charged.


def comparing_work(spec: OperatorSpec, values: PolicyValues, request_values: list[str]) -> int:
    """The comparing work of one condition, in work units (an upper bound of what
    the comparison does; what the budget counts)."""
    if spec.family == "String" and spec.operator.compare == "like":
        matchers = [compile_pieces(p) for p in values.patterns()]
        return sum([m.cost(len(r)) for m in matchers for r in request_values])
    # Without String patterns the work depends only on how many values there are and
    # how long the request's are: the bound, counted on the values after variables.
    return work_bound(spec, values.texts, request_values)


def work_bound(spec: OperatorSpec, texts: list[str], request_values: list[str]) -> int:
    """An upper bound of :func:`comparing_work`, from the values as written: policy variables
    only drop values or add literal text (never a ``*`` that splits a pattern), and a
    compiled pattern has at most one more segment than it has stars."""
    family = spec.family
    if family == "String":
        if spec.operator.compare == "like":
            chars = sum([len(r) for r in request_values])
            stars = sum([t.count("*") + 2 for t in texts])
            return len(texts) * chars + len(request_values) * stars
        return len(request_values) + len(texts)
    if family == "Arn":
        return sum([6 + len(r) for r in request_values]) * max(1, len(texts))
    return len(request_values) * (len(texts) or 1)
