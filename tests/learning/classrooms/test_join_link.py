"""The join link survives sign-in and sign-up: the class is named, and the student
ends up in it (issue 15: it lost the class for a student without an account)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from learning.models import Membership
from tests.learning.accounts.factories import PASSWORD, UserFactory
from tests.learning.accounts.signing_up import mailed_link, sign_up
from tests.learning.classrooms.factories import ClassroomFactory

pytestmark = pytest.mark.django_db


def _follow_join_link(client: Client, classroom):
    link = reverse("classrooms:class_join_link", args=[classroom.join_code])
    return client.get(link, follow=True)


def test_a_new_student_signs_up_from_the_join_link_and_is_in_the_class():
    classroom = ClassroomFactory(name="IAM 101, Tuesday")
    client = Client()
    sign_in_page = _follow_join_link(client, classroom)
    html = sign_in_page.content.decode()
    assert "Sign in to join <strong>IAM 101, Tuesday</strong>" in html
    signup_url = sign_in_page.redirect_chain[-1][0].replace(
        reverse("accounts:login"), reverse("accounts:signup")
    )
    signup_page = client.get(signup_url).content.decode()
    assert "you join <strong>IAM 101, Tuesday</strong>" in signup_page
    next_url = reverse("classrooms:class_join_link", args=[classroom.join_code])
    assert f'name="next" value="{next_url}"' in signup_page
    sent = client.post(reverse("accounts:signup"), {"email": "new@example.com", "next": next_url})
    assert sent["Location"] == reverse("accounts:signup_sent")
    assert not User.objects.filter(email="new@example.com")  # nothing before the mail is read

    link = mailed_link("new@example.com")
    finish_page = client.get(link).content.decode()
    assert "Finish creating your account" in finish_page
    assert "you join <strong>IAM 101, Tuesday</strong>" in finish_page
    response = client.post(link, {"password": PASSWORD, "display_name": "Sam"})
    assert response.status_code == 302 and response["Location"] == classroom.get_absolute_url()
    membership = Membership.objects.get(classroom=classroom, user__email="new@example.com")
    assert membership.role == Membership.Role.STUDENT
    assert "You are in IAM 101, Tuesday." in client.get(response["Location"]).content.decode()


def test_a_student_who_signs_in_from_the_join_link_is_in_the_class():
    classroom = ClassroomFactory()
    user = UserFactory()
    client = Client()
    _follow_join_link(client, classroom)
    next_url = reverse("classrooms:class_join_link", args=[classroom.join_code])
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302 and response["Location"] == classroom.get_absolute_url()
    assert Membership.objects.filter(classroom=classroom, user=user).exists()


def test_a_closed_class_is_not_joined_through_sign_up():
    classroom = ClassroomFactory(joining_open=False)
    next_url = reverse("classrooms:class_join_link", args=[classroom.join_code])
    response = sign_up(Client(), "late@example.com", next_url=next_url)
    assert response.status_code == 302  # the account is made all the same
    assert not Membership.objects.filter(classroom=classroom, user__email="late@example.com")
