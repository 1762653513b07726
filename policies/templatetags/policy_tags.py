"""Template helpers for showing the engine's answers."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


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
