"""Classrooms as plain functions: create, join, assign, and read how every student is doing.

Reads for a whole class load each progress table once for all students and
all assignments, so the number of SQL queries does not grow with the class.
"""

from __future__ import annotations

import math
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from learning.auth import normalise_email
from learning.content.exam_info import EXAM_INFO
from learning.models import (
    AssignedExam,
    Assignment,
    Classroom,
    ExamAttempt,
    ExamResponse,
    Exercise,
    ExerciseAttempt,
    Lesson,
    LessonProgress,
    Membership,
    Question,
    QuestionAnswer,
)
from learning.practice import bank as quiz

# Crockford's base32: digits and letters without I, L, O and U, so a code read
# aloud or copied by hand cannot be mistaken. Ten symbols carry 50 bits.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
PRACTICE_SET_MAX = 40


class ClassroomError(ValueError):
    """Something the user can correct; shown beside the field with a 4xx."""


# Join codes


def join_code_new() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))


def join_code_normalise(raw: str) -> str:
    """What a person typed, as stored: upper case, no dashes or spaces, O read as 0, I/L as 1."""
    code = raw.upper().replace("-", "").replace(" ", "")
    return code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def _fresh_code() -> str:
    while True:
        code = join_code_new()
        if not Classroom.objects.filter(join_code=code).exists():
            return code


# Roles


class Role(StrEnum):
    OWNER = "owner"
    TEACHER = "teacher"
    STUDENT = "student"


def role_in(classroom: Classroom, user: AbstractBaseUser) -> Role | None:
    """The user's role in the class, or None when they are not in it."""
    if not user.is_authenticated:
        return None
    if classroom.owner_id == user.pk:
        return Role.OWNER
    role = classroom.memberships.filter(user=user).values_list("role", flat=True).first()
    if role == Membership.Role.TEACHER:
        return Role.TEACHER
    if role == Membership.Role.STUDENT:
        return Role.STUDENT
    return None


def classes_of(user: AbstractBaseUser) -> QuerySet[Classroom]:
    return Classroom.objects.filter(memberships__user=user).distinct()


# Creating and joining


@transaction.atomic
def classroom_create(*, owner: AbstractBaseUser, name: str) -> Classroom:
    """A new class with a fresh join code; its creator is its first teacher."""
    name = name.strip()
    if not name:
        raise ClassroomError("Give the class a name.")
    if len(name) > 120:
        raise ClassroomError("Keep the name under 120 characters.")
    classroom = Classroom.objects.create(name=name, owner=owner, join_code=_fresh_code())
    Membership.objects.create(classroom=classroom, user=owner, role=Membership.Role.TEACHER)
    return classroom


def classroom_code_regenerate(*, classroom: Classroom) -> Classroom:
    """A new join code; the old one stops working at once. Members stay."""
    classroom.join_code = _fresh_code()
    classroom.save(update_fields=["join_code"])
    return classroom


def classroom_joining_set(*, classroom: Classroom, open_: bool) -> Classroom:
    classroom.joining_open = open_
    classroom.save(update_fields=["joining_open"])
    return classroom


def classroom_by_code(code: str) -> Classroom | None:
    normalised = join_code_normalise(code)
    if len(normalised) != CODE_LENGTH:
        return None
    return Classroom.objects.filter(join_code=normalised).first()


def classroom_join(*, user: AbstractBaseUser, code: str) -> Membership:
    """Join the class with this code as a student. Joining twice changes nothing."""
    classroom = classroom_by_code(code)
    if classroom is None:
        raise ClassroomError("No class has this code. Check it with your teacher.")
    existing = Membership.objects.filter(classroom=classroom, user=user).first()
    if existing is not None:
        return existing
    if not classroom.joining_open:
        raise ClassroomError("This class is closed to new students. Ask your teacher to open it.")
    try:
        with transaction.atomic():
            return Membership.objects.create(
                classroom=classroom, user=user, role=Membership.Role.STUDENT
            )
    except IntegrityError:  # the same person joined twice at once
        return Membership.objects.get(classroom=classroom, user=user)


def co_teacher_add(*, classroom: Classroom, email: str) -> Membership:
    """Make a registered user a teacher of the class (a student of it is promoted)."""
    user = get_user_model().objects.filter(email__iexact=normalise_email(email)).first()
    if user is None:
        raise ClassroomError("Nobody has an account with that email. Ask them to sign up first.")
    membership, created = Membership.objects.get_or_create(
        classroom=classroom, user=user, defaults={"role": Membership.Role.TEACHER}
    )
    if not created and membership.role != Membership.Role.TEACHER:
        membership.role = Membership.Role.TEACHER
        membership.save(update_fields=["role"])
    return membership


def membership_remove(
    *, classroom: Classroom, membership: Membership, by: AbstractBaseUser
) -> None:
    """Remove a student (any teacher may) or a co-teacher (only the owner may)."""
    if membership.classroom_id != classroom.pk:
        raise ClassroomError("That person is not in this class.")
    if membership.user_id == classroom.owner_id:
        raise ClassroomError("The class's owner cannot be removed.")
    if membership.role == Membership.Role.TEACHER and classroom.owner_id != by.pk:
        raise ClassroomError("Only the class's owner can remove a co-teacher.")
    membership.delete()


# Assignments


def assignment_create(
    *,
    classroom: Classroom,
    by: AbstractBaseUser,
    kind: str,
    title: str = "",
    lesson: Lesson | None = None,
    exercises: Sequence[Exercise] = (),
    questions: Sequence[Question] = (),
    exam: str = "",
    count: int = 10,
    due: datetime | None = None,
) -> Assignment:
    """Set work for the class. An exam simulation's questions are drawn once, here,
    so every student meets the same items and the item analysis compares like with like."""
    fields: dict = {"classroom": classroom, "kind": kind, "due": due, "created_by": by}
    if kind == Assignment.Kind.LESSON:
        if lesson is None:
            raise ClassroomError("Pick a lesson.")
        fields |= {"lesson": lesson, "title": title or lesson.title}
    elif kind == Assignment.Kind.EXERCISES:
        if not exercises:
            raise ClassroomError("Pick at least one exercise.")
        fields |= {
            "exercise_ids": [e.pk for e in exercises],
            "title": title
            or f"Exercises: {', '.join(e.title for e in exercises[:2])}"
            + ("…" if len(exercises) > 2 else ""),
        }
    elif kind == Assignment.Kind.PRACTICE:
        if not questions:
            raise ClassroomError("Pick at least one question.")
        if len(questions) > PRACTICE_SET_MAX:
            raise ClassroomError(f"A practice set holds at most {PRACTICE_SET_MAX} questions.")
        fields |= {
            "question_ids": [q.pk for q in questions],
            "title": title or f"Practice set of {len(questions)} questions",
        }
    elif kind == Assignment.Kind.EXAM:
        info = EXAM_INFO.get(exam)
        if info is None:
            raise ClassroomError("Pick one of the three exams.")
        if count not in quiz.EXAM_LENGTHS:
            lengths = ", ".join(map(str, quiz.EXAM_LENGTHS))
            raise ClassroomError(f"An exam simulation has {lengths} questions.")
        question_ids = quiz.exam_draw(exam=info, count=count)
        if not question_ids:
            raise ClassroomError(f"The question bank has no questions for {exam} yet.")
        fields |= {
            "exam": exam,
            "question_ids": question_ids,
            "title": title or f"{exam} exam simulation, {len(question_ids)} questions",
        }
    else:
        raise ClassroomError("Pick what kind of work to set.")
    if len(fields["title"]) > 160:
        raise ClassroomError("Keep the title under 160 characters.")
    return Assignment.objects.create(**fields)


def practice_set_next(*, assignment: Assignment, user: AbstractBaseUser) -> Question | None:
    """The first question of the set this student has not answered since it was set."""
    answered = set(
        QuestionAnswer.objects.filter(
            user=user, question_id__in=assignment.question_ids, created__gte=assignment.created
        ).values_list("question_id", flat=True)
    )
    for pk in assignment.question_ids:
        if pk not in answered:
            return Question.objects.filter(pk=pk).first()
    return None


@transaction.atomic
def assignment_exam_start(*, assignment: Assignment, user: AbstractBaseUser) -> ExamAttempt:
    """The student's exam for this assignment: the one already started, or a new one."""
    link = (
        AssignedExam.objects.select_related("attempt")
        .filter(assignment=assignment, attempt__user=user)
        .first()
    )
    if link is not None:
        return link.attempt
    info = EXAM_INFO[assignment.exam]
    now = timezone.now()
    seconds = round(info.seconds_per_question * len(assignment.question_ids))
    attempt = ExamAttempt.objects.create(
        user=user,
        exam=assignment.exam,
        question_ids=list(assignment.question_ids),
        started=now,
        deadline=now + timedelta(seconds=seconds),
    )
    AssignedExam.objects.create(assignment=assignment, attempt=attempt)
    return attempt


# Status


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
        for user_id, lesson_id, completed in LessonProgress.objects.filter(
            user__in=users, lesson_id__in=lesson_ids
        ).values_list("user_id", "lesson_id", "completed"):
            facts.lessons[(user_id, lesson_id)] = completed
    if exercise_ids:
        rows = (
            ExerciseAttempt.objects.filter(
                user__in=users, exercise_id__in=exercise_ids, phase="policy"
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
            QuestionAnswer.objects.filter(
                user__in=users, question_id__in=question_ids, created__gte=since
            )
            .order_by("created")
            .values_list("user_id", "question_id", "created", "correct")
        )
        for user_id, question_id, created, correct in rows:
            facts.answers[(user_id, question_id)].append((created, correct))
    if exams:
        rows = AssignedExam.objects.filter(
            assignment__in=[a.pk for a in exams], attempt__user__in=users
        ).values_list(
            "assignment_id",
            "attempt__user_id",
            "attempt__submitted",
            "attempt__correct_count",
            "attempt__scaled_score",
        )
        for assignment_id, user_id, submitted, correct, scaled in rows:
            facts.exams[(user_id, assignment_id)] = (submitted, correct, scaled)
    return facts


def _cell(assignment: Assignment, user_id: int, facts: _Facts, now: datetime) -> Cell:
    started = False
    finished: datetime | None = None
    score: int | None = None
    detail = ""
    if assignment.kind == Assignment.Kind.LESSON:
        key = (user_id, assignment.lesson_id)
        started = key in facts.lessons
        finished = facts.lessons.get(key)
    elif assignment.kind == Assignment.Kind.EXERCISES:
        total = len(assignment.exercise_ids)
        solved = [facts.exercises.get((user_id, pk)) for pk in assignment.exercise_ids]
        times = [t for t in solved if t is not None]
        started = any((user_id, pk) in facts.exercises for pk in assignment.exercise_ids)
        score = round(100 * len(times) / total) if total else None
        detail = f"{len(times)} of {total} solved"
        if total and len(times) == total:
            finished = max(times)
        if not started:
            score = None
    elif assignment.kind == Assignment.Kind.PRACTICE:
        total = len(assignment.question_ids)
        firsts = []
        for pk in assignment.question_ids:
            given = [a for a in facts.answers.get((user_id, pk), ()) if a[0] >= assignment.created]
            if given:
                firsts.append(given[0])
        started = bool(firsts)
        right = sum(1 for _, correct in firsts if correct)
        if started:
            score = round(100 * right / total)
            detail = f"{right} of {total} right first time, {len(firsts)} answered"
        if total and len(firsts) == total:
            finished = max(t for t, _ in firsts)
    elif assignment.kind == Assignment.Kind.EXAM:
        exam = facts.exams.get((user_id, assignment.pk))
        if exam is not None:
            started = True
            submitted, correct, scaled = exam
            if submitted is not None:
                finished = submitted
                total = len(assignment.question_ids)
                score = round(100 * (correct or 0) / total) if total else None
                detail = f"scaled {scaled}, {correct} of {total} right"
    if finished is not None:
        late = assignment.due is not None and finished > assignment.due
        return Cell(Status.DONE, score, finished, detail, done_late=late)
    overdue = assignment.due is not None and now > assignment.due
    if overdue:
        return Cell(Status.LATE, score, None, detail)
    return Cell(Status.IN_PROGRESS if started else Status.NOT_STARTED, score, None, detail)


def assignment_status(*, assignment: Assignment, user: AbstractBaseUser) -> Cell:
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
    assignments = list(classroom.assignments.select_related("lesson"))
    members = list(class_students(classroom))
    student_ids = Membership.objects.filter(
        classroom=classroom, role=Membership.Role.STUDENT
    ).values("user_id")
    facts = _facts(assignments, student_ids)
    rows = [
        StudentRow(
            membership=m,
            name=m.display_name or m.user.email,
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
    *, user: AbstractBaseUser, classrooms: Iterable[Classroom] | None = None
) -> list[tuple[Assignment, Cell]]:
    """A student's assignments across their classes (or the given ones), soonest due first."""
    classes = Membership.objects.filter(user=user, role=Membership.Role.STUDENT).values(
        "classroom_id"
    )
    assignments = Assignment.objects.filter(classroom__in=classes).select_related(
        "classroom", "lesson"
    )
    if classrooms is not None:
        assignments = assignments.filter(classroom__in=[c.pk for c in classrooms])
    assignments = list(assignments)
    facts = _facts(assignments, [user.pk])
    now = timezone.now()
    far = timezone.make_aware(datetime(9999, 1, 1))
    pairs = [(a, _cell(a, user.pk, facts, now)) for a in assignments]
    pairs.sort(key=lambda p: (p[1].status == Status.DONE, p[0].due or far, p[0].created))
    return pairs


# Item analysis


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
