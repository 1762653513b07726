"""Grading by proof: after the scenarios pass, the learner's policy is compared
with the reference, and a loophole the scenarios missed fails the submission."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from learning.courses.grading import grade_policy
from policies.engine import evaluate
from policies.grading_compare import loophole_scenarios
from policies.playground import state_from_share
from policies.share import decode_share_state
from tests.learning.content.factories import ExerciseFactory

EXERCISES = sorted((Path(__file__).parents[3] / "learning/content/exercises").glob("*.yaml"))
HTMX = {"HTTP_HX_REQUEST": "true"}
TOOLING = "444455556666"
ROOT = f"arn:aws:iam::{TOOLING}:root"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _graded(data: dict, policy: str):
    extra = loophole_scenarios(
        policy=policy,
        reference=data["solution"],
        scope=data.get("scope"),
        role_arn=data["role_arn"],
    )
    return grade_policy(
        policy=policy, scenarios=data["scenarios"] + extra, role_arn=data["role_arn"]
    )


@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_every_reference_is_accepted_and_every_starting_policy_refused(path: Path):
    data = _load(path)
    assert "scope" in data, "every exercise declares the scope grading compares over"
    assert _graded(data, data["solution"]).passed
    assert not _graded(data, data["starting_policy"]).passed


def _partial_fix() -> str:
    """Denies the two contractor roles the scenarios name, and no other."""
    named = [f"arn:aws:iam::{TOOLING}:role/contractor-{n}" for n in ("jane", "omar")]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "sts:AssumeRole"},
                {
                    "Effect": "Deny",
                    "Principal": {"AWS": ROOT},
                    "Action": "sts:AssumeRole",
                    "Condition": {"ArnEquals": {"aws:PrincipalArn": named}},
                },
            ],
        }
    )


def test_a_policy_that_only_passes_the_scenarios_fails_with_the_caller_who_gets_in():
    data = _load(next(p for p in EXERCISES if p.stem == "fnd-deny-contractors"))
    policy = _partial_fix()
    assert grade_policy(
        policy=policy, scenarios=data["scenarios"], role_arn=data["role_arn"]
    ).passed
    grade = _graded(data, policy)
    failure = grade.first_failure
    assert failure is not None and failure.name.startswith("This caller would get in")
    request = grade.outcomes[-1].result
    assert request["decision"] == "allowed"
    # The request it names really is a contractor role the learner lets in.
    loophole = loophole_scenarios(
        policy=policy, reference=data["solution"], scope=data["scope"], role_arn=data["role_arn"]
    )[0]["request"]
    assert "contractor-" in loophole["principal"]
    case = {"trust_policy": data["solution"], "request": loophole}
    assert evaluate(case).decision != "allowed"


def test_admitting_less_fails_unless_the_exercise_allows_it():
    data = _load(next(p for p in EXERCISES if p.stem == "svc-ec2-write-trust"))
    reference = json.loads(data["solution"])
    # Same policy, but refuses any request that sets a source identity.
    reference["Statement"][0]["Condition"] = {"Null": {"aws:SourceIdentity": "true"}}
    stricter = json.dumps(reference)
    assert _graded(data, stricter).passed is (bool(data["scope"].get("allow_less")))
    lenient = {**data, "scope": {**data["scope"], "allow_less": True}}
    assert _graded(lenient, stricter).passed


@pytest.mark.django_db
def test_the_exercise_page_shows_the_caller_who_would_get_in(client):
    data = _load(next(p for p in EXERCISES if p.stem == "fnd-deny-contractors"))
    exercise = ExerciseFactory(
        role_arn=data["role_arn"],
        starting_policy=data["starting_policy"],
        solution=data["solution"],
        scenarios=data["scenarios"],
        scope=data["scope"],
    )
    url = reverse("courses:exercise_submit", args=[exercise.slug])
    html = client.post(url, {"policy": _partial_fix()}, **HTMX).content.decode()
    assert "Not yet" in html
    assert "This caller would get in" in html and "contractor-" in html
    # A link loads the request that gets in into the playground's request panel.
    share = html.split('class="try-request" href="')[1].split('"')[0].split("?s=")[1]
    state = state_from_share(decode_share_state(share))
    assert "contractor-" in state.principal and state.action == "sts:AssumeRole"
    solved = client.post(url, {"policy": data["solution"]}, **HTMX).content.decode()
    assert "Solved" in solved
