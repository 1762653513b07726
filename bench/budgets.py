"""Size budgets of the app's code, printed as figures; exits 1 when one is over.

    .venv/bin/python bench/budgets.py

Budgets (issue 11): no module of learning/, config/ or policies/ over 600 lines; at most
four functions over 60 lines and none over 100. The engine (policies/engine/) has budgets
of its own and is left out, and so are the migrations Django generates.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("learning", "config", "policies")
SKIP = ("policies/engine/", "/migrations/")
MODULE_MAX = 600
FUNCTION_LONG = 60
LONG_FUNCTIONS_MAX = 4
FUNCTION_MAX = 100


def modules() -> list[Path]:
    found = [p for part in PARTS for p in sorted((ROOT / part).rglob("*.py"))]
    return [p for p in found if not any(s in p.relative_to(ROOT).as_posix() for s in SKIP)]


def functions(path: Path) -> list[tuple[str, int]]:
    """(qualified name, lines from its def to its last line) of every function in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                out.append((name, (child.end_lineno or child.lineno) - child.lineno + 1))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return out


def main() -> int:
    paths = modules()
    sizes = sorted(
        ((len(p.read_text(encoding="utf-8").splitlines()), p) for p in paths), reverse=True
    )
    lengths = sorted(
        ((length, f"{p.relative_to(ROOT)}:{name}") for p in paths for name, length in functions(p)),
        reverse=True,
    )
    long = [(n, where) for n, where in lengths if n > FUNCTION_LONG]
    print(f"{len(paths)} modules in {', '.join(PARTS)} (engine and migrations left out)")
    print("largest modules:")
    for lines, path in sizes[:5]:
        print(f"  {lines:5d}  {path.relative_to(ROOT)}")
    print(f"{len(lengths)} functions; longest:")
    for n, where in lengths[:6]:
        print(f"  {n:5d}  {where}")
    failures = [
        f"{path.relative_to(ROOT)} has {lines} lines (budget {MODULE_MAX})"
        for lines, path in sizes
        if lines > MODULE_MAX
    ]
    failures += [
        f"{where} has {n} lines (budget {FUNCTION_MAX})" for n, where in long if n > FUNCTION_MAX
    ]
    if len(long) > LONG_FUNCTIONS_MAX:
        failures.append(
            f"{len(long)} functions over {FUNCTION_LONG} lines (budget {LONG_FUNCTIONS_MAX})"
        )
    print(f"functions over {FUNCTION_LONG} lines: {len(long)} (budget {LONG_FUNCTIONS_MAX})")
    for failure in failures:
        print(f"OVER BUDGET: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
