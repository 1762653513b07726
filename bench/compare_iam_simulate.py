"""Side by side: our engine and @cloud-copilot/iam-simulate on the conformance cases.

Run with the project's interpreter from the repository root:

    .venv/bin/python bench/compare_iam_simulate.py [--seconds 3] [--node-rounds 5] [--json OUT]

iam-simulate is AGPL-licensed, so it is never imported into the app: it lives in
``bench/iam-simulate/node_modules`` (git-ignored, installed here with ``npm ci`` when
missing) and runs in its own Node process through ``bench/iam-simulate/run.mjs``.

The script prints, in one run: both throughputs (evaluations per second over the same
cases), their ratio, every case where the two engines disagree (id, ours, theirs,
expected), and every case where our engine differs from the expected answer. Where the
two disagree, the AWS page in the case's ``source`` decides; the verdicts are kept in
``bench/DISAGREEMENTS.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests" / "policies" / "cases"
NODE_DIR = ROOT / "bench" / "iam-simulate"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        cases.extend(json.loads(path.read_text(encoding="utf-8")))
    return cases


def ensure_node_modules() -> None:
    if (NODE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed: it is needed to install iam-simulate")
    print("installing iam-simulate with npm ci ...", file=sys.stderr)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)


def run_theirs(cases: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed: it is needed to run iam-simulate")
    proc = subprocess.run(
        [node, "run.mjs", "--rounds", str(rounds)],
        cwd=NODE_DIR,
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"run.mjs failed ({proc.returncode}): {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def decide_ours(cases: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    """Our engine's decision per case id, and the error per case id where it raised."""
    from policies.engine import evaluate

    decisions: dict[str, str] = {}
    errors: dict[str, str] = {}
    for case in cases:
        try:
            decisions[case["id"]] = evaluate(case).decision
        except Exception as exc:  # report it, keep going: one broken case must not hide others
            errors[case["id"]] = f"{type(exc).__name__}: {exc}"
    return decisions, errors


def time_ours(cases: list[dict[str, Any]], seconds: float) -> float:
    """Evaluations per second of our engine, looping over the cases for ``seconds`` at least."""
    from policies.engine import evaluate

    if not cases:
        return 0.0
    for case in cases:  # warm up: imports, caches, first-call costs
        evaluate(case)
    evaluations = 0
    start = time.perf_counter()
    elapsed = 0.0
    while evaluations == 0 or elapsed < seconds:
        for case in cases:
            evaluate(case)
        evaluations += len(cases)
        elapsed = time.perf_counter() - start
    return evaluations / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="timing budget for ours")
    parser.add_argument("--node-rounds", type=int, default=5, help="timing rounds for theirs")
    parser.add_argument("--json", type=Path, help="also write the full comparison here")
    args = parser.parse_args(argv)

    cases = load_cases()
    expected = {c["id"]: c["expected"]["decision"] for c in cases}
    ensure_node_modules()
    theirs_run = run_theirs(cases, args.node_rounds)
    theirs = {r["id"]: r for r in theirs_run["results"]}
    # Time ours on exactly the cases that iam-simulate was given, so the ratio is fair.
    same_set = [c for c in cases if theirs[c["id"]]["decision"] is not None]
    theirs_eps = float(theirs_run["evaluations_per_second"] or 0.0)
    try:
        ours_all, errors = decide_ours(cases)
        ours_eps = time_ours([c for c in same_set if c["id"] not in errors], args.seconds)
    except ImportError as exc:
        print(f"our engine cannot be imported yet ({exc}); iam-simulate alone:")
        print(f"iam-simulate: {theirs_eps:12,.0f} evaluations/s")
        off = [r for r in theirs_run["results"] if r["decision"] != expected[r["id"]]]
        print(f"iam-simulate differs from the expected answer in {len(off)} case(s)")
        for r in off:
            print(f"  {r['id']}: theirs {r['decision']}, expected {expected[r['id']]}")
        return 1

    print(f"cases: {len(cases)} ({len(same_set)} given to both engines)")
    print(f"ours:         {ours_eps:12,.0f} evaluations/s")
    print(
        f"iam-simulate: {theirs_eps:12,.0f} evaluations/s "
        f"({theirs_run['package']} {theirs_run['version']})"
    )
    if theirs_eps > 0:
        print(f"ratio (ours / iam-simulate): {ours_eps / theirs_eps:,.1f}x")

    disagreements = []
    for case in cases:
        cid = case["id"]
        ours = ours_all.get(cid, "error")
        theirs_decision = theirs[cid]["decision"]
        if ours != theirs_decision:
            disagreements.append(
                {
                    "id": cid,
                    "ours": ours,
                    "theirs": theirs_decision or "not run",
                    "expected": expected[cid],
                    "note": theirs[cid].get("note") or "",
                    "ignored_context_keys": theirs[cid].get("ignored_context_keys") or [],
                    "source": case["source"],
                }
            )
    print(f"\ndisagreements between the two engines: {len(disagreements)}")
    print(f"{'id':<12} {'ours':<13} {'theirs':<13} {'expected':<13} who is right")
    for d in disagreements:
        right = (
            "ours"
            if d["ours"] == d["expected"]
            else "theirs"
            if d["theirs"] == d["expected"]
            else "neither"
        )
        print(f"{d['id']:<12} {d['ours']:<13} {d['theirs']:<13} {d['expected']:<13} {right}")

    wrong = [c for c in cases if ours_all.get(c["id"]) != expected[c["id"]]]
    print(f"\nour engine differs from the expected answer in {len(wrong)} case(s)")
    for case in wrong:
        cid = case["id"]
        detail = errors.get(cid, ours_all.get(cid))
        print(f"  {cid}: ours {detail}, expected {expected[cid]}  ({case['source']})")

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "cases": len(cases),
                    "compared_cases": len(same_set),
                    "theirs_version": f"{theirs_run['package']} {theirs_run['version']}",
                    "ours_evaluations_per_second": ours_eps,
                    "theirs_evaluations_per_second": theirs_eps,
                    "disagreements": disagreements,
                    "ours_wrong": [c["id"] for c in wrong],
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
