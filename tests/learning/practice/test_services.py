"""Practice, exam simulations, spaced review and readiness: the rules, without HTTP."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest

from learning.content.exam_info import EXAM_INFO
from learning.learners import Learner
from learning.models import ExamResponse, QuestionAnswer, ReviewCard, ReviewLog
from learning.practice import bank, exams, mastery, scheduling
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db
ALICE = Learner(user_id=None, session_key="alice-session")
BOB = Learner(user_id=None, session_key="bob-session")
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


def test_multiple_response_needs_exactly_the_keyed_options():
    question = QuestionFactory(
        type="multiple",
        options=[{"text_html": str(i), "correct": i in (1, 3), "why_html": "x"} for i in range(5)],
    )
    assert bank.answer_is_correct(question, [1, 3])
    assert not bank.answer_is_correct(question, [1])
    assert not bank.answer_is_correct(question, [1, 3, 4])


def test_parse_choice_refuses_options_that_do_not_exist():
    question = QuestionFactory()
    with pytest.raises(bank.QuizError):
        bank.parse_choice(question, ["9"])
    with pytest.raises(bank.QuizError):
        bank.parse_choice(question, ["zero"])
    with pytest.raises(bank.QuizError, match="Choose one"):
        bank.parse_choice(question, ["0", "1"])


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


def test_question_next_prefers_questions_not_yet_answered():
    first, second = QuestionFactory(), QuestionFactory()
    scheduling.practice_answer(learner=ALICE, question=first, chosen=[0])
    assert bank.question_next(learner=ALICE) == second


@pytest.mark.parametrize(
    ("answered", "correct", "level"),
    [(0, 0, "not started"), (2, 0, "attempted"), (2, 1, "familiar"), (4, 3, "proficient"),
     (10, 9, "mastered"), (4, 4, "proficient")],
)  # fmt: skip
def test_mastery_levels(answered, correct, level):
    assert mastery.mastery_level(answered=answered, correct=correct) == level


def test_readiness_estimate_needs_enough_answers_and_weights_domains():
    questions = [QuestionFactory(tasks=[("SAA-C03", "1.1")]) for _ in range(25)]
    assert mastery.readiness(learner=ALICE, exam="SAA-C03").estimate is None
    for q in questions:
        scheduling.practice_answer(learner=ALICE, question=q, chosen=[0])
    result = mastery.readiness(learner=ALICE, exam="SAA-C03")
    # All right in domain 1 (weight 30 of 100); other domains count as zero:
    # 100 + 900 * 0.30 = 370.
    assert result.estimate == 370
    assert result.tasks[0].level == "mastered"
    assert result.likely_to_pass is False


def test_readiness_counts_submitted_exam_answers_too():
    questions = [QuestionFactory(tasks=[("SAA-C03", "1.1")]) for _ in range(10)]
    attempt = exams.exam_start(learner=ALICE, exam="SAA-C03", count=10, now=NOW)
    by_pk = {q.pk: q for q in questions}
    for pk in attempt.question_ids:
        exams.exam_answer(attempt=attempt, question=by_pk[pk], chosen=[0], flagged=False, now=NOW)
    assert mastery.readiness(learner=ALICE, exam="SAA-C03").answered == 0  # not yet submitted
    exams.exam_submit(attempt=attempt, now=NOW)
    result = mastery.readiness(learner=ALICE, exam="SAA-C03")
    assert result.answered == 10 and result.tasks[0].level == "mastered"
