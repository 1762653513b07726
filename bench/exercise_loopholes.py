"""Which exercises would accept a loophole their scenarios miss?

Run from the repository root::

    .venv/bin/python bench/exercise_loopholes.py

For each exercise, plausible wrong answers are made from the reference
solution (drop one condition, add IfExists, turn an exact match into a
wildcard, drop a Deny statement, widen a named principal to its account). A
wrong answer that passes every scenario but that the comparison shows admits a
caller the solution refuses is a loophole the scenarios alone would have
accepted; grading by comparison now refuses it. Prints one line per such
exercise, with the mutation and the caller who gets in.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()  # the share links in loophole scenarios use the web layer's settings

from learning.courses.grading import grade_policy  # noqa: E402
from policies.grading_compare import loophole_scenarios  # noqa: E402


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    statements = policy.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def mutants(policy: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for i, statement in enumerate(_statements(policy)):
        if statement.get("Effect") == "Deny":
            other = copy.deepcopy(policy)
            del other["Statement"][i]
            yield f"drop Deny statement {i}", other
        for operator, block in (statement.get("Condition") or {}).items():
            for key in block:
                yield from _condition_mutants(policy, i, operator, key)
        yield from _principal_mutants(policy, i, statement.get("Principal"))


def _condition_mutants(
    policy: dict[str, Any], i: int, operator: str, key: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    other = copy.deepcopy(policy)
    _drop_key(other["Statement"][i], operator, key)
    yield f"drop {operator} on {key}", other
    if not operator.endswith("IfExists") and operator != "Null":
        other = copy.deepcopy(policy)
        condition = other["Statement"][i]["Condition"]
        condition[operator + "IfExists"] = condition.pop(operator)
        yield f"{operator}IfExists on {key}", other
    if operator in ("StringEquals", "StringLike", "ArnLike", "ArnEquals"):
        other = copy.deepcopy(policy)
        values = other["Statement"][i]["Condition"][operator][key]
        values = values if isinstance(values, list) else [values]
        like = "StringLike" if operator.startswith("String") else "ArnLike"
        widened = [
            v.rsplit(":", 1)[0] + ":*" if ":" in v else v[: max(1, len(v) // 2)] + "*"
            for v in values
        ]
        if like != operator:
            _drop_key(other["Statement"][i], operator, key)
        other["Statement"][i].setdefault("Condition", {}).setdefault(like, {})[key] = widened
        yield f"widen {operator} on {key} to a wildcard", other


def _drop_key(statement: dict[str, Any], operator: str, key: str) -> None:
    condition = statement["Condition"]
    del condition[operator][key]
    if not condition[operator]:
        del condition[operator]
    if not condition:
        del statement["Condition"]


def _principal_mutants(
    policy: dict[str, Any], i: int, principal: Any
) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(principal, dict) and isinstance(principal.get("AWS"), str):
        arn = principal["AWS"]
        if arn.startswith("arn:") and not arn.endswith(":root"):
            other = copy.deepcopy(policy)
            account = arn.split(":")[4]
            other["Statement"][i]["Principal"] = {"AWS": f"arn:aws:iam::{account}:root"}
            yield f"widen principal {arn} to its account", other


def main() -> int:
    found = 0
    for path in sorted((ROOT / "learning/content/exercises").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        reference = json.loads(data["solution"])
        for label, mutant in mutants(reference):
            text = json.dumps(mutant, indent=2)
            grade = grade_policy(
                policy=text, scenarios=data["scenarios"], role_arn=data["role_arn"]
            )
            if not grade.passed or grade.errors:
                continue
            extra = loophole_scenarios(
                policy=text,
                reference=data["solution"],
                scope=data.get("scope"),
                role_arn=data["role_arn"],
            )
            gets_in = [s for s in extra if s["expect"] == "denied"]
            if gets_in:
                found += 1
                print(f"{data['slug']}: '{label}' passes every scenario; {gets_in[0]['name']}")
                break
    print(f"{found} exercises had a loophole the scenarios missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
