"""The home page in a real browser: clean console, and usable with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_without_console_errors_or_failed_requests(
    page: Page, live_server, console_errors
):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("assume this role")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object", "htmx loaded under the CSP"
    assert console_errors == []


def test_navigation_works_with_the_keyboard_alone(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.goto(live_server.url + "/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Playground":
            break
    else:
        pytest.fail("Tab never reached the Playground link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/playground/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Playground")
