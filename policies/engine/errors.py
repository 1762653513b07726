"""The engine's one exception hierarchy.

Everything the engine raises on purpose derives from :class:`PolicyError`, so a
caller (a view, the grader, the command line) can catch that one class.
"""

from __future__ import annotations


class PolicyError(Exception):
    """Root of every error the engine raises."""


class PolicyParseError(PolicyError):
    """The text is not valid JSON (or exceeds a parser limit).

    ``line`` and ``column`` are 1-based and point at the first bad character;
    ``offset`` is the 0-based index of that character in the text. ``code`` is
    the finding code this error becomes when the policy is validated.
    """

    def __init__(
        self,
        message: str,
        line: int,
        column: int,
        offset: int,
        *,
        code: str = "JSON_SYNTAX_ERROR",
    ) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
        self.code = code


class UsageError(PolicyError):
    """The input is not a usable case or policy (the command line exits with 2).

    ``field`` is the part of the case the error is about, as a path
    (``"request.principal"``, ``"request.context"``, ``"identity_policies[0]"``),
    or ``None``; ``reason`` is the message without that path, to show beside the
    field; ``code`` names the kind of error (``"unusable_policy"``, ...) where a
    caller needs it. Callers read these fields, never the message.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        reason: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.reason = message if reason is None else reason
        self.code = code

    @classmethod
    def about(cls, field: str, reason: str, *, code: str | None = None) -> UsageError:
        """The error ``"<field> <reason>"`` about ``field``."""
        return cls(f"{field} {reason}", field=field, reason=reason, code=code)


class InputTooLargeError(UsageError):
    """The input is larger than the engine accepts at all."""
