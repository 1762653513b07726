"""Where an element of policy text is: offsets kept, lines and columns on demand.

The parser records, for every value and key, the 0-based offsets of its first
character and of the character after its last one. Lines and columns are what
a finding shows, but most elements never get a finding, so a :class:`Span` made
by the parser computes them only when asked, from a table of line starts built
once per text (:class:`Lines`). A span made by hand (``Span(line, column,
end_line, end_column, offset, end_offset)``) carries them as given.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Any, Union

__all__ = ["Lines", "Span"]

_plus_one = (1).__add__


class Lines:
    """The offsets at which the lines of one text start (computed on first use)."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    def starts(self) -> list[int]:
        """0-based offsets of the first character of every line."""
        if self._starts is None:
            lengths = map(_plus_one, map(len, self._text.split("\n")))
            self._starts = list(accumulate(lengths, initial=0))
        return self._starts

    def line_column(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of the character at ``offset``."""
        starts = self.starts()
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1


#: How a span knows its lines and columns: the text's line table, or the four
#: numbers themselves for a span made by hand.
_Where = Union[Lines, tuple[int, int, int, int]]  # noqa: UP007 - a runtime alias


class Span(tuple[int, int, _Where]):
    """Where an element is: 1-based line and column, end exclusive, plus offsets.

    ``offset`` and ``end_offset`` are 0-based and count code points; ``line``,
    ``column``, ``end_line`` and ``end_column`` are 1-based, and the end points
    just after the last character. Two spans are equal when all six agree.
    """

    __slots__ = ()

    def __new__(
        cls,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        offset: int = 0,
        end_offset: int = 0,
    ) -> Span:
        return tuple.__new__(cls, (offset, end_offset, (line, column, end_line, end_column)))

    @classmethod
    def at(cls, offset: int, end_offset: int, lines: Lines) -> Span:
        """The span of ``[offset, end_offset)`` in the text that ``lines`` describes."""
        return tuple.__new__(cls, (offset, end_offset, lines))

    @property
    def offset(self) -> int:
        return self[0]

    @property
    def end_offset(self) -> int:
        return self[1]

    @property
    def line(self) -> int:
        where = self[2]
        if isinstance(where, tuple):
            return where[0]
        return bisect_right(where.starts(), self[0])

    @property
    def column(self) -> int:
        where = self[2]
        if isinstance(where, tuple):
            return where[1]
        return where.line_column(self[0])[1]

    @property
    def end_line(self) -> int:
        where = self[2]
        if isinstance(where, tuple):
            return where[2]
        return bisect_right(where.starts(), self[1] - 1)

    @property
    def end_column(self) -> int:
        where = self[2]
        if isinstance(where, tuple):
            return where[3]
        return where.line_column(self[1] - 1)[1] + 1

    def fields(self) -> tuple[int, int, int, int, int, int]:
        """``(line, column, end_line, end_column, offset, end_offset)``."""
        return (self.line, self.column, self.end_line, self.end_column, self[0], self[1])

    def _replace(self, **changes: int) -> Span:
        """A copy with some of the six numbers changed (as a named tuple's)."""
        names = ("line", "column", "end_line", "end_column", "offset", "end_offset")
        values = dict(zip(names, self.fields(), strict=True))
        values.update(changes)
        return Span(**values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self.fields() == other.fields()
        if isinstance(other, tuple):
            return self.fields() == other
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self.fields())

    def __repr__(self) -> str:
        line, column, end_line, end_column, offset, end_offset = self.fields()
        return (
            f"Span(line={line}, column={column}, end_line={end_line}, "
            f"end_column={end_column}, offset={offset}, end_offset={end_offset})"
        )

    def __getnewargs__(self) -> tuple[Any, ...]:
        return self.fields()  # copy and pickle rebuild it with its numbers
