"""Helpers shared by the rule modules: building findings, and small text tools."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from typing import Protocol

from ..codes import PAGES, finding_at
from ..findings import Finding
from ..jsontree import LazySpan
from ..model import Policy
from ..parser import JNode, Span

GRAMMAR_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class Checked(Protocol):
    """What every rule reads: the policy and the role's account (when known)."""

    @property
    def policy(self) -> Policy: ...
    @property
    def role_account(self) -> str | None: ...


def finding(code: str, message: str, span: Span, url: str | None = None) -> Finding:
    """A finding of ``code`` over ``span``; a wrong JSON type says so first."""
    if code == "DATA_TYPE_MISMATCH":
        message = (
            f"Wrong JSON type here: {message[0].lower()}{message[1:]} An element of the "
            "wrong type makes the policy invalid, so it cannot be attached to a role."
        )
    return finding_at(code, message, span, url)


def head(span: Span) -> Span:
    """The first character of a span (an object's opening brace), worked out only
    when read if ``span`` is."""
    if isinstance(span, LazySpan):
        return span.head()
    return Span(span.line, span.column, span.line, span.column + 1, span.offset, span.offset + 1)


def close(word: str, names: Iterable[str]) -> str | None:
    """The name ``word`` was probably meant to be (case aside, or a near spelling)."""
    names = list(names)
    lowered = {name.lower(): name for name in names}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word, names, n=1, cutoff=0.75)
    return match[0] if match else None


def strip_variables(text: str) -> str:
    return _VARIABLE.sub("", text)


def check_unique_keys(ctx: Checked, node: JNode) -> list[Finding]:
    """Warn about a key written twice in one object (only the last one counts).

    A list, not a generator: this runs for every object of every statement, and
    almost always finds nothing.
    """
    members = node.members
    if len(members) < 2 or len({member.key for member in members}) == len(members):
        return []
    out: list[Finding] = []
    seen: set[str] = set()
    for member in members:
        if member.key in seen:
            out.append(
                finding(
                    "DUPLICATE_KEY",
                    f'"{member.key}" appears twice in the same object. Only the last one '
                    "counts (the earlier one is silently ignored), which hides what the "
                    "policy really does. Merge them into one.",
                    member.key_span,
                )
            )
        seen.add(member.key)
    return out


def unknown_element(
    ctx: Checked, key: str, span: Span, allowed: tuple[str, ...], where: str
) -> Iterator[Finding]:
    guess = close(key, allowed)
    hint = (
        f' Did you mean "{guess}"? Element names are written exactly like that.'
        if guess
        else f" A {where} holds only {', '.join(allowed)}."
    )
    yield finding(
        "INVALID_POLICY_ELEMENT",
        f'"{key}" is not an element of a {where}, so the policy is not valid.{hint}',
        span,
        PAGES["version"] if where == "policy" else GRAMMAR_PAGE,
    )


def variable_in_element(ctx: Checked, element_name: str, span: Span) -> Finding:
    return finding(
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        f"Policy variables are not replaced in {element_name}: they work only in "
        "Resource and in condition values, so this ${...} is taken literally here. "
        "Name the principal or action directly, or move the test into a Condition.",
        span,
        PAGES["variables"],
    )


# --- Security warnings and suggestions ----------------------------------------------
