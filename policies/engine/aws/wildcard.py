"""The one wildcard matcher of the engine (``*`` any run, ``?`` one character).

Wildcard patterns (``*`` any run of characters, ``?`` exactly one character)
are compiled into segments split on ``*``. The first segment must match at the
start, the last at the end, and every middle segment is found greedily at its
leftmost place. For patterns made only of ``*`` and ``?`` the leftmost choice is
always safe, so no backtracking is ever needed. A segment without ``?`` is found
with ``str.find``; one with ``?`` is found by checking its longest literal run
and, when value and segment are both long, by the bit-parallel Shift-And search,
one big-integer step per value character. Either way a whole match costs about
one pass over the value: ``*a*a*a*...`` against a 4,096-character value takes a
few milliseconds at most, never exponential time.

AWS documents these wildcards for actions
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html),
for ``StringLike`` and the ARN operators
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
and forbids partial wildcards in ``Principal``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

#: One piece of a pattern: its text and whether ``*``/``?`` in it are literal
#: characters (text that came from a policy variable, or ``${*}``) rather than
#: wildcards.
Piece = tuple[str, bool]


class _Segment(NamedTuple):
    """The text between two stars: fixed length, ``?`` wildcards at known places."""

    length: int
    literal: str | None  # the text when the segment has no ``?`` (fast str.find path)
    # The literal runs between ``?`` wildcards, as (offset, text); the longest first.
    # Every position outside the runs is a ``?``.
    runs: tuple[tuple[int, str], ...] = ()


#: Above this many (value characters x segment characters), a search for a
#: segment with ``?`` runs the bit-parallel Shift-And loop, whose cost is one
#: big-integer step per value character, instead of checking each candidate.
_SCAN_BUDGET = 20_000


class WildcardMatcher(NamedTuple):
    """A compiled wildcard pattern. Call :meth:`matches` with a value.

    A named tuple rather than a frozen dataclass: just as immutable, and several
    times cheaper to build, which the cold path does for every pattern it meets.
    """

    segments: tuple[_Segment, ...]
    anchored_start: bool
    anchored_end: bool
    ignore_case: bool

    @property
    def slow(self) -> bool:
        """Whether matching may take one Python step per value character (the
        Shift-And search of a long segment with ``?``), rather than C-speed finds."""
        return any(seg.literal is None and seg.length > 4 for seg in self.segments)

    def cost(self, value_length: int) -> int:
        """A bound on the work of one :meth:`matches` call, in work units."""
        if self.slow:
            return value_length + len(self.segments)
        return 1 + len(self.segments) + value_length // 64

    def matches(self, value: str) -> bool:
        if self.ignore_case:
            value = value.lower()
        segments = self.segments
        n = len(value)
        if not self.anchored_start and not self.anchored_end and not segments:
            return True  # the pattern is only stars
        if len(segments) == 1 and self.anchored_start and self.anchored_end:
            seg = segments[0]
            return seg.length == n and _match_at(seg, value, 0)
        pos = 0
        end = n
        first = 0
        last = len(segments)
        if self.anchored_start:
            seg = segments[0]
            if seg.length > n or not _match_at(seg, value, 0):
                return False
            pos = seg.length
            first = 1
        if self.anchored_end:
            seg = segments[-1]
            start = n - seg.length
            if start < pos or not _match_at(seg, value, start):
                return False
            end = start
            last -= 1
        for i in range(first, last):
            seg = segments[i]
            found = _find(seg, value, pos, end)
            if found < 0:
                return False
            pos = found + seg.length
        return pos <= end


def _match_at(seg: _Segment, value: str, pos: int) -> bool:
    """Whether the segment matches ``value`` at ``pos`` (the caller checked the length)."""
    if seg.literal is not None:
        return value.startswith(seg.literal, pos)
    return all(value.startswith(text, pos + offset) for offset, text in seg.runs)


def _find(seg: _Segment, value: str, pos: int, end: int) -> int:
    """The leftmost start ``s >= pos`` where the segment matches within ``value[:end]``."""
    if seg.literal is not None:
        return value.find(seg.literal, pos, end)
    length = seg.length
    last_start = end - length
    if last_start < pos:
        return -1
    if not seg.runs:
        return pos  # only ``?``: any place with room will do
    if (end - pos) * length <= _SCAN_BUDGET:
        # Find the longest literal run, then check the rest of the segment there.
        offset, text = seg.runs[0]
        s = pos
        while s <= last_start:
            j = value.find(text, s + offset, last_start + offset + len(text))
            if j < 0:
                return -1
            candidate = j - offset
            if _match_at(seg, value, candidate):
                return candidate
            s = candidate + 1
        return -1
    # Shift-And (bitap): linear in the value, whatever the pattern.
    # The tables are built per search, not cached: for a long segment of many
    # distinct characters they are large, and this path is rare.
    masks, default = _shift_and_tables(seg)
    goal = 1 << (length - 1)
    state = 0
    for i in range(pos, end):
        state = ((state << 1) | 1) & masks.get(value[i], default)
        if state & goal:
            return i - length + 1
    return -1


def _shift_and_tables(seg: _Segment) -> tuple[dict[str, int], int]:
    """Shift-And tables: bit i of ``masks[c]`` is set when position i of the segment
    is ``c`` or ``?``; the default (any other character) has only the ``?`` bits."""
    literal_bits = 0
    masks: dict[str, int] = {}
    for offset, text in seg.runs:
        for i, c in enumerate(text, offset):
            bit = 1 << i
            literal_bits |= bit
            masks[c] = masks.get(c, 0) | bit
    any_bits = ((1 << seg.length) - 1) & ~literal_bits
    return {c: bits | any_bits for c, bits in masks.items()}, any_bits


def _compile_segment(text: str, wild: frozenset[int]) -> _Segment:
    """A segment between stars; ``wild`` holds the positions of ``?`` wildcards."""
    if not wild:
        return _Segment(len(text), text)
    runs: list[tuple[int, str]] = []
    run_start = -1
    for i in range(len(text)):
        if i in wild:
            if run_start >= 0:
                runs.append((run_start, text[run_start:i]))
                run_start = -1
        elif run_start < 0:
            run_start = i
    if run_start >= 0:
        runs.append((run_start, text[run_start:]))
    runs.sort(key=lambda r: -len(r[1]))
    return _Segment(len(text), None, tuple(runs))


_NO_WILD: frozenset[int] = frozenset()


def _wild_positions(text: str) -> frozenset[int]:
    if "?" not in text:
        return _NO_WILD
    return frozenset(i for i, c in enumerate(text) if c == "?")


@lru_cache(maxsize=1024)
def compile_pieces(pieces: tuple[Piece, ...], ignore_case: bool = False) -> WildcardMatcher:
    """Compile a pattern given as pieces (see :data:`Piece`). Cached.

    With ``ignore_case`` the pattern and every value are compared in lower case.
    """
    if len(pieces) == 1 and not pieces[0][1] and "?" not in pieces[0][0]:
        return _compile_stars(pieces[0][0].lower() if ignore_case else pieces[0][0], ignore_case)
    if ignore_case:
        pieces = tuple((text.lower(), literal) for text, literal in pieces)
    segments: list[tuple[str, frozenset[int]]]
    if not any(literal for _, literal in pieces):
        # The usual case: one pattern string, split on its stars.
        segments = [(t, _wild_positions(t)) for t in "".join(t for t, _ in pieces).split("*")]
    else:
        texts: list[list[str]] = [[]]
        wilds: list[set[int]] = [set()]
        sizes = [0]
        for text, literal in pieces:
            if literal:
                texts[-1].append(text)
                sizes[-1] += len(text)
                continue
            for i, chunk in enumerate(text.split("*")):
                if i:
                    texts.append([])
                    wilds.append(set())
                    sizes.append(0)
                base = sizes[-1]
                wilds[-1].update(base + j for j, c in enumerate(chunk) if c == "?")
                texts[-1].append(chunk)
                sizes[-1] += len(chunk)
        segments = [("".join(t), frozenset(w)) for t, w in zip(texts, wilds, strict=True)]
    if len(segments) == 1:
        text, wild = segments[0]
        return WildcardMatcher((_compile_segment(text, wild),), True, True, ignore_case)
    compiled = tuple(_compile_segment(t, w) for t, w in segments if t)
    return WildcardMatcher(compiled, bool(segments[0][0]), bool(segments[-1][0]), ignore_case)


def _compile_stars(text: str, ignore_case: bool) -> WildcardMatcher:
    """The usual pattern: one text whose only wildcards are stars (the same
    matcher the general path builds, without its bookkeeping)."""
    parts = text.split("*")
    if len(parts) == 1:
        return WildcardMatcher((_Segment(len(text), text),), True, True, ignore_case)
    segments = tuple(_Segment(len(part), part) for part in parts if part)
    return WildcardMatcher(segments, bool(parts[0]), bool(parts[-1]), ignore_case)


def compile_wildcard(pattern: str, ignore_case: bool = False) -> WildcardMatcher:
    """Compile ``pattern`` (``*`` and ``?`` are wildcards). Cached."""
    return compile_pieces(((pattern, False),), ignore_case)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whether ``value`` matches ``pattern`` where ``*`` and ``?`` are wildcards."""
    if "*" not in pattern and "?" not in pattern:
        if ignore_case:
            return pattern.lower() == value.lower()
        return pattern == value
    return compile_wildcard(pattern, ignore_case).matches(value)
