"""Comparing two trust policies of one role, with a proof (engine contract,
"Comparing two trust policies").

The requests a policy admits are encoded as a z3 formula (``encode.py``) over a
symbolic request (``space.py``). "Does A admit a request that B refuses?" is
then a satisfiability question; every answer z3 gives is turned into a concrete
request and re-checked with :func:`policies.engine.evaluate` before it is
returned, so the solver can never overrule the evaluator.

A policy with an ``error`` finding admits nothing: AWS would refuse to attach
it to a role, and :func:`policies.engine.evaluate` answers ``implicitDeny`` for
every request on it. The comparison says so (``errors_a`` / ``errors_b``), and
compares what remains, so "the new policy would be refused" reads as "it
admits less".
"""

from __future__ import annotations

from .result import Comparison, Relation
from .scope import Scope, parse_scope
from .solve import DEFAULT_TIMEOUT_MS, MAX_SIZE, compare

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "MAX_SIZE",
    "Comparison",
    "Relation",
    "Scope",
    "compare",
    "parse_scope",
]
