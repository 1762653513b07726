"""Every htmx form answers a bad submission beside itself, with DEBUG on or off.

The test finds the htmx forms on each page itself, empties what a learner
would fill in (options, editors, text fields) and submits: the message must
show inside the form or the block it updates, and the page must stay the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.learning.content.factories import ExerciseFactory, LessonFactory, QuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Empty every field a learner fills in; report whether the form has any.
EMPTY_FORM = """(form) => {
  let fields = 0;
  form.noValidate = true;  // the server's answer is under test, not the browser's
  form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((box) => {
    box.checked = false; fields += 1;
  });
  form.querySelectorAll("textarea, input[type=text], input:not([type])").forEach((field) => {
    fields += 1;
    if (field.matches("[data-policy-editor]") && window.RoleCallEditor) {
      window.RoleCallEditor.setValue(field, "");
    } else {
      field.value = " ";
    }
  });
  return fields;
}"""


def _htmx_forms(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector,
        "forms => forms.map((f, i) => { f.dataset.testForm = String(i); return String(i); })",
    )


def _settle(page: Page) -> None:
    """Let the live check or lint that emptying an editor sets off come and go
    (the editor waits a moment after the last change before it says so)."""
    page.wait_for_timeout(600)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _submit_each_form_empty(page: Page, url: str, selector: str = "form[hx-post]") -> int:
    """Submit each htmx form of the page at ``url`` (or the open page) empty."""
    if url:
        page.goto(url)
    page.wait_for_load_state("networkidle")
    heading = page.get_by_role("heading", level=1).first.text_content()
    submitted = 0
    for index in _htmx_forms(page, selector):
        form = page.locator(f'form[data-test-form="{index}"]')
        if form.evaluate(EMPTY_FORM) == 0:
            continue  # nothing to leave empty (a "Mark as done" button)
        _settle(page)
        # The message must land beside the form: in the form's own block
        # (which a "this" target replaces) or in the block it updates.
        form.evaluate("f => { f.parentElement.dataset.testArea = f.dataset.testForm; }")
        target = form.get_attribute("hx-target") or "this"
        areas = [f'[data-test-area="{index}"]'] + ([target] if target != "this" else [])
        action = (form.get_attribute("hx-post") or "").split("?")[0]
        with page.expect_response(
            lambda r, action=action: (
                r.request.method == "POST" and r.url.split("?")[0].endswith(action)
            )
        ) as answer:
            form.evaluate("f => f.requestSubmit()")
        assert 400 <= answer.value.status < 500, f"{url}: form {index} got {answer.value.status}"
        messages = page.locator(
            ", ".join(f"{area} :is([role=alert], .field-error)" for area in areas)
        ).filter(has_text=re.compile(r"\S"))
        expect(messages.first).to_be_visible()
        expect(page.locator(".site-header")).to_be_visible()
        expect(page.get_by_role("heading", level=1).first).to_have_text(heading)
        submitted += 1
    _settle(page)
    return submitted


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_every_htmx_form_submitted_empty_answers_inline(
    page: Page, live_server, settings, debug, console_errors
):
    settings.DEBUG = debug
    lesson = LessonFactory()
    exercise = ExerciseFactory()
    QuestionFactory()
    pages = [
        lesson.get_absolute_url(),
        exercise.get_absolute_url(),
        "/playground/",
    ]
    submitted = sum(_submit_each_form_empty(page, live_server.url + url) for url in pages)

    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url("**/practice/question*")
    submitted += _submit_each_form_empty(page, page.url)
    page.locator("#answer-area input[name=option]").first.check()
    page.get_by_role("button", name="Check my answer").click()
    page.locator("details.report summary").click()
    submitted += _submit_each_form_empty(page, "", "details.report form[hx-post]")
    # try-it, lesson check, exercise, playground, practice answer, problem report
    assert submitted >= 6
    # The 4xx answers themselves are logged; a favicon fetch cut off by the
    # next navigation is not an error of the page.
    unexpected = [
        e
        for e in console_errors
        if "HTTP 4" not in e and "status of 4" not in e and "favicon" not in e
    ]
    assert unexpected == []


def test_a_slow_answer_disables_the_button_and_shows_busy(page: Page, live_server):
    lesson = LessonFactory()
    page.goto(live_server.url + lesson.get_absolute_url())
    page.wait_for_load_state("networkidle")
    release: list = []
    page.route("**/try/0", lambda route: release.append(route))
    button = page.get_by_role("button", name="Check the decision")
    button.click()
    form = page.locator("section.tryit form").first
    expect(form).to_have_attribute("aria-busy", "true")
    expect(button).to_be_disabled()
    expect(form).to_have_class(re.compile(r"\bis-busy\b"))  # the spinner, after a moment
    release[0].continue_()
    expect(page.locator("#try-result-0")).to_contain_text("Allowed")
    expect(button).to_be_enabled()
    expect(form).not_to_have_attribute("aria-busy", "true")
