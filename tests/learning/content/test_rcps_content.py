"""Questions and exercises carry the role account's RCPs to the engine, and learners see them."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from learning.content.checks import _check_question
from learning.content.loader import content_load
from learning.courses.grading import grade_policy
from learning.models import Question
from tests.learning.content.factories import QuestionFactory

PARTNER = "arn:aws:iam::444455556666:role/PartnerAudit"
ROLE = "arn:aws:iam::111122223333:role/AuditRead"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "sts:AssumeRole"}
        ],
    }
)
FULL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}
PERIMETER = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sts:AssumeRole",
            "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        }
    ],
}
RCPS = [[FULL, PERIMETER]]
OUTSIDER = {
    "principal": PARTNER,
    "action": "sts:AssumeRole",
    "role_arn": ROLE,
    "context": {"aws:PrincipalOrgID": "o-zz9y8x7w6v"},
}


def _predict(decision: str, **extra) -> dict:
    options = [
        {"text": f"{label}: reason {n}", "correct": n == 0, "why": "because"}
        for n, label in enumerate(["Explicit deny", "Explicit deny", "Allowed", "Implicit deny"])
    ]
    return {
        "id": "rcp-test",
        "type": "predict",
        "topic": "organizations",
        "exams": {"SAA-C03": ["1.1"]},
        "difficulty": 2,
        "stem": "What happens?",
        "policy": TRUST,
        "request": OUTSIDER,
        "decision": decision,
        "options": options,
        "sources": [
            "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"
        ],
        **extra,
    }


def test_a_predict_question_with_rcps_is_checked_against_the_engine():
    assert _check_question("q", _predict("explicitDeny", rcps=RCPS)) == []
    # The same item without its RCPs is keyed wrong: the trust policy alone allows the partner.
    problems = _check_question("q", _predict("explicitDeny"))
    assert problems == ["q: keyed explicitDeny, the engine says allowed"]


def test_a_check_with_rcps_is_checked_against_the_engine():
    item = _predict("explicitDeny", rcps=RCPS)
    item["type"] = "single"
    item.pop("decision")
    item["checks"] = [{"request": OUTSIDER, "rcps": RCPS, "decision": "allowed"}]
    assert _check_question("q", item) == ["q: keyed allowed, the engine says explicitDeny"]


def test_an_exercise_scenario_with_rcps_is_graded_with_them():
    scenario = {"name": "outsider", "expect": "allowed", "request": OUTSIDER}
    assert grade_policy(policy=TRUST, scenarios=[scenario], role_arn=ROLE).passed
    fenced = grade_policy(policy=TRUST, scenarios=[{**scenario, "rcps": RCPS}], role_arn=ROLE)
    assert not fenced.passed
    assert fenced.outcomes[0].decision == "explicitDeny"


@pytest.mark.django_db
def test_loaded_rcp_questions_keep_their_rcps():
    content_load()
    question = Question.objects.get(qid="rcp-009")
    assert question.decision == "explicitDeny"
    levels = question.caller_policies["rcps"]
    assert any(s["Effect"] == "Deny" for level in levels for p in level for s in p["Statement"])


@pytest.mark.django_db
def test_the_question_page_shows_the_rcps_under_their_own_label(client):
    QuestionFactory(caller_policies={"rcps": RCPS})
    html = client.get(reverse("practice:question")).content.decode()
    assert "Resource control policies of the role&#x27;s account (by level)" in html
    assert "o-a1b2c3d4e5" in html
