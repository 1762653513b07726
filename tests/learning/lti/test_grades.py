"""Assignment and Grade Services: a finished item posts a score, at once, and a
platform that is down gets it later from the background retry."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.classrooms import services as classrooms
from learning.lti.grades import retry_due, score_send
from learning.lti.models import ScorePost
from learning.models import Assignment, Question
from learning.practice import exams as quiz
from tests.learning.accounts.factories import UserFactory
from tests.learning.content.factories import (
    EC2_TRUST,
    ExerciseFactory,
    LessonFactory,
    QuestionFactory,
)
from tests.learning.lti import platform as fake

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CUSTOM = fake.CLAIM + "custom"

# Scores are sent when the transaction that finished the item commits: real commits here.
pytestmark = pytest.mark.django_db(transaction=True)


def ags(scopes=fake.AGS_SCOPES) -> dict:
    return {AGS: {"scope": scopes, "lineitem": fake.LINEITEM}}


def csrf(client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


@pytest.fixture
def lesson(db):
    return LessonFactory(slug="trust-basics")


def finish_lesson(client, lesson) -> None:
    token = csrf(client, lesson.get_absolute_url())
    done = reverse("courses:lesson_done", args=[lesson.slug])
    assert client.post(done, {"csrfmiddlewaretoken": token}).status_code == 302


def test_marking_the_lesson_done_posts_the_score_at_once(
    launch, browser_client, platform_server, lesson
):
    launch(sub="learner-5", **{CUSTOM: {"rolecall": "lesson:trust-basics"}}, **ags())
    finish_lesson(browser_client, lesson)
    (score,) = platform_server.scores
    assert score["scoreGiven"] == 1.0 and score["scoreMaximum"] == 1.0
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["userId"] == "learner-5"
    assert datetime.fromisoformat(score["timestamp"]).utcoffset() == timedelta(0)
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert platform_server.score_urls == [
        f"{fake.HOST}/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3"
    ]
    assert ScorePost.objects.get().status == ScorePost.Status.SENT


def test_the_token_request_carries_a_fresh_signed_client_assertion(
    launch, browser_client, platform_server, lesson
):
    launch(**{CUSTOM: {"rolecall": "lesson:trust-basics"}}, **ags())
    finish_lesson(browser_client, lesson)
    finish_lesson(browser_client, lesson)
    first, second = platform_server.assertions
    for assertion in (first, second):
        claims, form = assertion["claims"], assertion["form"]
        assert claims["iss"] == claims["sub"] == fake.CLIENT_ID
        assert claims["aud"] == fake.TOKEN_URL
        assert form["grant_type"] == "client_credentials"
        assert form["client_assertion_type"].endswith("jwt-bearer")
        assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in form["scope"].split()
    assert first["claims"]["jti"] != second["claims"]["jti"]


def test_a_platform_that_is_down_gets_the_score_later(
    launch, browser_client, platform_server, lesson
):
    launch(**{CUSTOM: {"rolecall": "lesson:trust-basics"}}, **ags())
    platform_server.down = True
    finish_lesson(browser_client, lesson)
    post = ScorePost.objects.get()
    assert (post.status, post.attempts) == (ScorePost.Status.PENDING, 1)
    assert "503" in post.last_error
    assert post.next_attempt > timezone.now()
    assert retry_due() == 0  # not yet due
    platform_server.down = False
    assert retry_due(now=post.next_attempt + timedelta(seconds=1)) == 1
    post.refresh_from_db()
    assert (post.status, post.attempts) == (ScorePost.Status.SENT, 2)
    assert len(platform_server.scores) == 1


def test_the_teacher_grid_shows_pending_scores(launch, browser_client, platform_server, lesson):
    launch(
        sub="learner-5",
        name="Grace Hopper",
        **{CUSTOM: {"rolecall": "lesson:trust-basics"}},
        **ags(),
    )
    platform_server.down = True
    finish_lesson(browser_client, lesson)
    classroom = Assignment.objects.get().classroom
    teacher = UserFactory()
    classrooms.co_teacher_add(classroom=classroom, email=teacher.email)
    browser_client.force_login(teacher)
    page = browser_client.get(classroom.get_absolute_url()).content.decode()
    assert "Grades waiting for the course platform" in page
    assert "Grace Hopper" in page and "1 / 1" in page
    platform_server.down = False
    assert retry_due(now=timezone.now() + timedelta(hours=1)) == 1
    page = browser_client.get(classroom.get_absolute_url()).content.decode()
    assert "Grades waiting for the course platform" not in page


def test_a_solved_exercise_posts_and_a_failed_one_does_not(launch, browser_client, platform_server):
    exercise = ExerciseFactory(slug="let-ec2-in")
    launch(**{CUSTOM: {"rolecall": "exercise:let-ec2-in"}}, **ags())
    url = reverse("courses:exercise_submit", args=[exercise.slug])
    token = csrf(browser_client, exercise.get_absolute_url())
    wrong = '{"Version": "2012-10-17", "Statement": []}'
    browser_client.post(url, {"policy": wrong, "csrfmiddlewaretoken": token})
    assert platform_server.scores == []
    browser_client.post(url, {"policy": EC2_TRUST, "csrfmiddlewaretoken": token})
    assert [s["scoreGiven"] for s in platform_server.scores] == [1.0]


def test_a_submitted_exam_posts_correct_out_of_total(launch, browser_client, platform_server):
    QuestionFactory.create_batch(12, tasks=[("DVA-C02", "2.1")])
    launch(sub="learner-5", **{CUSTOM: {"rolecall": "exam:DVA-C02"}}, **ags())
    assignment = Assignment.objects.get()
    student = assignment.classroom.memberships.get(role="student").user
    attempt = classrooms.assignment_exam_start(assignment=assignment, user=student)
    question = Question.objects.get(pk=attempt.question_ids[0])
    quiz.exam_answer(attempt=attempt, question=question, chosen=[0], flagged=False)
    quiz.exam_submit(attempt=attempt)
    (score,) = platform_server.scores
    assert score["scoreGiven"] == 1.0
    assert score["scoreMaximum"] == float(len(attempt.question_ids))


def test_without_a_grade_service_claim_nothing_is_posted(
    launch, browser_client, platform_server, lesson
):
    launch(**{CUSTOM: {"rolecall": "lesson:trust-basics"}})
    finish_lesson(browser_client, lesson)
    assert platform_server.scores == [] and not ScorePost.objects.exists()


def test_a_learner_from_outside_any_platform_posts_nothing(client, lesson, platform_server):
    client.force_login(UserFactory())
    finish_lesson(client, lesson)
    assert platform_server.requests == [] and not ScorePost.objects.exists()


def test_a_score_already_claimed_by_another_process_is_not_sent_twice(
    launch, browser_client, platform_server, lesson
):
    launch(**{CUSTOM: {"rolecall": "lesson:trust-basics"}}, **ags())
    platform_server.down = True
    finish_lesson(browser_client, lesson)
    post = ScorePost.objects.get()
    platform_server.down = False
    ScorePost.objects.filter(pk=post.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert score_send(post_id=post.pk, now=post.next_attempt) is False
    assert platform_server.scores == []


def test_an_item_finished_before_grading_was_set_up_is_graded_at_the_next_launch(
    launch, browser_client, platform_server, lesson
):
    custom = {CUSTOM: {"rolecall": "lesson:trust-basics"}}
    launch(sub="learner-5", **custom)  # the platform had no grade column yet
    finish_lesson(browser_client, lesson)
    assert platform_server.scores == []
    launch(sub="learner-5", **custom, **ags())
    assert [(s["userId"], s["scoreGiven"]) for s in platform_server.scores] == [("learner-5", 1.0)]
    launch(sub="learner-5", **custom, **ags())
    assert len(platform_server.scores) == 1  # not again on every launch
