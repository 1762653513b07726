"""Factories for classrooms: classes, memberships and assignments."""

from __future__ import annotations

import factory

from learning.classrooms.services import assignment_items_set, join_code_new
from learning.models import Assignment, Classroom, Membership
from tests.learning.accounts.factories import UserFactory
from tests.learning.content.factories import LessonFactory


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Class {n}")
    owner = factory.SubFactory(UserFactory)
    join_code = factory.LazyFunction(join_code_new)

    @factory.post_generation
    def owner_membership(self, create, extracted, **kwargs):
        if create:
            Membership.objects.create(classroom=self, user=self.owner, role=Membership.Role.TEACHER)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    classroom = factory.SubFactory(ClassroomFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.STUDENT


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    classroom = factory.SubFactory(ClassroomFactory)
    kind = Assignment.Kind.LESSON
    title = factory.Sequence(lambda n: f"Assignment {n}")
    lesson = factory.SubFactory(LessonFactory)

    @factory.post_generation
    def exercise_ids(self, create: bool, extracted: list[int] | None, **kwargs) -> None:
        """``AssignmentFactory(exercise_ids=[...])`` gives the assignment these exercises."""
        if create and extracted:
            assignment_items_set(assignment=self, exercise_ids=extracted)

    @factory.post_generation
    def question_ids(self, create: bool, extracted: list[int] | None, **kwargs) -> None:
        """``AssignmentFactory(question_ids=[...])`` gives it these questions, in order."""
        if create and extracted:
            assignment_items_set(assignment=self, question_ids=extracted)
