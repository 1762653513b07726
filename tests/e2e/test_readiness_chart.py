"""The readiness chart's level names and task labels never overlap, on a phone
(390 px) or a desktop (1280 px): measured in the browser, box against box."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from tests.learning.content.factories import QuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BOXES = """() => [...document.querySelectorAll("figure.chart svg text")].map((t) => {
  const r = t.getBoundingClientRect();
  return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
})"""


def _overlaps(boxes: list[dict]) -> list[str]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["left"] < b["right"] - 0.5
                and b["left"] < a["right"] - 0.5
                and a["top"] < b["bottom"] - 0.5
                and b["top"] < a["bottom"] - 0.5
            ):
                found.append(f"{a['text']!r} overlaps {b['text']!r}")
    return found


@pytest.mark.parametrize("width", [390, 1280])
def test_readiness_chart_labels_do_not_overlap(browser: Browser, live_server, width):
    QuestionFactory()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + reverse("practice:readiness") + "?exam=SAA-C03")
    boxes = page.evaluate(BOXES)
    context.close()
    names = [b["text"] for b in boxes]
    for level in ("not started", "attempted", "familiar", "proficient", "mastered"):
        assert level in names
    assert any(n.startswith("Task ") for n in names), names
    assert _overlaps(boxes) == []
