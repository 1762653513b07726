"""Where the cold path of ``bench/engine.py`` workload (b) spends its time, stage by stage.

Run from the repository root::

    .venv/bin/python bench/cold_stages.py [--calls N] [--rules] [--profile] [--sequence]

Each stage is timed on its own by this thread's CPU time, every engine cache
emptied before each call (as the cold benchmark does), and the median printed:
parsing the text, building the policy model, running the validation rules, reading
the case and deciding the request's action, then the whole ``evaluate`` call.
``--profile`` adds a cProfile table of the evaluation side (``parse_case`` and
``decide_action``) by module and by function; cProfile inflates call-heavy code
about 2.5x, so read it for proportions. ``--sequence`` times the stages one after another
in one loop, as a cold ``evaluate`` runs them (each is slower there than alone: the
others have the CPU's caches). ``--rules`` adds every registered rule on
its own (statement rules summed over the policy's statements). The stages overlap
a little with the whole call's own work (companion actions, the result), so they
do not add up to it exactly.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine import two_kb_case  # noqa: E402

from policies.engine import evaluate  # noqa: E402
from policies.engine.case import Case, load_text, parse_case, validate_text  # noqa: E402
from policies.engine.conditions import MatchBudget  # noqa: E402
from policies.engine.decide import decide_action  # noqa: E402
from policies.engine.evaluate import clear_caches  # noqa: E402
from policies.engine.model import build_policy  # noqa: E402
from policies.engine.parser import parse_json  # noqa: E402
from policies.engine.rules import DOCUMENT_RULES, RULES, run_rules  # noqa: E402
from policies.engine.rules.registry import PolicyInput, RuleInput  # noqa: E402
from policies.engine.validate import validate_loaded  # noqa: E402

ROLE_ACCOUNT = "444455556666"  # the account of the role in two_kb_case()


def median_ms(function: Callable[[], object], calls: int) -> float:
    """Median CPU milliseconds of ``function``, caches emptied before each call."""
    timings = []
    for _ in range(calls):
        clear_caches()
        start = time.thread_time()
        function()
        timings.append(time.thread_time() - start)
    return statistics.median(timings) * 1e3


def stages(calls: int) -> list[tuple[str, float]]:
    case = two_kb_case()
    text = case["trust_policy"]
    evaluate(case)  # imports and first-call costs out of the way
    root = parse_json(text)
    policy = build_policy(root, text)
    parsed = parse_case(case)
    request = parsed.request

    def fresh() -> Case:
        # A new match budget per call: one Case's budget counts across calls, and
        # thousands of decisions on one Case would exhaust it (refused as too large).
        return replace(parsed, budget=MatchBudget())

    return [
        ("parse_json (parser.py)", median_ms(lambda: parse_json(text), calls)),
        ("build_policy (model.py)", median_ms(lambda: build_policy(root, text), calls)),
        (
            "validate_loaded: every rule, sorted (rules/)",
            median_ms(lambda: validate_loaded(policy, role_account=ROLE_ACCOUNT), calls),
        ),
        ("parse_case: request and context (case.py)", median_ms(lambda: parse_case(case), calls)),
        (
            "decide_action: sts:AssumeRole (decide.py, ...)",
            median_ms(lambda: decide_action(request.action, request, policy, fresh()), calls),
        ),
        ("evaluate(case), the whole cold call", median_ms(lambda: evaluate(case), calls)),
    ]


def rules(calls: int) -> list[tuple[str, float]]:
    text = two_kb_case()["trust_policy"]
    policy = build_policy(parse_json(text), text)
    inputs = [RuleInput.of(s, policy, ROLE_ACCOUNT) for s in policy.statements]
    whole = PolicyInput(policy, ROLE_ACCOUNT)
    rows = [
        (
            f"{rule.__module__.rsplit('.', 1)[-1]}.{rule.__name__}",
            median_ms(lambda rule=rule: [list(rule(given)) for given in inputs], calls),
        )
        for rule in RULES
    ]
    rows += [
        (
            f"{rule.__module__.rsplit('.', 1)[-1]}.{rule.__name__} (document)",
            median_ms(lambda rule=rule: list(rule(whole)), calls),
        )
        for rule in DOCUMENT_RULES
    ]
    rows.append(
        ("run_rules, all of them", median_ms(lambda: run_rules(policy, ROLE_ACCOUNT), calls))
    )
    return sorted(rows, key=lambda row: -row[1])


def profile(calls: int, rows: int) -> None:
    """cProfile of the evaluation side (the trust policy parsed outside the profile)."""
    case = two_kb_case()
    # Parsed once, outside the profile: decide_action takes the parsed policy, and the
    # caches emptied before each call (compiled patterns) are the evaluation's own.
    text = case["trust_policy"]
    policy = build_policy(parse_json(text), text)

    def run() -> None:
        for _ in range(calls):
            clear_caches()
            parsed = parse_case(case)
            decide_action(parsed.request.action, parsed.request, policy, parsed)

    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler)
    by_module: dict[str, float] = {}
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.rsplit("/policies/", 1)[-1] if "/policies/" in filename else function
        if not where.startswith("engine/"):
            where = "built-ins and the standard library"
        by_module[where] = by_module.get(where, 0.0) + row[2]
    total = sum(by_module.values())
    print("\nShare of the evaluation side's own time, by module (cProfile tottime):")
    for where, spent in sorted(by_module.items(), key=lambda item: -item[1]):
        print(f"  {spent / total:6.1%}  {where}")
    print()
    stats.sort_stats("tottime").print_stats(rows)


def in_sequence(calls: int) -> list[tuple[str, float]]:
    """The stages one after another, as one cold ``evaluate`` runs them: each stage then
    finds the CPU's caches holding the other stages' code and data, not its own."""
    case = two_kb_case()
    clock = time.thread_time
    names = ("parse_case", "load_text (parse + model)", "validate_text", "decide_action")
    timings: list[list[float]] = [[] for _ in names]
    for _ in range(calls):
        clear_caches()
        t0 = clock()
        parsed = parse_case(case)
        t1 = clock()
        assert parsed.trust_text is not None
        policy = load_text(parsed.trust_text)[0]
        t2 = clock()
        validate_text(parsed.trust_text, parsed.request.role_account)
        t3 = clock()
        decide_action(parsed.request.action, parsed.request, policy, parsed)
        t4 = clock()
        for row, spent in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            row.append(spent)
    return [
        (f"{name} (in sequence)", statistics.median(row) * 1e3)
        for name, row in zip(names, timings, strict=True)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per stage")
    parser.add_argument("--rules", action="store_true", help="time every rule on its own")
    parser.add_argument(
        "--profile", action="store_true", help="add a cProfile of the evaluation side"
    )
    parser.add_argument("--rows", type=int, default=30, help="rows of the profile table")
    parser.add_argument(
        "--sequence", action="store_true", help="also time the stages one after another"
    )
    args = parser.parse_args(argv)
    calls = max(1, args.calls)
    print(f"Python {sys.version.split()[0]}; CPU ms per call, median of {calls}, caches emptied")
    for name, ms in stages(calls):
        print(f"  {name:<50} {ms:7.3f}")
    if args.sequence:
        for name, ms in in_sequence(calls):
            print(f"  {name:<50} {ms:7.3f}")
    if args.rules:
        for name, ms in rules(calls):
            print(f"  {name:<50} {ms:7.3f}")
    if args.profile:
        profile(calls, args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
