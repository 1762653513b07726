"""Unit, property and robustness tests for the position-keeping JSON parser."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine.errors import PolicyError, PolicyParseError, UsageError
from policies.engine.parser import JNode, Span, parse_json, tree_from_python
from tests.policies.engine.timing import PATHOLOGICAL_SECONDS


def plain(node: JNode) -> object:
    """The tree as plain Python, the way json.loads would give it (last key wins)."""
    if node.kind == "object":
        return {member.key: plain(member.value) for member in node.value}
    if node.kind == "array":
        return [plain(item) for item in node.value]
    return node.value


def walk(node: JNode):
    yield node
    if node.kind == "array":
        for item in node.value:
            yield from walk(item)
    elif node.kind == "object":
        for member in node.value:
            yield from walk(member.value)


def test_scalars_and_containers_match_json_loads():
    text = '{"a": [1, 2.5, -3e2, true, false, null, "x\\u00e9\\ud83d\\ude00"], "b": {}}'
    assert plain(parse_json(text)) == json.loads(text)


def test_spans_are_one_based_and_end_exclusive():
    text = '{\n  "Version": "2012-10-17"\n}'
    root = parse_json(text)
    member = root.value[0]
    assert member.key_span == Span(2, 3, 2, 12, 4, 13)
    assert member.value.span == Span(2, 14, 2, 26, 15, 27)
    assert text[member.value.span.offset : member.value.span.end_offset] == '"2012-10-17"'
    assert root.span == Span(1, 1, 3, 2, 0, len(text))


def test_duplicate_keys_are_kept_in_order():
    root = parse_json('{"a": 1, "a": 2}')
    assert [(m.key, m.value.value) for m in root.value] == [("a", 1), ("a", 2)]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("", 1, 1, "ends too early"),
        ('{"a": 1,}', 1, 9, "Trailing comma"),
        ("[1,]", 1, 4, "Trailing comma"),
        ('{"a" 1}', 1, 6, "':'"),
        ("{a: 1}", 1, 2, "Unexpected word 'a'"),
        ("{'a': 1}", 1, 2, "double quotes"),
        ("[1 2]", 1, 4, "',' or ']'"),
        ('"abc', 1, 1, "never closed"),
        ('"a\\x"', 1, 3, "Invalid escape"),
        ('"\\ud800"', 1, 2, "surrogate"),
        ('"\\udc00"', 1, 2, "surrogate"),
        ('"\\u12g4"', 1, 2, "four hexadecimal digits"),
        ('"\\ud83d\\ude00\\x"', 1, 14, "Invalid escape"),  # past a valid pair
        ('"a\nb"', 1, 3, "Control character"),
        ("{} {}", 1, 4, "end of the text"),
        ('{"a":}', 1, 6, "Expected a value"),
        ("/* c */ {}", 1, 1, "Comments"),
        ("\ufeff{}", 1, 1, "byte order mark"),
        ("[NaN]", 1, 2, "Unexpected word 'NaN'"),
        ("[1.]", 1, 3, "Invalid number"),
        ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "',' or '}'"),
        ('{"a": 1} x', 1, 10, "Unexpected word 'x'"),
        ('{"a" x: 1}', 1, 6, "Unexpected word 'x'"),
    ],
)
def test_syntax_errors_point_at_the_first_bad_character(text, line, column, fragment):
    with pytest.raises(PolicyParseError) as info:
        parse_json(text)
    assert (info.value.line, info.value.column) == (line, column)
    assert fragment in info.value.message
    assert info.value.code == "JSON_SYNTAX_ERROR"


def test_a_bad_escape_says_which_escapes_json_allows():
    # A learner pasting a Windows path ("C:\\dev") is told what may follow a backslash.
    with pytest.raises(PolicyParseError) as info:
        parse_json('{"Sid": "C:\\dev"}')
    message = info.value.message
    assert "\\n" in message and "\\u and four hexadecimal digits" in message
    assert "Write \\\\ for a literal backslash" in message


def test_raw_lone_surrogate_is_rejected():
    with pytest.raises(PolicyParseError) as info:
        parse_json('["ok", "\udc80"]')
    assert info.value.column == 9


@pytest.mark.parametrize(
    "text",
    [
        "[" * 33 + "]" * 33,
        "[" + ",".join(["1"] * 1001) + "]",
        "{" + ",".join(f'"k{i}": 1' for i in range(1001)) + "}",
        '"' + "a" * 4097 + '"',
    ],
)
def test_limits_raise_too_complex(text):
    with pytest.raises(PolicyParseError) as info:
        parse_json(text)
    assert info.value.code == "POLICY_TOO_COMPLEX_TO_CHECK"


def test_limits_are_inclusive():
    assert plain(parse_json("[" * 32 + "]" * 32)) == json.loads("[" * 32 + "]" * 32)
    assert len(parse_json("[" + ",".join(["1"] * 1000) + "]").value) == 1000


def test_tree_from_python_positions_refer_to_the_formatted_text():
    root, text = tree_from_python({"Version": "2012-10-17", "Statement": []})
    assert text.startswith('{\n  "Version"')
    version = root.value[0].value
    assert text[version.span.offset : version.span.end_offset] == '"2012-10-17"'


@pytest.mark.parametrize("obj", [{"a": {1, 2}}, {"a": float("nan")}, {"a": b"x"}])
def test_tree_from_python_refuses_what_is_not_json(obj):
    with pytest.raises(UsageError):
        tree_from_python(obj)


def test_tree_from_python_refuses_absurd_nesting():
    deep: dict = {}
    cursor = deep
    for _ in range(10_000):
        cursor["a"] = {}
        cursor = cursor["a"]
    with pytest.raises(PolicyError):
        tree_from_python(deep)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from([None, 0, 2]), st.booleans())
def test_round_trip_agrees_with_json_loads(value, indent, ascii_only):
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    assert plain(parse_json(text)) == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from([None, 2]))
def test_every_string_and_key_span_starts_and_ends_at_a_quote(value, indent):
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    lines = text.split("\n")
    for node in walk(parse_json(text)):
        spans = [node.span] if node.kind == "string" else []
        if node.kind == "object":
            spans += [member.key_span for member in node.value]
        for span in spans:
            assert lines[span.line - 1][span.column - 1] == '"'
            assert lines[span.end_line - 1][span.end_column - 2] == '"'
            assert text[span.offset] == '"' and text[span.end_offset - 1] == '"'


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_gives_a_tree_or_a_parse_error(text):
    try:
        parse_json(text)
    except PolicyParseError as error:
        assert error.line >= 1 and error.column >= 1
        assert 0 <= error.offset <= len(text)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_a_cut_document_fails_with_a_position_inside_the_text(value):
    text = json.dumps(value)
    if len(text) < 2:
        return
    cut = text[: len(text) // 2]
    try:
        expected = json.loads(cut)
    except ValueError:
        with pytest.raises(PolicyParseError) as info:
            parse_json(cut)
        assert info.value.offset <= len(cut)
    else:
        assert plain(parse_json(cut)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000,
        "[" * 10_000 + "]" * 10_000,
        '{"a":' * 10_000,
        "[" + "1," * 200_000 + "1]",
        '"' + "x" * 1_000_000 + '"',
        '"' + "\\u" * 10_000,
        "\udc80" * 1000,
        "{" * 5000 + '"' * 5000,
    ],
)
def test_hostile_inputs_fail_fast_with_the_engines_own_error(text):
    started = time.perf_counter()
    with pytest.raises(PolicyParseError):
        parse_json(text)
    assert time.perf_counter() - started < PATHOLOGICAL_SECONDS


def test_non_text_is_a_usage_error():
    with pytest.raises(UsageError):
        parse_json(b"{}")  # type: ignore[arg-type]
