"""Readiness: mastery per task statement and the score estimate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learning.learners import Learner
from learning.practice import exams, mastery, scheduling
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db
ALICE = Learner(user_id=None, session_key="alice-session")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


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
