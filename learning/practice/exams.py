"""Exam simulations, the one place an exam is started, answered, submitted and expired.

Classrooms call ``exam_begin`` for an assigned exam, so the timing rule and the
draw's checks live only here."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from learning.content.exam_info import EXAM_INFO, ExamInfo
from learning.learners import Learner
from learning.lti import hooks as lti_hooks
from learning.models import (
    ExamAttempt,
    ExamResponse,
    Question,
)
from learning.practice.bank import EXAM_LENGTHS, QuizError, answer_is_correct, live_questions
from learning.practice.scheduling import cards_lapse

# The real exams ask only multiple choice (one answer) and multiple response
# (two or more); a predict item is one multiple-choice question about a policy
# and a request the page shows. "Fix the policy" items need the grader's
# scenarios, which an exam page does not show, so they stay in practice.
# https://docs.aws.amazon.com/aws-certification/latest/solutions-architect-associate-03/solutions-architect-associate-03.html
EXAM_FORMATS = (Question.Type.SINGLE, Question.Type.MULTIPLE, Question.Type.PREDICT)


def exam_questions() -> QuerySet[Question]:
    """The live questions an exam simulation may draw: only the real exams' formats."""
    return live_questions().filter(type__in=EXAM_FORMATS)


def exam_draw(*, exam: ExamInfo, count: int, rng: random.Random | None = None) -> list[int]:
    """Draw questions for an exam, as close to the exam's domain weights as the bank allows."""
    rng = rng or random.Random()
    by_domain: dict[str, list[int]] = defaultdict(list)
    tags = (
        exam_questions()
        .filter(tags__exam=exam.code)
        .values_list("pk", "tags__task")
        .order_by("pk", "tags__task")
    )
    seen: set[int] = set()
    for pk, task in tags:
        if pk not in seen:  # a question counts for its first task statement of this exam
            seen.add(pk)
            by_domain[task.split(".", 1)[0]].append(pk)
    for pks in by_domain.values():
        rng.shuffle(pks)
    total_weight = sum(d.weight for d in exam.domains if by_domain.get(d.number))
    chosen: list[int] = []
    if total_weight:
        for domain in exam.domains:
            pool = by_domain.get(domain.number, [])
            if pool:
                want = round(count * domain.weight / total_weight)
                chosen += pool[:want]
    leftovers = [pk for pks in by_domain.values() for pk in pks if pk not in set(chosen)]
    rng.shuffle(leftovers)
    chosen = (chosen + leftovers)[:count]
    rng.shuffle(chosen)
    return chosen


def exam_questions_draw(*, exam: str, count: int) -> list[int]:
    """The questions of a new exam simulation, after checking the exam and its length."""
    info = EXAM_INFO.get(exam)
    if info is None:
        raise QuizError("Pick one of the three exams.")
    if count not in EXAM_LENGTHS:
        raise QuizError(f"An exam simulation has {', '.join(map(str, EXAM_LENGTHS))} questions.")
    question_ids = exam_draw(exam=info, count=count)
    if not question_ids:
        raise QuizError(f"The question bank has no questions for {exam} yet.")
    return question_ids


def exam_begin(
    *, learner: Learner, exam: str, question_ids: list[int], now: datetime | None = None
) -> ExamAttempt:
    """Start the clock on these questions, at the real exam's pace per question."""
    info = EXAM_INFO[exam]
    now = now or timezone.now()
    seconds = round(info.seconds_per_question * len(question_ids))
    return ExamAttempt.objects.create(
        exam=exam,
        question_ids=list(question_ids),
        started=now,
        deadline=now + timedelta(seconds=seconds),
        **learner.owner_fields(),
    )


def exam_start(
    *, learner: Learner, exam: str, count: int = 20, now: datetime | None = None
) -> ExamAttempt:
    """A new exam simulation of ``count`` questions drawn by the exam's domain weights."""
    question_ids = exam_questions_draw(exam=exam, count=count)
    return exam_begin(learner=learner, exam=exam, question_ids=question_ids, now=now)


def exam_time_left(attempt: ExamAttempt, *, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return max(0, int((attempt.deadline - now).total_seconds()))


def exam_answer(
    *,
    attempt: ExamAttempt,
    question: Question,
    chosen: list[int],
    flagged: bool,
    policy: str = "",
    now: datetime | None = None,
) -> ExamResponse:
    """Save one answer the moment it is given. Saving again replaces it: never a duplicate.

    The attempt's row is locked for the whole save, and submitting takes the
    same lock: an answer is either saved before the exam is scored (and
    counts) or refused, never stored after the score."""
    with transaction.atomic():
        locked = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        now = now or timezone.now()
        if locked.submitted:
            raise QuizError("This exam is already submitted; its answers can no longer change.")
        if now > locked.deadline:
            raise QuizError("Time is up: answers given after the deadline are not saved.")
        if question.pk not in locked.question_ids:
            raise QuizError("That question is not part of this exam.")
        defaults = {
            "chosen": chosen,
            "policy": policy,
            "flagged": flagged,
            "correct": answer_is_correct(question, chosen, policy),
            "answered": now if chosen or policy else None,
        }
        response, _ = ExamResponse.objects.update_or_create(
            attempt=locked, question=question, defaults=defaults
        )
    return response


@dataclass(frozen=True)
class NavItem:
    """One square of the question grid: where a question of the exam stands."""

    number: int
    answered: bool
    flagged: bool


@dataclass(frozen=True)
class ExamProgress:
    items: list[NavItem]

    @property
    def unanswered(self) -> list[NavItem]:
        return [item for item in self.items if not item.answered]

    @property
    def flagged(self) -> list[NavItem]:
        return [item for item in self.items if item.flagged]

    @property
    def needs_confirmation(self) -> bool:
        """Submitting with a question left blank or flagged is asked twice, as on the exam."""
        return bool(self.unanswered or self.flagged)


def exam_progress(attempt: ExamAttempt) -> ExamProgress:
    """Which questions of the exam are answered and which are flagged, in exam order."""
    responses = {r.question_id: r for r in attempt.responses.all()}
    items = []
    for number, pk in enumerate(attempt.question_ids, start=1):
        response = responses.get(pk)
        items.append(
            NavItem(
                number=number,
                answered=bool(response and response.answered),
                flagged=bool(response and response.flagged),
            )
        )
    return ExamProgress(items=items)


def exam_view(
    *, attempt: ExamAttempt, question: Question | None, now: datetime | None = None
) -> None:
    """The learner now looks at ``question`` (None: at the review screen, or done).

    The time since the previous page opened is added to the question that page
    showed, up to the deadline, so the result can say how long each one took."""
    now = now or timezone.now()
    if attempt.viewing and attempt.viewing_since and attempt.viewing in attempt.question_ids:
        until = min(now, attempt.deadline)
        seconds = max(0, int((until - attempt.viewing_since).total_seconds()))
        if seconds:
            _add_seconds(attempt=attempt, question_id=attempt.viewing, seconds=seconds)
    attempt.viewing = question.pk if question else None
    attempt.viewing_since = now if question else None
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        viewing=attempt.viewing, viewing_since=attempt.viewing_since
    )


def _add_seconds(*, attempt: ExamAttempt, question_id: int, seconds: int) -> None:
    rows = ExamResponse.objects.filter(attempt=attempt, question_id=question_id)
    if rows.update(seconds=F("seconds") + seconds):
        return
    try:
        with transaction.atomic():
            ExamResponse.objects.create(attempt=attempt, question_id=question_id, seconds=seconds)
    except IntegrityError:
        # The answer to that question was being saved at the same moment.
        rows.update(seconds=F("seconds") + seconds)


def scaled_score(correct: int, total: int) -> int:
    """Our estimate on AWS's 100–1000 scale: a straight line from 0% (100) to 100% (1000).

    AWS scales scores with a method it does not publish, so this is an
    approximation, and the result page says so."""
    if total == 0:
        return 100
    return round(100 + 900 * correct / total)


@transaction.atomic
def exam_submit(*, attempt: ExamAttempt, now: datetime | None = None) -> ExamAttempt:
    """Score the exam: scaled score, pass or fail, and a per-domain breakdown."""
    attempt = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.submitted:
        return attempt
    now = now or timezone.now()
    exam_view(attempt=attempt, question=None, now=now)
    info = EXAM_INFO[attempt.exam]
    responses = {r.question_id: r for r in attempt.responses.all()}
    tasks = _first_task_by_question(attempt)
    domains: dict[str, dict[str, Any]] = {
        d.number: {"title": d.title, "weight": d.weight, "correct": 0, "total": 0}
        for d in info.domains
    }
    correct = 0
    for pk in attempt.question_ids:
        domain = tasks.get(pk, "0.0").split(".", 1)[0]
        bucket = domains.setdefault(
            domain, {"title": "Other", "weight": 0, "correct": 0, "total": 0}
        )
        bucket["total"] += 1
        if responses.get(pk) and responses[pk].correct:
            bucket["correct"] += 1
            correct += 1
    attempt.correct_count = correct
    attempt.scaled_score = scaled_score(correct, len(attempt.question_ids))
    attempt.passed = attempt.scaled_score >= info.passing_score
    attempt.domains = {k: v for k, v in domains.items() if v["total"]}
    attempt.submitted = now
    attempt.save()
    misses_to_review(attempt=attempt, responses=responses, now=now)
    lti_hooks.exam_submitted(attempt=attempt)
    return attempt


def misses_to_review(
    *, attempt: ExamAttempt, responses: dict[int, ExamResponse], now: datetime
) -> int:
    """Every question missed or left blank becomes a lapse in the learner's spaced review,
    as the practice page promises. Returns how many cards were scheduled."""
    learner = Learner(user_id=attempt.user_id, session_key=attempt.session_key)
    missed = [
        pk for pk in attempt.question_ids if not (responses.get(pk) and responses[pk].correct)
    ]
    live = list(Question.objects.filter(pk__in=missed).values_list("pk", flat=True))
    return cards_lapse(learner=learner, question_ids=live, now=now)


def _first_task_by_question(attempt: ExamAttempt) -> dict[int, str]:
    rows = (
        live_questions()
        .filter(pk__in=attempt.question_ids, tags__exam=attempt.exam)
        .values_list("pk", "tags__task")
        .order_by("pk", "tags__task")
    )
    tasks: dict[int, str] = {}
    for pk, task in rows:
        tasks.setdefault(pk, task)
    return tasks


def exam_expire_if_due(attempt: ExamAttempt, *, now: datetime | None = None) -> ExamAttempt:
    """An exam whose time has run out is submitted as it stands."""
    if not attempt.submitted and exam_time_left(attempt, now=now) == 0:
        return exam_submit(attempt=attempt, now=now)
    return attempt
