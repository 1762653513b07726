"""Every route that runs the engine counts against the live-check limit, and what
those runs store is bounded (issue 15, finding 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learning.courses.services import KEPT_ATTEMPTS
from learning.models import ExerciseAttempt, QuestionAnswer
from learning.practice.scheduling import KEPT_POLICIES
from tests.learning.content.factories import (
    EC2_TRUST,
    ExerciseFactory,
    LessonFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_of_three(settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 3
    return 3


def test_exercise_submissions_count_against_the_check_limit(client, limit_of_three):
    exercise = ExerciseFactory()
    url = reverse("courses:exercise_submit", args=[exercise.slug])
    statuses = [client.post(url, {"policy": EC2_TRUST}).status_code for _ in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429
    assert ExerciseAttempt.objects.count() == 3


def test_lesson_try_its_count_against_the_check_limit(client, limit_of_three):
    lesson = LessonFactory()
    url = reverse("courses:lesson_tryit", args=[lesson.slug, 0])
    statuses = [client.post(url, {"policy": EC2_TRUST}).status_code for _ in range(4)]
    assert 429 not in statuses[:3] and statuses[3] == 429


def test_practice_answers_share_the_limit_with_the_playground(client, limit_of_three):
    question = QuestionFactory()
    for _ in range(3):
        client.post(reverse("policies:playground"), {"policy": EC2_TRUST})
    response = client.post(reverse("practice:question"), {"qid": question.qid, "option": "0"})
    assert response.status_code == 429 and "Retry-After" in response
    assert not QuestionAnswer.objects.exists()


def test_a_learner_keeps_a_bounded_number_of_attempts_per_exercise(client):
    exercise = ExerciseFactory()
    url = reverse("courses:exercise_submit", args=[exercise.slug])
    client.post(url, {"policy": EC2_TRUST})  # passes: kept as the first pass
    # A policy that parses and has no error finding, but admits the wrong service,
    # is graded and stored (a broken one is refused before grading and never stored).
    wrong = EC2_TRUST.replace("ec2.amazonaws.com", "lambda.amazonaws.com")
    for _ in range(KEPT_ATTEMPTS + 5):
        client.post(url, {"policy": wrong})
    attempts = ExerciseAttempt.objects.all()
    assert attempts.count() == KEPT_ATTEMPTS + 1
    assert attempts.filter(passed=True).count() == 1


def test_only_the_newest_fix_policies_are_kept_as_text(client):
    question = QuestionFactory(type="fix", options=[], exercise_data=None)
    question.exercise_data = {
        "role_arn": "arn:aws:iam::111122223333:role/WebServer",
        "starting_policy": "{}",
        "scenarios": ExerciseFactory.build().scenarios,
    }
    question.save()
    for n in range(KEPT_POLICIES + 3):
        client.post(
            reverse("practice:question"), {"qid": question.qid, "policy": EC2_TRUST + " " * n}
        )
    answers = QuestionAnswer.objects.all()
    assert answers.count() == KEPT_POLICIES + 3
    assert answers.exclude(policy="").count() == KEPT_POLICIES
