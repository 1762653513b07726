"""The playground's Compare tab: before and after, the verdict in words.

Typed service functions for ``views.compare``: run the comparison, say what it
means, and turn each counterexample into a playground state the learner can
open in the request panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policies.engine import Comparison, UsageError, compare
from policies.playground import state_for_case
from policies.presets import DEFAULT_ROLE_ARN
from policies.share import encode_share_state

#: Share links of this page carry this version.
COMPARE_SHARE_VERSION = 1

_VERDICTS = {
    "equivalent": (
        "The change lets nobody new in and keeps nobody out: both policies admit exactly "
        "the same requests, for every caller, action and condition value (proven, not sampled)."
    ),
    "b_more_permissive": (
        "The change lets someone new in: the new policy admits requests the old one refused, "
        "and refuses nothing the old one admitted."
    ),
    "a_more_permissive": (
        "The change only takes access away: nobody new gets in, and some requests the old "
        "policy admitted are now refused."
    ),
    "incomparable": (
        "The change lets someone new in and also keeps someone out: each policy admits "
        "requests the other refuses."
    ),
}


@dataclass(frozen=True, slots=True)
class Example:
    """One request that only one of the policies admits, ready to open."""

    principal: str
    action: str
    context: dict[str, Any]
    share: str  # a playground share parameter with the admitting policy and this request


@dataclass(frozen=True, slots=True)
class CompareOutcome:
    relation: str
    verdict: str
    gets_in: list[Example] = field(default_factory=list)  # only the new policy admits
    kept_out: list[Example] = field(default_factory=list)  # only the old policy admits
    errors_before: list[str] = field(default_factory=list)
    errors_after: list[str] = field(default_factory=list)


def verdict_words(result: Comparison) -> str:
    """The relation said for a learner comparing an old and a new policy."""
    if result.relation == "unknown":
        return (
            "No answer: the comparison did not finish within its time budget "
            f"({result.reason or 'the solver gave up'}). Nothing is claimed either way."
        )
    return _VERDICTS[result.relation]


def example_share(*, policy: str, request: dict[str, Any]) -> str:
    """A playground share parameter: ``policy`` and ``request`` in the request panel."""
    return encode_share_state(state_for_case(policy=policy, request=request).to_share())


def compare_run(*, before: str, after: str, role_arn: str) -> CompareOutcome:
    """Compare the old (``before``) and new (``after``) policy of the role.

    Raises :class:`UsageError` when the role ARN is not one.
    """
    result = compare(before, after, {"role_arn": role_arn or DEFAULT_ROLE_ARN})

    def examples(requests: list[dict[str, Any]], policy: str) -> list[Example]:
        return [
            Example(
                r["principal"], r["action"], r["context"], example_share(policy=policy, request=r)
            )
            for r in requests
        ]

    return CompareOutcome(
        relation=result.relation,
        verdict=verdict_words(result),
        gets_in=examples(result.only_b, after),
        kept_out=examples(result.only_a, before),
        errors_before=result.errors_a,
        errors_after=result.errors_b,
    )


def compare_share(*, before: str, after: str, role_arn: str) -> str:
    """The share parameter of this page's state."""
    return encode_share_state(
        {"v": COMPARE_SHARE_VERSION, "before": before, "after": after, "role_arn": role_arn}
    )


def compare_state_from_share(value: Any) -> tuple[str, str, str]:
    """(before, after, role_arn) from a decoded share link; UsageError if it is not one."""
    if not isinstance(value, dict) or value.get("v") != COMPARE_SHARE_VERSION:
        raise UsageError("the link is not a Compare link of this version")
    fields = [value.get(name, "") for name in ("before", "after", "role_arn")]
    if not all(isinstance(f, str) for f in fields):
        raise UsageError("the link's policies are not text")
    return fields[0], fields[1], fields[2]
