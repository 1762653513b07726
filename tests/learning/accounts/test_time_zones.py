"""Due dates are set in the teacher's time zone and shown in each student's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from learning.models import Assignment, Profile
from tests.learning.accounts.signing_up import sign_up
from tests.learning.classrooms.factories import ClassroomFactory, MembershipFactory
from tests.learning.content.factories import LessonFactory

pytestmark = pytest.mark.django_db


def _set_zone(user, zone: str) -> None:
    Profile.objects.filter(user=user).update(time_zone=zone)


def test_a_due_date_typed_in_paris_is_shown_in_new_york():
    classroom = ClassroomFactory()
    _set_zone(classroom.owner, "Europe/Paris")
    lesson = LessonFactory()
    teacher = Client()
    teacher.force_login(classroom.owner)
    response = teacher.post(
        reverse("classrooms:assignment_new", args=[classroom.public_id]),
        {"kind": "lesson", "lesson": lesson.slug, "due": "2031-03-10T18:00"},
    )
    assert response.status_code == 302
    # 18:00 in Paris in March (CET, UTC+1) is 17:00 UTC.
    assert Assignment.objects.get().due == datetime(2031, 3, 10, 17, 0, tzinfo=UTC)
    membership = MembershipFactory(classroom=classroom)
    _set_zone(membership.user, "America/New_York")
    student = Client()
    student.force_login(membership.user)
    page = student.get(reverse("classrooms:class_list")).content.decode()
    # 17:00 UTC is 13:00 in New York (EDT after 9 March 2031).
    assert "10 Mar 2031, 13:00 EDT" in page


def test_a_student_without_a_zone_sees_utc():
    classroom = ClassroomFactory()
    membership = MembershipFactory(classroom=classroom)
    Assignment.objects.create(
        classroom=classroom,
        kind="lesson",
        title="Read",
        lesson=LessonFactory(),
        due=datetime(2031, 3, 10, 17, 0, tzinfo=UTC),
    )
    student = Client()
    student.force_login(membership.user)
    assert (
        "10 Mar 2031, 17:00 UTC" in student.get(reverse("classrooms:class_list")).content.decode()
    )


def test_sign_up_and_profile_keep_the_time_zone():
    client = Client()
    sign_up(client, "tz@example.com", time_zone="Asia/Tokyo")
    assert Profile.objects.get(user__email="tz@example.com").time_zone == "Asia/Tokyo"
    client.post(reverse("accounts:profile"), {"time_zone": "Europe/Lisbon"})
    assert Profile.objects.get(user__email="tz@example.com").time_zone == "Europe/Lisbon"
    response = client.post(reverse("accounts:profile"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400


def test_an_unknown_browser_zone_at_sign_up_means_utc():
    response = sign_up(Client(), "utc@example.com", time_zone="Etc/Unknown")
    assert response.status_code == 302
    assert Profile.objects.get(user__email="utc@example.com").time_zone == ""
