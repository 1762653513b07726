"""Why a text is not JSON: the first bad character, and what to write instead.

The exact parser of :mod:`.parser` calls these when a token does not fit; each
returns the :class:`PolicyParseError` to raise, with its line and column.
"""

from __future__ import annotations

import re

from .errors import PolicyParseError

__all__ = ["diagnose_token", "fail"]

_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def fail(text: str, offset: int, message: str, code: str = "JSON_SYNTAX_ERROR") -> PolicyParseError:
    line, column = _line_col(text, offset)
    return PolicyParseError(message, line, column, offset, code=code)


def _char_name(ch: str) -> str:
    if ch.isprintable() and not ch.isspace():
        return f"'{ch}'"
    return f"U+{ord(ch):04X}"


def _diagnose_string(text: str, start: int) -> PolicyParseError:
    """Find the first bad character of the string that opens at ``start``."""
    i = start + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            break
        if ch == "\\":
            esc = text[i + 1 : i + 2]
            if esc and esc in '"\\/bfnrt':
                i += 2
                continue
            if esc != "u":
                return fail(
                    text,
                    i,
                    "Invalid escape in a string: after a backslash JSON allows only "
                    '\\" \\\\ \\/ \\b \\f \\n \\r \\t, or \\u and four hexadecimal '
                    "digits (\\u00e9 is é). Write \\\\ for a literal backslash.",
                )
            step = _unicode_escape_length(text, i)
            if isinstance(step, PolicyParseError):
                return step
            i += step
            continue
        if ch < " ":
            return fail(
                text,
                i,
                f"Control character {_char_name(ch)} inside a string. A JSON string must "
                "stay on one line; write \\n or \\t for a line break or a tab.",
            )
        if "\ud800" <= ch <= "\udfff":
            return fail(text, i, f"Invalid character {_char_name(ch)}: a lone surrogate.")
        i += 1
    return fail(
        text,
        start,
        'This string is never closed: add the closing double quote (").',
    )


def _unicode_escape_length(text: str, i: int) -> int | PolicyParseError:
    """The length of the ``\\u`` escape at ``i`` (6, or 12 for a surrogate pair), or why
    it is invalid."""
    digits = text[i + 2 : i + 6]
    if len(digits) < 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        return fail(text, i, "Invalid \\u escape: it needs exactly four hexadecimal digits.")
    code = int(digits, 16)
    if 0xD800 <= code <= 0xDBFF:
        low = text[i + 6 : i + 12]
        if (
            len(low) == 6
            and low[:2] == "\\u"
            and all(c in "0123456789abcdefABCDEF" for c in low[2:])
            and 0xDC00 <= int(low[2:], 16) <= 0xDFFF
        ):
            return 12
        return fail(
            text,
            i,
            "Invalid \\u escape: a high surrogate must be followed by a low "
            "surrogate escape; a lone surrogate is not a character.",
        )
    if 0xDC00 <= code <= 0xDFFF:
        return fail(
            text,
            i,
            "Invalid \\u escape: a low surrogate without a high surrogate before it "
            "is not a character.",
        )
    return 6


def diagnose_token(text: str, offset: int) -> PolicyParseError:
    """Explain why no JSON token starts at ``offset`` (whitespace already skipped)."""
    if offset >= len(text):
        return fail(text, offset, "The text ends before the JSON document is complete.")
    ch = text[offset]
    if ch == '"':
        return _diagnose_string(text, offset)
    if ch == "'":
        return fail(text, offset, 'JSON strings use double quotes ("), not single quotes.')
    if ch == "/":
        return fail(text, offset, "Comments are not allowed in JSON policies.")
    if ch == "\ufeff":
        return fail(text, offset, "Remove the byte order mark (U+FEFF) before the policy.")
    if ch in "-0123456789.+":
        return fail(
            text,
            offset,
            "Invalid number: JSON numbers have digits before and after a decimal point, "
            "no leading '+', and no leading zeros.",
        )
    word = _WORD.match(text, offset)
    if word:
        return fail(
            text,
            offset,
            f"Unexpected word '{word.group()[:40]}': outside quotes JSON allows only "
            "numbers, true, false and null. Put text in double quotes.",
        )
    return fail(text, offset, f"Unexpected character {_char_name(ch)}.")
