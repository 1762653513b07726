"""A learner opens a lesson, runs a "try it" block, and solves an exercise, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.learning.content.factories import EC2_TRUST, ExerciseFactory, LessonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _replace_editor_text(page: Page, text: str) -> None:
    editor = page.locator(".cm-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.evaluate(
        "([text]) => window.RoleCallEditor.setValue("
        "document.querySelector('[data-policy-editor]'), text)",
        [text],
    )


def test_try_it_block_shows_the_decision_and_flips_when_the_policy_changes(
    page: Page, live_server, console_errors
):
    lesson = LessonFactory()
    page.goto(live_server.url + lesson.get_absolute_url())
    expect(page.locator(".cm-editor").first).to_be_visible()
    page.get_by_role("button", name="Check the decision").click()
    expect(page.locator("#try-result-0")).to_contain_text("Allowed")
    _replace_editor_text(page, EC2_TRUST.replace("ec2.amazonaws.com", "lambda.amazonaws.com"))
    page.get_by_role("button", name="Check the decision").click()
    expect(page.locator("#try-result-0")).to_contain_text("Implicit deny")
    assert console_errors == []


def test_wrong_then_right_answer_to_an_exercise(page: Page, live_server, console_errors):
    exercise = ExerciseFactory()
    page.goto(live_server.url + exercise.get_absolute_url())
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.locator("#result")).to_contain_text("Not yet")
    expect(page.locator("#result")).to_contain_text("An EC2 instance can assume the role")
    _replace_editor_text(page, EC2_TRUST)
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.locator("#result")).to_contain_text("Solved")
    expect(page.locator("#result")).to_contain_text("Your solution and ours")
    assert console_errors == []


def test_the_exercise_editor_lints_as_you_type_and_refuses_broken_json(
    page: Page, live_server, console_errors
):
    exercise = ExerciseFactory()
    page.goto(live_server.url + exercise.get_absolute_url())
    expect(page.locator(".cm-editor").first).to_be_visible()
    _replace_editor_text(page, '{"Version": "2012-10-17", "Statement": [}')
    lint = page.locator("#lint-exercise-policy")
    expect(lint).to_contain_text("line 1, column 41")
    expect(page.locator(".cm-editor .cm-lint-marker-error").first).to_be_visible()
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.locator("#result")).to_contain_text("Not graded: line 1, column 41")
    expect(page.locator("#result")).not_to_contain_text("Lambda cannot")
    _replace_editor_text(page, EC2_TRUST)
    expect(lint).to_contain_text("No findings")
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.locator("#result")).to_contain_text("Solved")
    expect(page.get_by_role("link", name="← Back to the lesson")).to_be_visible()
    assert [e for e in console_errors if "HTTP 400" not in e and "status of 400" not in e] == []


def test_a_try_it_request_is_edited_on_the_page_as_its_step_says(
    page: Page, live_server, console_errors
):
    lesson = LessonFactory()
    page.goto(live_server.url + lesson.get_absolute_url())
    expect(page.locator(".tryit-steps")).to_contain_text(
        "Set the principal to lambda.amazonaws.com"
    )
    page.get_by_label("Principal (who calls)").fill("lambda.amazonaws.com")
    page.get_by_role("button", name="Check the decision").click()
    expect(page.locator("#try-result-0")).to_contain_text("Implicit deny")
    page.get_by_label("New condition key", exact=True).fill("sts:ExternalId")
    page.get_by_label("Values of the new condition key").fill("abc")
    page.get_by_label("Principal (who calls)").fill("ec2.amazonaws.com")
    page.get_by_role("button", name="Check the decision").click()
    expect(page.locator("#try-result-0")).to_contain_text("Allowed")
    assert console_errors == []
