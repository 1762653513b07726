"""Practice, review, exam simulation and readiness pages, as a learner meets them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning.models import ExamAttempt, ExamResponse, QuestionAnswer, QuestionReport
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _start_exam(client: Client, count: int = 10) -> ExamAttempt:
    for _ in range(count):
        QuestionFactory()
    response = client.post(reverse("practice:exam_start"), {"exam": "SAA-C03", "count": count})
    assert response.status_code == 302
    return ExamAttempt.objects.latest("started")


def test_practice_home_offers_every_way_to_practise(client):
    QuestionFactory()
    html = client.get(reverse("practice:home")).content.decode()
    for text in ("Practice round", "Spaced review", "Exam simulation", "Readiness", "DOP-C02"):
        assert text in html


def test_practice_question_then_feedback_with_every_why(client):
    question = QuestionFactory()
    page = client.get(reverse("practice:question"))
    assert question.qid in page.content.decode()
    response = client.post(
        reverse("practice:question"), {"qid": question.qid, "option": "1"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Not correct" in html
    for why in ("It names who.", "Not in trust.", "What, not who.", "Only a label."):
        assert why in html
    assert "docs.aws.amazon.com" in html
    assert QuestionAnswer.objects.count() == 1


def test_practice_without_an_answer_is_a_400_with_a_message(client):
    question = QuestionFactory()
    response = client.post(reverse("practice:question"), {"qid": question.qid})
    assert response.status_code == 400
    assert "Choose an answer first" in response.content.decode()
    assert not QuestionAnswer.objects.exists()


def test_practice_filters_by_exam_and_topic(client):
    QuestionFactory(topic="saml", tasks=[("DVA-C02", "2.1")])
    url = reverse("practice:question") + "?exam=DOP-C02"
    assert "No questions here" in client.get(url).content.decode()


def test_review_shows_due_cards(client):
    question = QuestionFactory()
    client.post(reverse("practice:question"), {"qid": question.qid, "option": "1"})
    from learning.models import ReviewCard

    ReviewCard.objects.update(due=timezone.now() - timedelta(minutes=1))
    html = client.get(reverse("practice:review")).content.decode()
    assert question.qid in html and "review" in html.lower()
    done = client.post(reverse("practice:review"), {"qid": question.qid, "option": "0"})
    assert "Correct" in done.content.decode()


def test_exam_answer_reload_keeps_the_answer_and_the_time(client):
    attempt = _start_exam(client)
    url = reverse("practice:exam_question", args=[attempt.public_id, 1])
    saved = client.post(url, {"option": "2", "flagged": "on"}, **HTMX)
    assert "Saved." in saved.content.decode()
    page = client.get(url).content.decode()  # a reload
    assert re.search(r'value="2" id="opt-[\w-]+" checked', page)
    assert not re.search(r'value="0" id="opt-[\w-]+" checked', page)
    left = int(page.split('data-deadline="')[1].split('"')[0])
    assert abs(left - int(attempt.deadline.timestamp())) <= 1
    assert ExamResponse.objects.get(attempt=attempt).flagged


def test_moving_between_questions_saves_the_answer(client):
    attempt = _start_exam(client)
    url = reverse("practice:exam_question", args=[attempt.public_id, 1])
    response = client.post(url, {"option": "0", "go": "next"})
    assert response["Location"] == reverse("practice:exam_question", args=[attempt.public_id, 2])
    response = client.post(url, {"option": "0", "go": "review"})
    assert response["Location"] == reverse("practice:exam_review", args=[attempt.public_id])
    assert ExamResponse.objects.filter(attempt=attempt).count() == 1


def test_review_screen_then_submit_then_full_review(client):
    attempt = _start_exam(client)
    client.post(reverse("practice:exam_question", args=[attempt.public_id, 1]), {"option": "0"})
    review = client.get(reverse("practice:exam_review", args=[attempt.public_id])).content.decode()
    assert "9</strong> not answered" in review
    result = client.post(
        reverse("practice:exam_review", args=[attempt.public_id]), {"confirm": "yes"}, follow=True
    )
    html = " ".join(result.content.decode().split())
    assert "190 of 1000" in html  # 1 of 10: 100 + 90
    assert "pass mark 720" in html
    assert "Design Secure Architectures" in html
    assert html.count("Right answer.") == 10
    # The exam is over: its questions now lead to the result.
    question = client.get(reverse("practice:exam_question", args=[attempt.public_id, 1]))
    assert question["Location"] == reverse("practice:exam_result", args=[attempt.public_id])


def test_submitting_with_blank_or_flagged_questions_asks_first(client):
    attempt = _start_exam(client, count=10)
    review_url = reverse("practice:exam_review", args=[attempt.public_id])
    client.post(
        reverse("practice:exam_question", args=[attempt.public_id, 2]),
        {"option": "0", "flagged": "on"},
    )
    response = client.post(review_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Submit with open questions?" in html
    attempt.refresh_from_db()
    assert attempt.submitted is None  # nothing is scored until the learner confirms
    # Every open question is listed with a link to it: 9 blank, 1 flagged.
    open_part = html.split('class="notice confirm-submit"')[1]
    assert "Not answered (9)" in open_part and "Flagged for review (1)" in open_part
    for number in (1, 3, 10):
        assert reverse("practice:exam_question", args=[attempt.public_id, number]) in open_part
    assert 'name="confirm" value="yes"' in open_part
    done = client.post(review_url, {"confirm": "yes"})
    assert done["Location"] == reverse("practice:exam_result", args=[attempt.public_id])
    attempt.refresh_from_db()
    assert attempt.submitted is not None


def test_submitting_with_every_question_answered_and_none_flagged_needs_no_second_step(client):
    attempt = _start_exam(client, count=10)
    for number in range(1, 11):
        client.post(
            reverse("practice:exam_question", args=[attempt.public_id, number]), {"option": "1"}
        )
    response = client.post(reverse("practice:exam_review", args=[attempt.public_id]))
    assert response["Location"] == reverse("practice:exam_result", args=[attempt.public_id])


def test_the_question_grid_has_a_legend_in_words(client):
    attempt = _start_exam(client)
    client.post(reverse("practice:exam_question", args=[attempt.public_id, 2]), {"option": "0"})
    html = client.get(reverse("practice:exam_question", args=[attempt.public_id, 1])).content
    html = " ".join(html.decode().split())
    legend = html.split('class="nav-legend"')[1].split("</ul>")[0]
    for words in ("answered", "not answered", "flagged for review", "this question"):
        assert words in legend
    # Each square says its state in words to a screen reader, and with a mark to the eye.
    assert '1<span class="visually-hidden">, not answered, current question' in html
    assert '●</span>2<span class="visually-hidden">, answered</span>' in html


def test_another_learner_cannot_see_or_answer_my_exam(client):
    attempt = _start_exam(client)
    stranger = Client()
    for name, args in (
        ("practice:exam_question", [attempt.public_id, 1]),
        ("practice:exam_review", [attempt.public_id]),
        ("practice:exam_result", [attempt.public_id]),
    ):
        assert stranger.get(reverse(name, args=args)).status_code == 404
    answer = stranger.post(
        reverse("practice:exam_question", args=[attempt.public_id, 1]), {"option": "0"}
    )
    assert answer.status_code == 404
    assert not ExamResponse.objects.exists()


def test_exam_question_number_out_of_range_is_404(client):
    attempt = _start_exam(client)
    assert (
        client.get(reverse("practice:exam_question", args=[attempt.public_id, 99])).status_code
        == 404
    )


def test_bad_exam_choice_is_a_message_not_an_error(client):
    response = client.post(
        reverse("practice:exam_start"), {"exam": "SAA-C03", "count": "x"}, follow=True
    )
    assert "Pick how many questions" in response.content.decode()
    assert not ExamAttempt.objects.exists()


def test_readiness_page_draws_an_svg_chart(client):
    QuestionFactory(tasks=[("SAA-C03", "1.1")])
    html = client.get(reverse("practice:readiness") + "?exam=SAA-C03").content.decode()
    assert "<svg" in html and "Task 1.1" in html
    assert "Design secure access to AWS resources" in html  # the statement's words, not a number
    assert "How the estimate is computed" in html
    assert client.get(reverse("practice:readiness") + "?exam=NOPE").status_code == 404


def test_study_plan_rejects_a_bad_date(client):
    response = client.post(
        reverse("practice:study_plan"), {"exam": "SAA-C03", "exam_date": "next week"}, follow=True
    )
    assert "YYYY-MM-DD" in response.content.decode()


def test_report_a_problem(client):
    question = QuestionFactory()
    url = reverse("practice:question_report", args=[question.qid])
    assert client.post(url, {"message": "  "}, **HTMX).status_code == 400
    response = client.post(url, {"message": "Option B is also right.", "option": "1"}, **HTMX)
    assert "Thank you" in response.content.decode()
    report = QuestionReport.objects.get()
    assert report.chosen == [1] and report.message == "Option B is also right."


@pytest.mark.parametrize("name", ["practice:home", "practice:readiness", "practice:review"])
def test_practice_pages_query_count_does_not_grow_with_the_bank(
    client, name, django_assert_max_num_queries
):
    for _ in range(5):
        QuestionFactory()
    with django_assert_max_num_queries(12):
        client.get(reverse(name))
    for _ in range(40):
        QuestionFactory()
    with django_assert_max_num_queries(12):
        client.get(reverse(name))


def test_exam_pages_query_count_does_not_grow_with_the_exam(client, django_assert_max_num_queries):
    attempt = _start_exam(client, count=40)
    with django_assert_max_num_queries(12):
        client.get(reverse("practice:exam_question", args=[attempt.public_id, 1]))
    client.post(reverse("practice:exam_review", args=[attempt.public_id]), {"confirm": "yes"})
    with django_assert_max_num_queries(12):
        client.get(reverse("practice:exam_result", args=[attempt.public_id]))


def test_staff_see_question_reports_in_the_admin(admin_client):
    question = QuestionFactory()
    QuestionReport.objects.create(question=question, message="The key says A; B is right.")
    html = admin_client.get(reverse("admin:learning_questionreport_changelist")).content.decode()
    assert "The key says A; B is right." in html


def test_a_fix_the_policy_item_never_reaches_an_exam(client):
    # Its grader's scenarios are not on the page, and the real exams never ask one.
    QuestionFactory(
        type="fix",
        options=[],
        stem_html="<p>Fix the trust policy so that every scenario passes.</p>",
        exercise_data={
            "starting_policy": '{"Version": "2012-10-17", "Statement": []}',
            "role_arn": "arn:aws:iam::111122223333:role/WebServer",
            "scenarios": [],
        },
    )
    response = client.post(
        reverse("practice:exam_start"), {"exam": "SAA-C03", "count": 10}, follow=True
    )
    assert "no questions for SAA-C03 yet" in response.content.decode()
    assert not ExamAttempt.objects.exists()
