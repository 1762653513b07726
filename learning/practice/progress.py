"""What the learner is told about their own schedule: when a card comes back, how a review
session went, and how many questions a day reach the exam date."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.utils import timezone

from learning.learners import Learner, owned_by
from learning.models import (
    ExamAttempt,
    ExamResponse,
    Question,
    QuestionAnswer,
    ReviewCard,
    StudyPlan,
)
from learning.practice.bank import questions_for


def due_phrase(due: datetime, *, now: datetime) -> str:
    """``in 10 minutes``, ``in 5 hours``, ``tomorrow``, ``in 3 days``: when a card is back."""
    seconds = (due - now).total_seconds()
    if seconds <= 60:
        return "now"
    if seconds < 3600:
        minutes = math.ceil(seconds / 60)
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 86_400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86_400)
    return "tomorrow" if days == 1 else f"in {days} days"


def card_due(learner: Learner | None, question: Question) -> datetime | None:
    """When this learner's card for the question is due next (None: no card)."""
    return (
        owned_by(ReviewCard.objects, learner)
        .filter(question=question)
        .values_list("due", flat=True)
        .first()
    )


@dataclass(frozen=True)
class ReviewSummary:
    reviewed: int
    right: int
    next_due: datetime | None
    now: datetime

    @property
    def wrong(self) -> int:
        return self.reviewed - self.right

    @property
    def next_due_text(self) -> str:
        return due_phrase(self.next_due, now=self.now) if self.next_due else ""


def review_summary(learner: Learner | None, *, now: datetime | None = None) -> ReviewSummary:
    """Today's review session: cards answered, how many right, and when the next one is due
    (after today's limit, the next card not yet due)."""
    now = now or timezone.now()
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = owned_by(QuestionAnswer.objects, learner).filter(
        mode="review", created__gte=start_of_day
    )
    next_due = (
        owned_by(ReviewCard.objects, learner)
        .filter(due__gt=now)
        .order_by("due")
        .values_list("due", flat=True)
        .first()
    )
    return ReviewSummary(
        reviewed=today.count(),
        right=today.filter(correct=True).count(),
        next_due=next_due,
        now=now,
    )


@dataclass(frozen=True)
class Countdown:
    exam: str
    exam_date: date
    days_left: int  # 0 on the exam day
    unseen: int  # questions of the exam the learner has never answered
    reviews: int  # cards due before the exam
    per_day: int  # questions a day to see every one and do every review in time

    @property
    def passed(self) -> bool:
        return self.days_left < 0


def _answered_ids(learner: Learner | None) -> set[int]:
    practised = owned_by(QuestionAnswer.objects, learner).values_list("question_id", flat=True)
    attempts = owned_by(ExamAttempt.objects, learner)
    in_exams = ExamResponse.objects.filter(
        attempt__in=attempts, answered__isnull=False
    ).values_list("question_id", flat=True)
    return set(practised) | set(in_exams)


def exam_countdown(
    *, learner: Learner | None, plan: StudyPlan | None, today: date | None = None
) -> Countdown | None:
    """Days to the learner's exam and the daily target that covers the bank and the reviews
    due before it; None without an exam date."""
    if plan is None or plan.exam_date is None:
        return None
    today = today or timezone.localdate()
    days_left = (plan.exam_date - today).days
    pool = set(questions_for(exam=plan.exam).values_list("pk", flat=True))
    unseen = len(pool - _answered_ids(learner))
    exam_start = datetime.combine(plan.exam_date, time(0, 0), tzinfo=UTC)
    reviews = owned_by(ReviewCard.objects, learner).filter(due__lt=exam_start).count()
    # The exam day itself is for the exam: the work spreads over the days before it.
    study_days = max(days_left, 1)
    per_day = math.ceil((unseen + reviews) / study_days) if days_left >= 0 else 0
    return Countdown(
        exam=plan.exam,
        exam_date=plan.exam_date,
        days_left=days_left,
        unseen=unseen,
        reviews=reviews,
        per_day=per_day,
    )
