"""Share links: the format the editor bundle uses, read back safely."""

from __future__ import annotations

import base64
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.playground import (
    ConditionRow,
    PlaygroundState,
    StateError,
    default_state,
    state_from_share,
)
from policies.share import (
    MAX_SHARE_JSON_BYTES,
    ShareError,
    decode_share_state,
    encode_share_state,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(json_values)
def test_any_json_value_survives_a_round_trip(value):
    assert decode_share_state(encode_share_state(value)) == value


def test_the_format_is_raw_deflate_in_unpadded_base64url():
    text = encode_share_state({"policy": "é" * 40, "tab": "explain"})
    assert "=" not in text and "+" not in text and "/" not in text
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    assert zlib.decompress(raw, -15).decode() == '{"policy":"' + "é" * 40 + '","tab":"explain"}'


def test_what_the_browser_writes_is_read():
    # CompressionStream("deflate-raw") output for {"a":1}, made with zlib at level 6.
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = deflater.compress(b'{"a":1}') + deflater.flush()
    assert decode_share_state(base64.urlsafe_b64encode(data).rstrip(b"=").decode()) == {"a": 1}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("!!!", "characters that do not belong"),
        ("AAAA", "damaged|cut short"),
        (encode_share_state({"policy": "x" * 300})[:-4], "cut short"),
        (base64.urlsafe_b64encode(zlib.compress(b"{}")).decode().rstrip("="), "damaged"),
        ("A" * 17_000, "longer than any link"),
    ],
)
def test_unreadable_links_raise_one_error_type_with_a_reason(text, words):
    with pytest.raises(ShareError, match=words):
        decode_share_state(text)


def test_text_that_is_not_json_is_refused():
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = deflater.compress(b"\xff\xfe not json") + deflater.flush()
    with pytest.raises(ShareError, match="not readable"):
        decode_share_state(base64.urlsafe_b64encode(data).decode().rstrip("="))


def test_decompression_is_bounded():
    bomb = encode_share_state("x" * (MAX_SHARE_JSON_BYTES * 50))
    assert len(bomb) < 10_000
    with pytest.raises(ShareError, match="more than this page accepts"):
        decode_share_state(bomb)


def test_a_playground_state_round_trips_through_a_link():
    state = PlaygroundState(
        policy='{"Version": "2012-10-17"}',
        identity_policy="{}",
        preset="github",
        principal="arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        action="sts:AssumeRoleWithWebIdentity",
        role_arn="arn:aws:iam::111122223333:role/Deploy",
        conditions=[ConditionRow("token.actions.githubusercontent.com:sub", "repo:a/b:*")],
        tab="cloudtrail",
        editor="identity",
    )
    back = state_from_share(decode_share_state(encode_share_state(state.to_share())))
    assert back == state


def test_unknown_tabs_in_a_link_fall_back_to_the_first():
    value = default_state().to_share() | {"tab": "nope", "editor": 3}
    state = state_from_share(value)
    assert (state.tab, state.editor) == ("decision", "trust")


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"v": 2, "policy": "{}"},
        {"v": 1},
        {"v": 1, "policy": "{}", "conditions": "a"},
        {"v": 1, "policy": "{}", "conditions": [["a", 1]]},
        {"v": 1, "policy": "{}", "principal": ["x"]},
    ],
)
def test_values_that_are_not_a_playground_state_are_refused(value):
    with pytest.raises(StateError):
        state_from_share(value)
