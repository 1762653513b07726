"""The Compare tab in real Chromium: paste before and after, read the verdict,
open a counterexample in the playground's request panel; desktop and phone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("COMPARE_SCREENSHOTS", "/tmp/rolecall-compare-shots"))


def _policy(principal: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)


BEFORE = _policy("arn:aws:iam::444455556666:role/Deploy")
AFTER = _policy("arn:aws:iam::444455556666:root")


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    cache.clear()
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 100_000
    yield
    cache.clear()


def _replace(page: Page, field: str, text: str) -> None:
    page.locator(f".rc-editor[data-editor-for={field}] .cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_compare_then_open_the_caller_who_gets_in(
    page: Page, live_server, console_errors, width: int, height: int, name: str
):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/playground/compare/")
    expect(page.locator(".rc-editor[data-editor-for=before] .cm-content")).to_be_visible()
    _replace(page, "before", BEFORE)
    _replace(page, "after", AFTER)
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#compare-verdict")).to_contain_text("The change lets someone new in")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"compare-{name}.png"), full_page=True)
    page.get_by_role("link", name="Open this request in the playground").first.click()
    expect(page.locator("#pg-results [data-decision]")).to_contain_text("Allowed")
    principal = page.get_by_label("Principal", exact=True).input_value()
    assert principal.startswith("arn:aws:") and ":444455556666:" in principal
    assert console_errors == []
