"""Where the cold evaluation of the 2 KB policy of ``bench/engine.py`` spends its time.

Run from the repository root::

    .venv/bin/python bench/engine_phases.py [--calls 3000] [--profile]

Each call empties every cache (``clear_caches``), then times, by this thread's CPU
time, the four phases ``evaluate()`` goes through: reading the case and its request
(``parse_case``), parsing the trust policy (``load_text``), validating it
(``validate_text``) and deciding the request's action (``decide_action``). The
medians of the phases add up to about the cold median of ``bench/engine.py``
workload (b) (``evaluate`` also builds its result, a few microseconds).

``--profile`` adds a cProfile table of the evaluation side only (``parse_case`` and
``decide_action``), by time spent in each function itself; cProfile inflates
call-heavy code about 2.5x, so read it for proportions, not for times.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine import two_kb_case  # noqa: E402

from policies.engine.evaluate import (  # noqa: E402
    clear_caches,
    decide_action,
    load_text,
    parse_case,
    validate_text,
)

PHASES = ("parse_case", "load", "validate", "decide")


def measure(calls: int) -> dict[str, list[float]]:
    """Seconds per phase, one entry per cold call."""
    case = two_kb_case()
    clock = time.thread_time
    timings: dict[str, list[float]] = {name: [] for name in (*PHASES, "total")}
    gc.collect()
    for _ in range(calls):
        clear_caches()
        t0 = clock()
        parsed = parse_case(case)
        t1 = clock()
        text = parsed.trust_text or ""
        policy = load_text(text)[0]
        t2 = clock()
        validate_text(text, parsed.request.role_account)
        t3 = clock()
        decide_action(parsed.request.action, parsed.request, policy, parsed)
        t4 = clock()
        for name, spent in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            timings[name].append(spent)
        timings["total"].append(t4 - t0)
    return timings


def profile(calls: int, rows: int) -> None:
    """cProfile of the evaluation side (the trust policy parsed outside the profile)."""
    case = two_kb_case()
    # Parsed once, outside the profile: decide_action takes the parsed policy, and the
    # caches emptied before each call (compiled patterns) are the evaluation's own.
    policy = load_text(parse_case(case).trust_text or "")[0]

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--profile", action="store_true", help="add a cProfile table")
    parser.add_argument("--rows", type=int, default=30, help="rows of the profile table")
    args = parser.parse_args(argv)
    clear_caches()
    measure(50)  # imports and first-call costs out of the way
    for name, values in measure(max(1, args.calls)).items():
        print(f"{name:<11} median {statistics.median(values) * 1e3:.4f} ms")
    if args.profile:
        profile(max(1, args.calls), args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
