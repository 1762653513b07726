"""The playground's state and its one service: check a policy against a request.

The state is everything on the page that a share link restores: the trust
policy, the caller's identity policy, the scenario and the open tabs. It comes
from a form (POST, or GET without JavaScript), a share link, or a template,
and always goes through :func:`playground_check`, so every path gives the same
answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from config.web import MAX_POLICY_FIELD, UserError, long_number_check
from policies.cloudtrail import TrailView, cloudtrail_records
from policies.engine import PolicyError, UsageError, describe, evaluate
from policies.engine.limits import MAX_CONTEXT_VALUES, TRUST_POLICY_QUOTA
from policies.presets import (
    ACTIONS,
    DEFAULT_PRESET,
    DEFAULT_ROLE_ARN,
    PRESETS_BY_SLUG,
    Preset,
)
from policies.starters import DEFAULT_STARTER, STARTERS_BY_SLUG, Starter

#: Longest principal, role ARN, condition key or value list we accept.
MAX_FIELD_CHARS = 2_048

#: Most condition rows in one scenario.
MAX_CONDITION_ROWS = 40

TABS = ("decision", "explain", "cloudtrail")
EDITOR_TABS = ("trust", "identity")
SHARE_VERSION = 1

assert MAX_POLICY_FIELD > TRUST_POLICY_QUOTA


@dataclass(slots=True)
class ConditionRow:
    key: str = ""
    values: str = ""  # as typed: values separated by commas


@dataclass(slots=True)
class PlaygroundState:
    """What the learner has typed and chosen."""

    policy: str
    identity_policy: str = ""
    preset: str = DEFAULT_PRESET.slug
    principal: str = DEFAULT_PRESET.principal
    action: str = DEFAULT_PRESET.action
    role_arn: str = DEFAULT_ROLE_ARN
    conditions: list[ConditionRow] = field(default_factory=list)
    tab: str = "decision"
    editor: str = "trust"
    starter: str = ""

    @property
    def preset_obj(self) -> Preset | None:
        return PRESETS_BY_SLUG.get(self.preset)

    def to_share(self) -> dict[str, Any]:
        """The state as the value a share link carries."""
        out: dict[str, Any] = {
            "v": SHARE_VERSION,
            "policy": self.policy,
            "preset": self.preset,
            "principal": self.principal,
            "action": self.action,
            "role_arn": self.role_arn,
            "conditions": [[r.key, r.values] for r in self.conditions if r.key or r.values],
            "tab": self.tab,
            "editor": self.editor,
        }
        if self.identity_policy:
            out["identity_policy"] = self.identity_policy
        return out


class StateError(ValueError):
    """A share link whose content is not a playground state."""


def state_for_starter(starter: Starter) -> PlaygroundState:
    """The state a template opens with: its policy and its caller's preset."""
    preset = PRESETS_BY_SLUG[starter.preset]
    return PlaygroundState(
        policy=starter.policy_text,
        preset=preset.slug,
        principal=preset.principal,
        action=preset.action,
        conditions=[ConditionRow(k, v) for k, v in preset.context],
        starter=starter.slug,
    )


def default_state() -> PlaygroundState:
    return state_for_starter(DEFAULT_STARTER)


def _text(data: Mapping[str, Any], name: str, default: str = "") -> str:
    value = data.get(name, default)
    return value if isinstance(value, str) else default


def state_from_form(data: Any) -> PlaygroundState:
    """Read the state from a form (a ``QueryDict``), applying the no-JavaScript
    buttons: show a tab, apply a preset, add or remove a condition row."""
    keys = data.getlist("condition_key")
    values = data.getlist("condition_values")
    # The page always offers one blank row; blank rows carry nothing, so drop them.
    rows = [
        ConditionRow(k, v) for k, v in zip(keys, values, strict=False) if k.strip() or v.strip()
    ]
    state = PlaygroundState(
        policy=_text(data, "policy"),
        identity_policy=_text(data, "identity_policy"),
        preset=_text(data, "preset", DEFAULT_PRESET.slug),
        principal=_text(data, "principal").strip(),
        action=_text(data, "action").strip(),
        role_arn=_text(data, "role_arn").strip(),
        conditions=rows,
        tab=_choice(_text(data, "show_tab") or _text(data, "tab"), TABS),
        editor=_choice(_text(data, "show_editor") or _text(data, "editor"), EDITOR_TABS),
    )
    if data.get("apply_preset") and state.preset_obj:
        preset = state.preset_obj
        state.principal, state.action = preset.principal, preset.action
        state.conditions = [ConditionRow(k, v) for k, v in preset.context]
    if add_key := _text(data, "add_key"):
        state.conditions.append(ConditionRow(add_key[:MAX_FIELD_CHARS], ""))
    remove = _text(data, "remove_condition")
    # A row number has a few digits; a longer one names no row (and int() of
    # 4,300+ digits raises).
    if remove.isdigit() and len(remove) <= 4 and int(remove) < len(state.conditions):
        del state.conditions[int(remove)]
    return state


def state_from_share(value: Any) -> PlaygroundState:
    """Read the state from a decoded share link; raise :class:`StateError` if it is not one."""
    if not isinstance(value, dict) or value.get("v") != SHARE_VERSION:
        raise StateError("the link is not a playground link of this version")
    if not isinstance(value.get("policy"), str):
        raise StateError("the link has no policy")
    rows_raw = value.get("conditions", [])
    if not isinstance(rows_raw, list) or len(rows_raw) > MAX_CONDITION_ROWS:
        raise StateError("the link's condition keys are not readable")
    rows = []
    for row in rows_raw:
        if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) for x in row)):
            raise StateError("the link's condition keys are not readable")
        rows.append(ConditionRow(row[0], row[1]))
    fields = {}
    for name in ("identity_policy", "preset", "principal", "action", "role_arn"):
        if name in value:
            if not isinstance(value[name], str):
                raise StateError(f"the link's {name.replace('_', ' ')} is not text")
            fields[name] = value[name]
    return replace(
        PlaygroundState(policy=value["policy"], conditions=rows),
        **fields,
        tab=_choice(value.get("tab"), TABS),
        editor=_choice(value.get("editor"), EDITOR_TABS),
    )


def _preset_for(principal: str) -> str:
    """The preset whose kind of caller ``principal`` is, for the caller menu's label."""
    for preset in PRESETS_BY_SLUG.values():
        if preset.principal == principal:
            return preset.slug
    if ":oidc-provider/token.actions.githubusercontent.com" in principal:
        return "github"
    if ":oidc-provider/" in principal:
        return "eks"
    if ":saml-provider/" in principal:
        return "saml"
    if principal.endswith(".amazonaws.com"):
        return "cognito" if principal.startswith("cognito-identity") else "ec2"
    if principal.startswith(("arn:aws:sts::", "arn:aws:iam::")):
        own = f"::{DEFAULT_ROLE_ARN.split(':')[4]}:"
        return "same-account" if own in principal else "other-account"
    return DEFAULT_PRESET.slug


def state_for_case(
    *, policy: Any, request: Mapping[str, Any], identity_policies: list[Any] | None = None
) -> PlaygroundState:
    """The state that opens a lesson's "try it" case in the playground."""
    if not isinstance(policy, str):
        policy = json.dumps(policy, indent=2)
    rows = []
    for key, value in (request.get("context") or {}).items():
        values = value if isinstance(value, list) else [value]
        rows.append(ConditionRow(str(key), ", ".join(str(v) for v in values)))
    identity = ""
    if identity_policies:
        first = identity_policies[0]
        identity = first if isinstance(first, str) else json.dumps(first, indent=2)
    principal = str(request.get("principal", ""))
    return PlaygroundState(
        policy=policy,
        identity_policy=identity,
        preset=_preset_for(principal),
        principal=principal,
        action=str(request.get("action", "sts:AssumeRole")),
        role_arn=str(request.get("role_arn", DEFAULT_ROLE_ARN)),
        conditions=rows,
    )


def state_from_starter_slug(slug: str) -> PlaygroundState | None:
    starter = STARTERS_BY_SLUG.get(slug)
    return state_for_starter(starter) if starter else None


def _choice(value: Any, allowed: tuple[str, ...]) -> str:
    return value if isinstance(value, str) and value in allowed else allowed[0]


# ---------------------------------------------------------------------------
# Checking


@dataclass(slots=True)
class Check:
    """Everything the page shows for one state."""

    state: PlaygroundState
    errors: dict[str, str] = field(default_factory=dict)
    answer: dict[str, Any] | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    description: dict[str, Any] | None = None
    trail: TrailView | None = None
    request: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def status(self) -> int:
        if self.errors.get("policy_too_large"):
            return 413
        return 400 if self.errors else 200


def _too_long(text: str, what: str) -> str:
    return (
        f"The {what} is {len(text):,} characters long; the playground checks up to "
        f"{MAX_POLICY_FIELD:,}. (AWS itself allows {TRUST_POLICY_QUOTA:,} characters in a "
        "role trust policy by default.) Shorten it to see a decision."
    )


def _caller_errors(state: PlaygroundState, errors: dict[str, str]) -> None:
    if not state.principal:
        errors["principal"] = "Enter the caller: an ARN, a service such as ec2.amazonaws.com, …"
    elif len(state.principal) > MAX_FIELD_CHARS:
        errors["principal"] = f"The principal is longer than {MAX_FIELD_CHARS:,} characters."
    if state.action not in ACTIONS:
        errors["action"] = "Choose one of the listed STS actions."
    if len(state.role_arn) > MAX_FIELD_CHARS:
        errors["role_arn"] = f"The role ARN is longer than {MAX_FIELD_CHARS:,} characters."


def _condition_row(
    number: int, row: ConditionRow, context: dict[str, str | list[str]]
) -> tuple[str, str | list[str]] | str | None:
    """One row of the conditions table: (key, value), a problem to show, or None if empty."""
    key = row.key.strip()
    raw = row.values.strip()
    if not key and not raw:
        return None
    if not key:
        return f"Row {number}: give the condition key a name."
    if len(key) > 256 or len(raw) > MAX_FIELD_CHARS or ":" not in key or " " in key:
        return (
            f"Row {number}: '{key[:60]}' is not a condition key (keys look like "
            "service:Name, for example sts:ExternalId)."
        )
    if key.lower() in {k.lower() for k in context}:
        return f"Row {number}: {key} appears twice (key names ignore case)."
    parts = [v.strip() for v in raw.split(",")] if raw else [""]
    if len(parts) > MAX_CONTEXT_VALUES:
        return f"Row {number}: at most {MAX_CONTEXT_VALUES} values per key."
    return key, parts[0] if len(parts) == 1 else parts


def _request_from(state: PlaygroundState, errors: dict[str, str]) -> dict[str, Any]:
    _caller_errors(state, errors)
    context: dict[str, str | list[str]] = {}
    problems: list[str] = []
    if len(state.conditions) > MAX_CONDITION_ROWS:
        problems.append(f"Use at most {MAX_CONDITION_ROWS} condition keys.")
    for number, row in enumerate(state.conditions[:MAX_CONDITION_ROWS], start=1):
        outcome = _condition_row(number, row, context)
        if isinstance(outcome, str):
            problems.append(outcome)
        elif outcome is not None:
            context[outcome[0]] = outcome[1]
    if problems:
        errors["conditions"] = " ".join(problems)
    request: dict[str, Any] = {
        "principal": state.principal,
        "action": state.action,
        "context": context,
    }
    if state.role_arn:
        request["role_arn"] = state.role_arn
    return request


def scenario_request(state: PlaygroundState) -> tuple[dict[str, Any], dict[str, str]]:
    """The engine request typed into a scenario form (principal, action, role, condition
    rows) and the message for each field that cannot be used. Lessons' try-it blocks
    read their request panel with this too, so both forms accept the same input."""
    errors: dict[str, str] = {}
    return _request_from(state, errors), errors


# Which form field an engine usage error is about, by the part of the case it names.
_USAGE_FIELDS = {
    "request.principal": "principal",
    "request.action": "action",
    "request.role_arn": "role_arn",
    "request.context": "conditions",
    "identity_policies": "identity_policy",
}


def _usage_error(error: UsageError, errors: dict[str, str]) -> None:
    """Put an engine usage error beside the form field it is about (read from its fields)."""
    name = _USAGE_FIELDS.get((error.field or "").split("[", 1)[0])
    if name == "identity_policy" and error.code == "unusable_policy":
        errors[name] = "The identity policy cannot be used. " + error.reason
        return
    if name is None:
        errors["form"] = error.message[:1].upper() + error.message[1:]
        return
    errors[name] = error.reason[:1].upper() + error.reason[1:].rstrip(".") + "."


@lru_cache(maxsize=256)
def _description(policy: str, role_account: str | None) -> dict[str, Any]:
    """``describe()`` of a policy, kept while only the request changes (read-only)."""
    return describe(policy, role_account).to_dict()


def playground_check(*, state: PlaygroundState) -> Check:
    """Validate the policy, evaluate the request and describe who can get in.

    Never raises on bad input: every problem becomes a message in
    ``Check.errors``, keyed by the form field it belongs beside.
    """
    check = Check(state=state)
    errors = check.errors
    if len(state.policy) > MAX_POLICY_FIELD:
        errors["policy"] = _too_long(state.policy, "trust policy")
        errors["policy_too_large"] = "1"
    if len(state.identity_policy) > MAX_POLICY_FIELD:
        errors["identity_policy"] = _too_long(state.identity_policy, "identity policy")
        errors["policy_too_large"] = "1"
    for name in ("policy", "identity_policy"):
        try:
            long_number_check(getattr(state, name), field=name)
        except UserError as exc:
            errors.setdefault(name, str(exc))
    request = _request_from(state, errors)
    if errors:
        return check
    case: dict[str, Any] = {"trust_policy": state.policy, "request": request}
    if state.identity_policy.strip():
        case["identity_policies"] = [state.identity_policy]
    try:
        result = evaluate(case)
    except UsageError as exc:
        _usage_error(exc, errors)
        return check
    except PolicyError as exc:
        errors["form"] = str(exc)
        return check
    check.request = request
    check.answer = result.to_dict()
    check.findings = check.answer.get("findings", [])
    role_account = state.role_arn.split(":")[4] if state.role_arn.count(":") >= 5 else None
    check.description = _description(state.policy, role_account)
    check.trail = cloudtrail_records(
        request=request, decision=result.decision, role_arn=state.role_arn or None
    )
    return check
