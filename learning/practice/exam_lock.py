"""Questions of an exam in progress stay sealed until that exam ends.

An exam draws its questions from the same bank as practice and review. While
any exam that holds a question is still open (not submitted, time not up),
nobody may have that question graded anywhere else: otherwise a student could
post each exam question to practice, read which option is right, and go back
to the exam with the answer key."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from learning.models import ExamAttempt, Question
from learning.practice.bank import QuizError

SEALED_MESSAGE = (
    "This question is part of an exam in progress, so it cannot be answered here "
    "until that exam ends. Try another question."
)


def questions_in_open_exams(*, now: datetime | None = None) -> set[int]:
    """The primary keys of every question drawn for an exam that is still open."""
    now = now or timezone.now()
    open_attempts = ExamAttempt.objects.filter(submitted__isnull=True, deadline__gt=now)
    sealed: set[int] = set()
    for question_ids in open_attempts.values_list("question_ids", flat=True):
        sealed.update(int(pk) for pk in question_ids)
    return sealed


def question_sealed_check(*, question: Question, now: datetime | None = None) -> None:
    """Refuse to grade ``question`` while an open exam holds it (a ``QuizError``)."""
    if question.pk in questions_in_open_exams(now=now):
        raise QuizError(SEALED_MESSAGE)
