"""Findings: what validation reports about a policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "security_warning", "warning", "suggestion"]

#: Severities from the most to the least serious, as IAM Access Analyzer orders them.
SEVERITIES: tuple[Severity, ...] = ("error", "security_warning", "warning", "suggestion")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a policy, with the exact place it points at.

    Positions are 1-based; ``end_line``/``end_column`` point just after the
    last character of the span. ``learn_more`` is the AWS documentation page
    that explains the rule.
    """

    code: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    learn_more: str

    def to_dict(self) -> dict[str, str | int]:
        """The finding as the JSON object of the engine contract."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "learn_more": self.learn_more,
        }

    def sort_key(self) -> tuple[int, int, int, str]:
        """Order by position, then by severity, then by code."""
        return (self.line, self.column, SEVERITIES.index(self.severity), self.code)
