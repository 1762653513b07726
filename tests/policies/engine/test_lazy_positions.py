"""The fast reader (C json decoder, positions worked out on demand) against the
exact parser: same trees, same spans, same errors, and no position worked out
until one is read."""

from __future__ import annotations

import copy
import json
import pickle
import random
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine import evaluate, jsontree, parser
from policies.engine.case import clear_caches
from policies.engine.errors import PolicyError, PolicyParseError
from policies.engine.findings import Finding, sort_findings
from policies.engine.jsontree import LazySpan
from policies.engine.parser import JNode, Span, dump_policy, parse_exact, parse_json
from policies.engine.validate import validate_policy
from tests.policies.engine.timing import PATHOLOGICAL_SECONDS

CASES_DIR = Path(__file__).parent.parent / "cases"
POLICY_KEYS = ("trust_policy", "identity_policies", "permissions_boundary", "session_policy")


def shape(node: JNode) -> list[tuple[Any, ...]]:
    """Every node and key of a tree in document order: kind, value (with its
    Python type) and every position of its span."""
    out: list[tuple[Any, ...]] = []

    def visit(n: JNode) -> None:
        scalar = None if n.kind in ("object", "array") else (type(n.value), n.value)
        out.append((n.kind, scalar, tuple(n.span)))
        for member in n.members:
            out.append(("key", member.key, tuple(member.key_span)))
            visit(member.value)
        for item in n.items:
            visit(item)

    visit(node)
    return out


def outcome(read: Any, text: str) -> object:
    """The tree's shape, or the exact error (message, place, code)."""
    try:
        return shape(read(text))
    except PolicyParseError as error:
        return ("error", error.message, error.line, error.column, error.offset, error.code)


def _policies(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [p for item in value for p in _policies(item)]
    return [value]


def conformance_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data if isinstance(data, list) else [data]:
            for key in (*POLICY_KEYS, "scps", "rcps"):
                for policy in _policies(case.get(key)):
                    if isinstance(policy, str):
                        texts.append(policy)
                    elif isinstance(policy, dict):
                        texts.append(dump_policy(policy))
    return texts


CONFORMANCE_TEXTS = conformance_texts()


def test_the_conformance_cases_hold_many_policies():
    assert len(CONFORMANCE_TEXTS) >= 300


def test_fast_trees_equal_exact_trees_for_every_conformance_policy():
    for text in CONFORMANCE_TEXTS:
        assert outcome(parse_json, text) == outcome(parse_exact, text), text


def test_a_valid_policy_is_read_with_positions_left_for_later():
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "n": 12.50}]\n}'
    root = parse_json(text)
    assert isinstance(root.span, LazySpan)
    assert not root.span.positions.resolved
    number = root.value[1].value.value[0].value[1].value
    assert (number.kind, number.value) == ("number", 12.5)
    assert not root.span.positions.resolved
    assert number.span == Span(3, 42, 3, 47, 70, 75)
    assert text[70:75] == "12.50"
    assert root.span.positions.resolved


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)


def _json_text(value: Any, indent: int | None, ascii_only: bool) -> str:
    """JSON text where objects are lists of pairs, so keys may repeat."""
    if isinstance(value, tuple):  # an object: (pairs,)
        pad = "" if indent is None else "\n" + " " * indent
        members = [
            f"{pad}{json.dumps(k, ensure_ascii=ascii_only)}: {_json_text(v, indent, ascii_only)}"
            for k, v in value[0]
        ]
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json_text(v, indent, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


json_trees = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(st.tuples(st.sampled_from(["a", "b", "Ab", "é"]), children), max_size=4).map(
            lambda pairs: (pairs,)
        )
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(json_trees, st.sampled_from([None, 0, 2]), st.booleans())
def test_fast_trees_equal_exact_trees_for_generated_json(value, indent, ascii_only):
    text = _json_text(value, indent, ascii_only)
    assert outcome(parse_json, text) == outcome(parse_exact, text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='{}[]:,"\\ \n0123456789.eE-+tru\u00e9\ud800abnlfsuU', max_size=40))
def test_any_text_gets_the_exact_parsers_tree_or_error(text):
    assert outcome(parse_json, text) == outcome(parse_exact, text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "{",
        '{"a": 1,}',
        "[NaN]",
        '{"a": Infinity}',
        "[-Infinity]",
        '["ok", "\udc80"]',
        '{"\ud83d": 1}',
        '"\\ud800"',
        '["\\udc00"]',
        '"\\ud83d\\ude00"',  # a valid pair: the exact parser reads it
        '"\\ud83d\\u0041"',
        "\ufeff{}",
        "{} x",
        '{"a": 01}',
        "[1.]",
        '"tab\there"',
        "[" * 33 + "]" * 33,
        "[" * 32 + "]" * 32,
        "[" * 5000 + "]" * 5000,
        "[" * 100_000,
        "[" + ",".join(["1"] * 1001) + "]",
        "[" + ",".join(["1"] * 1000) + "]",
        "{" + ",".join(f'"k{i}": 1' for i in range(1001)) + "}",
        '"' + "a" * 4097 + '"',
        '"' + "a" * 4096 + '"',
        '{"' + "k" * 4097 + '": 1}',
        '"' + "\\n" * 4097 + '"',  # 8,194 characters typed, 4,097 read
        "[" + "9" * 4301 + "]",
        "[" + "9" * 4300 + "]",
        "[-" + "9" * 4300 + "]",
        "[1e400, -0.0, 1E+2, 0]",
    ],
)
def test_every_kind_of_text_gets_the_exact_parsers_answer(text):
    assert outcome(parse_json, text) == outcome(parse_exact, text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[NaN]", "JSON_SYNTAX_ERROR"),
        ('["\\ud800"]', "JSON_SYNTAX_ERROR"),
        ("[" * 33 + "]" * 33, "POLICY_TOO_COMPLEX_TO_CHECK"),
        ('{"' + "k" * 4097 + '": 1}', "POLICY_TOO_COMPLEX_TO_CHECK"),
    ],
)
def test_what_json_loads_accepts_but_a_policy_may_not_hold_is_still_refused(text, code):
    json.loads(text)  # the standard library reads it...
    with pytest.raises(PolicyParseError) as info:
        parse_json(text)  # ...the policy parser does not
    assert info.value.code == code


def test_the_limits_given_to_parse_json_hold_on_the_fast_path():
    text = '{"a": [[1, 2, 3]], "bb": "xyz"}'
    for limits in ({"max_depth": 2}, {"max_items": 2}, {"max_string": 2}):
        assert outcome(lambda t, lim=limits: parse_json(t, **lim), text) == outcome(
            lambda t, lim=limits: parse_exact(t, **lim), text
        )
        with pytest.raises(PolicyParseError):
            parse_json(text, **limits)


def test_a_duplicate_key_is_reported_at_its_place():
    text = '{\n  "Version": "2012-10-17",\n  "Version": "2012-10-17",\n  "Statement": []\n}'
    duplicates = [f for f in validate_policy(text) if f.code == "DUPLICATE_KEY"]
    assert [(f.line, f.column, f.end_line, f.end_column) for f in duplicates] == [(3, 3, 3, 12)]


def test_a_number_keeps_the_characters_the_author_typed():
    text = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",'
        ' "Action": "sts:AssumeRole",'
        ' "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": [3600.0, 1E3]}}}]}'
    )
    result = evaluate(
        {
            "trust_policy": text,
            "request": {
                "principal": "arn:aws:iam::111122223333:user/alice",
                "action": "sts:AssumeRole",
                "context": {"aws:MultiFactorAuthAge": "10"},
            },
        }
    )
    condition = result.to_dict()["trust"]["statements"][0]["conditions"][0]
    assert condition["policy_value"] == ["3600.0", "1E3"]
    assert condition["matched"] is True


# --- No position is worked out until one is read ---------------------------------------


def _policy_text() -> str:
    statements = [
        {
            "Sid": "Partner",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "f3a9-partner-7c21"}},
        },
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        },
        # Findings to report: a wildcard principal, an identity pool without its
        # condition, an action a trust policy cannot use.
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
        {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": ["sts:AssumeRole", "s3:GetObject"],
        },
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)


CASE = {
    "trust_policy": _policy_text(),
    "request": {
        "principal": "arn:aws:iam::111122223333:role/partner",
        "action": "sts:AssumeRole",
        "context": {"sts:ExternalId": "f3a9-partner-7c21", "aws:MultiFactorAuthPresent": "true"},
    },
}


@pytest.fixture
def position_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts what works positions out: the pass over a valid text's tokens, or the
    exact parser."""
    runs: list[str] = []
    for module, name in ((jsontree, "spans_of"), (parser, "_build")):
        original = getattr(module, name)

        def counted(*args: Any, original: Any = original, name: str = name) -> Any:
            runs.append(name)
            return original(*args)

        monkeypatch.setattr(module, name, counted)
    return runs


def test_a_cold_evaluation_works_out_no_position_until_asked(position_runs):
    clear_caches()
    result = evaluate(copy.deepcopy(CASE))
    assert result.findings  # there is something to point at...
    assert result.decision == "allowed"
    assert position_runs == []  # ...and nothing has been pointed at yet
    result.to_dict()
    assert position_runs == ["spans_of"]  # one pass for the whole text
    result.to_dict()
    assert position_runs == ["spans_of"]


def test_to_dict_is_what_the_exact_parser_alone_gives(monkeypatch: pytest.MonkeyPatch):
    cases = [CASE]
    for path in sorted(CASES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.extend(data if isinstance(data, list) else [data])
    clear_caches()
    lazy = [_answer(case) for case in cases]
    monkeypatch.setattr("policies.engine.model.parse_json", parse_exact)
    clear_caches()
    eager = [_answer(case) for case in cases]
    clear_caches()
    assert sum(isinstance(answer, dict) for answer in lazy) >= 200
    assert lazy == eager


def _answer(case: dict[str, Any]) -> object:
    engine_case = {k: v for k, v in case.items() if k in ("request", *POLICY_KEYS, "scps", "rcps")}
    try:
        return evaluate(copy.deepcopy(engine_case)).to_dict()
    except PolicyError as error:  # the error is the answer compared
        return repr(error)


def test_no_conformance_case_works_a_position_out_before_to_dict(position_runs):
    engine_keys = ("request", *POLICY_KEYS, "scps", "rcps")
    evaluated = 0
    for path in sorted(CASES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data if isinstance(data, list) else [data]:
            clear_caches()
            try:
                evaluate({k: copy.deepcopy(v) for k, v in case.items() if k in engine_keys})
            except PolicyError:
                continue
            evaluated += 1
            assert "spans_of" not in position_runs, case.get("id")
    assert evaluated >= 200


def test_unquoted_numbers_and_booleans_are_read_without_working_positions_out(position_runs):
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "Bool": {"aws:MultiFactorAuthPresent": True},
            "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
        },
    }
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)
    context = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
    clear_caches()
    result = evaluate({"trust_policy": text, "request": {**CASE["request"], "context": context}})
    assert result.decision == "allowed"
    assert position_runs == []
    conditions = result.to_dict()["trust"]["statements"][0]["conditions"]
    assert [c["policy_value"] for c in conditions] == ["true", "3600"]
    assert position_runs == ["spans_of"]


# --- Findings over lazy spans --------------------------------------------------------


def test_findings_sort_by_place_without_working_positions_out(position_runs):
    findings = validate_policy(_policy_text())
    assert len(findings) >= 2
    assert position_runs == []
    assert findings == sorted(findings, key=Finding.sort_key)
    assert position_runs == ["spans_of"]


@settings(max_examples=50, deadline=None)
@given(st.randoms(use_true_random=False))
def test_sorting_by_document_order_is_sorting_by_line_and_column(rng: random.Random):
    findings = validate_policy(_policy_text())
    shuffled = list(findings)
    rng.shuffle(shuffled)
    sort_findings(shuffled)
    assert [f.to_dict() for f in shuffled] == [
        f.to_dict() for f in sorted(findings, key=Finding.sort_key)
    ]


def test_a_finding_with_positions_given_works_as_before():
    finding = Finding(
        code="JSON_SYNTAX_ERROR",
        severity="error",
        message="m",
        line=2,
        column=3,
        end_line=2,
        end_column=4,
        learn_more="https://example.com",
    )
    same = Finding("JSON_SYNTAX_ERROR", "error", "m", 2, 3, 2, 4, "https://example.com")
    assert finding == same and hash(finding) == hash(same)
    assert finding.to_dict()["column"] == 3
    assert finding.sort_key() == (2, 3, 0, "JSON_SYNTAX_ERROR")
    assert "line=2" in repr(finding)
    assert pickle.loads(pickle.dumps(finding)) == finding
    with pytest.raises(AttributeError):
        finding.line = 5  # type: ignore[misc]


def test_a_lazy_finding_equals_the_same_finding_with_positions_given():
    lazy = validate_policy(_policy_text())[0]
    assert isinstance(lazy.span, LazySpan)
    given_positions = Finding(
        lazy.code,
        lazy.severity,
        lazy.message,
        lazy.line,
        lazy.column,
        lazy.end_line,
        lazy.end_column,
        lazy.learn_more,
    )
    assert lazy == given_positions and hash(lazy) == hash(given_positions)
    assert lazy.to_dict() == given_positions.to_dict()


def test_a_lazy_span_behaves_as_the_span_it_stands_for():
    text = '{"a": [true]}'
    lazy = parse_json(text).value[0].value.value[0].span
    exact = Span(1, 8, 1, 12, 7, 11)
    assert lazy == exact and exact == lazy and lazy != Span(1, 8, 1, 12, 7, 12)
    assert hash(lazy) == hash(exact)
    assert tuple(lazy) == tuple(exact) and len(lazy) == 6 and lazy[1] == 8
    assert repr(lazy) == repr(exact)
    assert lazy._replace(end_column=9) == Span(1, 8, 1, 9, 7, 11)
    assert lazy._asdict() == exact._asdict()
    assert pickle.loads(pickle.dumps(lazy)) == exact
    assert copy.deepcopy(lazy) == exact
    assert isinstance(lazy, LazySpan) and lazy.head() == Span(1, 8, 1, 9, 7, 8)


def test_a_lazy_span_is_true_without_working_positions_out():
    span = parse_json("[1]").span
    assert isinstance(span, LazySpan)
    assert span and span.head()
    assert not span.positions.resolved


# --- Hostile text ---------------------------------------------------------------------


BLANKS = 60_000  # the largest policy read is 65,536 characters


@pytest.mark.parametrize(
    "text",
    [
        '{"Version": "2012-10-17"}' + " " * BLANKS,  # valid, then blanks
        "{}" + "\n" * BLANKS,
        '{"a":' + " \n" * (BLANKS // 2) + "1}",
        "[" + " " * BLANKS + "x]",  # invalid after a run of blanks
        "[" + " " * BLANKS + "NaN]",  # read by json.loads, refused here
        '["\\ud83d\\ude00"' + " " * BLANKS + "]",  # valid, read by the exact parser
        '{"Version": "2012-10-17"' + " " * BLANKS + ",}",
    ],
)
def test_long_runs_of_blanks_are_answered_quickly(text):
    # Before, a token regex retried at every blank after the last token (or
    # before a bad one): 20,000 blanks took 40 s.
    started = time.perf_counter()
    result = evaluate({"trust_policy": text, "request": CASE["request"]})
    finding = result.to_dict()["findings"][0]
    assert time.perf_counter() - started < PATHOLOGICAL_SECONDS
    assert result.decision == "implicitDeny"
    assert finding["line"] >= 1 and finding["column"] >= 1
    assert outcome(parse_json, text) == outcome(parse_exact, text)
