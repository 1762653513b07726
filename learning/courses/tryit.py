"""A lesson's "try it" block: its editable request, and the steps its prompt asks for.

The learner edits the policy and the request (principal, action, condition
rows) as in the playground; :func:`tryit_case` reads both exactly the way the
playground does. A block's ``steps`` say what its prompt asks the learner to
change and which decision that gives; ``check_content`` replays them through
the same function (:func:`tryit_step_problems`), so a prompt never asks for
something the page cannot do.
"""

from __future__ import annotations

from typing import Any

from config.web import UserError
from policies.engine import PolicyError, evaluate
from policies.playground import ConditionRow, PlaygroundState, scenario_request
from policies.templatetags.policy_tags import decision_words

#: What a block may carry to the engine besides the trust policy and request.
EXTRA_POLICIES = ("identity_policies", "permissions_boundary", "session_policy", "scps")
STEP_KEYS = {"principal", "action", "context", "policy_replace", "expect", "say"}


def context_rows(context: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A request's condition keys as the form's rows: values joined by commas."""
    rows = []
    for key, value in (context or {}).items():
        values = value if isinstance(value, list) else [value]
        rows.append((key, ", ".join(_text(v) for v in values)))
    return rows


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def tryit_case(
    *, block: dict[str, Any], policy: str, principal: str, action: str, rows: list[tuple[str, str]]
) -> dict[str, Any]:
    """The engine case for a try-it block with what the learner typed; ``UserError`` names
    the field that cannot be used."""
    state = PlaygroundState(
        policy=policy,
        principal=principal.strip(),
        action=action.strip(),
        role_arn=str((block.get("request") or {}).get("role_arn", "")),
        conditions=[ConditionRow(key, values) for key, values in rows],
    )
    request, errors = scenario_request(state)
    if errors:
        field, message = next(iter(errors.items()))
        raise UserError(message, field=field)
    case: dict[str, Any] = {"trust_policy": policy, "request": request}
    for key in EXTRA_POLICIES:
        if key in block:
            case[key] = block[key]
    return case


def step_apply(
    *, policy: str, request: dict[str, Any], step: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The policy and request after one step (steps build on each other)."""
    request = {**request, "context": dict(request.get("context") or {})}
    for key in ("principal", "action"):
        if key in step:
            request[key] = step[key]
    for key, value in (step.get("context") or {}).items():
        if value is None:
            request["context"].pop(key, None)
        else:
            request["context"][key] = value
    if "policy_replace" in step:
        old, new = step["policy_replace"]
        policy = policy.replace(old, new, 1)
    return policy, request


def step_words(step: dict[str, Any]) -> str:
    """What a step asks, in a sentence: the learner's to-do under the prompt."""
    if step.get("say"):
        action = str(step["say"])
    else:
        parts = []
        if "principal" in step:
            parts.append(f"set the principal to {step['principal']}")
        if "action" in step:
            parts.append(f"set the action to {step['action']}")
        for key, value in (step.get("context") or {}).items():
            if value is None:
                parts.append(f"remove the condition key {key}")
            else:
                parts.append(f"set {key} to {', '.join(_text(v) for v in _listed(value))}")
        if "policy_replace" in step:
            old, new = step["policy_replace"]
            parts.append(f"in the policy, change {old} to {new}")
        action = "; ".join(parts)
    return f"{action[:1].upper()}{action[1:]}: {decision_words(step['expect'])}."


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def tryit_steps(block: dict[str, Any]) -> list[str]:
    """The block's steps as sentences, for the page."""
    return [step_words(step) for step in block.get("steps") or [] if isinstance(step, dict)]


def tryit_step_problems(where: str, block: dict[str, Any]) -> list[str]:
    """Replay every step as the page would send it and compare with its declared decision."""
    steps = block.get("steps")
    if not isinstance(steps, list) or not steps:
        return [f"{where}: a tryit block declares its steps (what to change, what it gives)"]
    policy, request = block["policy"], dict(block["request"])
    problems = []
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or "expect" not in step or set(step) - STEP_KEYS:
            problems.append(f"{where}: step {number} needs 'expect' and only {sorted(STEP_KEYS)}")
            continue
        replace = step.get("policy_replace")
        if replace is not None and (
            not isinstance(replace, list) or len(replace) != 2 or replace[0] not in policy
        ):
            problems.append(f"{where}: step {number}'s policy_replace text is not in the policy")
            continue
        policy, request = step_apply(policy=policy, request=request, step=step)
        try:
            case = tryit_case(
                block=block,
                policy=policy,
                principal=str(request.get("principal", "")),
                action=str(request.get("action", "")),
                rows=context_rows(request.get("context")),
            )
            decision = evaluate(case).decision
        except (UserError, PolicyError) as exc:
            problems.append(f"{where}: step {number} cannot be typed into the page: {exc}")
            continue
        if decision != step["expect"]:
            problems.append(
                f"{where}: step {number} ({step_words(step)}) gives {decision} on the page"
            )
    return problems
