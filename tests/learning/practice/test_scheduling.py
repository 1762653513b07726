"""Spaced review: ratings, schedules capped by the exam date, the day's queue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest

from learning.learners import Learner
from learning.models import QuestionAnswer, ReviewCard, ReviewLog
from learning.practice import scheduling
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db
ALICE = Learner(user_id=None, session_key="alice-session")
BOB = Learner(user_id=None, session_key="bob-session")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("correct", "seconds", "hinted", "rating"),
    [
        (False, 10, False, fsrs.Rating.Again),
        (True, 200, False, fsrs.Rating.Hard),
        (True, 60, True, fsrs.Rating.Hard),
        (True, 60, False, fsrs.Rating.Good),
        (True, 10, False, fsrs.Rating.Easy),
        (True, None, False, fsrs.Rating.Good),
    ],
)
def test_the_rating_comes_from_the_answer(correct, seconds, hinted, rating):
    assert scheduling.rating_for(correct=correct, seconds=seconds, hinted=hinted) == rating


def test_a_missed_question_comes_back_sooner_than_a_known_one():
    missed, known = QuestionFactory(), QuestionFactory()
    scheduling.card_review(learner=ALICE, question=missed, rating=fsrs.Rating.Again, now=NOW)
    scheduling.card_review(learner=ALICE, question=known, rating=fsrs.Rating.Easy, now=NOW)
    missed_card = ReviewCard.objects.get(question=missed)
    known_card = ReviewCard.objects.get(question=known)
    assert missed_card.due <= NOW + timedelta(minutes=10)
    assert known_card.due >= NOW + timedelta(days=1)
    assert ReviewLog.objects.count() == 2


def test_the_exam_date_caps_the_schedule():
    question = QuestionFactory()
    scheduling.study_plan_set(learner=ALICE, exam="SAA-C03", exam_date=date(2026, 12, 3))
    card = None
    for day in range(4):  # easy answers push the interval out past the exam
        card = scheduling.card_review(
            learner=ALICE, question=question, rating=fsrs.Rating.Easy, now=NOW + timedelta(days=day)
        )
    assert card.due <= datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def test_capped_due_leaves_earlier_reviews_alone():
    due = NOW + timedelta(days=2)
    assert scheduling.capped_due(due, now=NOW, exam_date=date(2027, 1, 1)) == due
    assert scheduling.capped_due(due, now=NOW, exam_date=None) == due
    assert scheduling.capped_due(due, now=NOW, exam_date=date(2026, 11, 28)) == NOW


def test_a_backlog_is_spread_over_days_not_dumped():
    for _ in range(35):
        question = QuestionFactory()
        ReviewCard.objects.create(
            question=question, due=NOW - timedelta(days=30), **ALICE.owner_fields()
        )
    queue = scheduling.reviews_due(ALICE, now=NOW)
    assert queue.due_total == 35
    assert queue.today == scheduling.DAILY_REVIEW_LIMIT
    assert scheduling.reviews_due(BOB, now=NOW).due_total == 0


def test_practice_answers_are_recorded_and_scheduled():
    question = QuestionFactory()
    answer = scheduling.practice_answer(learner=ALICE, question=question, chosen=[1], seconds=30)
    assert answer.correct is False
    assert ReviewCard.objects.get(question=question).state == fsrs.State.Learning.value
    assert QuestionAnswer.objects.filter(session_key="alice-session").count() == 1
