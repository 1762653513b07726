"""Side by side: our engine and @cloud-copilot/iam-simulate, on every corpus, in one run.

Run with the project's interpreter from the repository root:

    .venv/bin/python bench/compare_iam_simulate.py [--corpus PATH ...] [--seconds 3]
        [--node-rounds 5] [--repeat 3] [--json OUT]

Corpora, each reported on its own (throughputs, ratio, disagreements):

- ``conformance``: every case in ``tests/policies/cases/*.json``;
- ``exercises``: every scenario of the lesson exercises
  (``learning/content/exercises/*.yaml``), evaluated against the exercise's
  solution; the expected answer is the scenario's ``expect`` (``denied`` accepts
  either kind of deny);
- any ``--corpus PATH`` given: a JSON file holding a list of cases, or a
  directory of such files (a held-out set, for instance).

iam-simulate is AGPL-licensed, so it is never imported into the app: it lives in
``bench/iam-simulate/node_modules`` (git-ignored, installed here with ``npm ci`` when
missing) and runs in its own Node process through ``bench/iam-simulate/run.mjs``.
Where the two engines disagree, the AWS page in the case's ``source`` decides; the
verdicts are kept in ``bench/DISAGREEMENTS.md``.
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
EXERCISES_DIR = ROOT / "learning" / "content" / "exercises"
NODE_DIR = ROOT / "bench" / "iam-simulate"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_json_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of a JSON file (a list of cases) or of every such file in a directory."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    cases: list[dict[str, Any]] = []
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        for i, case in enumerate(data if isinstance(data, list) else [data]):
            case.setdefault("id", f"{file.stem}-{i + 1}")
            case.setdefault(
                "source", str(file.relative_to(ROOT) if file.is_relative_to(ROOT) else file)
            )
            cases.append(case)
    return cases


def exercise_cases() -> list[dict[str, Any]]:
    """Every scenario of every lesson exercise, against the exercise's solution."""
    import yaml

    cases: list[dict[str, Any]] = []
    for file in sorted(EXERCISES_DIR.glob("*.yaml")):
        exercise = yaml.safe_load(file.read_text(encoding="utf-8"))
        for i, scenario in enumerate(exercise["scenarios"]):
            request = dict(scenario["request"])
            request.setdefault("role_arn", exercise["role_arn"])
            case: dict[str, Any] = {
                "id": f"{exercise['slug']}-{i + 1}",
                "source": f"learning/content/exercises/{file.name}",
                "trust_policy": exercise["solution"],
                "request": request,
                "expected": {"decision": scenario["expect"]},
            }
            for key in ("identity_policies", "session_policy"):
                if key in scenario:
                    case[key] = scenario[key]
            cases.append(case)
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
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


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


def time_ours(cases: list[dict[str, Any]], seconds: float) -> tuple[float, float]:
    """Evaluations per second of our engine, by the wall clock and by CPU time, looping
    over the cases for ``seconds`` at least."""
    from policies.engine import evaluate

    if not cases:
        return 0.0, 0.0
    for case in cases:  # warm up: imports, caches, first-call costs
        evaluate(case)
    evaluations = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    elapsed = 0.0
    while evaluations == 0 or elapsed < seconds:
        for case in cases:
            evaluate(case)
        evaluations += len(cases)
        elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return evaluations / elapsed, (evaluations / cpu if cpu > 0 else 0.0)


def agrees(decision: str | None, expected: str) -> bool:
    """``denied`` (the exercises' word) accepts either kind of deny."""
    if expected == "denied":
        return decision in ("explicitDeny", "implicitDeny")
    return decision == expected


def compare_corpus(
    name: str, cases: list[dict[str, Any]], args: argparse.Namespace
) -> dict[str, Any]:
    """Run both engines over one corpus; print and return the comparison."""
    expected = {c["id"]: c["expected"]["decision"] for c in cases}
    ours_all, errors = decide_ours(cases)
    # The two engines are timed in turns, --repeat times each, and each keeps its best
    # run: on a shared machine that is the run the least disturbed by other work.
    theirs_eps = theirs_cpu = ours_eps = ours_cpu = 0.0
    for _ in range(args.repeat):
        theirs_run = run_theirs(cases, args.node_rounds)
        theirs_eps = max(theirs_eps, float(theirs_run["evaluations_per_second"] or 0.0))
        theirs_cpu = max(theirs_cpu, float(theirs_run.get("cpu_evaluations_per_second") or 0.0))
        theirs = {r["id"]: r for r in theirs_run["results"]}
        # Time ours on exactly the cases that iam-simulate was given, so the ratio is fair.
        same_set = [c for c in cases if theirs[c["id"]]["decision"] is not None]
        wall, cpu = time_ours([c for c in same_set if c["id"] not in errors], args.seconds)
        ours_eps, ours_cpu = max(ours_eps, wall), max(ours_cpu, cpu)
    ratio = ours_eps / theirs_eps if theirs_eps > 0 else 0.0
    cpu_ratio = ours_cpu / theirs_cpu if theirs_cpu > 0 else 0.0

    print(f"\n== corpus '{name}': {len(cases)} cases ({len(same_set)} given to both engines)")
    print(f"ours:         {ours_eps:12,.0f} evaluations/s")
    print(
        f"iam-simulate: {theirs_eps:12,.0f} evaluations/s "
        f"({theirs_run['package']} {theirs_run['version']})"
    )
    print(f"ratio (ours / iam-simulate): {ratio:,.1f}x by the wall clock")
    print(
        f"by CPU time: ours {ours_cpu:,.0f}/s, iam-simulate {theirs_cpu:,.0f}/s, "
        f"ratio {cpu_ratio:,.1f}x"
    )

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
                    "source": case.get("source", ""),
                }
            )
    print(f"disagreements between the two engines: {len(disagreements)}")
    for d in disagreements:
        right = (
            "ours"
            if agrees(d["ours"], d["expected"])
            else "theirs"
            if agrees(d["theirs"], d["expected"])
            else "neither"
        )
        print(
            f"  {d['id']:<28} ours {d['ours']:<13} theirs {d['theirs']:<13} "
            f"expected {d['expected']:<13} right: {right}"
        )
    wrong = [c["id"] for c in cases if not agrees(ours_all.get(c["id"]), expected[c["id"]])]
    theirs_wrong = [
        c["id"] for c in same_set if not agrees(theirs[c["id"]]["decision"], expected[c["id"]])
    ]
    print(f"ours agrees with the expected answer in {len(cases) - len(wrong)}/{len(cases)} cases")
    print(
        f"iam-simulate agrees in {len(same_set) - len(theirs_wrong)}/{len(same_set)} of the "
        "cases it was given"
    )
    for cid in wrong:
        print(
            f"  ours differs: {cid}: {errors.get(cid, ours_all.get(cid))}, expected {expected[cid]}"
        )
    return {
        "corpus": name,
        "cases": len(cases),
        "compared_cases": len(same_set),
        "theirs_version": f"{theirs_run['package']} {theirs_run['version']}",
        "ours_evaluations_per_second": ours_eps,
        "theirs_evaluations_per_second": theirs_eps,
        "ratio": ratio,
        "ours_cpu_evaluations_per_second": ours_cpu,
        "theirs_cpu_evaluations_per_second": theirs_cpu,
        "cpu_ratio": cpu_ratio,
        "disagreements": disagreements,
        "ours_wrong": wrong,
        "theirs_wrong": theirs_wrong,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, action="append", default=[], help="more cases: a JSON file or dir"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="timing budget for ours")
    parser.add_argument("--node-rounds", type=int, default=5, help="timing rounds for theirs")
    parser.add_argument("--repeat", type=int, default=3, help="timed turns of each engine")
    parser.add_argument("--json", type=Path, help="also write the full comparison here")
    args = parser.parse_args(argv)

    corpora: list[tuple[str, list[dict[str, Any]]]] = [
        ("conformance", load_json_cases(CASES_DIR)),
        ("exercises", exercise_cases()),
    ]
    corpora += [(str(path), load_json_cases(path.resolve())) for path in args.corpus]
    ensure_node_modules()
    reports = [compare_corpus(name, cases, args) for name, cases in corpora]
    print("\nsummary (ours / iam-simulate, evaluations per second; wall clock, then CPU):")
    for report in reports:
        print(
            f"  {report['corpus']:<14} {report['ours_evaluations_per_second']:10,.0f} / "
            f"{report['theirs_evaluations_per_second']:10,.0f} = {report['ratio']:.1f}x   "
            f"cpu {report['ours_cpu_evaluations_per_second']:10,.0f} / "
            f"{report['theirs_cpu_evaluations_per_second']:10,.0f} = {report['cpu_ratio']:.1f}x"
        )
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
