"""Exam simulations, the one place an exam is started, answered, submitted and expired.

Classrooms call ``exam_begin`` for an assigned exam, so the timing rule and the
draw's checks live only here."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
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


def exam_draw(*, exam: ExamInfo, count: int, rng: random.Random | None = None) -> list[int]:
    """Draw questions for an exam, as close to the exam's domain weights as the bank allows."""
    rng = rng or random.Random()
    by_domain: dict[str, list[int]] = defaultdict(list)
    tags = (
        live_questions()
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
    """Save one answer the moment it is given. Saving again replaces it: never a duplicate."""
    now = now or timezone.now()
    if attempt.submitted:
        raise QuizError("This exam is already submitted; its answers can no longer change.")
    if now > attempt.deadline:
        raise QuizError("Time is up: answers given after the deadline are not saved.")
    if question.pk not in attempt.question_ids:
        raise QuizError("That question is not part of this exam.")
    defaults = {
        "chosen": chosen,
        "policy": policy,
        "flagged": flagged,
        "correct": answer_is_correct(question, chosen, policy),
        "answered": now if chosen or policy else None,
    }
    try:
        with transaction.atomic():
            response, _ = ExamResponse.objects.update_or_create(
                attempt=attempt, question=question, defaults=defaults
            )
    except IntegrityError:
        # Two saves of the same answer raced; the other one created the row.
        response, _ = ExamResponse.objects.update_or_create(
            attempt=attempt, question=question, defaults=defaults
        )
    return response


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
    attempt.submitted = now or timezone.now()
    attempt.save()
    lti_hooks.exam_submitted(attempt=attempt)
    return attempt


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
