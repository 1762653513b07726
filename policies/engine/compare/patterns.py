"""Wildcard patterns as z3 regular expressions.

AWS's ``*`` matches any run of characters and ``?`` exactly one, in
``StringLike`` and in the ARN operators, where each of the six colon-separated
parts of an ARN is matched on its own
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
A pattern that holds a policy variable becomes a concatenation of regular
expressions and the (symbolic) values of the variables; it is encoded without
fresh variables, so that it may appear under a negation.
"""

from __future__ import annotations

import z3  # type: ignore[import-untyped]

from ..matching import Piece

RE = z3.ReSort(z3.StringSort())
ANY_CHAR = z3.AllChar(RE)
ANY = z3.Star(ANY_CHAR)
NOT_COLON = z3.Union(z3.Range(chr(0), "9"), z3.Range(";", chr(0x2FFFF)))


class Unsupported(Exception):
    """A construct the comparison does not encode; the answer becomes ``unknown``."""


def wildcard_regex(text: str, *, star: z3.ReRef = ANY, one: z3.ReRef = ANY_CHAR) -> z3.ReRef:
    """``*`` and ``?`` as wildcards, every other character literal."""
    parts: list[z3.ReRef] = []
    literal = ""
    for char in text:
        if char in "*?":
            if literal:
                parts.append(z3.Re(literal))
                literal = ""
            parts.append(star if char == "*" else one)
        else:
            literal += char
    if literal:
        parts.append(z3.Re(literal))
    if not parts:
        return z3.Re("")
    return parts[0] if len(parts) == 1 else z3.Concat(*parts)


def ignore_case_regex(text: str) -> z3.ReRef:
    """Exactly ``text``, each letter in either case (``StringEqualsIgnoreCase``)."""
    parts = []
    for char in text:
        low, up = char.lower(), char.upper()
        if low != up and len(low) == 1 and len(up) == 1:
            parts.append(z3.Union(z3.Re(low), z3.Re(up)))
        else:
            parts.append(z3.Re(char))
    if not parts:
        return z3.Re("")
    return parts[0] if len(parts) == 1 else z3.Concat(*parts)


def arn_regex(pattern: str) -> z3.ReRef | None:
    """The ARNs an ``ArnLike`` pattern matches, or ``None`` when it matches none.

    ``*`` alone matches anything. Otherwise the pattern must have six parts;
    in the first five a wildcard never crosses a colon.
    """
    if set(pattern) <= {"*"} and pattern:
        return ANY
    parts = pattern.split(":", 5)
    if len(parts) != 6:
        return None
    pieces: list[z3.ReRef] = []
    for i, part in enumerate(parts):
        if i:
            pieces.append(z3.Re(":"))
        if i < 5:
            pieces.append(wildcard_regex(part, star=z3.Star(NOT_COLON), one=NOT_COLON))
        else:
            pieces.append(wildcard_regex(part))
    return z3.Concat(*pieces)


def has_wildcard(pieces: tuple[Piece, ...]) -> bool:
    return any(not literal and ("*" in text or "?" in text) for text, literal in pieces)


def like_with_variables(value: z3.SeqRef, chunks: list[tuple[str, z3.SeqRef | None]]) -> z3.BoolRef:
    """``value`` matched by a ``StringLike`` pattern made of pattern text and
    variable values. ``chunks`` holds (text, None) for pattern text and
    ("", expr) for a variable's value.

    At most one chunk may contain ``*``: every other chunk then has a known
    length, so each is pinned to a place counted from the start or the end.
    """
    starred = [i for i, (text, expr) in enumerate(chunks) if expr is None and "*" in text]
    if len(starred) > 1:
        raise Unsupported("a policy variable inside a pattern with more than one '*'")

    def length(i: int) -> z3.ArithRef:
        text, expr = chunks[i]
        return z3.Length(expr) if expr is not None else z3.IntVal(len(text))

    def fits(i: int, offset: z3.ArithRef) -> z3.BoolRef:
        text, expr = chunks[i]
        piece = z3.SubString(value, offset, length(i))
        if expr is not None:
            return piece == expr
        return z3.InRe(piece, wildcard_regex(text))

    split = starred[0] if starred else len(chunks)
    conditions: list[z3.BoolRef] = []
    offset: z3.ArithRef = z3.IntVal(0)
    for i in range(split):
        conditions.append(fits(i, offset))
        offset = offset + length(i)
    if not starred:
        conditions.append(z3.Length(value) == offset)
        return z3.And(*conditions)
    end: z3.ArithRef = z3.Length(value)
    for i in range(len(chunks) - 1, split, -1):
        end = end - length(i)
        conditions.append(fits(i, end))
    conditions.append(end >= offset)
    middle = z3.SubString(value, offset, end - offset)
    conditions.append(z3.InRe(middle, wildcard_regex(chunks[split][0])))
    return z3.And(*conditions)
