"""Where a learner is: done lessons, 'Continue', the exam banner and resuming it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learning.models import ExamAttempt
from tests.learning.content.factories import (
    EC2_TRUST,
    ExerciseFactory,
    LessonFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db


def test_solving_every_exercise_of_a_lesson_makes_it_done_and_moves_continue_on(client):
    first = LessonFactory(title="Anatomy of a trust policy")
    second = LessonFactory(title="How AWS decides")
    exercise = ExerciseFactory(lesson=first)
    fresh = client.get(reverse("courses:course_map")).content.decode()
    assert "Start the course: Anatomy of a trust policy" in fresh
    assert "0 of 1 exercise solved" in fresh
    client.post(reverse("courses:exercise_submit", args=[exercise.slug]), {"policy": EC2_TRUST})
    html = client.get(reverse("courses:course_map")).content.decode()
    assert "1 of 2 lessons done" in html
    assert "1 of 1 exercise solved" in html
    assert f"Continue: {second.title}" in html
    home = client.get(reverse("home")).content.decode()
    assert f"Continue: {second.title}" in home and "Preparing for an exam?" in home


def test_visitors_are_told_where_their_progress_lives_and_members_are_not(
    client, django_user_model
):
    LessonFactory()
    html = client.get(reverse("courses:course_map")).content.decode()
    assert "kept in this browser for 14 days" in html and "Sign up" in html
    user = django_user_model.objects.create_user(username="m", email="m@example.com")
    client.force_login(user)
    assert "kept in this browser" not in client.get(reverse("home")).content.decode()


def test_an_exam_in_progress_shows_a_banner_that_resumes_at_the_first_unanswered(client):
    for _ in range(10):
        QuestionFactory()
    started = client.post(reverse("practice:exam_start"), {"exam": "SAA-C03", "count": 10})
    attempt = ExamAttempt.objects.get()
    first = reverse("practice:exam_question", args=[attempt.public_id, 1])
    assert started["Location"] == first
    client.post(first, {"option": "0", "go": "next"})
    resume = reverse("practice:exam_resume", args=[attempt.public_id])
    for page in (reverse("home"), reverse("courses:course_map"), reverse("policies:playground")):
        assert f'href="{resume}"' in client.get(page).content.decode(), page
    assert "Exam in progress" not in client.get(first).content.decode()
    response = client.get(resume)
    assert response["Location"] == reverse("practice:exam_question", args=[attempt.public_id, 2])
    assert client.post(resume).status_code == 405
    other = client.__class__()
    assert other.get(resume).status_code == 404
