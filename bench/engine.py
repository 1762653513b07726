"""Benchmark of the trust-policy engine: evaluations per second, median and p99.

Run from the repository root::

    .venv/bin/python bench/engine.py [--rounds N]

Three workloads, each measured cold (every cache emptied before each call, as
when the editor sends text it has never sent before) and warm (the same text
again, as when only the request changes):

(a) every case of the conformance suite, ``tests/policies/cases/*.json``;
(b) a trust policy of about 2 KB with several statements and conditions;
(c) the worst adversarial input of the largest accepted size: policy text
    close to ``MAX_POLICY_CHARS`` full of ``StringLike`` patterns that force the
    slowest wildcard search, against a request value of ``MAX_STRING_CHARS``.

Targets (issue 12): validate plus evaluate of the 2 KB policy at most 0.3 ms
median cold; the worst accepted input under 50 ms. ``--cpu`` times by CPU time.
Each call goes through ``policies.engine.evaluate``, which validates the trust
policy too. The engine writes its explanation (sentences, positions, the trace)
only when asked for, as grading and comparison never read it; the rows marked
``cold, to_dict()`` also ask for the whole JSON answer, as the editor does.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policies.engine import PolicyError, evaluate  # noqa: E402
from policies.engine.evaluate import clear_caches  # noqa: E402
from policies.engine.limits import MAX_POLICY_CHARS, MAX_STRING_CHARS  # noqa: E402

CASES_DIR = ROOT / "tests" / "policies" / "cases"
ENGINE_KEYS = (
    "trust_policy",
    "request",
    "identity_policies",
    "permissions_boundary",
    "session_policy",
    "scps",
    "rcps",
)


def corpus() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data if isinstance(data, list) else [data]:
            cases.append({k: case[k] for k in ENGINE_KEYS if k in case})
    return cases


def _account_statements() -> list[dict[str, Any]]:
    """The 2 KB policy's statements for IAM principals: a partner account, the organization."""
    return [
        {
            "Sid": "PartnerWithExternalId",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"sts:ExternalId": "f3a9-partner-7c21"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
            },
        },
        {
            "Sid": "Organization",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]},
                "StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deploy-*"},
            },
        },
    ]


def _service_statements(account: str) -> list[dict[str, Any]]:
    """Its statements for GitHub, Lambda, and the Deny that narrows them all."""
    return [
        {
            "Sid": "GitHubDeploy",
            "Effect": "Allow",
            "Principal": {
                "Federated": f"arn:aws:iam::{account}:oidc-provider/"
                "token.actions.githubusercontent.com"
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {
                    "token.actions.githubusercontent.com:sub": [
                        "repo:octo-org/app:ref:refs/heads/main",
                        "repo:octo-org/app:environment:production",
                    ]
                },
            },
        },
        {
            "Sid": "Lambda",
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": f"arn:aws:lambda:*:{account}:function:app-*"},
            },
        },
        {
            "Sid": "DenyOutsideOfficeHoursAndNetwork",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                "DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
            },
        },
    ]


def two_kb_case() -> dict[str, Any]:
    """A realistic ~2 KB trust policy, sent as text like the editor does."""
    account = "444455556666"
    policy = {
        "Version": "2012-10-17",
        "Statement": [*_account_statements(), *_service_statements(account)],
    }
    text = json.dumps(policy, indent=2)
    return {
        "trust_policy": text,
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "sts:AssumeRole",
            "role_arn": f"arn:aws:iam::{account}:role/Deploy",
            "context": {
                "sts:ExternalId": "f3a9-partner-7c21",
                "aws:MultiFactorAuthPresent": "true",
                "aws:MultiFactorAuthAge": "120",
                "aws:SourceIp": "203.0.113.9",
                "aws:CurrentTime": "2026-11-28T12:00:00Z",
            },
        },
    }


def adversarial_case() -> dict[str, Any]:
    """The largest accepted policy, full of the slowest patterns to match."""
    # "?a" segments force the bit-parallel search; the trailing "b" never matches.
    pattern = "*" + "?a" * ((MAX_STRING_CHARS - 3) // 2) + "b*"
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"aws:Key": pattern}},
    }
    statements: list[dict[str, Any]] = []
    while len(json.dumps({"Version": "2012-10-17", "Statement": [*statements, statement]})) < (
        MAX_POLICY_CHARS - 64
    ):
        statements.append(statement)
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return {
        "trust_policy": text,
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "sts:AssumeRole",
            "role_arn": "arn:aws:iam::111122223333:role/Target",
            "context": {"aws:Key": "a" * MAX_STRING_CHARS},
        },
    }


def measure(
    cases: list[dict[str, Any]],
    rounds: int,
    cold: bool,
    clock: Callable[[], float] = time.perf_counter,
    answer: bool = False,
) -> list[float]:
    """Seconds per evaluation, one entry per call (``answer``: with ``to_dict()`` too)."""
    timings: list[float] = []
    gc.collect()
    for _ in range(rounds):
        for case in cases:
            if cold:
                clear_caches()
            start = clock()
            with contextlib.suppress(PolicyError):  # a usage error is an answer too
                result = evaluate(case)
                if answer:
                    result.to_dict()
            timings.append(clock() - start)
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def report(name: str, timings: list[float]) -> str:
    total = sum(timings)
    rate = len(timings) / total if total else float("inf")
    return (
        f"{name:<54} {rate:>10,.0f} eval/s   median {statistics.median(timings) * 1e3:7.3f} ms"
        f"   p99 {percentile(timings, 0.99) * 1e3:7.3f} ms   ({len(timings)} calls)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over each workload")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time by this thread's CPU time instead of the wall clock (steadier on a "
        "machine shared with other work)",
    )
    args = parser.parse_args(argv)
    clock = time.thread_time if args.cpu else time.perf_counter
    rounds = max(1, args.rounds)

    workloads: list[tuple[str, list[dict[str, Any]], int]] = []
    cases = corpus()
    if cases:
        workloads.append((f"(a) conformance corpus, {len(cases)} cases", cases, rounds))
    else:
        print("(a) no conformance cases found in tests/policies/cases/")
    two_kb = two_kb_case()
    size = len(two_kb["trust_policy"])
    workloads.append((f"(b) {size:,}-char policy, 5 statements", [two_kb], rounds * 400))
    worst = adversarial_case()
    size = len(worst["trust_policy"])
    workloads.append((f"(c) adversarial {size:,}-char policy", [worst], max(3, rounds * 4)))

    print(
        f"Python {sys.version.split()[0]}, one thread; each call validates and evaluates; "
        f"{'CPU time' if args.cpu else 'wall clock'}."
    )
    runners: list[tuple[str, Callable[[list[dict[str, Any]], int], list[float]]]] = [
        ("cold", lambda c, r: measure(c, r, cold=True, clock=clock)),
        ("warm", lambda c, r: measure(c, r, cold=False, clock=clock)),
        ("cold, to_dict()", lambda c, r: measure(c, r, cold=True, clock=clock, answer=True)),
    ]
    for name, workload, count in workloads:
        measure(workload, 1, cold=False)  # import and first-call costs out of the way
        for label, run in runners:
            print(report(f"{name} [{label}]", run(workload, count)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
