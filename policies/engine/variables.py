"""Policy variables: ``${key}`` in String and ARN values, replaced from the request.

Only under Version 2012-10-17; ``${*}``, ``${?}``, ``${$}`` and defaults
``${key, 'value'}``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from .aws.wildcard import Piece
from .context import RequestContext

__all__ = ["PolicyValues", "Substituted", "policy_values", "substitute"]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_VAR_BODY = re.compile(r"\s*([^,\s][^,]*?)\s*(?:,\s*'([^']*)'\s*)?")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Substituted:
    """A policy value after policy variables: its pieces, or why it has none."""

    pieces: tuple[Piece, ...] | None
    text: str  # what the value reads as (for the trace)
    unresolved: str | None = None  # the variable that had no value and no default


def substitute(text: str, ctx: RequestContext, enabled: bool) -> Substituted:
    """Replace policy variables in ``text`` with their values from ``ctx``.

    When ``enabled`` is false (Version 2008-10-17 or none), the text is literal
    and ``${...}`` means the characters themselves.
    """
    if not enabled or "${" not in text:
        return Substituted(((text, False),), text)
    pieces: list[Piece] = []
    pos = 0
    for m in _VARIABLE.finditer(text):
        if m.start() > pos:
            pieces.append((text[pos : m.start()], False))
        body = m.group(1)
        pos = m.end()
        if body in _SPECIAL:
            pieces.append((_SPECIAL[body], True))
            continue
        vm = _VAR_BODY.fullmatch(body)
        if vm is None:
            pieces.append((m.group(0), False))
            continue
        key, default = vm.group(1), vm.group(2)
        entry = ctx.entry(key)
        value: str | None = None
        if entry is not None and not entry.multivalued and entry.values:
            value = entry.values[0]
        elif default is not None:
            value = default
        if value is None:
            return Substituted(None, text, unresolved=key)
        pieces.append((value, True))
    if pos < len(text):
        pieces.append((text[pos:], False))
    shown = "".join(p for p, _ in pieces)
    return Substituted(tuple(pieces), shown)


class PolicyValues(NamedTuple):
    """A condition's values after policy variables, as the comparison needs them."""

    effective: list[str] | None  # every value as the trace shows it; None: as written
    texts: list[str]  # the values a request value is compared with
    pieces: list[tuple[Piece, ...]] | None  # the same as pieces; None: each text literal
    unresolved: str | None  # the first variable with no value and no default

    def patterns(self) -> list[tuple[Piece, ...]]:
        """The compared values as wildcard patterns (pieces)."""
        if self.pieces is not None:
            return self.pieces
        return [((text, False),) for text in self.texts]


# Built with tuple.__new__, which skips the named tuple's own __new__ (a Python
# function): the values of every condition compared are built here.
_new = tuple.__new__


def policy_values(texts: list[str], ctx: RequestContext, enabled: bool) -> PolicyValues:
    """``texts`` after policy variables (``enabled``: the operator and version take them).

    A value whose variable has no value and no default drops out of the comparison
    (it is effectively null) and is named by ``unresolved``.
    """
    if not enabled:
        return _new(PolicyValues, (None, texts, None, None))
    for text in texts:
        if "${" in text:
            break
    else:
        return _new(PolicyValues, (None, texts, None, None))
    subs = [substitute(text, ctx, True) for text in texts]
    usable = [s for s in subs if s.pieces is not None]
    unresolved = next((s.unresolved for s in subs if s.unresolved is not None), None)
    return PolicyValues(
        [s.text for s in subs],
        [s.text for s in usable],
        [s.pieces for s in usable if s.pieces is not None],
        unresolved,
    )
