"""Factories for accounts: a user with a profile, and the password they sign in with."""

from __future__ import annotations

import factory
from django.contrib.auth.models import User

from learning.models import Profile

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    username = factory.LazyAttribute(lambda o: o.email)
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory(
        "tests.learning.accounts.factories.ProfileFactory", factory_related_name="user"
    )


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    display_name = factory.Faker("name")
