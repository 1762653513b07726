"""A submitted exam read back: time per question, breakdowns, filters, misses into review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from django.urls import reverse

from learning.learners import Learner
from learning.models import ExamAttempt, ExamResponse, ReviewCard, ReviewLog
from learning.practice import exams, results
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db
ALICE = Learner(user_id=None, session_key="alice-session")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


def _exam(learner: Learner = ALICE) -> tuple[ExamAttempt, list]:
    """Ten SAA-C03 questions: four on 1.1 (cross-account), six on 1.2 (oidc)."""
    questions = [QuestionFactory(topic="cross-account") for _ in range(4)]
    questions += [QuestionFactory(topic="oidc", tasks=[("SAA-C03", "1.2")]) for _ in range(6)]
    attempt = exams.exam_begin(
        learner=learner, exam="SAA-C03", question_ids=[q.pk for q in questions], now=NOW
    )
    return attempt, questions


def _answer(attempt, question, option, *, flagged=False, at=NOW):
    exams.exam_answer(attempt=attempt, question=question, chosen=[option], flagged=flagged, now=at)


def test_time_on_each_question_is_the_time_its_page_was_open():
    attempt, questions = _exam()
    exams.exam_view(attempt=attempt, question=questions[0], now=NOW)
    exams.exam_view(attempt=attempt, question=questions[1], now=NOW + timedelta(seconds=40))
    exams.exam_view(attempt=attempt, question=questions[0], now=NOW + timedelta(seconds=100))
    exams.exam_view(attempt=attempt, question=None, now=NOW + timedelta(seconds=115))
    seconds = dict(ExamResponse.objects.values_list("question_id", "seconds"))
    assert seconds == {questions[0].pk: 55, questions[1].pk: 60}


def test_time_stops_at_the_deadline():
    attempt, questions = _exam()
    exams.exam_view(
        attempt=attempt, question=questions[0], now=attempt.deadline - timedelta(seconds=10)
    )
    exams.exam_submit(attempt=attempt, now=attempt.deadline + timedelta(hours=2))
    assert ExamResponse.objects.get(question=questions[0]).seconds == 10


def test_result_has_outcomes_breakdowns_and_time():
    attempt, questions = _exam()
    exams.exam_view(attempt=attempt, question=questions[0], now=NOW)
    _answer(attempt, questions[0], 0)  # right, 1.1
    _answer(attempt, questions[1], 2, flagged=True)  # wrong, 1.1
    _answer(attempt, questions[4], 0)  # right, 1.2
    attempt = exams.exam_submit(attempt=attempt, now=NOW + timedelta(minutes=7, seconds=30))
    result = results.exam_result(attempt=attempt)
    assert [i.outcome for i in result.items[:5]] == [
        "right",
        "wrong",
        "unanswered",
        "unanswered",
        "right",
    ]
    assert result.items[0].seconds == 450 and result.items[0].time_text == "7 min 30 s"
    assert result.seconds_used == 450
    assert result.counts == {"all": 10, "wrong": 1, "flagged": 1, "unanswered": 7}
    assert [i.number for i in result.shown("flagged")] == [2]
    assert [i.number for i in result.shown("no-such-filter")] == list(range(1, 11))
    [domain] = result.by_domain
    assert (domain.title, domain.weight, domain.correct, domain.total) == (
        "Design Secure Architectures",
        30,
        2,
        10,
    )
    tasks = {row.key: (row.title, row.correct, row.total) for row in result.by_task}
    assert tasks == {
        "1.1": ("Design secure access to AWS resources", 1, 4),
        "1.2": ("Design secure workloads and applications", 1, 6),
    }
    # Topics come weakest first, so the learner sees where to practise.
    assert [(row.title, row.percent) for row in result.by_topic] == [
        ("OIDC federation", 17),
        ("Cross-account access", 25),
    ]


def test_every_miss_and_blank_in_an_exam_enters_spaced_review_as_a_lapse():
    attempt, questions = _exam()
    _answer(attempt, questions[0], 0)  # right: no card
    _answer(attempt, questions[1], 2)  # wrong: a lapse
    exams.exam_submit(attempt=attempt, now=NOW)
    cards = ReviewCard.objects.filter(session_key=ALICE.session_key)
    assert set(cards.values_list("question_id", flat=True)) == {q.pk for q in questions[1:]}
    assert set(ReviewLog.objects.values_list("rating", flat=True)) == {fsrs.Rating.Again.value}
    # A lapse comes back within the hour, not in days.
    assert all(card.due <= NOW + timedelta(hours=1) for card in cards)


def test_a_miss_on_a_known_card_is_a_lapse_that_brings_it_back_soon():
    attempt, questions = _exam()
    known = questions[1]
    from learning.practice.scheduling import card_review

    for days in (0, 3, 12):  # a card the learner knew well, due weeks away
        card = card_review(
            learner=ALICE,
            question=known,
            rating=fsrs.Rating.Good,
            now=NOW - timedelta(days=40 - days),
        )
    assert card.due > NOW + timedelta(days=5)
    _answer(attempt, known, 3)
    exams.exam_submit(attempt=attempt, now=NOW)
    card.refresh_from_db()
    assert card.due <= NOW + timedelta(hours=1)
    assert card.logs.first().rating == fsrs.Rating.Again.value


def _queries_to_submit(questions: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bank = [QuestionFactory(topic="cross-account") for _ in range(questions)]
    attempt = exams.exam_begin(
        learner=ALICE, exam="SAA-C03", question_ids=[q.pk for q in bank], now=NOW
    )
    with CaptureQueriesContext(connection) as captured:
        exams.exam_submit(attempt=attempt, now=NOW)
    assert ReviewCard.objects.filter(question__in=bank).count() == questions
    return len(captured)


def test_scoring_an_exam_costs_the_same_queries_however_many_were_missed():
    """A class ending a 65-question exam at once: the misses enter review in a
    few queries, not several per question inside the scoring transaction."""
    assert _queries_to_submit(65) == _queries_to_submit(5)


def _submitted_exam_through_http(client) -> ExamAttempt:
    for _ in range(4):
        QuestionFactory()
    client.post(reverse("practice:exam_start"), {"exam": "SAA-C03", "count": 10})
    attempt = ExamAttempt.objects.get()
    question_url = reverse("practice:exam_question", args=[attempt.public_id, 1])
    client.post(question_url, {"option": "0"})  # the factory's key is option 0
    client.post(
        reverse("practice:exam_question", args=[attempt.public_id, 2]),
        {"option": "1", "flagged": "on"},
    )
    client.post(reverse("practice:exam_review", args=[attempt.public_id]), {"confirm": "yes"})
    return attempt


ITEM = '<details class="result-item'  # one per question (the phone menu is a <details> too)


def test_result_page_filters_without_javascript(client):
    attempt = _submitted_exam_through_http(client)
    url = reverse("practice:exam_result", args=[attempt.public_id])
    page = client.get(url).content.decode()
    assert "By task statement" in page and "Design secure access to AWS resources" in page
    assert "By topic" in page and "time used" in page
    assert page.count('<details class="result-item') == 4
    assert 'href="?show=wrong#questions-title"' in page
    wrong = client.get(url + "?show=wrong").content.decode()
    assert wrong.count('<details class="result-item') == 1 and "Question 2" in wrong
    assert 'aria-current="true">Wrong' in wrong
    unanswered = client.get(url + "?show=unanswered").content.decode()
    assert unanswered.count('<details class="result-item') == 2
    assert "Question 1<" not in unanswered
    assert (
        client.get(url + "?show=<script>").content.decode().count('<details class="result-item')
        == 4
    )


def test_result_filter_as_an_htmx_fragment(client):
    attempt = _submitted_exam_through_http(client)
    url = reverse("practice:exam_result", args=[attempt.public_id])
    response = client.get(url + "?show=flagged", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.strip().startswith('<div id="result-list">')
    assert html.count('<details class="result-item') == 1 and "Question 2" in html
    assert "HX-Request" in response["Vary"]
    empty = client.get(url + "?show=wrong&x=1", **HTMX).content.decode()
    assert empty.count('<details class="result-item') == 1


def test_every_task_statement_in_the_bank_has_its_wording():
    from learning.content.exam_info import task_title
    from learning.content.loader import content_read

    tagged = {
        (exam, str(task))
        for _, item in content_read().questions
        for exam, tasks in (item.get("exams") or {}).items()
        for task in tasks
    }
    assert [tag for tag in sorted(tagged) if not task_title(*tag)] == []
