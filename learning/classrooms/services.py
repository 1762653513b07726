"""Classrooms as plain functions: join codes, roles, creating and joining a class,
members, and the work a teacher sets. How students are doing is in ``progress``;
the statistics of an assignment's questions are in ``item_analysis``."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from config.web import UserError
from learning.auth import normalise_email
from learning.learners import Learner
from learning.models import (
    AssignedExam,
    Assignment,
    Classroom,
    CoTeacherInvite,
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


def co_teacher_invite(*, classroom: Classroom, email: str, by: AbstractBaseUser) -> CoTeacherInvite:
    """Invite whoever signs in with ``email`` to teach the class; they accept or decline.

    The same whether or not the email has an account, so the form discloses
    nothing; inviting twice keeps one invitation."""
    email = normalise_email(email)
    if Membership.objects.filter(
        classroom=classroom, user__email__iexact=email, role=Membership.Role.TEACHER
    ).exists():
        raise ClassroomError("That person already teaches this class.")
    invite, _ = CoTeacherInvite.objects.get_or_create(
        classroom=classroom, email=email, defaults={"invited_by": by}
    )
    return invite


def invites_for(user: AbstractBaseUser) -> QuerySet[CoTeacherInvite]:
    """Invitations waiting for this user (made for their email)."""
    return CoTeacherInvite.objects.filter(email__iexact=user.email).select_related("classroom")


@transaction.atomic
def co_teacher_invite_answer(
    *, invite: CoTeacherInvite, user: AbstractBaseUser, accept: bool
) -> Membership | None:
    """Accept (become a teacher; a student of the class is promoted) or decline."""
    if normalise_email(invite.email) != normalise_email(user.email):
        raise ClassroomError("This invitation is for someone else.")
    membership = None
    if accept:
        membership, created = Membership.objects.get_or_create(
            classroom=invite.classroom, user=user, defaults={"role": Membership.Role.TEACHER}
        )
        if not created and membership.role != Membership.Role.TEACHER:
            membership.role = Membership.Role.TEACHER
            membership.save(update_fields=["role"])
    invite.delete()
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
        try:
            question_ids = exams.exam_questions_draw(exam=exam, count=count)
        except QuizError as error:
            raise ClassroomError(str(error)) from error
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
    attempt = exams.exam_begin(
        learner=Learner(user_id=user.pk, session_key=""),
        exam=assignment.exam,
        question_ids=list(assignment.question_ids),
    )
    AssignedExam.objects.create(assignment=assignment, attempt=attempt)
    return attempt
