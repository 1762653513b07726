"""Factories for accounts and classrooms."""

from __future__ import annotations

import factory
from django.contrib.auth.models import User

from learning.classrooms import join_code_new
from learning.models import Assignment, Classroom, Membership, Profile
from tests.learning.factories import LessonFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    username = factory.LazyAttribute(lambda o: o.email)
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory(
        "tests.classrooms.factories.ProfileFactory", factory_related_name="user"
    )


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    display_name = factory.Faker("name")


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

    classroom = factory.SubFactory(ClassroomFactory)
    kind = Assignment.Kind.LESSON
    title = factory.Sequence(lambda n: f"Assignment {n}")
    lesson = factory.SubFactory(LessonFactory)
