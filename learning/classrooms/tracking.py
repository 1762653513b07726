"""Tracking how every student is doing on every assignment: the class grid and a student's list.

Reads for a whole class load each progress table once for all students and
all assignments, so the number of SQL queries does not grow with the class."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import User
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from learning.models import (
    AssignedExam,
    Assignment,
    Classroom,
    ExerciseAttempt,
    LessonProgress,
    Membership,
    QuestionAnswer,
)


class Status(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    DONE = "done"
    LATE = "late"


STATUS_ORDER = {Status.LATE: 0, Status.NOT_STARTED: 1, Status.IN_PROGRESS: 2, Status.DONE: 3}


@dataclass(frozen=True)
class Cell:
    """One student's standing on one assignment."""

    status: Status
    score: int | None = None  # percent, when the work has a score
    finished: datetime | None = None
    detail: str = ""  # e.g. "3 of 5 exercises" or "scaled 780"
    done_late: bool = False

    @property
    def css(self) -> str:
        return self.status.replace(" ", "-")

    @property
    def sort_key(self) -> tuple[int, int]:
        return (STATUS_ORDER[self.status], self.score if self.score is not None else -1)


# An assignment's ordered exercises and questions, loaded with it.
_ITEMS = ("exercise_items", "question_items")


@dataclass
class _Facts:
    """Progress rows for a set of students and assignments, loaded once."""

    lessons: dict[tuple[int, int], datetime | None] = field(default_factory=dict)
    exercises: dict[tuple[int, int], datetime | None] = field(default_factory=dict)
    answers: dict[tuple[int, int], list[tuple[datetime, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    exams: dict[tuple[int, int], tuple[datetime | None, int | None, int | None]] = field(
        default_factory=dict
    )


def _facts(assignments: Sequence[Assignment], users) -> _Facts:
    """At most four queries, whatever the number of students and assignments.

    ``users`` is a queryset of user ids (a subquery) or a list of them."""
    facts = _Facts()
    lesson_ids = {a.lesson_id for a in assignments if a.kind == Assignment.Kind.LESSON}
    exercise_ids = {
        pk for a in assignments if a.kind == Assignment.Kind.EXERCISES for pk in a.exercise_ids
    }
    practice = [a for a in assignments if a.kind == Assignment.Kind.PRACTICE]
    question_ids = {pk for a in practice for pk in a.question_ids}
    exams = [a for a in assignments if a.kind == Assignment.Kind.EXAM]
    if lesson_ids:
        for user_id, lesson_id, completed in LessonProgress.objects.filter(  # type: ignore[misc]
            user__in=users, lesson_id__in=lesson_ids
        ).values_list("user_id", "lesson_id", "completed"):
            facts.lessons[(user_id, lesson_id)] = completed
    if exercise_ids:
        rows = (
            ExerciseAttempt.objects.filter(
                user__in=users, exercise_id__in=exercise_ids, phase=ExerciseAttempt.Phase.POLICY
            )
            .values("user_id", "exercise_id")
            .annotate(solved=Min("created", filter=Q(passed=True)))
            .values_list("user_id", "exercise_id", "solved")
        )
        for user_id, exercise_id, solved in rows:
            facts.exercises[(user_id, exercise_id)] = solved
    if question_ids:
        since = min(a.created for a in practice)
        rows = (
            QuestionAnswer.objects.filter(  # type: ignore[assignment]
                user__in=users, question_id__in=question_ids, created__gte=since
            )
            .order_by("created")
            .values_list("user_id", "question_id", "created", "correct")
        )
        for user_id, question_id, created, correct in rows:  # type: ignore[misc]
            facts.answers[(user_id, question_id)].append((created, correct))
    if exams:
        rows = AssignedExam.objects.filter(  # type: ignore[assignment]
            assignment__in=[a.pk for a in exams], attempt__user__in=users
        ).values_list(
            "assignment_id",
            "attempt__user_id",
            "attempt__submitted",
            "attempt__correct_count",
            "attempt__scaled_score",
        )
        for assignment_id, user_id, submitted, correct, scaled in rows:  # type: ignore[misc]
            facts.exams[(user_id, assignment_id)] = (submitted, correct, scaled)
    return facts


@dataclass(frozen=True)
class _Progress:
    """How far one student is with one assignment, before due dates are considered."""

    started: bool = False
    finished: datetime | None = None
    score: int | None = None
    detail: str = ""


def _lesson_progress(assignment: Assignment, user_id: int, facts: _Facts) -> _Progress:
    key = (user_id, assignment.lesson_id or 0)
    return _Progress(started=key in facts.lessons, finished=facts.lessons.get(key))


def _exercises_progress(assignment: Assignment, user_id: int, facts: _Facts) -> _Progress:
    total = len(assignment.exercise_ids)
    solved = [facts.exercises.get((user_id, pk)) for pk in assignment.exercise_ids]
    times = [t for t in solved if t is not None]
    started = any((user_id, pk) in facts.exercises for pk in assignment.exercise_ids)
    return _Progress(
        started=started,
        finished=max(times) if total and len(times) == total else None,
        score=round(100 * len(times) / total) if total and started else None,
        detail=f"{len(times)} of {total} solved",
    )


def _practice_progress(assignment: Assignment, user_id: int, facts: _Facts) -> _Progress:
    total = len(assignment.question_ids)
    firsts = []
    for pk in assignment.question_ids:
        given = [a for a in facts.answers.get((user_id, pk), ()) if a[0] >= assignment.created]
        if given:
            firsts.append(given[0])
    if not firsts:
        return _Progress()
    right = sum(1 for _, correct in firsts if correct)
    return _Progress(
        started=True,
        finished=max(t for t, _ in firsts) if len(firsts) == total else None,
        score=round(100 * right / total),
        detail=f"{right} of {total} right first time, {len(firsts)} answered",
    )


def _exam_progress(assignment: Assignment, user_id: int, facts: _Facts) -> _Progress:
    exam = facts.exams.get((user_id, assignment.pk))
    if exam is None:
        return _Progress()
    submitted, correct, scaled = exam
    if submitted is None:
        return _Progress(started=True)
    total = len(assignment.question_ids)
    return _Progress(
        started=True,
        finished=submitted,
        score=round(100 * (correct or 0) / total) if total else None,
        detail=f"scaled {scaled}, {correct} of {total} right",
    )


_PROGRESS = {
    Assignment.Kind.LESSON: _lesson_progress,
    Assignment.Kind.EXERCISES: _exercises_progress,
    Assignment.Kind.PRACTICE: _practice_progress,
    Assignment.Kind.EXAM: _exam_progress,
}


def _cell(assignment: Assignment, user_id: int, facts: _Facts, now: datetime) -> Cell:
    progress = _PROGRESS[Assignment.Kind(assignment.kind)](assignment, user_id, facts)
    score, detail = progress.score, progress.detail
    if progress.finished is not None:
        late = assignment.due is not None and progress.finished > assignment.due
        return Cell(Status.DONE, score, progress.finished, detail, done_late=late)
    if assignment.due is not None and now > assignment.due:
        return Cell(Status.LATE, score, None, detail)
    return Cell(Status.IN_PROGRESS if progress.started else Status.NOT_STARTED, score, None, detail)


def assignment_status(*, assignment: Assignment, user: User) -> Cell:
    """One student's status on one assignment: not started, in progress, done or late."""
    return _cell(assignment, user.pk, _facts([assignment], [user.pk]), timezone.now())


@dataclass(frozen=True)
class StudentRow:
    membership: Membership
    name: str
    email: str
    cells: list[Cell]

    @property
    def done_count(self) -> int:
        return sum(1 for cell in self.cells if cell.status == Status.DONE)


@dataclass(frozen=True)
class Grid:
    assignments: list[Assignment]
    rows: list[StudentRow]
    counts: dict[int, Counter]  # per assignment id: how many students per status


def class_students(classroom: Classroom) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(classroom=classroom, role=Membership.Role.STUDENT)
        .select_related("user")
        .annotate(display_name=F("user__profile__display_name"))
        .order_by("user__email")
    )


def class_grid(
    *,
    classroom: Classroom,
    sort: str = "name",
    descending: bool = False,
    status: str = "",
    search: str = "",
    now: datetime | None = None,
) -> Grid:
    """Students by assignments, with status and score. Sort by name or by one
    assignment (its status, then score); keep only students with a cell in
    ``status``, or whose name or email contains ``search``."""
    now = now or timezone.now()
    assignments = list(classroom.assignments.select_related("lesson").prefetch_related(*_ITEMS))
    members = list(class_students(classroom))
    student_ids = Membership.objects.filter(
        classroom=classroom, role=Membership.Role.STUDENT
    ).values("user_id")
    facts = _facts(assignments, student_ids)
    rows = [
        StudentRow(
            membership=m,
            name=m.display_name or m.user.email,  # type: ignore[attr-defined]
            email=m.user.email,
            cells=[_cell(a, m.user_id, facts, now) for a in assignments],
        )
        for m in members
    ]
    counts = {a.pk: Counter(row.cells[i].status for row in rows) for i, a in enumerate(assignments)}
    if search:
        needle = search.casefold()
        rows = [r for r in rows if needle in r.name.casefold() or needle in r.email.casefold()]
    if status in {s.value for s in Status}:
        rows = [r for r in rows if any(c.status == status for c in r.cells)]
    column = next((i for i, a in enumerate(assignments) if str(a.public_id) == sort), None)
    if column is not None:
        rows.sort(key=lambda r: (r.cells[column].sort_key, r.name.casefold()), reverse=descending)
    elif sort == "done":
        rows.sort(key=lambda r: (r.done_count, r.name.casefold()), reverse=descending)
    else:
        rows.sort(key=lambda r: r.name.casefold(), reverse=descending)
    return Grid(assignments=assignments, rows=rows, counts=counts)


def student_assignments(
    *, user: User, classrooms: Iterable[Classroom] | None = None
) -> list[tuple[Assignment, Cell]]:
    """A student's assignments across their classes (or the given ones), soonest due first."""
    classes = Membership.objects.filter(user=user, role=Membership.Role.STUDENT).values(
        "classroom_id"
    )
    assignments = (
        Assignment.objects.filter(classroom__in=classes)
        .select_related("classroom", "lesson")
        .prefetch_related(*_ITEMS)
    )
    if classrooms is not None:
        assignments = assignments.filter(classroom__in=[c.pk for c in classrooms])
    assignments = list(assignments)  # type: ignore[assignment]
    facts = _facts(assignments, [user.pk])  # type: ignore[arg-type]
    now = timezone.now()
    far = timezone.make_aware(datetime(9999, 1, 1))
    pairs = [(a, _cell(a, user.pk, facts, now)) for a in assignments]
    pairs.sort(key=lambda p: (p[1].status == Status.DONE, p[0].due or far, p[0].created))
    return pairs
