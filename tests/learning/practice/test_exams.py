"""Exam simulations: drawing, timing, answering, submitting and expiring, without HTTP."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from learning.content.exam_info import EXAM_INFO
from learning.learners import Learner
from learning.models import ExamResponse
from learning.practice import bank, exams
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db
ALICE = Learner(user_id=None, session_key="alice-session")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_scaled_score_maps_the_share_correct_onto_100_to_1000():
    assert exams.scaled_score(0, 20) == 100
    assert exams.scaled_score(20, 20) == 1000
    # 14 of 20 right: 100 + 900 * 0.7 = 730, above the associate pass mark of 720.
    assert exams.scaled_score(14, 20) == 730
    # 13 of 20: 100 + 900 * 0.65 = 685, below it.
    assert exams.scaled_score(13, 20) == 685


def test_pass_marks_and_pace_come_from_the_exam_guides():
    assert EXAM_INFO["DVA-C02"].passing_score == 720
    assert EXAM_INFO["SAA-C03"].passing_score == 720
    assert EXAM_INFO["DOP-C02"].passing_score == 750
    assert EXAM_INFO["SAA-C03"].seconds_per_question == 120
    assert EXAM_INFO["DOP-C02"].seconds_per_question == 144


def test_exam_draw_follows_the_domain_weights_where_the_bank_allows():
    # DOP-C02: domain 1 weighs 22%, domain 6 weighs 17%; 40 questions in each.
    for _ in range(40):
        QuestionFactory(tasks=[("DOP-C02", "1.1")])
        QuestionFactory(tasks=[("DOP-C02", "6.1")])
    drawn = exams.exam_draw(exam=EXAM_INFO["DOP-C02"], count=20, rng=random.Random(1))
    assert len(drawn) == len(set(drawn)) == 20
    from learning.models import QuestionTag

    domains = Counter(
        QuestionTag.objects.get(question_id=pk, exam="DOP-C02").task[0] for pk in drawn
    )
    # Only domains 1 and 6 have questions: 22 / (22 + 17) of 20 is 11.3, so 11 and 9.
    assert domains == {"1": 11, "6": 9}


def test_exam_draw_uses_only_the_real_exams_formats():
    kinds = ("single", "multiple", "predict", "fix")
    by_type = {kind: [QuestionFactory(type=kind).pk for _ in range(5)] for kind in kinds}
    for seed in range(5):
        drawn = exams.exam_draw(exam=EXAM_INFO["SAA-C03"], count=40, rng=random.Random(seed))
        assert len(drawn) == 15
        assert not set(drawn) & set(by_type["fix"])
    question_ids = exams.exam_questions_draw(exam="SAA-C03", count=20)
    assert not set(question_ids) & set(by_type["fix"])


def test_an_exam_is_timed_at_the_real_pace():
    for _ in range(10):
        QuestionFactory(tasks=[("DOP-C02", "6.1")])
    attempt = exams.exam_start(learner=ALICE, exam="DOP-C02", count=10, now=NOW)
    assert attempt.deadline - attempt.started == timedelta(minutes=24)  # 2.4 min each


def test_exam_start_refuses_unknown_exam_and_length():
    QuestionFactory()
    with pytest.raises(bank.QuizError):
        exams.exam_start(learner=ALICE, exam="XYZ-C01")
    with pytest.raises(bank.QuizError):
        exams.exam_start(learner=ALICE, exam="SAA-C03", count=7)


def _exam(count=10):
    questions = [QuestionFactory() for _ in range(count)]
    attempt = exams.exam_start(learner=ALICE, exam="SAA-C03", count=10, now=NOW)
    return attempt, {q.pk: q for q in questions}


def test_saving_the_same_answer_twice_keeps_one_row():
    attempt, questions = _exam()
    question = questions[attempt.question_ids[0]]
    for _ in range(3):
        exams.exam_answer(attempt=attempt, question=question, chosen=[0], flagged=False, now=NOW)
    exams.exam_answer(attempt=attempt, question=question, chosen=[1], flagged=True, now=NOW)
    response = ExamResponse.objects.get(attempt=attempt, question=question)
    assert ExamResponse.objects.filter(attempt=attempt).count() == 1
    assert response.chosen == [1] and response.flagged and not response.correct


def test_no_answer_is_saved_after_the_deadline_or_the_submit():
    attempt, questions = _exam()
    question = questions[attempt.question_ids[0]]
    late = attempt.deadline + timedelta(seconds=1)
    with pytest.raises(bank.QuizError, match="Time is up"):
        exams.exam_answer(attempt=attempt, question=question, chosen=[0], flagged=False, now=late)
    exams.exam_submit(attempt=attempt, now=NOW)
    attempt.refresh_from_db()
    with pytest.raises(bank.QuizError, match="already submitted"):
        exams.exam_answer(attempt=attempt, question=question, chosen=[0], flagged=False, now=NOW)


def test_a_question_from_outside_the_exam_is_refused():
    attempt, _ = _exam()
    outsider = QuestionFactory()
    with pytest.raises(bank.QuizError, match="not part of this exam"):
        exams.exam_answer(attempt=attempt, question=outsider, chosen=[0], flagged=False, now=NOW)


def test_submit_scores_the_exam_with_domains_and_the_pass_mark():
    attempt, questions = _exam()
    for pk in attempt.question_ids[:8]:  # 8 right of 10
        exams.exam_answer(
            attempt=attempt, question=questions[pk], chosen=[0], flagged=False, now=NOW
        )
    for pk in attempt.question_ids[8:9]:  # 1 wrong, 1 unanswered
        exams.exam_answer(
            attempt=attempt, question=questions[pk], chosen=[2], flagged=False, now=NOW
        )
    attempt = exams.exam_submit(attempt=attempt, now=NOW)
    assert attempt.correct_count == 8
    assert attempt.scaled_score == 820  # 100 + 900 * 0.8
    assert attempt.passed is True
    assert attempt.domains == {
        "1": {"title": "Design Secure Architectures", "weight": 30, "correct": 8, "total": 10}
    }
    again = exams.exam_submit(attempt=attempt)
    assert again.scaled_score == 820


def test_an_expired_exam_is_submitted_as_it_stands():
    attempt, _ = _exam()
    result = exams.exam_expire_if_due(attempt, now=attempt.deadline + timedelta(minutes=1))
    assert result.submitted and result.scaled_score == 100 and result.passed is False


def test_every_exam_item_in_the_bank_shows_what_its_stem_points_at():
    """An exam page shows the stem, the policy and the request, nothing else: a stem that
    points at a policy or a request "below" or "shown" must come with one."""
    import re

    from learning.content.loader import content_read

    pointing = re.compile(r"\b(?:policy|request|scenario)s? (?:below|above|shown)\b", re.I)
    blind = [
        item["id"]
        for _, item in content_read().questions
        if item["type"] in exams.EXAM_FORMATS
        and pointing.search(item["stem"])
        and not (item.get("policy") or item.get("request"))
    ]
    assert blind == []
