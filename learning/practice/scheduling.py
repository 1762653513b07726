"""Spaced review with FSRS: the rating an answer earns, the card schedule (capped by the
learner's exam date), the day's review queue, and the study plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import fsrs
from django.db import transaction
from django.utils import timezone

from learning.content.exam_info import EXAM_INFO
from learning.learners import Learner, owned_by
from learning.models import (
    Question,
    QuestionAnswer,
    ReviewCard,
    ReviewLog,
    StudyPlan,
)
from learning.practice.bank import QuizError, answer_is_correct
from learning.practice.exam_lock import question_sealed_check, questions_in_open_exams

# How many review cards a learner is asked to do in one day. A backlog after
# a break is worked off over several days instead of arriving all at once.
DAILY_REVIEW_LIMIT = 20
# "Fix the policy" answers whose policy text is kept, per learner and question.
KEPT_POLICIES = 5
# Answer times that turn a right answer into "Easy" or "Hard" for FSRS.
FAST_SECONDS = 25
SLOW_SECONDS = 120

_scheduler = fsrs.Scheduler(
    learning_steps=(timedelta(minutes=10),),
    relearning_steps=(timedelta(minutes=10),),
    enable_fuzzing=False,
)


def rating_for(*, correct: bool, seconds: int | None, hinted: bool = False) -> fsrs.Rating:
    """Wrong: Again. Right after a hint or slowly: Hard. Right: Good. Right and fast: Easy."""
    if not correct:
        return fsrs.Rating.Again
    if hinted or (seconds is not None and seconds >= SLOW_SECONDS):
        return fsrs.Rating.Hard
    if seconds is not None and seconds <= FAST_SECONDS:
        return fsrs.Rating.Easy
    return fsrs.Rating.Good


def study_plan(learner: Learner | None) -> StudyPlan | None:
    return owned_by(StudyPlan.objects, learner).first()


def study_plan_set(*, learner: Learner, exam: str, exam_date: date | None) -> StudyPlan:
    if exam not in EXAM_INFO:
        raise QuizError("Pick one of the three exams.")
    plan, _ = StudyPlan.objects.update_or_create(
        **learner.owner_fields(), defaults={"exam": exam, "exam_date": exam_date}
    )
    return plan


def capped_due(due: datetime, *, now: datetime, exam_date: date | None) -> datetime:
    """A review due after the learner's exam is brought forward to fit before it.

    The card comes back the day before the exam at the latest (or now, when
    the exam is tomorrow or past), so every card is seen once more in time."""
    if exam_date is None:
        return due
    last_day = datetime.combine(exam_date - timedelta(days=1), time(6, 0), tzinfo=UTC)
    if due <= last_day:
        return due
    return max(now, last_day)


def card_review(
    *, learner: Learner, question: Question, rating: fsrs.Rating, now: datetime | None = None
) -> ReviewCard:
    """Apply one rating to the learner's card for this question and log it."""
    now = now or timezone.now()
    card_row, _ = ReviewCard.objects.get_or_create(
        question=question, **learner.owner_fields(), defaults={"due": now}
    )
    plan = study_plan(learner)
    rated = _rated(card_row, rating, now=now, exam_date=plan.exam_date if plan else None)
    card_row.save()
    ReviewLog.objects.create(card=card_row, rating=rated.value, reviewed=now)
    return card_row


def cards_lapse(*, learner: Learner, question_ids: list[int], now: datetime) -> int:
    """Rate every question in ``question_ids`` "Again" at once, as an exam's misses are.

    A handful of queries whatever the count (an exam of 65 questions used to
    take five or six per miss, inside the transaction that scores it).
    Returns how many cards were rated."""
    owner = learner.owner_fields()
    cards = ReviewCard.objects.filter(question_id__in=question_ids, **owner)
    have = set(cards.values_list("question_id", flat=True))
    ReviewCard.objects.bulk_create(
        [ReviewCard(question_id=pk, due=now, **owner) for pk in question_ids if pk not in have],
        ignore_conflicts=True,  # a card made meanwhile by a practice answer stays as it is
    )
    plan = study_plan(learner)
    exam_date = plan.exam_date if plan else None
    rows = list(cards)
    logs = []
    for row in rows:
        rated = _rated(row, fsrs.Rating.Again, now=now, exam_date=exam_date)
        logs.append(ReviewLog(card=row, rating=rated.value, reviewed=now))
    ReviewCard.objects.bulk_update(rows, _CARD_FIELDS)
    ReviewLog.objects.bulk_create(logs)
    return len(rows)


_CARD_FIELDS = ["state", "step", "stability", "difficulty", "due", "last_review"]


def _rated(
    card_row: ReviewCard, rating: fsrs.Rating, *, now: datetime, exam_date: date | None
) -> fsrs.Rating:
    """Apply ``rating`` to ``card_row`` in memory (not saved); return the rating logged."""
    card = fsrs.Card(
        card_id=card_row.pk,
        state=fsrs.State(card_row.state),
        step=card_row.step,
        stability=card_row.stability,
        difficulty=card_row.difficulty,
        due=card_row.due,
        last_review=card_row.last_review,
    )
    card, log = _scheduler.review_card(card, rating, review_datetime=now)
    card_row.state = card.state.value
    card_row.step = card.step
    card_row.stability = card.stability
    card_row.difficulty = card.difficulty
    card_row.due = capped_due(card.due, now=now, exam_date=exam_date)
    card_row.last_review = card.last_review
    return log.rating


@transaction.atomic
def practice_answer(
    *,
    learner: Learner,
    question: Question,
    chosen: list[int],
    policy: str = "",
    seconds: int | None = None,
    mode: str = QuestionAnswer.Mode.PRACTICE,
) -> QuestionAnswer:
    """Record a practice or review answer and reschedule the question for this learner.

    A question an open exam holds is refused (``QuizError``): grading it would
    hand out that exam's answer key."""
    question_sealed_check(question=question)
    correct = answer_is_correct(question, chosen, policy)
    answer = QuestionAnswer.objects.create(
        question=question,
        mode=mode,
        chosen=chosen,
        policy=policy,
        correct=correct,
        seconds=seconds,
        **learner.owner_fields(),
    )
    if policy:
        # Keep the text of the newest few policies only: the answers (right or
        # wrong) stay for mastery, but a flood of big policies is not stored.
        older = (
            owned_by(QuestionAnswer.objects, learner)
            .filter(question=question)
            .exclude(policy="")
            .order_by("-created", "-pk")
            .values_list("pk", flat=True)[KEPT_POLICIES:]
        )
        QuestionAnswer.objects.filter(pk__in=list(older)).update(policy="")
    # Every answered question gets a card: missed ones come back soon, known ones later.
    card_review(
        learner=learner, question=question, rating=rating_for(correct=correct, seconds=seconds)
    )
    return answer


@dataclass(frozen=True)
class ReviewQueue:
    due_total: int  # every card whose time has come
    today: int  # what is asked of the learner today (capped)
    next_card: ReviewCard | None


def reviews_due(learner: Learner | None, *, now: datetime | None = None) -> ReviewQueue:
    """Cards due now, oldest first, capped to the day's limit minus what was done today."""
    now = now or timezone.now()
    # Cards of questions an open exam holds wait until that exam ends.
    cards = (
        owned_by(ReviewCard.objects, learner)
        .filter(due__lte=now)
        .exclude(question_id__in=questions_in_open_exams(now=now))
    )
    due_total = cards.count()
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    done_today = (
        owned_by(QuestionAnswer.objects, learner)
        .filter(mode=QuestionAnswer.Mode.REVIEW, created__gte=start_of_day)
        .count()
    )
    today = max(0, min(due_total, DAILY_REVIEW_LIMIT - done_today))
    next_card = cards.select_related("question").order_by("due").first() if today else None
    return ReviewQueue(due_total=due_total, today=today, next_card=next_card)
