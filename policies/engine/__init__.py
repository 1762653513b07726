"""RoleCall's trust-policy engine: parse, validate, evaluate and explain.

Pure Python with no Django import. The public API is the contract in
``docs/engine-contract.md``::

    from policies.engine import evaluate, validate, describe

    result = evaluate(case)       # EvaluationResult; result.decision, result.to_dict()
    findings = validate(policy)   # list[Finding]; [f.to_dict() for f in findings]
    summary = describe(policy)    # Description; summary.text(), summary.to_dict()
    diff = compare(a, b, scope)   # Comparison; diff.relation, diff.only_a, diff.to_dict()

Every error the engine raises on purpose is a :class:`PolicyError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .compare import Comparison, compare
from .conditions import ConditionResult
from .describe import Description, Grant, describe
from .errors import InputTooLargeError, PolicyError, PolicyParseError, UsageError
from .evaluate import ActionOutcome, EvaluationResult, IdentitySide, evaluate_case, validate_cached
from .findings import Finding
from .results import LayerResult, PartResult, StatementResult

__all__ = [
    "ActionOutcome",
    "Comparison",
    "ConditionResult",
    "Description",
    "EvaluationResult",
    "Finding",
    "Grant",
    "IdentitySide",
    "InputTooLargeError",
    "LayerResult",
    "PartResult",
    "PolicyError",
    "PolicyParseError",
    "StatementResult",
    "UsageError",
    "compare",
    "describe",
    "evaluate",
    "validate",
]


def evaluate(case: Mapping[str, Any]) -> EvaluationResult:
    """Evaluate one case (a dict in the contract's case format).

    Raises :class:`UsageError` when the case itself is not usable; a malformed
    trust policy is not an error but an ``implicitDeny`` with findings.
    """
    return evaluate_case(case)


def validate(policy: str | Mapping[str, Any]) -> list[Finding]:
    """Validate a trust policy given as text or as a parsed JSON object."""
    return validate_cached(policy)
