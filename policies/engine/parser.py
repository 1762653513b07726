"""Strict JSON (RFC 8259) to a tree that remembers where every element is.

Policy text comes from an editor, so every finding must point at the exact
place it is about. ``json.loads`` forgets positions; this parser keeps the line
and column of every value and every object key, keeps duplicate keys (AWS
policies are not supposed to have them, and validation says so) and reports
the first bad character of invalid text.

It is driven by one compiled regular expression that matches a whole token at
a time, with an explicit stack instead of recursion, so that a deeply nested or
huge input cannot exhaust the Python stack and every input is read once.

:func:`parse_json` gives the same tree faster for valid text: the C decoder of
:mod:`json` reads it and positions are worked out only when read (see
:mod:`.jsontree`); :func:`parse_exact` reads what that reader leaves aside and
says exactly what is wrong with invalid text.

Positions count Unicode code points, 1-based; a span's end is exclusive. Besides
line and column, a :class:`Span` carries the 0-based offsets of its first
character and of the character after its last one.
"""

from __future__ import annotations

import json
import re
from _json import scanstring
from collections.abc import Iterable, Iterator
from typing import Any

from .diagnose import diagnose_token, fail
from .errors import PolicyParseError, UsageError
from .jsontree import JMember, JNode, Span, read_fast
from .limits import MAX_ARRAY_ITEMS, MAX_DEPTH, MAX_STRING_CHARS

__all__ = [
    "JMember",
    "JNode",
    "Span",
    "dump_policy",
    "parse_exact",
    "parse_json",
    "tree_from_python",
]


# One token, after optional whitespace and at most one separator (',' or ':'),
# which rides along with the token after it so that the parsing loop runs once
# per value instead of once per character of punctuation. Groups: prefix
# (whitespace and separator), separator, string, number, punctuation, literal.
# A string admits no control character, no raw surrogate, only the escapes
# RFC 8259 defines and only well-paired surrogate escapes.
_TOKEN = re.compile(
    r"""([ \t\n\r]*(?:([:,])[ \t\n\r]*)?)(?:
      ("[^"\\\x00-\x1f\ud800-\udfff]*
        (?:\\(?:["\\/bfnrt]
              |u(?:[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}
                 |(?![dD][89a-fA-F])[0-9a-fA-F]{4}))
           [^"\\\x00-\x1f\ud800-\udfff]*)*")
     |(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
     |([{}\[\]:,])
     |(true|false|null)
    )""",
    re.VERBOSE,
)
_WHITESPACE = re.compile(r"[ \t\n\r]*")

# Parser states: what the next token may be.
_VALUE = 0  # a value (top level, after ':' or after ',' in an array)
_VALUE_OR_CLOSE = 1  # after '['
_KEY_OR_CLOSE = 2  # after '{'
_KEY = 3  # after ',' in an object
_COLON = 4  # after a key
_COMMA_OR_CLOSE = 5  # after a value inside a container
_END = 6  # the top-level value is complete
_ITEM = 7  # after ',' in an array

_LITERALS: dict[str, tuple[str, object]] = {
    "true": ("bool", True),
    "false": ("bool", False),
    "null": ("null", None),
}


def _expected(state: int, is_object: bool | None) -> str:
    if state in (_VALUE, _VALUE_OR_CLOSE, _ITEM):
        return "a value (a string, number, object, array, true, false or null)"
    if state in (_KEY_OR_CLOSE, _KEY):
        return "a property name in double quotes"
    if state == _COLON:
        return "':' after the property name"
    if state == _COMMA_OR_CLOSE:
        return "',' or '}'" if is_object else "',' or ']'"
    return "the end of the text"


def parse_json(
    text: str,
    *,
    max_depth: int = MAX_DEPTH,
    max_items: int = MAX_ARRAY_ITEMS,
    max_string: int = MAX_STRING_CHARS,
) -> JNode:
    """Parse strict JSON text into a :class:`JNode` tree.

    Raises :class:`PolicyParseError` at the first bad character. Nesting deeper
    than ``max_depth``, a container with more than ``max_items`` entries or a
    string longer than ``max_string`` characters raise it too, with the code
    ``POLICY_TOO_COMPLEX_TO_CHECK``.

    Valid text is read by the C decoder of :mod:`json`, and positions are worked
    out only when one is read (see :mod:`.jsontree`); the tree, positions
    included, is the one :func:`parse_exact` gives. Whatever that reader cannot
    vouch for goes to :func:`parse_exact`, which says exactly what is wrong.
    """
    if not isinstance(text, str):
        raise UsageError("policy text must be a str")
    limits = {"max_depth": max_depth, "max_items": max_items, "max_string": max_string}
    root = read_fast(text, **limits, max_number=MAX_NUMBER_CHARS)
    return parse_exact(text, **limits) if root is None else root


def parse_exact(
    text: str,
    *,
    max_depth: int = MAX_DEPTH,
    max_items: int = MAX_ARRAY_ITEMS,
    max_string: int = MAX_STRING_CHARS,
) -> JNode:
    """:func:`parse_json` by the position-keeping parser alone: every span is
    worked out at once, and invalid text raises at its first bad character."""
    # The tokens are matched one after the other, each where the previous one
    # ended (``findall`` would retry at every position after one that starts no
    # token, which is quadratic in a long run of whitespace before it). Only
    # what the fast reader of parse_json cannot vouch for comes here.
    root, _ = _build(text, _careful_tokens(text), max_depth, max_items, max_string)
    return root


def _careful_tokens(text: str) -> Iterator[tuple[str, ...]]:
    """Yield tokens one by one, raising at the first character that starts none."""
    token = _TOKEN.match
    pos = 0
    n = len(text)
    while True:
        m = token(text, pos)
        if m is None:
            blank = _WHITESPACE.match(text, pos)  # always matches: it may match nothing
            ws_end = blank.end() if blank else pos
            if ws_end < n:
                raise diagnose_token(text, ws_end)
            return
        pos = m.end()
        yield m.groups(default="")


def _build(
    text: str,
    tokens: Iterable[tuple[str, ...]],
    max_depth: int,
    max_items: int,
    max_string: int,
) -> tuple[JNode, int]:
    """Run the grammar over ``tokens``; return the root and the offset after it.

    The exact parser reads only invalid text (up to its error) and what the fast
    reader of :mod:`.jsontree` leaves aside, so it is written for clarity: one
    :class:`_Reader` method per kind of token.
    """
    reader = _Reader(text, max_depth, max_items, max_string)
    for prefix, separator, string, number, punct, literal in tokens:
        if prefix:
            reader.blanks_and_separator(prefix, separator)
        start = reader.pos
        if string:
            node = reader.string(string)
        elif punct:
            node = reader.punctuation(punct)
        else:
            node = reader.scalar(number, literal)
        if node is not None:
            reader.attach(node, start)
    if reader.state != _END or reader.root is None:
        stack = reader.stack
        raise _ended_early(text, reader.state, reader.is_object if stack else None, len(stack))
    return reader.root, reader.pos


class _Reader:
    """Where the exact parser is in one text: the position, the grammar state and
    the open containers. Each method reads one token and returns the value it
    completes, or ``None`` when the token completes none (a key, a bracket that
    opens, a separator)."""

    __slots__ = (
        "is_object",
        "items",
        "key",
        "key_span",
        "line",
        "line_start",
        "max_depth",
        "max_items",
        "max_string",
        "pos",
        "root",
        "stack",
        "state",
        "text",
    )

    def __init__(self, text: str, max_depth: int, max_items: int, max_string: int) -> None:
        self.text = text
        self.max_depth, self.max_items, self.max_string = max_depth, max_items, max_string
        self.pos, self.line, self.line_start, self.state = 0, 1, 0, _VALUE
        # The open containers; each frame keeps the parent's context and where the
        # container starts: (items, is_object, key, key span, line, column, offset).
        self.stack: list[tuple[Any, ...]] = []
        self.items: list[Any] | None = None  # the innermost open container's items
        self.is_object = False
        self.key: str | None = None
        self.key_span: Span | None = None
        self.root: JNode | None = None

    def expected(self, offset: int) -> PolicyParseError:
        return fail(self.text, offset, f"Expected {_expected(self.state, self.is_object)}.")

    def blanks_and_separator(self, prefix: str, separator: str) -> None:
        """The whitespace before a token, and the ',' or ':' in it, if any."""
        newlines = prefix.count("\n")
        if newlines:
            self.line += newlines
            self.line_start = self.pos + prefix.rfind("\n") + 1
        if separator:
            comma = separator == ","
            if self.state != (_COMMA_OR_CLOSE if comma else _COLON):
                raise self.expected(self.pos + prefix.index(separator))
            self.state = (_KEY if self.is_object else _ITEM) if comma else _VALUE
        self.pos += len(prefix)

    def string(self, string: str) -> JNode | None:
        """A string token: an object's key (``None``) or a value."""
        start = self.pos
        self.pos = end = start + len(string)
        column = start - self.line_start + 1
        span = Span(self.line, column, self.line, column + end - start, start, end)
        value = scanstring(self.text, start + 1, True)[0] if "\\" in string else string[1:-1]
        if len(value) > self.max_string:
            raise _string_too_long(self.text, start, self.max_string)
        if self.state in (_KEY_OR_CLOSE, _KEY):
            assert self.items is not None  # a key is only read inside an object
            if len(self.items) >= self.max_items:
                raise _too_many(self.text, start, "object", self.max_items)
            self.key, self.key_span, self.state = value, span, _COLON
            return None
        if self.state > _VALUE_OR_CLOSE and self.state != _ITEM:
            raise self.expected(start)
        return JNode("string", value, span)

    def punctuation(self, punct: str) -> JNode | None:
        """A bracket or a separator no whitespace carried; a closing bracket
        completes its container."""
        start = self.pos
        self.pos = start + 1
        if punct == "," or punct == ":":
            self.state = _bare_separator(self.text, start, punct, self.state, self.is_object)
            return None
        column = start - self.line_start + 1
        if punct == "{" or punct == "[":
            _check_open(
                self.text, start, self.state, self.is_object, len(self.stack), self.max_depth
            )
            self.stack.append(
                (self.items, self.is_object, self.key, self.key_span, self.line, column, start)
            )
            self.items = []
            self.is_object = punct == "{"
            self.state = _KEY_OR_CLOSE if self.is_object else _VALUE_OR_CLOSE
            return None
        # '}' or ']': the parent's context comes back with the node.
        node, self.items, self.is_object, self.key, self.key_span = _close(
            self.text,
            punct,
            self.state,
            self.is_object,
            self.stack,
            self.items,
            self.line,
            column,
            self.pos,
        )
        return node

    def scalar(self, number: str, literal: str) -> JNode:
        """A number or ``true``/``false``/``null``."""
        start = self.pos
        node = _scalar(number, literal, self.line, start - self.line_start + 1, start)
        self.pos = node.span.end_offset
        if self.state > _VALUE_OR_CLOSE and self.state != _ITEM:
            raise _misplaced_scalar(self.text, start, self.state, self.is_object)
        return node

    def attach(self, node: JNode, start: int) -> None:
        """Put a complete value where it belongs: the root, an object or an array."""
        items = self.items
        if items is None:
            if self.root is not None:
                raise fail(self.text, start, "Expected the end of the text.")
            self.root = node
            self.state = _END
            return
        if self.is_object:
            assert self.key is not None and self.key_span is not None  # read before ':'
            items.append(JMember(self.key, self.key_span, node))
        else:
            if len(items) >= self.max_items:
                raise _too_many(self.text, start, "array", self.max_items)
            items.append(node)
        self.state = _COMMA_OR_CLOSE


def _bare_separator(text: str, start: int, punct: str, state: int, is_object: bool) -> int:
    """The state after a ',' or ':' token that no prefix carried; raise if misplaced."""
    comma = punct == ","
    if state != (_COMMA_OR_CLOSE if comma else _COLON):
        raise fail(text, start, f"Expected {_expected(state, is_object)}.")
    return (_KEY if is_object else _ITEM) if comma else _VALUE


def _check_open(
    text: str, start: int, state: int, is_object: bool, depth: int, max_depth: int
) -> None:
    """Raise unless a '{' or '[' may start here, ``depth`` containers deep."""
    if state > _VALUE_OR_CLOSE and state != _ITEM:
        raise fail(text, start, f"Expected {_expected(state, is_object)}.")
    if depth >= max_depth:
        raise _too_deep(text, start, max_depth)


def _close(
    text: str,
    punct: str,
    state: int,
    is_object: bool,
    stack: list[tuple[Any, ...]],
    items: list[Any] | None,
    line: int,
    column: int,
    pos: int,
) -> tuple[JNode, list[Any] | None, bool, str | None, Span | None]:
    """Close the innermost container at ``pos - 1`` with ``punct``.

    Returns the finished node and the parent's context popped from ``stack``:
    its items, whether it is an object, and the key (and key span) waiting
    for the node.
    """
    closes_object = punct == "}"
    if (
        not stack
        or closes_object != is_object
        or not (
            state == _COMMA_OR_CLOSE
            or state == (_KEY_OR_CLOSE if closes_object else _VALUE_OR_CLOSE)
        )
    ):
        raise _bad_close(text, pos - 1, punct, state, is_object if stack else None)
    parent_items, parent_is_object, key, key_span, open_line, open_column, open_at = stack.pop()
    node = JNode(
        "object" if closes_object else "array",
        items,
        tuple.__new__(Span, (open_line, open_column, line, column + 1, open_at, pos)),
    )
    return node, parent_items, parent_is_object, key, key_span


#: Python reads at most 4,300 digits of an integer (``sys.get_int_max_str_digits``);
#: a longer number in a policy is a parse error with its position, not a crash.
MAX_NUMBER_CHARS = 4_300


def _scalar(number: str, literal: str, line: int, column: int, start: int) -> JNode:
    """A number or ``true``/``false``/``null`` token as a node."""
    if number:
        end = start + len(number)
        if len(number) > MAX_NUMBER_CHARS:
            raise PolicyParseError(
                f"This number has {len(number):,} characters; no IAM policy holds a number "
                f"longer than {MAX_NUMBER_CHARS:,}.",
                line,
                column,
                start,
            )
        value: object = (
            float(number) if "." in number or "e" in number or "E" in number else int(number)
        )
        kind = "number"
    else:
        end = start + len(literal)
        kind, value = _LITERALS[literal]
    return JNode(kind, value, Span(line, column, line, column + end - start, start, end))


def _misplaced_scalar(text: str, start: int, state: int, is_object: bool) -> PolicyParseError:
    if state in (_KEY_OR_CLOSE, _KEY):
        return fail(
            text, start, "Expected a property name in double quotes; object keys must be strings."
        )
    return fail(text, start, f"Expected {_expected(state, is_object)}.")


def _string_too_long(text: str, start: int, max_string: int) -> PolicyParseError:
    return fail(
        text,
        start,
        f"This string is longer than {max_string} characters; no policy element needs that much.",
        "POLICY_TOO_COMPLEX_TO_CHECK",
    )


def _too_deep(text: str, start: int, max_depth: int) -> PolicyParseError:
    return fail(
        text,
        start,
        f"The JSON is nested more than {max_depth} levels deep; a trust policy needs far fewer.",
        "POLICY_TOO_COMPLEX_TO_CHECK",
    )


def _bad_close(
    text: str, start: int, punct: str, state: int, is_object: bool | None
) -> PolicyParseError:
    closes_object = punct == "}"
    if (state == _KEY and closes_object) or (state == _ITEM and not closes_object):
        return fail(
            text,
            start,
            f"Trailing comma: remove the ',' before '{punct}'; JSON does not allow a comma "
            "after the last item.",
        )
    return fail(text, start, f"Expected {_expected(state, is_object)}.")


def _ended_early(
    text: str, state: int, is_object: bool | None, open_count: int
) -> PolicyParseError:
    return fail(
        text,
        len(text),
        f"The text ends too early: expected {_expected(state, is_object)}"
        + (f", with {open_count} bracket(s) still open." if open_count else "."),
    )


def _too_many(text: str, offset: int, kind: str, max_items: int) -> PolicyParseError:
    return fail(
        text,
        offset,
        f"This {kind} has more than {max_items} entries; a trust policy needs far fewer.",
        "POLICY_TOO_COMPLEX_TO_CHECK",
    )


def dump_policy(obj: object) -> str:
    """Write a parsed policy as JSON text with two-space indentation.

    Raises :class:`UsageError` for objects that are not JSON (sets, bytes,
    NaN, ...) and :class:`PolicyParseError` (``POLICY_TOO_COMPLEX_TO_CHECK``)
    for objects nested too deeply to write out.
    """
    try:
        return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"the policy is not a JSON document: {exc}") from exc
    except RecursionError as exc:
        raise PolicyParseError(
            f"The policy is nested far more than {MAX_DEPTH} levels deep; a trust policy "
            "needs far fewer.",
            1,
            1,
            0,
            code="POLICY_TOO_COMPLEX_TO_CHECK",
        ) from exc


def tree_from_python(obj: object) -> tuple[JNode, str]:
    """Write a parsed policy with :func:`dump_policy` and parse that text.

    Positions in the tree refer to the returned text. Raises
    :class:`UsageError` for objects that are not JSON and
    :class:`PolicyParseError` for what the parser refuses (lone surrogates,
    size limits).
    """
    text = dump_policy(obj)
    return parse_json(text), text
