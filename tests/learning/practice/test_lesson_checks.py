"""A missed end-of-lesson check comes back in spaced review, outside the question bank."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from django.urls import reverse
from django.utils import timezone

from learning.learners import Learner
from learning.models import Question, ReviewCard
from learning.practice import bank
from learning.practice.lesson_checks import lesson_check_question, lesson_check_review
from tests.learning.content.factories import LessonFactory

pytestmark = pytest.mark.django_db
ALICE = Learner(user_id=None, session_key="alice-session")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
CHECK = 1  # the factory lesson's check block


def test_a_missed_check_becomes_a_lapse_card_that_is_due_soon():
    lesson = LessonFactory()
    card = lesson_check_review(learner=ALICE, lesson=lesson, index=CHECK, correct=False, now=NOW)
    assert card is not None and card.due <= NOW + timedelta(hours=1)
    assert card.logs.get().rating == fsrs.Rating.Again.value
    question = card.question
    assert question.lesson == lesson and question.type == "single"
    assert question.correct_indexes == [0]
    assert "A trust policy has no Resource element." in question.options[1]["why_html"]
    assert question.sources == ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html"]


def test_a_right_check_makes_no_card():
    lesson = LessonFactory()
    assert lesson_check_review(learner=ALICE, lesson=lesson, index=CHECK, correct=True) is None
    assert not ReviewCard.objects.exists()


def test_the_copy_stays_out_of_the_bank_and_follows_the_lesson_text():
    lesson = LessonFactory()
    first = lesson_check_question(lesson=lesson, index=CHECK)
    assert first not in bank.live_questions()
    blocks = [dict(b) for b in lesson.blocks]
    blocks[CHECK]["question"] = "Which element names who may assume the role?"
    lesson.blocks = blocks
    lesson.save()
    again = lesson_check_question(lesson=lesson, index=CHECK)
    assert again.pk == first.pk and Question.objects.count() == 1
    assert "Which element names who may assume the role?" in again.stem_html


def test_missing_a_lesson_check_puts_it_in_review(client):
    lesson = LessonFactory()
    url = reverse("courses:lesson_check", args=[lesson.slug, CHECK])
    client.post(url, {"option": "1"})
    card = ReviewCard.objects.get()
    ReviewCard.objects.update(due=timezone.now() - timedelta(minutes=1))
    review = client.get(reverse("practice:review")).content.decode()
    assert card.question.qid in review
    done = client.post(reverse("practice:review"), {"qid": card.question.qid, "option": "0"})
    assert "Correct" in done.content.decode()
