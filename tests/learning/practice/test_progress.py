"""When a card comes back, the end-of-session summary, and the exam countdown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest
from django.urls import reverse
from django.utils import timezone

from learning.learners import Learner
from learning.models import QuestionAnswer, ReviewCard, StudyPlan
from learning.practice import progress
from learning.practice.scheduling import card_review
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db
ALICE = Learner(user_id=None, session_key="alice-session")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=30), "now"),
        (timedelta(minutes=10), "in 10 minutes"),
        (timedelta(minutes=1, seconds=30), "in 2 minutes"),
        (timedelta(hours=5), "in 5 hours"),
        (timedelta(hours=26), "tomorrow"),
        (timedelta(days=3, hours=2), "in 3 days"),
    ],
)
def test_due_phrase(delta, text):
    assert progress.due_phrase(NOW + delta, now=NOW) == text


def test_card_due_follows_the_fsrs_schedule():
    question = QuestionFactory()
    assert progress.card_due(ALICE, question) is None
    card = card_review(learner=ALICE, question=question, rating=fsrs.Rating.Again, now=NOW)
    assert progress.card_due(ALICE, question) == card.due == NOW + timedelta(minutes=10)
    assert progress.card_due(Learner(user_id=None, session_key="bob"), question) is None


def _review_answer(question, *, correct, when):
    answer = QuestionAnswer.objects.create(
        question=question, mode="review", chosen=[0], correct=correct, **ALICE.owner_fields()
    )
    QuestionAnswer.objects.filter(pk=answer.pk).update(created=when)


def test_review_summary_counts_today_and_names_the_next_due_card():
    questions = [QuestionFactory() for _ in range(4)]
    _review_answer(questions[0], correct=True, when=NOW - timedelta(hours=1))
    _review_answer(questions[1], correct=False, when=NOW - timedelta(hours=2))
    _review_answer(questions[2], correct=True, when=NOW - timedelta(days=1))  # yesterday
    card_review(learner=ALICE, question=questions[3], rating=fsrs.Rating.Good, now=NOW)
    card_review(learner=ALICE, question=questions[1], rating=fsrs.Rating.Again, now=NOW)
    summary = progress.review_summary(ALICE, now=NOW)
    assert (summary.reviewed, summary.right, summary.wrong) == (2, 1, 1)
    assert summary.next_due == NOW + timedelta(minutes=10)
    assert summary.next_due_text == "in 10 minutes"


def test_countdown_spreads_unseen_questions_and_reviews_over_the_days_left():
    questions = [QuestionFactory(tasks=[("SAA-C03", "1.1")]) for _ in range(25)]
    QuestionFactory(tasks=[("DVA-C02", "2.1")])  # another exam: not counted
    QuestionAnswer.objects.create(
        question=questions[0], chosen=[1], correct=False, **ALICE.owner_fields()
    )
    card_review(learner=ALICE, question=questions[0], rating=fsrs.Rating.Again, now=NOW)
    plan = StudyPlan.objects.create(
        exam="SAA-C03", exam_date=date(2026, 12, 8), **ALICE.owner_fields()
    )
    countdown = progress.exam_countdown(learner=ALICE, plan=plan, today=date(2026, 11, 28))
    assert countdown is not None
    assert (countdown.days_left, countdown.unseen, countdown.reviews) == (10, 24, 1)
    assert countdown.per_day == 3  # 25 in 10 days, rounded up
    assert progress.exam_countdown(learner=ALICE, plan=None) is None
    past = progress.exam_countdown(learner=ALICE, plan=plan, today=date(2026, 12, 9))
    assert past is not None and past.passed and past.per_day == 0


def test_practice_home_shows_the_countdown_and_daily_target(client):
    for _ in range(30):
        QuestionFactory(tasks=[("SAA-C03", "1.1")])
    exam_date = timezone.localdate() + timedelta(days=15)
    client.post(
        reverse("practice:study_plan"), {"exam": "SAA-C03", "exam_date": exam_date.isoformat()}
    )
    html = " ".join(client.get(reverse("practice:home")).content.decode().split())
    assert "<strong>15 days</strong> to SAA-C03" in html
    assert "<strong>2 questions a day</strong>" in html  # 30 unseen over 15 days
    assert "30 SAA-C03 questions you have not seen yet" in html


def test_practice_answer_says_when_the_question_comes_back(client):
    question = QuestionFactory()
    response = client.post(
        reverse("practice:question"), {"qid": question.qid, "option": "1"}, **HTMX
    )
    html = " ".join(response.content.decode().split())
    assert "<html" not in html
    assert "comes back in your spaced review <strong>in 10 minutes</strong>" in html
    due = ReviewCard.objects.get().due
    assert due.strftime("%Y-%m-%dT%H:%M") in html


def test_review_answer_says_when_the_card_comes_back_then_a_session_summary(client):
    questions = [QuestionFactory() for _ in range(2)]
    for question in questions:
        client.post(reverse("practice:question"), {"qid": question.qid, "option": "1"})
    ReviewCard.objects.update(due=timezone.now() - timedelta(minutes=1))
    right = client.post(reverse("practice:review"), {"qid": questions[0].qid, "option": "0"})
    assert "You knew it: this question comes back" in " ".join(right.content.decode().split())
    wrong = client.post(reverse("practice:review"), {"qid": questions[1].qid, "option": "2"})
    assert "comes back in your spaced review <strong>in 10 minutes</strong>" in " ".join(
        wrong.content.decode().split()
    )
    done = " ".join(client.get(reverse("practice:review")).content.decode().split())
    assert "Today&#x27;s session" in done or "Today's session" in done
    figures = done.split('class="summary-figures"')[1].split("</dl>")[0]
    assert "<dt>Cards reviewed</dt><dd>2</dd>" in figures
    assert "Right</dt><dd>1</dd>" in figures and "Wrong</dt><dd>1</dd>" in figures
    assert "in 10 minutes" in figures
