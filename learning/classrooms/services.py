"""Classrooms as plain functions: join codes, roles, creating and joining a class,
members, and the work a teacher sets. How students are doing is in ``progress``;
the statistics of an assignment's questions are in ``item_analysis``."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from config.web import UserError
from learning.auth import normalise_email
from learning.learners import Learner
from learning.models import (
    AssignedExam,
    Assignment,
    AssignmentExercise,
    AssignmentQuestion,
    Classroom,
    ExamAttempt,
    Exercise,
    Lesson,
    Membership,
    Question,
    QuestionAnswer,
)
from learning.practice import exams
from learning.practice.bank import QuizError

# Crockford's base32: digits and letters without I, L, O and U, so a code read
# aloud or copied by hand cannot be mistaken. Ten symbols carry 50 bits.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
PRACTICE_SET_MAX = 40


class ClassroomError(UserError):
    """Something the user can correct; shown beside the field with a 4xx."""


# Join codes


def join_code_new() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))


def join_code_normalise(raw: str) -> str:
    """What a person typed, as stored: upper case, no dashes or spaces, O read as 0, I/L as 1."""
    code = raw.upper().replace("-", "").replace(" ", "")
    return code.translate(str.maketrans("OIL", "011"))


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


def role_in(classroom: Classroom, user: User) -> Role | None:
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


def classes_of(user: User) -> QuerySet[Classroom]:
    return Classroom.objects.filter(memberships__user=user).distinct()


# Creating and joining


@transaction.atomic
def classroom_create(*, owner: User, name: str) -> Classroom:
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


def classroom_join(*, user: User, code: str) -> Membership:
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


def membership_remove(*, classroom: Classroom, membership: Membership, by: User) -> None:
    """Remove a student (any teacher may) or a co-teacher (only the owner may)."""
    if membership.classroom_id != classroom.pk:
        raise ClassroomError("That person is not in this class.")
    if membership.user_id == classroom.owner_id:
        raise ClassroomError("The class's owner cannot be removed.")
    if membership.role == Membership.Role.TEACHER and classroom.owner_id != by.pk:
        raise ClassroomError("Only the class's owner can remove a co-teacher.")
    membership.delete()


# Assignments


@dataclass(frozen=True)
class _Work:
    """What one kind of assignment holds, before it is saved."""

    title: str
    lesson: Lesson | None = None
    exam: str = ""
    exercise_ids: Sequence[int] = ()
    question_ids: Sequence[int] = ()


def _lesson_work(*, lesson: Lesson | None, **_: object) -> _Work:
    if lesson is None:
        raise ClassroomError("Pick a lesson.")
    return _Work(title=lesson.title, lesson=lesson)


def _exercises_work(*, exercises: Sequence[Exercise], **_: object) -> _Work:
    if not exercises:
        raise ClassroomError("Pick at least one exercise.")
    more = "…" if len(exercises) > 2 else ""
    return _Work(
        title=f"Exercises: {', '.join(e.title for e in exercises[:2])}{more}",
        exercise_ids=[e.pk for e in exercises],
    )


def _practice_work(*, questions: Sequence[Question], **_: object) -> _Work:
    if not questions:
        raise ClassroomError("Pick at least one question.")
    if len(questions) > PRACTICE_SET_MAX:
        raise ClassroomError(f"A practice set holds at most {PRACTICE_SET_MAX} questions.")
    return _Work(
        title=f"Practice set of {len(questions)} questions",
        question_ids=[q.pk for q in questions],
    )


def _exam_work(*, exam: str, count: int, **_: object) -> _Work:
    try:
        question_ids = exams.exam_questions_draw(exam=exam, count=count)
    except QuizError as error:
        raise ClassroomError(str(error)) from error
    return _Work(
        title=f"{exam} exam simulation, {len(question_ids)} questions",
        exam=exam,
        question_ids=question_ids,
    )


_WORK: dict[str, Callable[..., _Work]] = {
    Assignment.Kind.LESSON: _lesson_work,
    Assignment.Kind.EXERCISES: _exercises_work,
    Assignment.Kind.PRACTICE: _practice_work,
    Assignment.Kind.EXAM: _exam_work,
}


def assignment_items_set(
    *, assignment: Assignment, exercise_ids: Sequence[int] = (), question_ids: Sequence[int] = ()
) -> None:
    """Give the assignment its exercises or questions, in this order (a repeat keeps its
    first place)."""
    AssignmentExercise.objects.bulk_create(
        AssignmentExercise(assignment=assignment, exercise_id=pk, position=position)
        for position, pk in enumerate(dict.fromkeys(exercise_ids), start=1)
    )
    AssignmentQuestion.objects.bulk_create(
        AssignmentQuestion(assignment=assignment, question_id=pk, position=position)
        for position, pk in enumerate(dict.fromkeys(question_ids), start=1)
    )
    for name in ("exercise_ids", "question_ids"):
        assignment.__dict__.pop(name, None)  # read the rows again next time


@transaction.atomic
def assignment_create(
    *,
    classroom: Classroom,
    by: User,
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
    build = _WORK.get(kind)
    if build is None:
        raise ClassroomError("Pick what kind of work to set.")
    work = build(lesson=lesson, exercises=exercises, questions=questions, exam=exam, count=count)
    title = title or work.title
    if len(title) > 160:
        raise ClassroomError("Keep the title under 160 characters.")
    assignment = Assignment.objects.create(
        classroom=classroom,
        kind=kind,
        due=due,
        created_by=by,
        title=title,
        lesson=work.lesson,
        exam=work.exam,
    )
    assignment_items_set(
        assignment=assignment, exercise_ids=work.exercise_ids, question_ids=work.question_ids
    )
    return assignment


def practice_set_next(*, assignment: Assignment, user: User) -> Question | None:
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
def assignment_exam_start(*, assignment: Assignment, user: User) -> ExamAttempt:
    """The student's exam for this assignment: the one already started, or a new one."""
    link = (
        AssignedExam.objects.select_related("attempt")
        .filter(assignment=assignment, attempt__user=user)
        .first()
    )
    if link is not None:
        return link.attempt
    attempt = exams.exam_begin(
        learner=Learner(user_id=user.pk, session_key=""),
        exam=assignment.exam,
        question_ids=list(assignment.question_ids),
    )
    AssignedExam.objects.create(assignment=assignment, attempt=attempt)
    return attempt
