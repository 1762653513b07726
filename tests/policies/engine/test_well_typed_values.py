"""The condition rules pass a well-written typed value (a number, an ISO date, true or
false) by a quick test (``values.WELL_TYPED``) before the full type check; the quick
test must never pass a value the full check would report, or a wrong value would go
unreported. These tests hold the two together on written and generated values.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine.aws.operators import OPERATORS
from policies.engine.findings import Finding
from policies.engine.jsontree import Span
from policies.engine.rules.values import WELL_TYPED, typed_value

SPAN = Span(1, 1, 1, 2)
TYPED_BASES = [name for name, op in OPERATORS.items() if op.family in WELL_TYPED]
# Digits (ASCII and Arabic-Indic), the date and number separators, and the letters of
# true/false in both cases: the characters the patterns and the set are about.
TEXT = st.text(alphabet="0123456789٣-+.:TZ truefalsTRUEFALS\n", max_size=26)


def full_check(base: str, key: str, text: str) -> list[Finding]:
    out: list[Finding] = []
    typed_value(base, key, text, SPAN, out)
    return out


@pytest.mark.parametrize(
    ("base", "text"),
    [
        ("NumericLessThan", "3600"),
        ("NumericEquals", "-1.5"),
        ("DateGreaterThan", "2030-01-01T00:00:00Z"),
        ("DateLessThan", "2030-01-01"),
        ("DateEquals", "2030-01-01T00:00:00.5+01:00"),
        ("Bool", "true"),
        ("Null", "false"),
    ],
)
def test_a_usual_value_passes_the_quick_test_and_the_full_check(base: str, text: str) -> None:
    assert WELL_TYPED[OPERATORS[base].family](text)
    assert full_check(base, "aws:CurrentTime", text) == []


@pytest.mark.parametrize(
    ("base", "text", "code"),
    [
        ("DateGreaterThan", "1700000000", "INVALID_DATE_VALUE"),  # epoch seconds
        ("NumericLessThan", "1e3", "TYPE_MISMATCH_NUMBER"),
        ("Bool", "yes", "TYPE_MISMATCH_BOOLEAN"),
        ("DateLessThan", "2030-1-1", "TYPE_MISMATCH_DATE"),
    ],
)
def test_a_value_the_full_check_reports_fails_the_quick_test(
    base: str, text: str, code: str
) -> None:
    assert not WELL_TYPED[OPERATORS[base].family](text)
    assert [f.code for f in full_check(base, "aws:CurrentTime", text)] == [code]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(TYPED_BASES), text=TEXT)
def test_the_quick_test_passes_no_value_the_full_check_reports(base: str, text: str) -> None:
    if WELL_TYPED[OPERATORS[base].family](text):
        assert full_check(base, "aws:CurrentTime", text) == []
