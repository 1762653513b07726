"""Findings: what validation reports about a policy."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Literal

from .jsontree import LazySpan, Record, Span, worked_out

Severity = Literal["error", "security_warning", "warning", "suggestion"]

#: Severities from the most to the least serious, as IAM Access Analyzer orders them.
SEVERITIES: tuple[Severity, ...] = ("error", "security_warning", "warning", "suggestion")
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}

_FIELDS = ("code", "severity", "message", "line", "column", "end_line", "end_column", "learn_more")


class Finding(Record):
    """One problem found in a policy, with the exact place it points at.

    Positions are 1-based; ``end_line``/``end_column`` point just after the
    last character of the span. ``learn_more`` is the AWS documentation page
    that explains the rule.

    A finding made by :meth:`over` keeps the span of its element and works its
    positions out only when one is read (see :mod:`.jsontree`): a policy
    checked without showing its findings costs no position at all.
    Immutable; equal when every field is (:class:`~.jsontree.Record`, over the
    fields of the contract's JSON).
    """

    __slots__ = ("code", "learn_more", "message", "severity", "span")
    _fields = _FIELDS

    code: str
    severity: Severity
    message: str
    span: Span  # where it points; ``line``... are read from it
    learn_more: str

    def __init__(
        self,
        code: str,
        severity: Severity,
        message: str,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        learn_more: str,
    ) -> None:
        self._set(code, severity, message, Span(line, column, end_line, end_column), learn_more)

    @classmethod
    def over(
        cls, code: str, severity: Severity, message: str, span: Span, learn_more: str
    ) -> Finding:
        """A finding over ``span``, its positions read from it only when asked for."""
        finding = object.__new__(cls)
        finding._set(code, severity, message, span, learn_more)
        return finding

    def _set(
        self, code: str, severity: Severity, message: str, span: Span, learn_more: str
    ) -> None:
        setter = object.__setattr__
        setter(self, "code", code)
        setter(self, "severity", severity)
        setter(self, "message", message)
        setter(self, "span", span)
        setter(self, "learn_more", learn_more)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    @property
    def end_line(self) -> int:
        return self.span.end_line

    @property
    def end_column(self) -> int:
        return self.span.end_column

    def __reduce__(self) -> tuple[object, ...]:
        return (Finding, self._field_values())

    def to_dict(self) -> dict[str, str | int]:
        """The finding as the JSON object of the engine contract."""
        span = worked_out(self.span)
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "line": span.line,
            "column": span.column,
            "end_line": span.end_line,
            "end_column": span.end_column,
            "learn_more": self.learn_more,
        }

    def sort_key(self) -> tuple[int, int, int, str]:
        """Order by position, then by severity, then by code."""
        span = worked_out(self.span)
        return (span.line, span.column, _RANK[self.severity], self.code)


def sort_findings(findings: list[Finding]) -> None:
    """Sort ``findings`` in place by :meth:`Finding.sort_key`.

    When they all point into one text and their positions are not worked out
    yet, the order of their elements in the text stands for their line and
    column, so sorting works none of them out.
    """
    if not findings:
        return
    first = findings[0].span
    if isinstance(first, LazySpan):
        positions = first.positions
        if all(isinstance(f.span, LazySpan) and f.span.positions is positions for f in findings):
            findings.sort(key=_document_order)
            return
    findings.sort(key=Finding.sort_key)


def _document_order(finding: Finding) -> tuple[int, int, str]:
    span = finding.span
    assert isinstance(span, LazySpan)
    return (span.order, _RANK[finding.severity], finding.code)
