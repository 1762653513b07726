"""Try-it blocks: the request a learner edits, and the steps check_content proves."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from learning.courses.tryit import step_words, tryit_step_problems
from tests.learning.content.factories import EC2_TRUST, LessonFactory

HTMX = {"HTTP_HX_REQUEST": "true"}

BLOCK = {
    "policy": json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::444455556666:role/Deploy"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "right-id"}},
                }
            ],
        }
    ),
    "request": {
        "principal": "arn:aws:iam::444455556666:role/Deploy",
        "action": "sts:AssumeRole",
        "role_arn": "arn:aws:iam::111122223333:role/Release",
        "context": {"sts:ExternalId": "wrong-id"},
    },
    "expect": "implicitDeny",
}


def test_steps_that_the_engine_confirms_pass():
    steps = [
        {"context": {"sts:ExternalId": "right-id"}, "expect": "allowed"},
        {"principal": "arn:aws:iam::444455556666:role/Intern", "expect": "implicitDeny"},
        {"policy_replace": ["role/Deploy", "root"], "expect": "allowed"},
    ]
    assert tryit_step_problems("here", {**BLOCK, "steps": steps}) == []


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        (None, "declares its steps"),
        ([{"context": {"sts:ExternalId": "right-id"}, "expect": "implicitDeny"}], "gives allowed"),
        ([{"policy_replace": ["not there", "x"], "expect": "allowed"}], "is not in the policy"),
        ([{"principal": "", "expect": "implicitDeny"}], "cannot be typed into the page"),
        ([{"colour": "red", "expect": "allowed"}], "needs 'expect' and only"),
    ],
    ids=["no-steps", "wrong-decision", "missing-text", "empty-principal", "unknown-key"],
)
def test_a_step_the_page_cannot_do_is_a_content_problem(steps, problem):
    block = {**BLOCK, "steps": steps} if steps is not None else BLOCK
    problems = tryit_step_problems("here", block)
    assert problems and problem in problems[0]


def test_steps_read_as_sentences_with_the_decision_in_words():
    assert (
        step_words({"context": {"sts:ExternalId": "right-id"}, "expect": "implicitDeny"})
        == "Set sts:ExternalId to right-id: denied (no statement allows it)."
    )


@pytest.mark.django_db
def test_the_learner_edits_the_request_and_the_lesson_shows_the_steps(client):
    lesson = LessonFactory()
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert 'name="principal" value="ec2.amazonaws.com"' in page
    assert "Set the principal to lambda.amazonaws.com: denied (no statement allows it)." in page
    assert '<pre class="request">' not in page
    url = reverse("courses:lesson_tryit", args=[lesson.slug, 0])
    sent = {
        "policy": EC2_TRUST,
        "action": "sts:AssumeRole",
        "condition_key": "",
        "condition_values": "",
    }
    allowed = client.post(url, {**sent, "principal": "ec2.amazonaws.com"}, **HTMX)
    assert 'data-decision="allowed"' in allowed.content.decode()
    denied = client.post(url, {**sent, "principal": "lambda.amazonaws.com"}, **HTMX)
    assert 'data-decision="implicitDeny"' in denied.content.decode()


@pytest.mark.django_db
def test_a_request_the_engine_cannot_use_is_a_400_with_its_message(client):
    lesson = LessonFactory()
    url = reverse("courses:lesson_tryit", args=[lesson.slug, 0])
    response = client.post(
        url,
        {
            "policy": EC2_TRUST,
            "principal": "ec2.amazonaws.com",
            "action": "sts:AssumeRole",
            "condition_key": "no colon here",
            "condition_values": "x",
        },
        **HTMX,
    )
    assert response.status_code == 400
    assert "is not a condition key" in response.content.decode()
    empty = client.post(url, {"policy": EC2_TRUST, "principal": " ", "action": "sts:AssumeRole"})
    assert empty.status_code == 400 and "Enter the caller" in empty.content.decode()
