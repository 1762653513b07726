"""Item analysis of an assignment's questions: facility and discrimination per item."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from learning.models import (
    AssignedExam,
    Assignment,
    ExamResponse,
    Membership,
    Question,
    QuestionAnswer,
)


@dataclass(frozen=True)
class ItemResponse:
    correct: bool
    chosen: tuple[int, ...]


@dataclass(frozen=True)
class ItemStat:
    position: int  # 1-based place in the set
    question_id: int
    attempts: int
    facility: float | None  # percent of students right
    discrimination: float | None  # percent: correlation with the rest of the test
    wrong_option: int | None  # the wrong option chosen most often
    wrong_option_count: int
    question: Question | None = None

    @property
    def wrong_option_letter(self) -> str:
        return "" if self.wrong_option is None else chr(ord("A") + self.wrong_option)


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None  # everyone scored the same: the item cannot discriminate
    return sxy / math.sqrt(sxx * syy)


def item_statistics(
    *, question_ids: Sequence[int], correct_options: dict[int, list[int]], responses
) -> list[ItemStat]:
    """Moodle's quiz statistics for a fixed set of items, hardest first.

    ``responses`` maps each student to ``{question_id: ItemResponse}``; a
    question a student left out counts as wrong with nothing chosen.

    - Facility index: the share of students who got the item right, in percent.
    - Discrimination index: the correlation between students' scores on the
      item and their scores on the rest of the set (the item left out), in
      percent, as in https://docs.moodle.org/dev/Quiz_statistics_calculations .
      None when it cannot be computed (fewer than two students, or no spread).
    - The wrong option chosen most often, which tells the teacher what
      misconception to address.
    """
    students = list(responses.values())
    blank = ItemResponse(correct=False, chosen=())
    scores = [
        {pk: 1.0 if answers.get(pk, blank).correct else 0.0 for pk in question_ids}
        for answers in students
    ]
    totals = [sum(s.values()) for s in scores]
    stats = []
    for position, pk in enumerate(question_ids, start=1):
        item = [s[pk] for s in scores]
        rest = [total - x for total, x in zip(totals, item, strict=True)]
        wrong = Counter(
            option
            for answers in students
            for option in answers.get(pk, blank).chosen
            if option not in correct_options.get(pk, [])
        )
        top = min(wrong.items(), key=lambda kv: (-kv[1], kv[0])) if wrong else None
        r = _correlation(item, rest)
        stats.append(
            ItemStat(
                position=position,
                question_id=pk,
                attempts=len(item),
                facility=round(100 * sum(item) / len(item), 1) if item else None,
                discrimination=None if r is None else round(100 * r, 1),
                wrong_option=top[0] if top else None,
                wrong_option_count=top[1] if top else 0,
            )
        )
    stats.sort(key=lambda s: (s.facility if s.facility is not None else 101, s.position))
    return stats


def item_analysis(*, assignment: Assignment) -> list[ItemStat]:
    """Item statistics for a practice set or exam simulation, from finished work only.

    A practice set counts each student's first answer to each question since it
    was set, once they have answered them all; an exam counts submitted attempts."""
    if assignment.kind not in (Assignment.Kind.PRACTICE, Assignment.Kind.EXAM):
        return []
    question_ids = list(assignment.question_ids)
    students = Membership.objects.filter(
        classroom=assignment.classroom_id, role=Membership.Role.STUDENT
    ).values("user_id")
    responses: dict[int, dict[int, ItemResponse]] = defaultdict(dict)
    if assignment.kind == Assignment.Kind.PRACTICE:
        rows = (
            QuestionAnswer.objects.filter(
                user__in=students, question_id__in=question_ids, created__gte=assignment.created
            )
            .order_by("created")
            .values_list("user_id", "question_id", "correct", "chosen")
        )
        for user_id, pk, correct, chosen in rows:
            responses[user_id].setdefault(pk, ItemResponse(correct, tuple(chosen or ())))
        finished = {u: r for u, r in responses.items() if len(r) == len(question_ids)}
    else:
        attempts = dict(
            AssignedExam.objects.filter(
                assignment=assignment, attempt__user__in=students, attempt__submitted__isnull=False
            ).values_list("attempt_id", "attempt__user_id")
        )
        for attempt_id, pk, correct, chosen in ExamResponse.objects.filter(
            attempt_id__in=list(attempts)
        ).values_list("attempt_id", "question_id", "correct", "chosen"):
            responses[attempts[attempt_id]][pk] = ItemResponse(correct, tuple(chosen or ()))
        finished = {user_id: responses.get(user_id, {}) for user_id in attempts.values()}
    questions = Question.objects.in_bulk(question_ids)
    correct_options = {pk: q.correct_indexes for pk, q in questions.items()}
    stats = item_statistics(
        question_ids=question_ids, correct_options=correct_options, responses=finished
    )
    return [replace(s, question=questions.get(s.question_id)) for s in stats]
