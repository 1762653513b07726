"""A teacher's page about one student fits a phone (390 px): long names, long
addresses and a wide assignment table scroll inside their own box, never the page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from tests.learning.accounts.factories import UserFactory
from tests.learning.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG = "Wolfeschlegelsteinhausenbergerdorff" * 2


def test_student_detail_with_long_words_does_not_scroll_sideways(
    browser: Browser, live_server, client
):
    teacher = UserFactory(is_staff=True)
    classroom = ClassroomFactory(owner=teacher, name=f"Class {LONG}")
    # The email is the username too, at most 150 characters (PostgreSQL enforces it).
    student = UserFactory(email=f"{LONG.lower()}@example.com")
    student.profile.display_name = LONG
    student.profile.save()
    member = MembershipFactory(classroom=classroom, user=student)
    for n in range(3):
        AssignmentFactory(classroom=classroom, title=f"Assignment {n} {LONG}")
    client.force_login(teacher)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    url = reverse("classrooms:student_detail", args=[classroom.public_id, member.public_id])
    page.goto(live_server.url + url)
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == LONG
    scroll = page.evaluate("document.documentElement.scrollWidth")
    box = page.locator(".table-scroll").bounding_box()
    context.close()
    assert scroll <= 390, f"the page scrolls sideways: {scroll} px wide"
    assert box is not None and box["x"] + box["width"] <= 391
