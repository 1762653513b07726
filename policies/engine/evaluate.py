"""The whole answer for one case: the request's own action and its companions.

:func:`evaluate_case` reads the case (:mod:`.case`), validates the trust
policy, decides each action (:mod:`.decide`) and returns an
:class:`EvaluationResult`. The explanation is written by :mod:`.explain` only
when it is read, so callers that need only the decision (grading, comparison,
bulk evaluation) never pay for prose.

Companion actions: an ``sts:AssumeRole*`` request that passes session tags needs
``sts:TagSession`` too (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html),
one that sets a source identity needs ``sts:SetSourceIdentity``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .aws.actions import ASSUME_ACTIONS
from .case import (
    IDENTITY_KEYS,
    Case,
    clear_caches,
    load_cached,
    load_text,
    parse_case,
    policy_text,
    validate_cached,
    validate_text,
)
from .context import Request
from .decide import ActionOutcome, IdentitySide, Reason, decide_action
from .explain import Sentence, explain_result
from .findings import Finding
from .results import Decision, LayerResult, combine_decisions
from .statements import identity_statement, trust_statement

__all__ = [
    "ASSUME_ACTIONS",
    "IDENTITY_KEYS",
    "ActionOutcome",
    "Case",
    "EvaluationResult",
    "IdentitySide",
    "Reason",
    "clear_caches",
    "companion_actions",
    "decide_action",
    "evaluate_case",
    "identity_statement",
    "load_cached",
    "parse_case",
    "policy_text",
    "trust_statement",
    "validate_cached",
]


#: Why a companion action is checked: the request passes session tags, or sets a
#: source identity.
Companion = tuple[str, str]


@dataclass(slots=True)
class EvaluationResult:
    """The engine's answer for one case (see ``to_dict`` for the contract's JSON).

    ``decision`` and the outcomes are data; ``explanation`` (sentences with
    their pages inline, as the contract has them) and ``sentences`` (the same,
    the page a separate field) are written on first use.
    """

    decision: Decision
    main: ActionOutcome
    companions: list[ActionOutcome]
    same_account: bool
    assumed: list[str]
    findings: list[Finding]
    blocked_by_errors: bool
    request: Request
    companion_reasons: list[str] = field(default_factory=list)
    ignored_keys: list[str] = field(default_factory=list)
    would_be: Decision | None = None  # the decision had AWS accepted a policy with errors
    _sentences: list[Sentence] | None = None

    @property
    def derived_context(self) -> dict[str, str | list[str]]:
        """The context keys the engine filled in (worked out when read: only the
        contract's JSON shows them)."""
        return self.request.context.derived()

    @property
    def trust(self) -> LayerResult:
        return self.main.trust

    @property
    def identity(self) -> IdentitySide | None:
        return self.main.identity

    @property
    def reasons(self) -> list[Reason]:
        """The reason codes (with their data) of the request's own action."""
        return list(self.main.reasons)

    @property
    def sentences(self) -> list[Sentence]:
        """The explanation, each sentence with its AWS page apart (written on first use)."""
        if self._sentences is None:
            self._sentences = explain_result(self)
        return self._sentences

    @property
    def explanation(self) -> list[str]:
        """The explanation as the contract has it: sentences with their pages inline."""
        return [sentence.render() for sentence in self.sentences]

    def to_dict(self) -> dict[str, Any]:
        """Exactly the JSON answer of the engine contract (plus optional extras)."""
        trust: dict[str, Any] = {
            "decision": self.main.trust.decision,
            "statements": [s.to_dict() for s in self.main.trust.statements],
        }
        if self.blocked_by_errors:
            trust["blocked_by_errors"] = True
        out = {
            "decision": self.decision,
            "action": self.main.action,
            "trust": trust,
            "identity": None if self.main.identity is None else self.main.identity.to_dict(),
            "companions": [c.to_dict() for c in self.companions],
            "same_account": self.same_account,
            "explanation": self.explanation,
            "explanation_details": [s.to_dict() for s in self.sentences],
            "assumed": list(self.assumed),
            "derived_context": self.derived_context,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.main.rcps is not None:
            out["rcps"] = self.main.rcps.to_dict()
        return out


def companion_actions(request: Request) -> list[Companion]:
    """The extra actions AWS checks for an ``sts:AssumeRole*`` request, with why
    (``"session_tags"`` or ``"source_identity"``)."""
    if request.action.lower() not in ASSUME_ACTIONS:
        return []
    out: list[Companion] = []
    entries = request.context.entries  # filed under their names in lower case
    tag_keys = entries.get("aws:tagkeys")
    transitive = entries.get("sts:transitivetagkeys")
    if (
        (tag_keys is not None and tag_keys.values)
        or (transitive is not None and transitive.values)
        or True in [k.startswith("aws:requesttag/") for k in entries]  # no generator
    ):
        out.append(("sts:TagSession", "session_tags"))
    if "sts:sourceidentity" in entries:
        out.append(("sts:SetSourceIdentity", "source_identity"))
    return out


def evaluate_case(case: Any) -> EvaluationResult:
    """Evaluate one case of the engine contract."""
    parsed = parse_case(case)
    request = parsed.request
    if parsed.trust_text is None:
        trust_policy = None
        findings = [] if parsed.trust_error is None else [parsed.trust_error]
    else:
        trust_policy = load_text(parsed.trust_text)[0]
        findings = list(validate_text(parsed.trust_text, request.role_account))
    main = decide_action(request.action, request, trust_policy, parsed)
    companions: list[ActionOutcome] = []
    why: list[str] = []
    for action, reason in companion_actions(request):
        companions.append(decide_action(action, request, trust_policy, parsed))
        why.append(reason)
    decision = main.decision
    assumed = main.assumed  # the outcome's own list: nothing changes it after deciding
    if companions:
        decision = combine_decisions([decision, *[c.decision for c in companions]])
        assumed = list(assumed)
        for c in companions:
            assumed.extend(a for a in c.assumed if a not in assumed)
    # A list, not any() over a generator: 3.12+ inlines a list comprehension.
    blocked = trust_policy is None or "error" in [f.severity for f in findings]
    return EvaluationResult(
        decision="implicitDeny" if blocked else decision,
        main=main,
        companions=companions,
        same_account=request.same_account,
        assumed=[] if blocked else assumed,
        findings=findings,
        blocked_by_errors=blocked,
        request=request,
        companion_reasons=why,
        ignored_keys=parsed.given_identity_keys,
        would_be=decision if blocked and trust_policy is not None else None,
    )
