"""Readiness for an exam: mastery per task statement and an estimated scaled score."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from learning.content.exam_info import EXAM_INFO, ExamInfo, task_title
from learning.learners import Learner, owned_by
from learning.models import (
    ExamAttempt,
    ExamResponse,
    QuestionAnswer,
)
from learning.practice.bank import live_questions
from learning.practice.exams import scaled_score

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
    title: str  # the task statement's wording in the exam guide ("" when not recorded)
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
        if pk not in stamped or when > stamped[pk][0]:  # type: ignore[operator]
            stamped[pk] = (when, correct)  # type: ignore[assignment]
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
                title=task_title(exam, task),
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
