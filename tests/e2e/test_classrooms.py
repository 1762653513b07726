"""A class in Chromium: a teacher creates a class and an assignment, a student joins by
code and completes it, the teacher sees the result and downloads the grid as CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.learning.accounts.factories import PASSWORD
from tests.learning.accounts.signing_up import mailed_link
from tests.learning.content.factories import LessonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_up(page: Page, base: str, email: str, name: str) -> None:
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(base + mailed_link(email))
    page.get_by_label("Name shown to your teachers (optional)").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")


def test_class_from_creation_to_csv(page: Page, browser: Browser, live_server, console_errors):
    lesson = LessonFactory(title="Why a role needs trust")
    base = live_server.url

    _sign_up(page, base, "teacher@example.com", "Ms Teacher")
    page.get_by_role("link", name="Classes").click()
    page.get_by_label("Class name").fill("IAM evening class")
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IAM evening class")
    code = page.locator(".join-code").inner_text()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", code)

    page.get_by_role("link", name="Set an assignment").click()
    expect(page.get_by_role("link", name="Lesson", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.locator("#id_lesson").select_option(lesson.slug)
    page.get_by_role("button", name="Set the assignment").click()
    expect(page.locator(".messages")).to_contain_text("Assignment set: Why a role needs trust")

    student_context = browser.new_context()
    student = student_context.new_page()
    _sign_up(student, base, "student@example.com", "Sam Student")
    student.goto(base + "/classes/join")
    student.get_by_label("Join code").fill(code.lower().replace("-", " "))
    student.get_by_role("button", name="Join the class").click()
    expect(student.get_by_role("heading", level=1)).to_have_text("IAM evening class")
    expect(student.locator(".assignment-list")).to_contain_text("not started")
    student.get_by_role("link", name="Why a role needs trust").click()
    student.get_by_role("link", name="Open the lesson").click()
    student.get_by_role("button", name="Mark as done").click()
    # Wait for the save to land before leaving the page, or the request is cut off.
    expect(student.locator("#done")).to_contain_text("You marked this lesson as done")
    student.goto(base + "/dashboard/")
    expect(student.locator("main")).to_contain_text("1 of 1 lessons done")
    student_context.close()

    page.reload()
    row = page.locator(".class-grid tbody tr", has_text="Sam Student")
    expect(row).to_contain_text("done")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the grid (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text("utf-8-sig"))))
    assert rows[0][:3] == ["student", "email", "Why a role needs trust: status"]
    assert rows[1][:3] == ["Sam Student", "student@example.com", "done"]
    assert console_errors == []
