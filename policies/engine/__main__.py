"""The engine's command line (see ``docs/engine-contract.md``)::

    python -m policies.engine evaluate CASE.json [CASE2.json ...]
    python -m policies.engine evaluate -          # one case, or a JSON list of cases, on stdin
    python -m policies.engine validate POLICY.json
    python -m policies.engine describe POLICY.json  # who can assume the role (an extension)
    python -m policies.engine compare A.json B.json [--scope SCOPE.json]

Exit status 0 when every case was evaluated, 2 when the input is not usable;
then one line goes to stderr and nothing to stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from . import compare, describe, evaluate, validate
from .errors import PolicyError, UsageError
from .evaluate import policy_text

USAGE = (
    "usage: python -m policies.engine evaluate CASE.json [CASE.json ...] | evaluate - | "
    "validate POLICY.json | describe POLICY.json | compare A.json B.json [--scope SCOPE.json]"
)


def _read(name: str, stdin: TextIO) -> str:
    if name == "-":
        try:
            # Read bytes and decode strictly, whatever the locale's error handler.
            buffer = getattr(stdin, "buffer", None)
            return buffer.read().decode("utf-8") if buffer is not None else stdin.read()
        except UnicodeDecodeError as exc:
            raise UsageError("stdin is not UTF-8 text") from exc
    try:
        with open(name, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise UsageError(f"{name}: no such file") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{name}: is a directory") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text") from exc
    except OSError as exc:
        raise UsageError(f"{name}: cannot be read ({exc.strerror})") from exc


def _load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    except RecursionError as exc:
        raise UsageError(f"{name}: JSON nested too deeply") from exc


def _evaluate(names: Sequence[str], stdin: TextIO) -> Any:
    if not names:
        raise UsageError("evaluate needs at least one case file, or - for stdin")
    results: list[Any] = []
    single = len(names) == 1
    for name in names:
        shown = "stdin" if name == "-" else name
        document = _load_json(_read(name, stdin), shown)
        if isinstance(document, dict):
            cases = [document]
        elif isinstance(document, list):
            single = False
            cases = document
        else:
            raise UsageError(f"{shown}: a case file holds a JSON object or a list of them")
        for i, case in enumerate(cases):
            where = shown if isinstance(document, dict) else f"{shown}[{i}]"
            if not isinstance(case, dict):
                raise UsageError(f"{where}: a case is a JSON object")
            try:
                results.append(evaluate(case).to_dict())
            except UsageError as exc:
                raise UsageError(f"{where}: {exc}") from exc
    return results[0] if single and len(results) == 1 else results


def _validate(names: Sequence[str], stdin: TextIO) -> Any:
    if len(names) != 1:
        raise UsageError("validate takes exactly one policy file (or - for stdin)")
    text = _read(names[0], stdin)
    # The text is validated as it is, so positions point into the file.
    return {"findings": [f.to_dict() for f in validate(policy_text(text, names[0]))]}


def _describe(names: Sequence[str], stdin: TextIO) -> Any:
    if len(names) != 1:
        raise UsageError("describe takes exactly one policy file (or - for stdin)")
    return describe(_read(names[0], stdin)).to_dict()


def _compare(names: Sequence[str], stdin: TextIO) -> Any:
    args = list(names)
    scope: Any = None
    if "--scope" in args:
        at = args.index("--scope")
        if at + 1 >= len(args):
            raise UsageError("--scope needs a scope file")
        scope_name = args[at + 1]
        del args[at : at + 2]
        scope = _load_json(_read(scope_name, stdin), scope_name)
    if len(args) != 2:
        raise UsageError("compare takes exactly two policy files, A and B")
    texts = [_read(name, stdin) for name in args]
    return compare(texts[0], texts[1], scope).to_dict()


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    if args and args[0] in ("-h", "--help", "help"):
        out.write(USAGE + "\n")
        return 0
    try:
        if not args:
            raise UsageError(f"no command given; {USAGE}")
        command, rest = args[0], args[1:]
        if command == "evaluate":
            document = _evaluate(rest, sys.stdin)
        elif command == "validate":
            document = _validate(rest, sys.stdin)
        elif command == "describe":
            document = _describe(rest, sys.stdin)
        elif command == "compare":
            document = _compare(rest, sys.stdin)
        else:
            raise UsageError(f"unknown command {command[:40]!r}; {USAGE}")
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    except PolicyError as exc:
        message = " ".join(str(exc).split())
        err.write(f"error: {message}\n")
        return 2
    out.write(text)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
