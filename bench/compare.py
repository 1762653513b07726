"""Benchmark of policy comparison (``policies.engine.compare``): median and p99.

Run from the repository root::

    .venv/bin/python bench/compare.py

Two workloads:

(a) every exercise's reference solution against its starting policy
    (``learning/content/exercises/*.yaml``), in the exercise's scope;
(b) the playground templates (``policies/starters.py``), every pair.

Targets (issue 16): median under 50 ms, p99 under 1 s, and nothing over the
solver budget (2 s by default): a comparison that runs out of time answers
``unknown`` rather than holding a worker.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policies.engine.compare import DEFAULT_TIMEOUT_MS, compare  # noqa: E402
from policies.starters import STARTERS  # noqa: E402

EXERCISES = ROOT / "learning" / "content" / "exercises"


def exercise_pairs() -> list[tuple[str, str, str, dict[str, Any]]]:
    pairs = []
    for path in sorted(EXERCISES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        scope = dict(data.get("scope") or {})
        scope.pop("allow_less", None)
        if data.get("role_arn"):
            scope.setdefault("role_arn", data["role_arn"])
        pairs.append((data["slug"], data["solution"], data["starting_policy"], scope))
    return pairs


def template_pairs() -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (f"{a.slug}~{b.slug}", a.policy_text, b.policy_text, {})
        for a, b in itertools.combinations(STARTERS, 2)
    ]


def run(name: str, pairs: list[tuple[str, str, str, dict[str, Any]]]) -> list[float]:
    times: list[float] = []
    relations: Counter[str] = Counter()
    slowest: list[tuple[float, str, str]] = []
    for label, a, b, scope in pairs:
        started = time.perf_counter()
        result = compare(a, b, scope)
        elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        relations[result.relation] += 1
        slowest.append((elapsed, label, result.relation))
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"{name}: {len(times)} comparisons, median {statistics.median(times):.1f} ms, "
        f"p99 {p99:.1f} ms, max {times[-1]:.1f} ms, "
        f"over the {DEFAULT_TIMEOUT_MS} ms budget: {sum(t > DEFAULT_TIMEOUT_MS for t in times)}"
    )
    print("  relations: " + ", ".join(f"{k} {v}" for k, v in sorted(relations.items())))
    for elapsed, label, relation in sorted(slowest, reverse=True)[:3]:
        print(f"  slowest: {label} {elapsed:.0f} ms ({relation})")
    return times


def main() -> int:
    compare("{}", "{}")  # load z3 before timing
    times = run("(a) exercise reference vs starting policy", exercise_pairs())
    times += run("(b) playground templates, pairwise", template_pairs())
    times.sort()
    median = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    ok = median < 50 and p99 < 1000 and times[-1] <= DEFAULT_TIMEOUT_MS + 100
    print(
        f"all: {len(times)} comparisons, median {median:.1f} ms (target < 50), "
        f"p99 {p99:.1f} ms (target < 1000), max {times[-1]:.1f} ms: "
        + ("targets met" if ok else "TARGETS MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
