"""Co-teachers are invited and accept; the form tells nobody which emails have accounts
(issue 15: anyone could make any registered user a co-teacher, and learn who is registered)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from learning.models import CoTeacherInvite, Membership
from tests.learning.accounts.factories import UserFactory
from tests.learning.classrooms.factories import ClassroomFactory

pytestmark = pytest.mark.django_db


def _invite(client: Client, classroom, email: str):
    return client.post(
        reverse("classrooms:class_co_teacher_add", args=[classroom.public_id]),
        {"email": email},
        follow=True,
    )


def test_inviting_makes_nobody_a_teacher_until_they_accept():
    classroom = ClassroomFactory()
    invited = UserFactory(email="colleague@example.com")
    owner = Client()
    owner.force_login(classroom.owner)
    _invite(owner, classroom, "Colleague@Example.com")
    assert not Membership.objects.filter(classroom=classroom, user=invited).exists()
    colleague = Client()
    colleague.force_login(invited)
    page = colleague.get(reverse("classrooms:class_list")).content.decode()
    assert "Invitations to teach" in page and classroom.name in page
    invite = CoTeacherInvite.objects.get()
    response = colleague.post(
        reverse("classrooms:invite_answer", args=[invite.public_id]), {"accept": "1"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(classroom=classroom, user=invited)
    assert membership.role == Membership.Role.TEACHER
    assert not CoTeacherInvite.objects.exists()


def test_a_declined_invitation_is_gone_and_changes_nothing():
    classroom = ClassroomFactory()
    invited = UserFactory()
    CoTeacherInvite.objects.create(
        classroom=classroom, email=invited.email, invited_by=classroom.owner
    )
    client = Client()
    client.force_login(invited)
    invite = CoTeacherInvite.objects.get()
    client.post(reverse("classrooms:invite_answer", args=[invite.public_id]), {"accept": "0"})
    assert not CoTeacherInvite.objects.exists()
    assert not Membership.objects.filter(user=invited).exists()


def test_someone_else_cannot_accept_an_invitation():
    classroom = ClassroomFactory()
    invite = CoTeacherInvite.objects.create(
        classroom=classroom, email="someone@example.com", invited_by=classroom.owner
    )
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        reverse("classrooms:invite_answer", args=[invite.public_id]), {"accept": "1"}
    )
    assert response.status_code == 404
    assert Membership.objects.filter(classroom=classroom).count() == 1  # the owner only


def test_the_co_teacher_form_answers_alike_for_registered_and_unknown_emails():
    classroom = ClassroomFactory()
    UserFactory(email="known@example.com")
    owner = Client()
    owner.force_login(classroom.owner)
    known = _invite(owner, classroom, "known@example.com").content.decode()
    unknown = _invite(owner, classroom, "unknown@example.com").content.decode()
    assert "Invitation made for known@example.com" in known
    assert "Invitation made for unknown@example.com" in unknown
    assert "Nobody has an account" not in known + unknown
