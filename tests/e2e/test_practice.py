"""Exam practice in Chromium: a short exam with flag, reload and review; practice and review."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from learning.models import ExamResponse, ReviewCard
from tests.learning.content.factories import QuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_short_exam_with_flag_reload_submit_and_review(page: Page, live_server, console_errors):
    for _ in range(10):
        QuestionFactory()
    page.goto(live_server.url + "/practice/")
    page.get_by_label("Questions").select_option("10")
    page.locator("#e-exam").select_option("SAA-C03")
    page.get_by_role("button", name="Start the exam").click()
    expect(page.get_by_role("timer")).to_contain_text("left")

    def saved_on(number: int):
        """The autosave of question ``number``'s answer (the page saves on every change)."""
        return lambda r: r.request.method == "POST" and r.url.endswith(f"/q/{number}")

    saved = saved_on(1)

    with page.expect_response(saved):  # answers are saved the moment they change
        page.get_by_label("Principal").check()
    expect(page.locator("#save-status")).to_contain_text("Saved.")
    with page.expect_response(saved):
        page.get_by_label("Flag this question for review").check()
    page.reload()
    expect(page.get_by_label("Principal")).to_be_checked()
    expect(page.get_by_label("Flag this question for review")).to_be_checked()
    assert ExamResponse.objects.filter(flagged=True).count() == 1

    # Wait for question 2 before answering: "Resource" is also an option of question 1,
    # and checking it before the page has changed would change the first answer.
    page.get_by_role("button", name="Save and next →").click()
    expect(page).to_have_url(re.compile(r"/q/2$"))
    with page.expect_response(saved_on(2)):
        page.get_by_label("Resource").check()
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review before you submit")
    expect(page.locator("main")).to_contain_text("8 not answered")
    expect(page.locator("main")).to_contain_text("1 flagged")
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.locator("main")).to_contain_text("190 of 1000")
    expect(page.locator("main")).to_contain_text("Below the pass mark")
    expect(page.locator(".result-list > li")).to_have_count(10)
    assert console_errors == []


def test_practice_round_then_review_round(page: Page, live_server, console_errors):
    question = QuestionFactory()
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Start practising").click()
    page.get_by_label("Resource").check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#answer-area")).to_contain_text("Not correct")
    expect(page.locator("#answer-area")).to_contain_text("Not in trust.")

    ReviewCard.objects.filter(question=question).update(due=timezone.now() - timedelta(minutes=1))
    page.goto(live_server.url + "/practice/")
    expect(page.locator(".due-count")).to_contain_text("1 question due today")
    page.get_by_role("link", name="Review now").click()
    page.get_by_label("Principal").check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("main")).to_contain_text("Correct")
    assert console_errors == []
