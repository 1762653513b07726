"""Template helpers for showing the engine's answers."""

from __future__ import annotations

import html
import re
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from policies.playground import state_for_case
from policies.share import encode_share_state

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
    rcps = answer.get("rcps") or {}
    if rcps.get("statements"):
        layers.append(("Resource control policies of the role's account", rcps["statements"]))
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


def _e(value: Any) -> str:
    """HTML-escaped text (what Django's ``escape`` does, without the SafeString wrapper)."""
    return html.escape(str(value), quote=True)


def _part_html(part: dict[str, Any]) -> str:
    matched = part.get("matched")
    operator = part.get("operator")
    op = f"<span>operator <code>{_e(operator)}</code></span> " if operator else ""
    return (
        f'<li class="{"is-match" if matched else "is-miss"}">'
        f'<span class="icon" aria-hidden="true">{"✔" if matched else "✖"}</span>'
        f'<span class="visually-hidden">{"Matches:" if matched else "Does not match:"}</span> '
        f"{_e(part.get('reason', ''))}\n"
        f'<span class="trace-values">{op}'
        f"<span>request <code>{_e(trace_value(part.get('request_value')))}</code></span> "
        f"<span>policy <code>{_e(trace_value(part.get('policy_value')))}</code></span></span></li>"
    )


def _statement_html(st: dict[str, Any], goto_editor: str | None) -> str:
    matched = st.get("matched")
    sid = f" “{_e(st['sid'])}”" if st.get("sid") else ""
    effect = f" ({_e(st['effect'])})" if st.get("effect") else ""
    goto = ""
    if goto_editor and st.get("line"):
        editor, line = _e(goto_editor), int(st["line"])
        goto = (
            f'\n<a class="trace-goto" href="#{editor}" data-goto-line="{line}" '
            f'data-goto-editor="{editor}">line {line}'
            '<span class="visually-hidden"> of the policy</span></a>'
        )
    parts = "".join(_part_html(p) for p in statement_parts(st))
    return (
        f'<li class="trace-statement {"is-match" if matched else "is-miss"}">'
        f'<p class="trace-head"><span class="icon" aria-hidden="true">'
        f"{'●' if matched else '○'}</span>\n"
        f"Statement {int(st.get('index', 0)) + 1}{sid}{effect}: "
        f"<strong>{'applies to this request' if matched else 'does not apply'}</strong>{goto}"
        f"</p><ul>{parts}</ul></li>"
    )


@register.simple_tag
def trace_statements(
    layers: list[tuple[str, list[dict[str, Any]]]], editor_id: str | None = None
) -> SafeString:
    """The statement-by-statement trace of each layer, as HTML.

    Built in Python rather than in template loops because the playground renders
    it on every keystroke and it is the largest part of the page; every value from
    the answer is escaped with ``html.escape``. Statements of the first layer
    (the trust policy) link to their line in ``editor_id``.
    """
    out = []
    for index, (name, statements) in enumerate(layers):
        goto = editor_id if index == 0 else None
        items = "".join(_statement_html(st, goto) for st in statements)
        out.append(f'<p class="trace-layer">{_e(name)}</p>\n<ol class="trace-list">{items}</ol>')
    return mark_safe("\n".join(out))


@register.filter
def playground_url(block: dict[str, Any]) -> str:
    """A link that opens a lesson's "try it" case (policy and request) in the playground.

    The case travels in the link itself, as a share link does.
    """
    state = state_for_case(
        policy=block.get("policy", ""),
        request=block.get("request") or {},
        identity_policies=block.get("identity_policies"),
    )
    return reverse("policies:playground") + "?s=" + encode_share_state(state.to_share())


_DOC_LINK = re.compile(r"\((https://docs\.aws\.amazon\.com/[^\s()]+)\)")


# The engine's explanation names its decision codes; a learner reads words.
_IN_A_SENTENCE = {"implicitDeny": "denied", "explicitDeny": "denied"}
_DECISION_NAME = re.compile(r"\b(?:implicitDeny|explicitDeny)\b")


def _in_words(line: str) -> str:
    return _DECISION_NAME.sub(lambda m: _IN_A_SENTENCE[m[0]], line)


@register.filter
def explanation_line(line: str) -> str:
    """An explanation sentence with its AWS page reference turned into a short link."""
    escaped = conditional_escape(_in_words(line))
    # The text is escaped first; only our own link markup is added.
    return mark_safe(_DOC_LINK.sub(r'(<a href="\1">AWS documentation</a>)', escaped))


@register.filter
def explanation_items(answer: dict[str, Any]) -> list[dict[str, str | None]]:
    """The explanation's sentences, each with its AWS page as a separate field.

    Reads the engine's ``explanation_details``; an answer without them (one stored
    before they existed) shows its sentences as they are, without links.
    """
    details = answer.get("explanation_details")
    if details is None:
        lines = answer.get("explanation") or []
        return [{"text": _in_words(line), "learn_more": None} for line in lines]
    items: list[dict[str, str | None]] = []
    for detail in details:
        text, url = _in_words(str(detail.get("text", ""))), detail.get("learn_more")
        items.append({"text": text.rstrip(".") if url else text, "learn_more": url})
    return items


DECISION_LABELS = {
    "allowed": "Allowed",
    "explicitDeny": "Explicit deny",
    "implicitDeny": "Implicit deny",
    "denied": "Denied",
}


@register.filter
def decision_label(decision: str) -> str:
    """The engine's decision name in words: implicitDeny → Implicit deny."""
    return DECISION_LABELS.get(decision, decision)


DECISION_WORDS = {
    "allowed": "allowed",
    "denied": "denied",
    "explicitDeny": "denied (a statement denies it)",
    "implicitDeny": "denied (no statement allows it)",
}


@register.filter
def decision_words(decision: str) -> str:
    """A decision or an expectation as a learner says it: implicitDeny → denied (no statement
    allows it). Lower case, to sit inside a sentence; ``capfirst`` starts one."""
    return DECISION_WORDS.get(decision, decision)
