"""The conformance suite: every case in ``tests/policies/cases/*.json`` through the engine.

Each case file is a JSON list of cases in the engine contract's case format
(``/work/shared/docs/engine-contract.md``), plus annotation keys that the engine
ignores:

- ``id``: unique and stable across all files (for example ``"xacct-007"``);
- ``title``: one line saying what the case shows;
- ``source``: the AWS documentation page that settles the expected answer;
- ``expected``: ``{"decision": ..., "finding_codes": [...], "no_finding_codes": [...],
  "no_finding_severities": [...], "derived_context": {...}}``; every key but
  ``decision`` is optional. ``finding_codes`` must all be present in the answer's
  findings, ``no_finding_codes`` must all be absent, no finding may have a severity
  listed in ``no_finding_severities`` (the "no false alarms" promise for the idiomatic
  policies of the AWS documentation), and every key of ``derived_context`` must have
  been derived by the engine with that value.

The expected answers were written from the AWS documentation alone, independently of
the engine. When the engine and a case disagree, the AWS page named in ``source``
decides.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).parent / "cases"
DECISIONS = {"allowed", "explicitDeny", "implicitDeny"}
SEVERITIES = {"error", "security_warning", "warning", "suggestion"}
EXPECTED_KEYS = {
    "decision",
    "finding_codes",
    "no_finding_codes",
    "no_finding_severities",
    "derived_context",
}


def _load_cases() -> list[tuple[str, dict[str, Any]]]:
    loaded: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{path.name} must hold a JSON list of cases"
        loaded.extend((path.name, case) for case in data)
    return loaded


CASES = _load_cases()


def _case_id(case: dict[str, Any]) -> str:
    return str(case.get("id", "<no id>"))


def _normalise(value: Any) -> Any:
    """Compare context values as AWS does: as text (``true`` and ``"true"`` are alike)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return str(value)


# ----------------------------------------------------------------------------------------
# The case table itself (runs without the engine)
# ----------------------------------------------------------------------------------------


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 220


def test_case_ids_are_unique() -> None:
    counts = Counter(_case_id(case) for _, case in CASES)
    duplicates = sorted(cid for cid, n in counts.items() if n > 1)
    assert duplicates == []


@pytest.mark.parametrize(("filename", "case"), CASES, ids=[_case_id(c) for _, c in CASES])
def test_case_is_annotated(filename: str, case: dict[str, Any]) -> None:
    assert isinstance(case.get("id"), str) and case["id"], f"{filename}: a case has no id"
    assert isinstance(case.get("title"), str) and case["title"].strip()
    assert "\n" not in case["title"]
    source = case.get("source")
    assert isinstance(source, str) and source.startswith("https://docs.aws.amazon.com/"), source
    assert "trust_policy" in case and isinstance(case.get("request"), dict)
    expected = case.get("expected")
    assert isinstance(expected, dict)
    assert set(expected) <= EXPECTED_KEYS, sorted(set(expected) - EXPECTED_KEYS)
    assert expected.get("decision") in DECISIONS
    for key in ("finding_codes", "no_finding_codes"):
        codes = expected.get(key, [])
        assert isinstance(codes, list) and all(isinstance(c, str) and c for c in codes)
    assert set(expected.get("no_finding_severities", [])) <= SEVERITIES
    assert isinstance(expected.get("derived_context", {}), dict)


def test_expected_codes_are_in_the_catalogue() -> None:
    """Every code a case names exists in the engine's catalogue of finding codes."""
    codes_module = pytest.importorskip("policies.engine.codes")
    known = set(codes_module.CODES)
    named = {
        code
        for _, case in CASES
        for key in ("finding_codes", "no_finding_codes")
        for code in case["expected"].get(key, [])
    }
    assert sorted(named - known) == []


# ----------------------------------------------------------------------------------------
# The engine against the table
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("filename", "case"), CASES, ids=[_case_id(c) for _, c in CASES])
def test_engine_conforms(filename: str, case: dict[str, Any]) -> None:
    from policies.engine import evaluate

    given = copy.deepcopy(case)
    result = evaluate(given)
    assert given == case, "evaluate() must not change the case it is given"
    answer = result.to_dict()
    expected = case["expected"]

    assert result.decision == expected["decision"], (
        f"{case['id']} ({filename}): {case['title']}\n"
        f"expected {expected['decision']}, engine said {result.decision}\n"
        f"source: {case['source']}\nexplanation: {answer.get('explanation')}"
    )
    assert answer["decision"] == result.decision

    findings = answer.get("findings", [])
    found = {f["code"] for f in findings}
    missing = sorted(set(expected.get("finding_codes", [])) - found)
    assert missing == [], f"{case['id']}: expected findings {missing}; got {sorted(found)}"
    unwanted = sorted(set(expected.get("no_finding_codes", [])) & found)
    assert unwanted == [], f"{case['id']}: unexpected findings {unwanted}"
    banned = set(expected.get("no_finding_severities", []))
    alarms = sorted(f"{f['code']} ({f['severity']})" for f in findings if f["severity"] in banned)
    assert alarms == [], f"{case['id']}: findings of a banned severity: {alarms}"

    derived = {k.lower(): v for k, v in answer.get("derived_context", {}).items()}
    for key, value in expected.get("derived_context", {}).items():
        assert key.lower() in derived, f"{case['id']}: {key} was not derived"
        assert _normalise(derived[key.lower()]) == _normalise(value), (
            f"{case['id']}: derived {key} = {derived[key.lower()]!r}, expected {value!r}"
        )
