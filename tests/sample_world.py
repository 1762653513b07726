"""One of everything a URL can name, for the tests that walk every URL."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from learning.accounts.signup import signup_link_make
from tests.learning.accounts.factories import UserFactory
from tests.learning.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
)
from tests.learning.content.factories import ExerciseFactory, LessonFactory, QuestionFactory


@dataclass(frozen=True)
class SampleWorld:
    teacher: User  # staff and superuser: admin pages open too
    samples: dict[str, str]  # URL parameter values by name, for walk_urls()
    exercise_slug: str  # exercise URLs take an exercise's slug, not the lesson's


def sample_world() -> SampleWorld:
    """A class with its teacher, a student, an assignment, content, and a working
    sign-up link (with a long address, for the pages that must wrap it)."""
    teacher = UserFactory(is_staff=True, is_superuser=True)
    classroom = ClassroomFactory(owner=teacher)
    member = MembershipFactory(classroom=classroom)
    lesson = LessonFactory()
    exercise = ExerciseFactory()
    question = QuestionFactory()
    assignment = AssignmentFactory(classroom=classroom)
    samples = {
        "slug": lesson.slug,
        "public_id": str(classroom.public_id),
        "member_id": str(member.public_id),
        "assignment_id": str(assignment.public_id),
        "qid": question.qid,
        "code": classroom.join_code,
        "object_id": str(teacher.pk),
        "index": "0",
        "token": signup_link_make(
            email="a.rather.long.address.for.a.phone@students.example.com",
            next_url=f"/classes/join/{classroom.join_code}",
        ),
    }
    return SampleWorld(teacher, samples, exercise.slug)
