"""The question bank: which questions are live, how an answer is checked, what to ask next,
and reports of a faulty question. Views parse input and render; rules live here."""

from __future__ import annotations

import random
from typing import Any

from django.db.models import Count, Q, QuerySet

from config.web import UserError
from learning.courses.grading import grade_policy
from learning.learners import Learner, owned_by
from learning.models import (
    Question,
    QuestionAnswer,
    QuestionReport,
)

EXAM_LENGTHS = (10, 20, 40)


class QuizError(UserError):
    """An answer or action the learner can correct (shown with a 4xx)."""


def live_questions() -> QuerySet[Question]:
    """The bank: questions in the files today, without the copies of lesson checks."""
    return Question.objects.filter(retired=False, lesson__isnull=True)


def questions_for(*, exam: str = "", topic: str = "", domain: str = "") -> QuerySet[Question]:
    questions = live_questions()
    if exam:
        tags = Q(tags__exam=exam)
        if domain:
            tags &= Q(tags__task__startswith=f"{domain}.")
        questions = questions.filter(tags).distinct()
    if topic:
        questions = questions.filter(topic=topic)
    return questions


def answer_is_correct(question: Question, chosen: list[int], policy: str = "") -> bool:
    """Exactly the keyed options (or, for "fix the policy", a policy the grader passes)."""
    if question.type == Question.Type.FIX:
        data = question.exercise_data or {}
        if not policy.strip():
            return False
        grade = grade_policy(policy=policy, scenarios=data["scenarios"], role_arn=data["role_arn"])
        return grade.passed
    return sorted(set(chosen)) == question.correct_indexes


def parse_choice(question: Question, values: list[str]) -> list[int]:
    """The option indexes a form sent, checked against the question's options."""
    try:
        chosen = sorted({int(v) for v in values})
    except ValueError:
        raise QuizError("That answer is not one of the options.") from None
    if any(not 0 <= i < len(question.options) for i in chosen):
        raise QuizError("That answer is not one of the options.")
    if question.type in (Question.Type.SINGLE, Question.Type.PREDICT) and len(chosen) > 1:
        raise QuizError("Choose one answer.")
    return chosen


def question_next(
    *, learner: Learner | None, exam: str = "", topic: str = "", domain: str = ""
) -> Question | None:
    """The next practice question: one not yet answered, else the one answered longest ago."""
    from learning.practice.exam_lock import questions_in_open_exams  # it imports QuizError

    # Questions an open exam holds are not offered (answering them is refused).
    pool = questions_for(exam=exam, topic=topic, domain=domain).exclude(
        pk__in=questions_in_open_exams()
    )
    answered = owned_by(QuestionAnswer.objects, learner).values_list("question_id", flat=True)
    fresh = list(pool.exclude(pk__in=answered).values_list("pk", flat=True))
    if fresh:
        return Question.objects.get(pk=random.choice(fresh))
    oldest = (
        owned_by(QuestionAnswer.objects, learner)
        .filter(question__in=pool)
        .order_by("created")
        .values_list("question_id", flat=True)
        .first()
    )
    return Question.objects.filter(pk=oldest).first() if oldest else None


def question_report(
    *, learner: Learner, question: Question, message: str, chosen: list[int]
) -> QuestionReport:
    message = message.strip()
    if not message:
        raise QuizError("Say what is wrong with the question, so we can fix it.")
    if len(message) > 4000:
        raise QuizError("Please keep the report under 4,000 characters.")
    return QuestionReport.objects.create(
        question=question,
        user_id=learner.user_id,
        session_key=learner.session_key,
        chosen=chosen,
        message=message,
    )


def bank_counts() -> dict[str, Any]:
    """Questions per exam and per task statement, for the practice page and the closing note."""
    per_exam = dict(
        live_questions()
        .values_list("tags__exam")
        .annotate(n=Count("pk", distinct=True))
        .values_list("tags__exam", "n")
    )
    return {"per_exam": per_exam, "total": live_questions().count()}
