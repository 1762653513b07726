"""The JSON tree the engine reads policies into, and positions worked out on demand.

A policy is read on every keystroke, but most reads need no position at all:
an evaluation that is not shown to anyone, or a policy with no finding. So the
fast reader (:func:`read_fast`) lets the C JSON decoder of the standard
library parse the text and gives each node (and each object key) only its
number in document order and the shared :class:`TextPositions` of its text.
Its ``span``, made only when read, is a :class:`LazySpan`: a :class:`Span` whose
line, column and offsets are worked out the first time one of them is read, for
the whole text at once by :func:`spans_of` (one pass over its tokens, with no
grammar to check: the decoder has read the text by then).

Numbering in document order works because nodes and keys start, in the text,
in the order a pre-order walk meets them: a container, then each key before
its value. So comparing numbers of one text compares start offsets, which is
how findings are sorted without working out a single position. Whatever the
decoder accepts but a policy may not hold (NaN, lone surrogates, the size
limits) is left to the exact parser of :mod:`.parser`, which says what is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import count
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, cast

__all__ = [
    "JMember",
    "JNode",
    "LazySpan",
    "Located",
    "Record",
    "Span",
    "TextPositions",
    "read_fast",
    "spans_of",
    "typed_text",
    "worked_out",
]


class Span(NamedTuple):
    """Where an element is: 1-based line and column, end exclusive, plus offsets."""

    line: int
    column: int
    end_line: int
    end_column: int
    offset: int = 0
    end_offset: int = 0


class Located:
    """What a trace entry with a kept ``span`` gives: its line and column, worked out
    when read (a mixin for dataclasses with a ``span`` field or property)."""

    __slots__ = ()

    if TYPE_CHECKING:  # a field or a property of the class that mixes it in

        @property
        def span(self) -> Span | None: ...

    @property
    def line(self) -> int | None:
        return None if self.span is None else self.span.line

    @property
    def column(self) -> int | None:
        return None if self.span is None else self.span.column


class Record:
    """Equality, hash and repr over the fields ``_fields`` names, for the plain
    classes of the tree and the model (made on every keystroke; see :class:`JNode`
    for why they are neither named tuples nor slotted).

    Their fields are set once, by ``__init__``, and nothing assigns them afterwards,
    so hashing them is safe. A subclass that names no ``_fields`` of its own (a node
    of the fast reader) compares, and is written out, as the class it extends.
    """

    __slots__ = ()  # a subclass may be slotted (Finding)
    #: The field names in the order of ``__init__``'s parameters, as a named tuple
    #: gives them.
    _fields: ClassVar[tuple[str, ...]] = ()
    #: The class that named ``_fields``: what equality compares and ``repr`` names.
    _record: ClassVar[type[Record]]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "_fields" in cls.__dict__:
            cls._record = cls

    def _field_values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record) or other._record is not self._record:
            return NotImplemented
        return self._field_values() == other._field_values()

    def __hash__(self) -> int:
        return hash(self._field_values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self._record.__name__}({inner})"


class JNode(Record):
    """A JSON value and its span.

    ``kind`` is one of ``"object" "array" "string" "number" "bool" "null"``.
    ``value`` is the Python scalar for scalars, a ``list[JNode]`` for arrays and
    a ``list[JMember]`` for objects (in order, duplicates kept).

    A plain class, neither a named tuple nor a slotted class: every rule and the
    decision read these fields, and on Python 3.13 an attribute kept inline in the
    object is read about 2.5 times faster than a named tuple's field (whose
    descriptor the interpreter cannot specialize), as fast as a slot; and such an
    object is made with about a third fewer instructions than a slotted one (the
    interpreter specializes the call of the class only when the attributes are
    inline). Immutable all the same, as every :class:`Record`.
    """

    _fields = ("kind", "value", "span")
    kind: str
    # Any, so that the typed accessors below read it without a cast per call
    # (they run for every node a rule reads); read it through them.
    value: Any

    def __init__(self, kind: str, value: Any, span: Span) -> None:
        self.kind = kind
        self.value = value
        self._span = span

    @property
    def span(self) -> Span:
        """Where the value is in the text."""
        return self._span

    @property
    def members(self) -> list[JMember]:
        """The members of an object node (in order, duplicates kept); ``[]`` otherwise."""
        # No typing.cast here: this accessor runs for every object node a rule reads.
        return self.value if self.kind == "object" else []

    @property
    def items(self) -> list[JNode]:
        """The items of an array node; ``[]`` for any other node."""
        return self.value if self.kind == "array" else []

    @property
    def text(self) -> str:
        """The value of a string node; ``""`` for any other node."""
        return self.value if self.kind == "string" else ""

    def items_or_self(self) -> list[JNode]:
        """An array's items, or the node itself: AWS lets one value stand for a list."""
        return self.value if self.kind == "array" else [self]


class JMember(Record):
    """One ``"key": value`` pair of a JSON object (a plain class, immutable as :class:`JNode`)."""

    _fields = ("key", "key_span", "value")
    key: str
    value: JNode

    def __init__(self, key: str, key_span: Span, value: JNode) -> None:
        self.key = key
        self._key_span = key_span
        self.value = value

    @property
    def key_span(self) -> Span:
        """Where the key is in the text."""
        return self._key_span


class TextPositions:
    """The spans of every node and key of one valid JSON text, in document
    order, worked out on first use."""

    __slots__ = ("_spans", "numbers", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._spans: list[Span | tuple[int, ...]] | None = None
        #: The characters of each number as typed, by document number.
        self.numbers: dict[int, str] = {}

    def span(self, order: int) -> Span:
        """The span of the node or key numbered ``order``."""
        spans = self._spans
        if spans is None:
            spans = self._spans = spans_of(self.text)
        found = spans[order]
        if found.__class__ is not Span:  # made a Span on its first read
            found = spans[order] = tuple.__new__(Span, found)
        return found

    @property
    def resolved(self) -> bool:
        """Whether the positions have been worked out (read by tests)."""
        return self._spans is not None


# One token of valid JSON text, after the whitespace and separators before it:
# the lines it ends (group 1) and what comes after them (2), then a string,
# number or literal (3), an opening bracket (4) or a closing one. Only for text
# the decoder has read: it checks no grammar.
_TOKEN = re.compile(
    r"""((?:[ \t\r,:]*\n)*)([ \t\r,:]*)(?:
      ("[^"\\]*(?:\\.[^"\\]*)*"|[^ \t\n\r,:{}\[\]"]+)
     |([{\[])
     |[}\]]
    )""",
    re.VERBOSE,
)


def spans_of(text: str) -> list[Span | tuple[int, ...]]:
    """The span of every node and key of valid JSON ``text``, in document order,
    each as the plain tuple of the fields of a :class:`Span`.

    Values and keys start in the text in the order a pre-order walk meets them,
    so one pass over the tokens numbers them as :func:`read_fast` does.
    """
    out: list[Any] = []
    open_at: list[tuple[int, int, int]] = []  # (number, line, column) of open brackets
    line, line_start, pos = 1, 0, 0
    # Up to the last token: findall would try every position of trailing blanks.
    end = len(text.rstrip(" \t\n\r"))
    for lines, blank, token, opener in _TOKEN.findall(text, 0, end):
        if lines:
            line += lines.count("\n")
            pos += len(lines)
            line_start = pos
        start = pos = pos + len(blank)
        if token:  # a string, number or literal stays on one line
            pos = start + len(token)
            column = start - line_start + 1
            out.append((line, column, line, column + pos - start, start, pos))
        elif opener:
            pos = start + 1
            open_at.append((len(out), line, start - line_start + 1))
            out.append(start)  # the span is written when the bracket closes
        else:
            pos = start + 1
            number, open_line, open_column = open_at.pop()
            first = out[number]
            out[number] = (open_line, open_column, line, pos - line_start + 1, first, pos)
    return out


class LazySpan(Span):
    """A :class:`Span` worked out only when one of its positions is read.

    As a tuple it holds the :class:`TextPositions` of its text and the number
    of its node in document order; every reader sees an ordinary span.
    """

    __slots__ = ()

    def resolve(self) -> Span:
        """The span itself, with its positions."""
        positions = cast(TextPositions, tuple.__getitem__(self, 0))
        return positions.span(tuple.__getitem__(self, 1))

    @property
    def positions(self) -> TextPositions:
        """The positions of the text this span is in."""
        return cast(TextPositions, tuple.__getitem__(self, 0))

    @property
    def order(self) -> int:
        """The node's number in document order (orders spans of one text by start)."""
        return tuple.__getitem__(self, 1)

    def head(self) -> LazySpan:
        """The first character of this span, still worked out only when read."""
        return tuple.__new__(_LazyHead, (self.positions, self.order))

    # The fields of a span, each worked out on first read.
    @property
    def line(self) -> int:
        return self.resolve().line

    @property
    def column(self) -> int:
        return self.resolve().column

    @property
    def end_line(self) -> int:
        return self.resolve().end_line

    @property
    def end_column(self) -> int:
        return self.resolve().end_column

    @property
    def offset(self) -> int:
        return self.resolve().offset

    @property
    def end_offset(self) -> int:
        return self.resolve().end_offset

    # A lazy span behaves as the span it stands for in every other way too.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazySpan):
            other = other.resolve()
        return tuple(self.resolve()) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.resolve())

    def __lt__(self, other: tuple[Any, ...]) -> bool:
        return tuple(self.resolve()) < tuple(other)

    def __le__(self, other: tuple[Any, ...]) -> bool:
        return tuple(self.resolve()) <= tuple(other)

    def __gt__(self, other: tuple[Any, ...]) -> bool:
        return tuple(self.resolve()) > tuple(other)

    def __ge__(self, other: tuple[Any, ...]) -> bool:
        return tuple(self.resolve()) >= tuple(other)

    def __bool__(self) -> bool:
        return True  # six fields, as any span: no need to work them out

    def __len__(self) -> int:
        return len(self.resolve())

    def __iter__(self) -> Iterator[int]:
        return iter(self.resolve())

    def __getitem__(self, index: Any) -> Any:
        return self.resolve()[index]

    def __contains__(self, value: object) -> bool:
        return value in self.resolve()

    def __repr__(self) -> str:
        return repr(self.resolve())

    def __reduce__(self) -> tuple[Any, ...]:
        return (Span, tuple(self.resolve()))

    # A changed span is a plain one (mypy would want a LazySpan back).
    def _replace(self, **changes: int) -> Span:  # type: ignore[override]
        return self.resolve()._replace(**changes)

    def _asdict(self) -> dict[str, Any]:
        return self.resolve()._asdict()


class _LazyHead(LazySpan):
    """The first character of a node (an object's opening brace), worked out on read."""

    __slots__ = ()

    def resolve(self) -> Span:
        s = super().resolve()
        return Span(s.line, s.column, s.line, s.column + 1, s.offset, s.offset + 1)


# The fast reader's nodes and members hold their number in document order and
# make their LazySpan only when it is read: most spans of a policy are never read
# (a cold evaluation of the bench's 2 KB policy reads 17 of 126), and a span made
# for every node and key was a third of the objects the reader made.
class _LazyNode(JNode):
    """A node of the fast reader: its span is made when read."""

    def __init__(self, kind: str, value: Any, positions: TextPositions, order: int) -> None:
        self.kind = kind
        self.value = value
        self._positions = positions
        self._order = order

    @property
    def span(self) -> Span:
        return tuple.__new__(LazySpan, (self._positions, self._order))


class _LazyMember(JMember):
    """A member of the fast reader: its key's span is made when read."""

    def __init__(self, key: str, positions: TextPositions, order: int, value: JNode) -> None:
        self.key = key
        self._positions = positions
        self._order = order
        self.value = value

    @property
    def key_span(self) -> Span:
        return tuple.__new__(LazySpan, (self._positions, self._order))


def worked_out(span: Span) -> Span:
    """``span`` with its positions worked out: one look-up for all its fields."""
    return span.resolve() if isinstance(span, LazySpan) else span


_LITERAL_TEXT = {True: "true", False: "false", None: "null"}


def typed_text(node: JNode, text: str) -> str:
    """The characters of a number, ``true``, ``false`` or ``null`` node exactly as
    typed in ``text`` (read without working a position out when possible)."""
    span = node.span
    if isinstance(span, LazySpan):
        if node.kind == "number":
            typed = span.positions.numbers.get(span.order)
            if typed is not None:
                return typed
        elif node.kind in ("bool", "null"):
            return _LITERAL_TEXT[node.value]
    return text[span.offset : span.end_offset]


# --- The fast reader ------------------------------------------------------------------


class _Int(str):
    """An integer as typed (``parse_int``), told apart from a string."""

    __slots__ = ()


class _Float(str):
    """A number with a fraction or an exponent as typed (``parse_float``)."""

    __slots__ = ()


class _Unsure(Exception):
    """The text holds something only the exact parser judges right."""


def _refuse_constant(name: str) -> None:
    raise _Unsure(name)  # NaN, Infinity, -Infinity: not JSON


_DECODER = json.JSONDecoder(
    # An object is the tuple of its (key, value) pairs, in order: a JSON value
    # is never a tuple otherwise, and tuple() of a list is made in C.
    object_pairs_hook=tuple,
    parse_int=_Int,
    parse_float=_Float,
    parse_constant=_refuse_constant,
)
# A \u escape that could decode to a surrogate: the exact parser refuses lone
# surrogates, json.loads does not.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _may_hold_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate, raw or escaped (paired or not)."""
    # A lone backslash is looked for first: a one-character search runs as a memchr,
    # while looking for the two characters "\u" scans text several times slower.
    if "\\" in text and _SURROGATE_ESCAPE.search(text) is not None:
        return True
    if text.isascii():
        return False
    try:
        text.encode()  # UTF-8 has no surrogates: a raw one fails here
    except UnicodeEncodeError:
        return True
    return False


def read_fast(
    text: str,
    *,
    max_depth: int,
    max_items: int,
    max_string: int,
    max_number: int,
) -> JNode | None:
    """The tree of ``text`` with positions worked out on demand, or ``None`` when
    only the exact parser of :mod:`.parser` may read it: invalid text, a limit
    passed, a lone surrogate, NaN... (that parser then says what is wrong)."""
    if _may_hold_surrogate(text):
        return None
    try:
        value = _DECODER.decode(text)
    except (ValueError, RecursionError, _Unsure):
        return None
    # A text no longer than the limits cannot hold a string or number past them.
    measured = None if len(text) <= min(max_string, max_number) else max_string
    walk = _Walk(TextPositions(text), max_depth, max_items, measured, max_number)
    try:
        return walk.node(value, 0)
    except _Unsure:
        return None


class _Walk:
    """Turns the decoder's output into :class:`JNode` trees, numbering every node
    and key in document order and checking the parser's limits on the way.

    A node or key takes the next number as the walk meets it (from ``order``).
    ``max_string`` is ``None`` when the text is too short to pass it (nor the
    number limit): strings are then not measured one by one.
    """

    __slots__ = ("max_depth", "max_items", "max_number", "max_string", "order", "positions")

    def __init__(
        self,
        positions: TextPositions,
        max_depth: int,
        max_items: int,
        max_string: int | None,
        max_number: int,
    ) -> None:
        self.positions = positions
        #: The numbers in document order, from 0, read by ``next()``: a builtin call
        #: the interpreter specializes (calling the bound ``__next__`` went through a
        #: generic call that makes an args tuple).
        self.order: Iterator[int] = count()
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_string = max_string
        self.max_number = max_number

    def node(self, value: Any, depth: int) -> JNode:
        """The node of ``value``, a container ``depth`` containers deep."""
        positions, order = self.positions, next(self.order)
        kind = type(value)
        if kind is str:
            if self.max_string is not None and len(value) > self.max_string:
                raise _Unsure("string")
            return _LazyNode("string", value, positions, order)
        if kind is tuple or kind is list:
            if depth >= self.max_depth or len(value) > self.max_items:
                raise _Unsure("limit")
            if kind is list:
                return _LazyNode("array", self.items(value, depth + 1), positions, order)
            return _LazyNode("object", self.members(value, depth + 1), positions, order)
        if kind is _Int or kind is _Float:
            if len(value) > self.max_number:
                raise _Unsure("number")
            positions.numbers[order] = str(value)
            number = int(value) if kind is _Int else float(value)
            return _LazyNode("number", number, positions, order)
        return _LazyNode("bool" if kind is bool else "null", value, positions, order)

    # Strings, most of a policy, are made in the loops below rather than by a call.

    def items(self, values: list[Any], depth: int) -> list[JNode]:
        positions, order, max_string = self.positions, self.order, self.max_string
        out: list[JNode] = []
        for value in values:
            if type(value) is str:
                if max_string is not None and len(value) > max_string:
                    raise _Unsure("string")
                out.append(_LazyNode("string", value, positions, next(order)))
            else:
                out.append(self.node(value, depth))
        return out

    def members(self, pairs: tuple[tuple[str, Any], ...], depth: int) -> list[JMember]:
        positions, order, max_string = self.positions, self.order, self.max_string
        out: list[JMember] = []
        for key, value in pairs:
            if max_string is not None and (
                len(key) > max_string or (type(value) is str and len(value) > max_string)
            ):
                raise _Unsure("string")
            key_order = next(order)
            node: JNode
            if type(value) is str:
                node = _LazyNode("string", value, positions, next(order))
            elif type(value) is tuple and depth < self.max_depth and len(value) <= self.max_items:
                # An object in an object (a policy's usual nesting) without a call to node().
                value_order = next(order)  # before the numbers of its members
                node = _LazyNode("object", self.members(value, depth + 1), positions, value_order)
            else:
                node = self.node(value, depth)
            out.append(_LazyMember(key, positions, key_order, node))
        return out
