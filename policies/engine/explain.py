"""The one place that turns decisions into words.

The engine decides with data (:class:`.decide.Reason`: a code and its data) and
this module writes the sentences, each with its AWS page as a separate field
(:class:`Sentence`). Nothing here runs unless someone asks for the explanation
(``EvaluationResult.explanation``, ``to_dict()``, a statement's ``summary``), so
bulk evaluation pays nothing for prose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .aws.docs import (
    CROSS_ACCOUNT_PAGE,
    EVALUATION_PAGE,
    RCP_EVALUATION_PAGE,
    RCP_PAGE,
    SCP_PAGE,
    SESSION_TAGS_PAGE,
    SOURCE_IDENTITY_PAGE,
    STS_COMPARISON_PAGE,
    SWITCH_ROLE_API_PAGE,
)
from .results import (  # re-exported: the trace dataclasses lived here before results.py
    Decision,
    EntryResult,
    LayerResult,
    PartResult,
    StatementResult,
    layer_decision,
    statement_label,
)

if TYPE_CHECKING:
    from .context import Request
    from .decide import ActionOutcome, Reason
    from .evaluate import EvaluationResult

__all__ = [
    "Decision",
    "EntryResult",
    "LayerResult",
    "PartResult",
    "Sentence",
    "StatementResult",
    "explain_result",
    "final_line",
    "layer_decision",
    "statement_label",
    "statement_sentence",
]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an explanation and, apart from it, the AWS page behind it."""

    text: str
    learn_more: str | None = None

    def render(self) -> str:
        """The sentence with its page in parentheses, as the contract's ``explanation``."""
        if self.learn_more is None:
            return self.text
        return f"{self.text.rstrip('.')} ({self.learn_more})."

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "learn_more": self.learn_more}


def why_not(statement: StatementResult) -> str:
    """The first reason a statement does not apply, as a clause."""
    if statement.effect not in ("Allow", "Deny"):
        return f"its Effect is {statement.effect!r}, and AWS knows only 'Allow' and 'Deny'"
    if statement.principal is not None and not statement.principal.matched:
        return _lower_first(statement.principal.reason)
    if not statement.action.matched:
        return _lower_first(statement.action.reason)
    if statement.resource is not None and not statement.resource.matched:
        return _lower_first(statement.resource.reason)
    for c in statement.conditions:
        if not c.matched:
            reason = c.reason.removesuffix(".").removesuffix(", so the condition is false")
            return "a condition is false: " + _lower_first(reason)
    return "it does not match"


def why_applies(statement: StatementResult) -> str:
    """Why a statement applies, as a clause."""
    bits: list[str] = []
    if statement.principal is not None:
        bits.append(_strip_period(_lower_first(statement.principal.reason)))
    bits.append(_strip_period(_lower_first(statement.action.reason)))
    if statement.resource is not None:
        bits.append(_strip_period(_lower_first(statement.resource.reason)))
    n = len(statement.conditions)
    names = ", ".join(f"{c.operator} on {c.key}" for c in statement.conditions[:4])
    if n > 4:
        names += f" and {n - 4} more"
    if n == 1:
        bits.append(f"its condition ({names}) is true")
    elif n > 1:
        bits.append(f"all {n} of its conditions ({names}) are true")
    else:
        bits.append("it has no conditions")
    return "; ".join(bits)


def statement_sentence(statement: StatementResult, verb_subject: str) -> str:
    """The sentence for one statement of a policy."""
    label = statement.label
    if statement.matched:
        verb = "allows" if statement.effect == "Allow" else "denies"
        return f"{label} {verb} {verb_subject} because {why_applies(statement)}."
    return f"{label} does not apply: {_strip_period(why_not(statement))}."


_LOWER_STARTS = ("The ", "A ", "An ", "None ", "No ", "It ", "Every ")


def _lower_first(text: str) -> str:
    """Lower the first word of a sentence used as a clause, when it is an ordinary word."""
    if text.startswith(_LOWER_STARTS):
        return text[0].lower() + text[1:]
    return text


def _strip_period(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def final_line(decision: Decision) -> str:
    """The last line of every explanation."""
    return {
        "allowed": "Decision: allowed.",
        "explicitDeny": "Decision: explicitDeny (an explicit Deny applies, and it wins over "
        "every allow).",
        "implicitDeny": "Decision: implicitDeny (nothing allows the whole request, so AWS "
        "denies it by default).",
    }[decision]


def decision_words(decision: Decision) -> str:
    return {
        "allowed": "allowed",
        "explicitDeny": "denied by an explicit Deny",
        "implicitDeny": "denied because nothing allows it (an implicit deny)",
    }[decision]


# ---------------------------------------------------------------------------
# Reasons of one action's decision

_GRANT_WORDS = {
    "user": (
        "In the same account, a trust policy that names the IAM user's own ARN is enough on "
        "its own: an implicit deny in the user's identity policies or permissions boundary "
        "does not limit it."
    ),
    "session": (
        "In the same account, a trust policy that names the role session's ARN grants access "
        "to that session directly: no implicit deny in identity policies, a permissions "
        "boundary or a session policy limits it."
    ),
    "wildcard": (
        '"AWS": "*" names the calling principal directly. In the same account that is enough '
        "without an identity policy; an explicit deny would still win."
    ),
    "exact": (
        "In the same account, a trust policy that names the caller's own ARN grants access "
        "directly."
    ),
    "role": (
        "In the same account, a trust policy that names the role ARN is enough without an "
        "identity policy, but an implicit deny in the role's permissions boundary or in the "
        "session policy still limits its sessions."
    ),
    "account": (
        "The trust policy names the whole account, which hands the decision to that "
        "account's administrators: the caller's own identity policy must also allow the "
        "action on this role, even in the same account."
    ),
}

_FAILING_WORDS = {
    "identity": "no statement of the caller's identity policies allows it",
    "boundary": "the permissions boundary does not allow it",
    "session": "the session policy does not allow it",
}

_LIMIT_WORDS = {"boundary": "permissions boundary", "session": "session policy"}

_RCP_EXEMPT_WORDS = {
    "service_principal": (
        "The case's RCPs do not apply here: resource control policies do not restrict "
        "requests made by AWS service principals."
    ),
    "service_linked_role": (
        "The case's RCPs do not apply here: resource control policies do not restrict "
        "service-linked roles."
    ),
}


def _explicit_deny(d: dict[str, Any]) -> Sentence:
    deny: StatementResult = d["statement"]
    where = f"the {d['layer'].name}" if deny.source is None else f"the {deny.source}"
    return Sentence(
        f"{deny.label} in {where} explicitly denies the request; an explicit deny anywhere "
        "wins over every allow.",
        EVALUATION_PAGE,
    )


def _rcp_denies(d: dict[str, Any]) -> Sentence:
    deny: StatementResult = d["statement"]
    return Sentence(
        f"{deny.label} of the {d['layer'].name} denies {d['action']} on this role. A resource "
        "control policy limits every caller of the role's account, inside or outside the "
        "organization, whatever the trust policy says.",
        RCP_PAGE,
    )


def _caller_side_does_not_allow(d: dict[str, Any]) -> Sentence:
    failing = " and ".join(_FAILING_WORDS[n] for n in d["failing"])
    return Sentence(
        f"The trust side allows {d['action']}, but {failing}, so the request is denied "
        "(implicit deny)."
    )


def _limit_not_needed(d: dict[str, Any]) -> Sentence:
    return Sentence(
        f"The {_LIMIT_WORDS[d['limit']]} does not allow {d['action']}, but it does not limit a "
        "trust policy that names the caller itself."
    )


_REASONS: dict[str, Callable[[dict[str, Any]], Sentence]] = {
    "explicit_deny": _explicit_deny,
    "trust_allows": lambda d: Sentence(f"The trust policy allows {d['action']} for this caller."),
    "trust_names_nobody": lambda d: Sentence(
        f"No statement of the trust policy allows {d['action']} for this caller, so it is "
        "denied: a role trust policy must name the caller explicitly."
    ),
    "scp_level_does_not_allow": lambda d: Sentence(
        f"No statement of the {d['level']} allows {d['action']}; every level of SCPs that "
        "applies to the caller's account (root, OUs, account) must allow it.",
        SCP_PAGE,
    ),
    "root_cannot_assume": lambda d: Sentence(
        "AWS does not let the account root user assume a role: the call must be made with "
        "the credentials of an IAM user or of a role session.",
        SWITCH_ROLE_API_PAGE,
    ),
    "trust_does_not_allow": lambda d: Sentence(
        f"No statement of the trust policy allows {d['action']} for this caller. A role trust "
        "policy must name the caller explicitly, even in the role's own account, so the "
        "request is denied.",
        EVALUATION_PAGE,
    ),
    "cross_account": lambda d: Sentence(
        "This is a cross-account request: the role's trust policy allows the caller, and "
        f"the caller's own side in account {d['account']} must allow {d['action']} on the "
        "role too.",
        CROSS_ACCOUNT_PAGE,
    ),
    "same_account_grant": lambda d: Sentence(
        _GRANT_WORDS.get(d["how"], _GRANT_WORDS["account"]), EVALUATION_PAGE
    ),
    "caller_side_does_not_allow": _caller_side_does_not_allow,
    "identity_assumed": lambda d: Sentence(
        "The case gives no identity policies, so the engine assumes the caller's own "
        f"policies allow {d['action']} on the role; AWS would check that too."
    ),
    "identity_allows": lambda d: Sentence(d["statement"].summary),
    "identity_not_needed": lambda d: Sentence(
        f"The caller's identity policies do not allow {d['action']}, and here they do not "
        "need to: the trust policy names the caller directly."
    ),
    "limit_allows": lambda d: Sentence(
        f"The {_LIMIT_WORDS[d['limit']]} allows {d['action']} too, as it must here."
    ),
    "limit_not_needed": _limit_not_needed,
    "rcps_exempt": lambda d: Sentence(_RCP_EXEMPT_WORDS[d["why"]], RCP_PAGE),
    "rcp_denies": _rcp_denies,
    "rcps_allow": lambda d: Sentence(
        f"No resource control policy of the role's account denies {d['action']}; "
        "RCPFullAWSAccess, attached at every level, lets it pass.",
        RCP_EVALUATION_PAGE,
    ),
}


def reason_sentence(reason: Reason) -> Sentence:
    """The sentence for one reason of a decision."""
    return _REASONS[reason.code](reason.data)


def outcome_sentences(outcome: ActionOutcome) -> list[Sentence]:
    """The sentences for one action's decision, in the order the reasons were found."""
    return [reason_sentence(reason) for reason in outcome.reasons]


# ---------------------------------------------------------------------------
# The whole case

_COMPANION_WORDS = {
    "session_tags": (
        "The request passes session tags, so AWS also checks sts:TagSession for the same caller",
        SESSION_TAGS_PAGE,
    ),
    "source_identity": (
        "The request sets a source identity, so AWS also checks sts:SetSourceIdentity for the "
        "same caller",
        SOURCE_IDENTITY_PAGE,
    ),
}


def _caller_sentence(request: Request) -> Sentence:
    caller = request.caller
    if caller.kind == "service":
        return Sentence(
            f"The caller is the AWS service {caller.service}. A service has no identity "
            "policies of its own here, so the trust policy alone decides."
        )
    if caller.kind == "federated":
        return Sentence(
            f"The caller signs in through the identity provider {caller.text}. A federated "
            "caller has no IAM identity policies, so the trust policy alone decides."
        )
    if request.role is None:
        return Sentence(
            f"The caller is {caller.describe()}. The case gives no role ARN, so the role is "
            "treated as being in another account."
        )
    if request.same_account:
        return Sentence(
            f"The caller is {caller.describe()}, and the role {request.role_arn} is in the "
            "same account."
        )
    return Sentence(
        f"The caller is {caller.describe()}, and the role {request.role_arn} is in account "
        f"{request.role_account}: a cross-account request."
    )


def _action_caller_note(request: Request) -> Sentence | None:
    """A note when the action is not the one this kind of caller uses."""
    action = request.action.lower()
    caller = request.caller
    if action == "sts:assumerolewithwebidentity" and not (
        caller.kind == "federated" and caller.provider != "saml"
    ):
        return Sentence(
            "Note: AssumeRoleWithWebIdentity is called with a token from an OpenID Connect "
            "or web identity provider, and this caller is not one.",
            STS_COMPARISON_PAGE,
        )
    if action == "sts:assumerolewithsaml" and caller.provider != "saml":
        return Sentence(
            "Note: AssumeRoleWithSAML is called with an assertion from a SAML provider, and "
            "this caller is not one.",
            STS_COMPARISON_PAGE,
        )
    if action == "sts:assumerole" and caller.kind == "federated":
        return Sentence(
            "Note: a federated identity reaches a role through AssumeRoleWithWebIdentity or "
            "AssumeRoleWithSAML, not AssumeRole.",
            STS_COMPARISON_PAGE,
        )
    return None


def _ignored_inputs(result: EvaluationResult) -> list[Sentence]:
    request, keys = result.request, result.ignored_keys
    out: list[Sentence] = []
    if not request.caller.is_iam and keys:
        kind = "an AWS service." if request.caller.kind == "service" else "a federated identity."
        out.append(
            Sentence(
                f"The case's {', '.join(keys)} are ignored: they belong to IAM users and roles, "
                f"and this caller is {kind}"
            )
        )
    if (
        "session_policy" in keys
        and request.caller.is_iam
        and request.caller.kind not in ("session", "role")
    ):
        out.append(
            Sentence(
                "The case's session_policy is ignored: only a role session has a session "
                "policy, and this caller is not one."
            )
        )
    return out


def _companion_sentences(result: EvaluationResult) -> list[Sentence]:
    main_lines = set(outcome_sentences(result.main))
    out: list[Sentence] = []
    for outcome, why in zip(result.companions, result.companion_reasons, strict=True):
        action = outcome.action
        text, page = _COMPANION_WORDS[why]
        out.append(Sentence(f"{text}: {action} is {decision_words(outcome.decision)}.", page))
        if outcome.decision == "allowed":
            continue
        for st in outcome.trust.statements:
            if st.matched or outcome.decision == "explicitDeny":
                out.append(Sentence(f"For {action}: {st.summary}"))
        for line in outcome_sentences(outcome):
            if line not in main_lines:
                out.append(Sentence(f"For {action}: {line.text}", line.learn_more))
    return out


def _short(message: str, limit: int = 300) -> str:
    """A finding message cut to a readable length, ending with a period."""
    text = " ".join(message.split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text if text.endswith((".", "…")) else text + "."


def _blocked_sentence(result: EvaluationResult) -> Sentence:
    errors = [f for f in result.findings if f.severity == "error"]
    if result.would_be is None:
        reason = errors[0].message if errors else "no policy"
        return Sentence(
            f"The trust policy cannot be read ({reason}), so no statement can allow anything: "
            "the decision is implicitDeny."
        )
    first = errors[0]
    where = f"({first.code}, line {first.line}, column {first.column})"
    head = (
        f"The trust policy has an error {where}"
        if len(errors) == 1
        else f"The trust policy has {len(errors)} errors; the first {where}"
    )
    return Sentence(
        f"{head}: {_short(first.message)} AWS would refuse to attach this policy to a role, "
        "so nobody can assume the role with it and the decision is implicitDeny. Had AWS "
        f"accepted it, the request would have been {result.would_be}."
    )


def explain_result(result: EvaluationResult) -> list[Sentence]:
    """The whole explanation of an evaluation, sentence by sentence."""
    request = result.request
    out = [_caller_sentence(request)]
    note = _action_caller_note(request)
    if note is not None:
        out.append(note)
    out.extend(_ignored_inputs(result))
    out.extend(Sentence(st.summary) for st in result.main.trust.statements)
    out.extend(outcome_sentences(result.main))
    out.extend(_companion_sentences(result))
    if result.blocked_by_errors:
        blocked = _blocked_sentence(result)
        if result.would_be is None:
            out.insert(0, blocked)
        else:
            out.append(blocked)
    for finding in [f for f in result.findings if f.severity == "security_warning"][:3]:
        out.append(
            Sentence(
                f"Security warning at line {finding.line} ({finding.code}): "
                f"{_short(finding.message)}"
            )
        )
    out.append(Sentence(final_line(result.decision)))
    return out
