"""A new student joins a class from its join link in Chromium: sign-in page naming
the class, "Create an account", the address, the mailed link, the finish form,
and the student is in the class (issue 15: sign-up proves the address first)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from learning.models import Membership
from tests.learning.accounts.factories import PASSWORD
from tests.learning.accounts.signing_up import mailed_link
from tests.learning.classrooms.factories import ClassroomFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_new_student_joins_from_the_join_link_through_the_mailed_link(
    page: Page, live_server, console_errors
):
    classroom = ClassroomFactory(name="IAM 101, Tuesday")
    base = live_server.url
    heading = page.get_by_role("heading", level=1)

    page.goto(base + reverse("classrooms:class_join_link", args=[classroom.join_code]))
    expect(page.locator("main")).to_contain_text("Sign in to join IAM 101, Tuesday")
    page.get_by_role("link", name="Create an account").click()
    expect(heading).to_have_text("Create an account")
    expect(page.locator("main")).to_contain_text("you join IAM 101, Tuesday")
    page.get_by_label("Email").fill("  Sam.Student@Example.com ")
    page.get_by_role("button", name="Email me the link").click()

    expect(heading).to_have_text("Check your inbox")
    expect(page.locator("main")).to_contain_text(
        "We sent a link to sam.student@example.com to finish creating your account."
    )
    assert not Membership.objects.filter(user__email="sam.student@example.com").exists()

    page.goto(base + mailed_link("sam.student@example.com"))
    expect(heading).to_have_text("Finish creating your account")
    expect(page.locator("main")).to_contain_text("you join IAM 101, Tuesday")
    page.get_by_label("Name shown to your teachers (optional)").fill("Sam Student")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(heading).to_have_text("IAM 101, Tuesday")
    expect(page.locator(".messages")).to_contain_text("You are in IAM 101, Tuesday.")
    membership = Membership.objects.get(classroom=classroom, user__email="sam.student@example.com")
    assert membership.role == Membership.Role.STUDENT
    assert console_errors == []
