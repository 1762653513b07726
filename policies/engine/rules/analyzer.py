"""Access Analyzer's checks on condition keys and service principals.

These are the checks of Access Analyzer's policy check reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html)
that can fire on a role trust policy and that the other rule modules do not make.
The AWS facts they rely on live in :mod:`policies.engine.aws.analyzer`.

Two rules, each returning at once when the statement lacks what it reads (they run
on every keystroke of the editor): :func:`condition_key_checks` reads the
``Condition`` element (in the same pass, it runs the session-key checks of
:mod:`.session`), :func:`analyzer_service_principals` the service principals.

One problem, one finding:

- ``aws:ARN`` gets ``UNSUPPORTED_GLOBAL_CONDITION_KEY`` (a trust policy is a
  resource-based policy, and both replacements AWS names, aws:PrincipalArn and
  aws:SourceArn, apply to it), not also ``INVALID_GLOBAL_CONDITION_KEY`` nor
  Access Analyzer's ``DEPRECATED_GLOBAL_CONDITION_KEY``, which says the same
  thing with one replacement.
- A service principal narrowed by a key such as aws:SourceIp instead of a source
  key gets ``RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL`` on that key; the
  project's ``MISSING_SOURCE_CONDITION_FOR_SERVICE_PRINCIPAL`` is kept for the
  confused-deputy services narrowed by nothing, and stays quiet here.
- A key that one assume action sends (sts:ExternalId, SAML keys, token claims)
  next to an action that fits no principal of the statement is left to
  ``MISMATCHED_ACTION_FOR_PRINCIPAL``; ``UNSUPPORTED_ACTION_FOR_CONDITION_KEY``
  names only the actions some principal of the statement could use.
- An audience claim gets one of: ``CONFIRM_AUDIENCE_CLAIM_TYPE`` (no set
  operator), ``FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE`` (ForAnyValue), or
  ``FORALLVALUES_WITH_SINGLE_VALUED_KEY`` from :mod:`.conditions` (ForAllValues).

- ``CONFIRM_AUDIENCE_CLAIM_TYPE`` is left out for the issuers whose audience the
  AWS pages test as one value (GitHub, Amazon EKS, Cognito, Google): Access
  Analyzer asks to confirm the claim's type on every audience, and those are the
  idioms this engine promises to leave without findings.

Where Access Analyzer reports an error for a policy that IAM accepts, the code is
a warning here (``CodeInfo.deviates``), as the module docstring of
:mod:`policies.engine.codes` explains.

Not here, for want of the AWS facts they need: ``VARIABLE_USAGE_TOO_PERMISSIVE`` and
``WILDCARD_USAGE_TOO_PERMISSIVE`` (the list of "sensitive" keys),
``USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES`` (which services send
aws:VpceAccount and its kin). ``INVALID_REGION`` checks the shape of a Region code,
not a list of Regions.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..aws.actions import ASSUME_BY_LOWER
from ..aws.analyzer import (
    AUDIENCE_CLAIM,
    KEYS_ABSENT_FOR_SERVICE_PRINCIPALS,
    NOT_SERVICE_SOURCE_KEYS,
    PAIRED_KEYS,
    ROLES_ANYWHERE_ACTIONS,
    ROLES_ANYWHERE_SERVICE,
    SERVICE_SOURCE_KEYS,
    SPOOFABLE_KEYS,
    UNSUPPORTED_GLOBAL_KEYS,
    VALUE_FORMATS,
    assume_action_for_key,
    audience_type_is_documented,
)
from ..aws.keys import KeyInfo, is_web_identity_key, listed_key_names, lookup
from ..aws.operators import OPERATOR_FORMS, OPERATORS, SET_PREFIXES
from ..aws.principals import assume_action_for_principal
from ..findings import Finding
from ..model import Condition, Statement, Value
from ..parser import Span
from .common import finding
from .registry import RuleInput, statement_rule
from .security import _limiting_conditions
from .session import QUIET_KEYS as SESSION_QUIET_KEYS
from .session import _allows, session_key_checks


def _parts(operator: str) -> tuple[str | None, str]:
    """The set operator (``ForAnyValue``, ``ForAllValues`` or ``None``) and the base
    operator without ``IfExists``."""
    parts = _PARTS.get(operator)
    if parts is not None:
        return parts
    prefix = None
    for candidate in SET_PREFIXES:
        if operator.startswith(candidate):
            prefix, operator = candidate[:-1], operator[len(candidate) :]
            break
    return prefix, operator.removesuffix("IfExists")


#: The parts of every well-written operator name (a table built at import).
_PARTS = {name: (form.set_prefix, form.operator.name) for name, form in OPERATOR_FORMS.items()}


# --- Condition keys ------------------------------------------------------------------


#: Keys that have a check of their own; every other key skips straight past them.
_NAMED_KEYS = frozenset([*PAIRED_KEYS, *UNSUPPORTED_GLOBAL_KEYS, *SPOOFABLE_KEYS, *VALUE_FORMATS])
_AUDIENCE_SUFFIX = ":" + AUDIENCE_CLAIM


#: Which checks of this module a condition key calls for, as a plain tuple (unpacked
#: once per key: named-tuple fields are slow to read on 3.13):
#:
#: - the key in lower case;
#: - whether it is one of the keys with a check of their own (:data:`_NAMED_KEYS`);
#: - whether it is an ``...:aud`` claim;
#: - the key's facts when it is multivalued or an ARN (:func:`_key_type_checks`);
#: - the one way of assuming a role whose requests carry the key, if only one does.
_KeyChecks = tuple[str, bool, bool, KeyInfo | None, str | None]


def _key_checks(key: str) -> _KeyChecks:
    lowered = key.lower()
    info = lookup(key)
    typed = info if info is not None and (info.multivalued is True or info.type == "ARN") else None
    return (
        lowered,
        lowered in _NAMED_KEYS,
        lowered.endswith(_AUDIENCE_SUFFIX),
        typed,
        assume_action_for_key(key),
    )


#: The checks of every listed key in its documented spelling: a table built at
#: import, so that the usual keys are not lowercased and looked up again.
_CHECKS_BY_SPELLING = {name: _key_checks(name) for name in listed_key_names()}
#: The listed keys (documented spelling) that call for none of the checks.
_QUIET_KEYS = frozenset(
    name
    for name, (_, named, audience, typed, needed) in _CHECKS_BY_SPELLING.items()
    if not named and not audience and typed is None and needed is None
)


#: The listed keys (documented spelling) that none of the key checks of this module
#: or of :mod:`.session` concerns: passed over by one set look-up.
_QUIET_FOR_BOTH = _QUIET_KEYS & SESSION_QUIET_KEYS


@statement_rule
def condition_key_checks(given: RuleInput) -> list[Finding]:
    """The checks on each condition key of a statement: Access Analyzer's (this module)
    and the session-key checks (:func:`.session.session_key_checks`), in one pass over
    the conditions; the session findings come first.

    A list, not a generator: it reads every condition and almost always finds
    nothing, so the rare checks are called only when they apply, and a listed key
    that calls for none of them (:data:`_QUIET_FOR_BOTH`) is passed over at once.
    """
    statement = given.statement
    conditions = statement.conditions
    if not conditions:
        return []
    session: list[Finding] = []
    out: list[Finding] = []
    keyed: list[tuple[Condition, str]] = []
    for condition in conditions:
        key = condition.key
        if key not in _QUIET_FOR_BOTH:
            if key not in SESSION_QUIET_KEYS:
                session_key_checks(statement, condition, session)
            if key not in _QUIET_KEYS:
                _key_specific(condition, key, conditions, keyed, out)
        values = condition.values
        if len(values) > 1 or (values and values[0].text == "*"):  # else nothing to check
            _value_checks(condition, out)
    if keyed and statement.actions is not None:
        _actions_without_key(statement, statement.actions, keyed, out)
    if session:
        session.extend(out)
        return session
    return out


def _key_specific(
    condition: Condition,
    key: str,
    conditions: list[Condition],
    keyed: list[tuple[Condition, str]],
    out: list[Finding],
) -> None:
    """The checks a key calls for (:data:`_KeyChecks`); the findings go to ``out``,
    the condition to ``keyed`` when the key comes with one way of assuming a role."""
    checks = _CHECKS_BY_SPELLING.get(key)
    lowered, named, audience, typed, needed = checks if checks is not None else _key_checks(key)
    if named:
        out.extend(_named_key(condition, lowered, conditions))
    if audience:
        _audience(condition, out)
    if typed is not None:
        _key_type_checks(condition, typed, out)
    if needed is not None:
        keyed.append((condition, needed))


def _value_checks(condition: Condition, out: list[Finding]) -> None:
    """A "*" that makes a test say something else; bounds that repeat one another."""
    values = condition.values
    for value in values:
        if value.text == "*":
            out.extend(_wildcard_only(condition))
            break
    if len(values) > 1 and condition.operator.startswith("Numeric"):
        out.extend(_numeric_bounds(condition))


def _named_key(condition: Condition, key: str, conditions: list[Condition]) -> Iterator[Finding]:
    if key in PAIRED_KEYS:
        yield from _paired(condition, key, {other.key.lower() for other in conditions})
    elif key in UNSUPPORTED_GLOBAL_KEYS:
        yield from _unsupported_global(condition, key)
    elif key in SPOOFABLE_KEYS:
        yield from _spoofable(condition, key)
    else:
        yield from _value_format(condition, key)


def _audience(condition: Condition, out: list[Finding]) -> None:
    """The audience claim of a web identity token: single-valued, so no set operator.
    The finding goes to ``out``."""
    if not is_web_identity_key(condition.key):
        return  # SAML:aud is the SAML audience, not a token claim
    prefix, _ = _parts(condition.operator)
    if prefix == "ForAnyValue":
        out.append(
            finding(
                "FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE",
                f"{condition.key} holds one value, the application the token was issued to. "
                "Set operators are meant for keys that hold several values; on this claim "
                "ForAnyValue can admit more tokens than you intend (any token whose audiences "
                "include one of yours), and it reads as if the claim were a list. Drop "
                '"ForAnyValue:" and write '
                f"{condition.operator.split(':', 1)[1]}.",
                condition.key_span,
            )
        )
    elif prefix is None and not audience_type_is_documented(condition.key.rpartition(":")[0]):
        out.append(
            finding(
                "CONFIRM_AUDIENCE_CLAIM_TYPE",
                f"{condition.key} is the token's audience (aud): the application it was issued "
                "to. A provider may send it as one value or as a list. If your provider sends "
                "one value, this plain operator is right; if it sends a list, the key is "
                "multivalued and takes a set operator (ForAnyValue: before the operator). Look "
                "at the aud claim of a token from your provider to know which.",
                condition.key_span,
            )
        )


def _paired(condition: Condition, key: str, present: set[str]) -> Iterator[Finding]:
    partners = PAIRED_KEYS[key]
    if any(partner.lower() in present for partner in partners):
        return
    names = " or ".join(partners)
    yield finding(
        "MISSING_PAIRED_CONDITION_KEYS",
        f"{condition.key} is a private address, and the same private address exists in "
        "every VPC, including VPCs of other accounts. On its own it admits a request from "
        f"that address in any VPC. Add {names} to this Condition so that the request must "
        "come from your VPC and from that address.",
        condition.key_span,
    )


def _unsupported_global(condition: Condition, key: str) -> Iterator[Finding]:
    instead = " or ".join(UNSUPPORTED_GLOBAL_KEYS[key])
    yield finding(
        "UNSUPPORTED_GLOBAL_CONDITION_KEY",
        f"{condition.key} is not a condition key AWS supports, so no request carries it "
        "and the condition tests a missing key. Use aws:PrincipalArn to test who calls, "
        f"or aws:SourceArn to test the resource a service acts for ({instead}).",
        condition.key_span,
    )


def _spoofable(condition: Condition, key: str) -> Iterator[Finding]:
    yield finding(
        "UNTRUSTWORTHY_CONDITION_KEY",
        f"{condition.key} is {SPOOFABLE_KEYS[key]}, which the caller writes itself: any "
        "caller the Principal admits can send the value this condition expects, from any "
        "client. Do not use it to decide who may assume the role; test who calls instead "
        "(the Principal, aws:PrincipalArn, aws:PrincipalOrgID or sts:ExternalId).",
        condition.key_span,
    )


#: The finding code for a value of the wrong format, by key.
_FORMAT_CODES = {
    "aws:sourcevpc": "INVALID_VPC_FORMAT",
    "aws:sourcevpce": "INVALID_VPCE_FORMAT",
    "aws:requestedregion": "INVALID_REGION",
}


def _value_format(condition: Condition, key: str) -> Iterator[Finding]:
    what, written, pattern = VALUE_FORMATS[key]
    operator = OPERATORS.get(_parts(condition.operator)[1])
    ignore_case = operator is not None and operator.compare == "eqi"
    for value in condition.values:
        text = value.text
        # A pattern is judged by its matches, a * under StringEquals by
        # WILDCARD_WITHOUT_LIKE_OPERATOR, a variable when the request fills it in.
        if "${" in text or "*" in text or "?" in text:
            continue
        if pattern.fullmatch(text.lower() if ignore_case else text):
            continue
        yield finding(
            _FORMAT_CODES[key],
            f'"{text}" is not a {what}, so {condition.key} never equals it. A {what} is '
            f"written {written}.",
            value.span,
        )


def _key_type_checks(condition: Condition, info: KeyInfo, out: list[Finding]) -> None:
    """A multivalued key without a set operator; an ARN key under StringLike. The
    findings go to ``out``: this runs for every multivalued or ARN key."""
    prefix, base = _parts(condition.operator)
    if prefix is None and info.multivalued is True and base != "Null":
        out.append(
            finding(
                "MISSING_QUALIFIER",
                f"{condition.key} can hold several values, and {condition.operator} without "
                "a set operator does not say how to compare a list. Write ForAnyValue: (at "
                "least one value matches) or ForAllValues: (every value matches, also true "
                "when the key is missing) before it, as in "
                f'"ForAnyValue:{condition.operator}".',
                condition.key_span,
            )
        )
    if base in ("StringLike", "StringNotLike") and info.type == "ARN":
        arn_operator = condition.operator.replace("StringNotLike", "ArnNotLike").replace(
            "StringLike", "ArnLike"
        )
        out.append(
            finding(
                "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
                f"{condition.key} is an ARN, and {base} reads it as plain text, so a * or ? "
                "can match across the colons that separate the partition, service, Region, "
                "account and resource. ArnLike matches each of the six fields of the ARN on "
                "its own. Write "
                f"{arn_operator} instead.",
                condition.key_span,
            )
        )


def _wildcard_outcome(condition: Condition, prefix: str | None, base: str) -> str | None:
    """What a Like test with the value "*" comes to: "present", "missing", "always",
    "never", or ``None`` when it depends on the other values. "*" matches every value,
    so a positive Like holds whenever the key is there, a negated one never does
    (reference_policies_elements_condition_operators.html, ...IfExists and set operators
    as in reference_policies_condition-single-vs-multi-valued-context-keys.html)."""
    operator = OPERATORS.get(base)
    if operator is None or not operator.takes_wildcards:
        return None
    if condition.operator.endswith("IfExists"):
        # A missing key makes the test true; a present one makes it "*"'s answer.
        if prefix is not None:
            return None
        return "missing" if operator.negated else "always"
    if prefix == "ForAnyValue":  # false when the key is missing
        return "never" if operator.negated else "present"
    if prefix == "ForAllValues":  # true when the key is missing
        return None if operator.negated else "always"
    return "missing" if operator.negated else "present"


_WILDCARD_FINDINGS = {
    "present": (
        "EQUIVALENT_TO_NULL_FALSE",
        "matches every value, so {op} only tests that {key} is in the request. Write "
        '"Null": {{"{key}": "false"}}, which says so plainly, or test the values you expect.',
    ),
    "missing": (
        "EQUIVALENT_TO_NULL_TRUE",
        "matches every value, so {op} only holds when {key} is missing from the request. "
        'Write "Null": {{"{key}": "true"}}, which says so plainly.',
    ),
    "always": (
        "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
        "matches every value, and {op} also holds when {key} is missing, so this test "
        "always holds and narrows nothing. Remove it, or test the values you expect.",
    ),
    "never": (
        "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION",
        "matches every value, so {op} never holds and the statement never applies. "
        "Remove the key (or the statement), or test the values you mean.",
    ),
}


def _wildcard_only(condition: Condition) -> Iterator[Finding]:
    outcome = _wildcard_outcome(condition, *_parts(condition.operator))
    if outcome is None:
        return
    code, text = _WILDCARD_FINDINGS[outcome]
    star = next(value for value in condition.values if value.text == "*")
    yield finding(
        code,
        '"*" ' + text.format(op=condition.operator, key=condition.key),
        star.span,
    )


def _numeric_bounds(condition: Condition) -> Iterator[Finding]:
    """Several values of a bound: the values of one key are ORed
    (reference_policies_condition-logic-multiple-context-keys-or-values.html), so "less
    than any of them" is "less than the greatest"."""
    base = condition.operator.removesuffix("IfExists")
    keep = {"lt": max, "le": max, "gt": min, "ge": min}.get(OPERATORS[base].compare)
    if keep is None:
        return  # equality: each value counts
    numbers: list[tuple[float, Value]] = []
    for value in condition.values:
        try:
            numbers.append((float(value.text), value))
        except ValueError:
            return  # TYPE_MISMATCH_NUMBER or a variable; nothing to compare
    widest = keep(numbers, key=lambda pair: pair[0])[1]
    extreme = "greatest" if keep is max else "least"
    yield finding(
        "REDUNDANT_CONDITION_VALUE_NUM",
        f"The values of {condition.key} under {condition.operator} are alternatives, and "
        f"a request that passes any of them passes the {extreme}, {widest.text}; the "
        f'others change nothing. Write "{condition.key}": "{widest.text}" alone.',
        condition.key_span,
    )


def _actions_without_key(
    statement: Statement,
    actions: list[Value],
    keyed: list[tuple[Condition, str]],
    out: list[Finding],
) -> None:
    """A key that only one way of assuming a role sends (``keyed``: each condition with
    that action), next to the other ways. Actions with wildcards are not judged, as
    Access Analyzer does not judge them, nor actions that fit no principal of the
    statement: MISMATCHED_ACTION_FOR_PRINCIPAL reports those. The findings go to
    ``out``."""
    assume: set[str] = set()
    for action in actions:  # loops, not generators: this runs for every sts:ExternalId
        name = ASSUME_BY_LOWER.get(action.text.lower())
        if name is not None:
            assume.add(name)
    for _, needed in keyed:
        if len(assume) > 1 or (assume and needed not in assume):
            break
    else:
        return  # no other way of assuming the role, whatever the principals (the usual case)
    principal = statement.principal
    if principal is not None and principal.entries:
        assume &= {assume_action_for_principal(e.kind, e.value) for e in principal.entries}
    for condition, needed in keyed:
        others = sorted(assume - {needed})
        if not others:
            continue
        names = " and ".join(others)
        out.append(
            finding(
                "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
                f"{condition.key} comes only with {needed} requests, and this statement also "
                f"covers {names}. Those requests never carry the key, so for them this "
                "condition tests a missing key (a positive operator is false, a negated one "
                f"true). Give {names} a statement of its own without this condition.",
                condition.key_span,
            )
        )


# --- Service principals ----------------------------------------------------------------


@statement_rule
def analyzer_service_principals(given: RuleInput) -> list[Finding]:
    """Access Analyzer's checks on a statement that names an AWS service.

    A list, not a generator: it runs on every statement and seldom finds anything.
    """
    statement = given.statement
    if statement.principal is None:
        return []
    services = [entry for entry in statement.principal.entries if entry.kind == "Service"]
    if not services:
        return []
    out: list[Finding] = []
    for entry in services:
        if entry.value == ROLES_ANYWHERE_SERVICE and statement.effect == "Allow":
            out.extend(_roles_anywhere(statement, entry.span))
    if not statement.conditions:
        return out
    keys = {condition.key.lower() for condition in statement.conditions}
    names = ", ".join(entry.value for entry in services)
    if keys & KEYS_ABSENT_FOR_SERVICE_PRINCIPALS:
        out.extend(_keys_absent_for_services(statement, names))
    if statement.effect == "Allow" and keys & NOT_SERVICE_SOURCE_KEYS:
        out.extend(_recommended_keys(statement, names))
    return out


def _roles_anywhere(statement: Statement, span: Span) -> Iterator[Finding]:
    missing = [action for action in ROLES_ANYWHERE_ACTIONS if not _allows(statement, action)]
    if not missing:
        return
    yield finding(
        "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY",
        "IAM Roles Anywhere assumes the role with sts:AssumeRole, and also sets the "
        "session's source identity and tags from the certificate, so the trust policy "
        f"must allow all three. This statement does not allow {' and '.join(missing)}. "
        'Write "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"].',
        span,
    )


def _keys_absent_for_services(statement: Statement, names: str) -> Iterator[Finding]:
    for condition in statement.conditions:
        if condition.key.lower() not in KEYS_ABSENT_FOR_SERVICE_PRINCIPALS:
            continue
        yield finding(
            "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
            f"{condition.key} is in a request only when the caller belongs to an "
            f"organization, and an AWS service ({names}) belongs to none, so this condition "
            "never holds for the service. To limit the service to your organization, use "
            "aws:SourceOrgID; to keep this key for other principals, give the service its "
            "own statement.",
            condition.key_span,
        )


def _recommended_keys(statement: Statement, names: str) -> Iterator[Finding]:
    """A service narrowed by a key that does not say whom it acts for, and no source key."""
    limits = _limiting_conditions(statement.conditions, key_always_present=False)
    if limits.keys() & SERVICE_SOURCE_KEYS:
        return
    for key in sorted(limits.keys() & NOT_SERVICE_SOURCE_KEYS):
        for condition in limits[key]:
            yield finding(
                "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",
                f"{condition.key} does not say on whose behalf {names} acts, so it does not "
                "stop the service from assuming this role for someone else's request (the "
                "confused deputy problem). Narrow the service with aws:SourceAccount or "
                "aws:SourceArn (or aws:SourceOrgID, aws:SourceOrgPaths) instead.",
                condition.key_span,
            )
