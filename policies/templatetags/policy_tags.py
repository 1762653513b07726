"""Template helpers for showing the engine's answers."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

_SEVERITY_LABELS = {
    "error": ("✖", "Error"),
    "security_warning": ("⚑", "Security warning"),
    "warning": ("⚠", "Warning"),
    "suggestion": ("ℹ", "Suggestion"),
}


@register.filter
def statement_parts(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """A trace statement's principal, action and conditions, in the order they are read."""
    parts = [statement[key] for key in ("principal", "action", "resource") if statement.get(key)]
    return parts + list(statement.get("conditions") or [])


@register.filter
def trace_layers(answer: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The trust side and, when the case had one, the caller's side, with their statements."""
    layers = [("Trust policy", (answer.get("trust") or {}).get("statements") or [])]
    identity = answer.get("identity") or {}
    if identity.get("statements"):
        layers.append(("The caller's policies", identity["statements"]))
    return [(name, statements) for name, statements in layers if statements]


@register.filter
def trace_value(value: Any) -> str:
    """A request or policy value from the trace, as a learner reads it."""
    if value is None:
        return "(not in the request)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "(empty)"
    return str(value)


@register.filter
def severity_label(severity: str) -> str:
    """``security_warning`` as "Security warning"."""
    return _SEVERITY_LABELS.get(severity, ("", severity.replace("_", " ").capitalize()))[1]


@register.filter
def severity_icon(severity: str) -> str:
    """The icon shown with a severity, so that colour is never the only cue."""
    return _SEVERITY_LABELS.get(severity, ("•", ""))[0]


@register.filter
def lookup(mapping: dict[str, Any] | None, key: str) -> Any:
    """``mapping[key]``, or an empty string when there is no such key."""
    return (mapping or {}).get(key, "")
