"""Exam integrity: an exam in progress leaks no answer and takes no late answer.

Each test is an attack from issue 15 that used to work."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from learning.models import ExamAttempt, ExamResponse, Question, QuestionAnswer
from learning.practice import bank, exams
from tests.learning.accounts.factories import PASSWORD, UserFactory
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def _exam_for(client: Client, count: int = 10) -> ExamAttempt:
    for _ in range(count):
        QuestionFactory()
    response = client.post(reverse("practice:exam_start"), {"exam": "SAA-C03", "count": count})
    assert response.status_code == 302
    return ExamAttempt.objects.latest("started")


def _right_option(question) -> str:
    return str(question.correct_indexes[0])


def test_an_exam_question_posted_to_practice_is_refused_and_reveals_nothing(client):
    attempt = _exam_for(client)
    question = Question.objects.get(pk=attempt.question_ids[0])
    response = client.post(
        reverse("practice:question"), {"qid": question.qid, "option": _right_option(question)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "exam in progress" in html
    assert "Right answer" not in html and "Correct" not in html
    assert not QuestionAnswer.objects.exists()


def test_an_exam_question_is_sealed_for_a_signed_out_stranger_too():
    student = Client()
    attempt = _exam_for(student)
    question = Question.objects.get(pk=attempt.question_ids[3])
    stranger = Client()
    response = stranger.post(
        reverse("practice:question"), {"qid": question.qid, "option": _right_option(question)}
    )
    assert response.status_code == 400
    assert not QuestionAnswer.objects.exists()
    # The review form refuses it as well.
    response = stranger.post(
        reverse("practice:review"), {"qid": question.qid, "option": _right_option(question)}
    )
    assert response.status_code == 400
    assert not QuestionAnswer.objects.exists()


def test_practice_offers_no_question_of_an_open_exam():
    attempt = _exam_for(Client(), count=10)
    page = Client().get(reverse("practice:question"))
    qids = set(Question.objects.filter(pk__in=attempt.question_ids).values_list("qid", flat=True))
    assert not any(qid in page.content.decode() for qid in qids)


def test_practice_says_why_when_open_exams_hold_every_question():
    _exam_for(Client(), count=10)  # the whole bank is in this exam
    page = Client().get(reverse("practice:question")).content.decode()
    assert "These questions are in exams right now" in page
    assert "No questions here" not in page


def test_a_question_can_be_practised_again_once_its_exam_is_submitted(client):
    attempt = _exam_for(client)
    exams.exam_submit(attempt=attempt)
    question = Question.objects.get(pk=attempt.question_ids[0])
    response = Client().post(
        reverse("practice:question"), {"qid": question.qid, "option": _right_option(question)}
    )
    assert response.status_code == 200
    assert QuestionAnswer.objects.count() == 1


def test_the_exam_page_shows_no_question_id(client):
    attempt = _exam_for(client)
    for number, pk in enumerate(attempt.question_ids, start=1):
        html = client.get(reverse("practice:exam_question", args=[attempt.public_id, number]))
        assert Question.objects.get(pk=pk).qid not in html.content.decode()
    assert (
        'id="opt-item-1-'
        in client.get(
            reverse("practice:exam_question", args=[attempt.public_id, 1])
        ).content.decode()
    )


def test_an_answer_saved_with_a_stale_attempt_after_submit_is_refused(client):
    """The race of issue 15: a save that read the attempt before it was submitted."""
    attempt = _exam_for(client)
    stale = ExamAttempt.objects.get(pk=attempt.pk)  # read before the submit
    exams.exam_submit(attempt=attempt)
    question = Question.objects.get(pk=attempt.question_ids[0])
    with pytest.raises(bank.QuizError, match="already submitted"):
        exams.exam_answer(attempt=stale, question=question, chosen=[0], flagged=False)
    assert not ExamResponse.objects.exists()


def test_the_data_export_does_not_say_which_saved_exam_answers_are_right():
    user = UserFactory()
    client = Client()
    client.login(email=user.email, password=PASSWORD)
    attempt = _exam_for(client)
    for number in (1, 2):
        client.post(
            reverse("practice:exam_question", args=[attempt.public_id, number]),
            {"option": "0", "go": "next"},
        )
    assert ExamResponse.objects.count() == 2
    data = json.loads(client.get(reverse("accounts:account_export")).content)
    assert len(data["exam_responses"]) == 2
    assert all("correct" not in row for row in data["exam_responses"])
    exams.exam_submit(attempt=attempt)
    data = json.loads(client.get(reverse("accounts:account_export")).content)
    assert all("correct" in row for row in data["exam_responses"])
