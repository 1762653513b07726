"""Practice, exam simulations, spaced review and readiness, as plain functions.

Views parse input and render; every rule about answers, scores and schedules
lives here, where it is tested without HTTP.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import fsrs
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from learning.exams import EXAM_INFO, ExamInfo
from learning.grading import grade_policy
from learning.learners import Learner, owned_by
from learning.lti import hooks as lti_hooks
from learning.models import (
    ExamAttempt,
    ExamResponse,
    Question,
    QuestionAnswer,
    QuestionReport,
    ReviewCard,
    ReviewLog,
    StudyPlan,
)

# How many review cards a learner is asked to do in one day. A backlog after
# a break is worked off over several days instead of arriving all at once.
DAILY_REVIEW_LIMIT = 20
# Answer times that turn a right answer into "Easy" or "Hard" for FSRS.
FAST_SECONDS = 25
SLOW_SECONDS = 120
EXAM_LENGTHS = (10, 20, 40)

_scheduler = fsrs.Scheduler(
    learning_steps=(timedelta(minutes=10),),
    relearning_steps=(timedelta(minutes=10),),
    enable_fuzzing=False,
)


class QuizError(ValueError):
    """An answer or action the learner can correct (shown with a 4xx)."""


def live_questions() -> QuerySet[Question]:
    return Question.objects.filter(retired=False)


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
    pool = questions_for(exam=exam, topic=topic, domain=domain)
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
    plan = study_plan(learner)
    card_row.state = card.state.value
    card_row.step = card.step
    card_row.stability = card.stability
    card_row.difficulty = card.difficulty
    card_row.due = capped_due(card.due, now=now, exam_date=plan.exam_date if plan else None)
    card_row.last_review = card.last_review
    card_row.save()
    ReviewLog.objects.create(card=card_row, rating=log.rating.value, reviewed=now)
    return card_row


@transaction.atomic
def practice_answer(
    *,
    learner: Learner,
    question: Question,
    chosen: list[int],
    policy: str = "",
    seconds: int | None = None,
    mode: str = "practice",
) -> QuestionAnswer:
    """Record a practice or review answer and reschedule the question for this learner."""
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
    cards = owned_by(ReviewCard.objects, learner).filter(due__lte=now)
    due_total = cards.count()
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    done_today = (
        owned_by(QuestionAnswer.objects, learner)
        .filter(mode="review", created__gte=start_of_day)
        .count()
    )
    today = max(0, min(due_total, DAILY_REVIEW_LIMIT - done_today))
    next_card = cards.select_related("question").order_by("due").first() if today else None
    return ReviewQueue(due_total=due_total, today=today, next_card=next_card)


# Exam simulations


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


def exam_start(
    *, learner: Learner, exam: str, count: int = 20, now: datetime | None = None
) -> ExamAttempt:
    info = EXAM_INFO.get(exam)
    if info is None:
        raise QuizError("Pick one of the three exams.")
    if count not in EXAM_LENGTHS:
        raise QuizError(f"An exam simulation has {', '.join(map(str, EXAM_LENGTHS))} questions.")
    question_ids = exam_draw(exam=info, count=count)
    if not question_ids:
        raise QuizError(f"The question bank has no questions for {exam} yet.")
    now = now or timezone.now()
    seconds = round(info.seconds_per_question * len(question_ids))
    return ExamAttempt.objects.create(
        exam=exam,
        question_ids=question_ids,
        started=now,
        deadline=now + timedelta(seconds=seconds),
        **learner.owner_fields(),
    )


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


# Readiness


MASTERY_LEVELS = ("not started", "attempted", "familiar", "proficient", "mastered")


def mastery_level(*, answered: int, correct: int) -> str:
    """From recent answers to a task statement's questions: how well does the learner know it?"""
    if answered == 0:
        return "not started"
    share = correct / answered
    if answered >= 5 and share >= 0.9:
        return "mastered"
    if answered >= 3 and share >= 0.75:
        return "proficient"
    if share >= 0.5:
        return "familiar"
    return "attempted"


@dataclass(frozen=True)
class TaskReadiness:
    task: str
    questions: int
    answered: int
    correct: int
    level: str

    @property
    def level_index(self) -> int:
        return MASTERY_LEVELS.index(self.level)


@dataclass(frozen=True)
class Readiness:
    exam: ExamInfo
    tasks: list[TaskReadiness]
    estimate: int | None  # estimated scaled score, None until enough answers
    answered: int

    @property
    def likely_to_pass(self) -> bool | None:
        return None if self.estimate is None else self.estimate >= self.exam.passing_score


MIN_ANSWERS_FOR_ESTIMATE = 20


def latest_answers(learner: Learner | None, *, question_ids: set[int]) -> dict[int, bool]:
    """Whether the learner's latest answer to each question was right, from practice,
    review and submitted exam simulations alike."""
    stamped: dict[int, tuple[datetime, bool]] = {}
    practice = (
        owned_by(QuestionAnswer.objects, learner)
        .filter(question_id__in=question_ids)
        .values_list("question_id", "created", "correct")
    )
    attempts = owned_by(ExamAttempt.objects, learner).filter(submitted__isnull=False)
    exams = ExamResponse.objects.filter(
        attempt__in=attempts, question_id__in=question_ids, answered__isnull=False
    ).values_list("question_id", "answered", "correct")
    for pk, when, correct in [*practice, *exams]:
        if pk not in stamped or when > stamped[pk][0]:
            stamped[pk] = (when, correct)
    return {pk: correct for pk, (_, correct) in stamped.items()}


def readiness(*, learner: Learner | None, exam: str) -> Readiness:
    """Mastery per task statement from each question's latest answer, and a score estimate.

    The estimate weights each domain's share of correct latest answers by the
    domain's weight in the exam guide, then maps it onto the 100–1000 scale the
    same way the exam simulation does. Domains with no answers count as zero."""
    info = EXAM_INFO[exam]
    tags = list(live_questions().filter(tags__exam=exam).values_list("pk", "tags__task").distinct())
    task_questions: dict[str, set[int]] = defaultdict(set)
    for pk, task in tags:
        task_questions[task].add(pk)
    latest = latest_answers(learner, question_ids={pk for pk, _ in tags})
    rows = []
    for task in sorted(task_questions):
        pks = task_questions[task]
        answered = [latest[pk] for pk in pks if pk in latest]
        rows.append(
            TaskReadiness(
                task=task,
                questions=len(pks),
                answered=len(answered),
                correct=sum(answered),
                level=mastery_level(answered=len(answered), correct=sum(answered)),
            )
        )
    estimate = None
    if len(latest) >= MIN_ANSWERS_FOR_ESTIMATE:
        weighted = 0.0
        for domain in info.domains:
            pks = {
                pk
                for task, ps in task_questions.items()
                if task.startswith(f"{domain.number}.")
                for pk in ps
            }
            answered = [latest[pk] for pk in pks if pk in latest]
            share = sum(answered) / len(answered) if answered else 0.0
            weighted += share * domain.weight
        total_weight = sum(d.weight for d in info.domains)
        estimate = scaled_score(round(weighted * 1000), total_weight * 1000)
    return Readiness(exam=info, tasks=rows, estimate=estimate, answered=len(latest))


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
