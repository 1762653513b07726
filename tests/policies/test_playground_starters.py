"""Every template in the playground's menu: correct ones are clean, "find the
hole" ones have the hole the engine can see, and each lets its own caller in."""

from __future__ import annotations

import json

import pytest

from policies.engine import describe, evaluate, validate
from policies.playground import playground_check, state_for_starter
from policies.presets import PRESETS, PRESETS_BY_SLUG
from policies.starters import STARTERS

SERIOUS = {"error", "security_warning"}


@pytest.mark.parametrize("starter", [s for s in STARTERS if not s.vulnerable], ids=lambda s: s.slug)
def test_correct_templates_raise_no_error_or_security_warning(starter):
    serious = [f for f in validate(starter.policy_text) if f.severity in SERIOUS]
    assert serious == []
    assert describe(starter.policy_text, "111122223333").warnings == []


@pytest.mark.parametrize("starter", [s for s in STARTERS if s.vulnerable], ids=lambda s: s.slug)
def test_find_the_hole_templates_are_flagged(starter):
    codes = [f.code for f in validate(starter.policy_text) if f.severity == "security_warning"]
    assert codes, f"{starter.slug} has no security warning"
    assert starter.hole


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.slug)
def test_each_template_lets_its_own_caller_in(starter):
    check = playground_check(state=state_for_starter(starter))
    assert check.errors == {}
    assert check.answer["decision"] == "allowed", check.answer["explanation"]


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.slug)
def test_templates_are_valid_json_with_a_source_page(starter):
    assert json.loads(starter.policy_text)["Version"] == "2012-10-17"
    assert starter.source.startswith("https://docs.aws.amazon.com/")
    assert starter.preset in PRESETS_BY_SLUG


def test_slugs_are_unique_and_there_are_holes_to_find():
    assert len({s.slug for s in STARTERS}) == len(STARTERS)
    assert sum(s.vulnerable for s in STARTERS) >= 3


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.slug)
def test_each_preset_is_a_request_the_engine_accepts(preset):
    context = dict(preset.context)
    result = evaluate(
        {
            "trust_policy": '{"Version": "2012-10-17", "Statement": []}',
            "request": {"principal": preset.principal, "action": preset.action, "context": context},
        }
    )
    assert result.decision == "implicitDeny"
