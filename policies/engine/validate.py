"""Validation of role trust policies: IAM Access Analyzer's checks, and more.

Every finding says what is wrong, why it matters and how to fix it, links to
the AWS page that explains the rule, and points at the exact element. The
checks themselves are small registered functions in :mod:`.rules`.

Cross-account suggestions need to know which account owns the role; the
policy text does not say. :func:`validate_policy` therefore takes an optional
``role_account``: without it, a principal naming a whole account could be the
role's own account or another one, so the ExternalId suggestion is not made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .findings import Finding, sort_findings
from .model import Policy, load_policy
from .rules import run_rules

__all__ = ["validate_loaded", "validate_policy"]


def validate_policy(
    source: str | Mapping[str, Any], *, role_account: str | None = None
) -> list[Finding]:
    """Check a role trust policy; return its findings sorted by position.

    ``source`` is the policy text (positions point into it) or a parsed JSON
    object (positions point into its two-space-indented form).
    ``role_account`` is the 12-digit account that owns the role, when known.
    """
    policy, findings = load_policy(source)
    if policy is None:
        return findings
    return validate_loaded(policy, role_account=role_account)


def validate_loaded(policy: Policy, *, role_account: str | None = None) -> list[Finding]:
    """Check a policy already read by :func:`model.load_policy`."""
    found = run_rules(policy, role_account)
    sort_findings(found)  # by position, working out none
    return found
