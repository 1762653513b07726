"""Every page of the URL resolver at phone width (390 x 844): nothing scrolls
sideways, and the console stays clean (CSP violations included).

The list of pages comes from the resolver (tests/urlwalk.py), so a page added
tomorrow is walked tomorrow. Addresses that answer with something other than
a page (JSON, a redirect to elsewhere, the admin's own screens) are left out.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from tests.sample_world import sample_world
from tests.urlwalk import walk_urls

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOT_PAGES = ("admin:", "api", "healthz")

# The widest element sticking out of the viewport, to name it in a failure.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  let worst = null;
  const clipped = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    if (clipped(el)) continue;  // inside a box that scrolls on its own
    const right = el.getBoundingClientRect().right;
    if (right > width + 1 && (!worst || right > worst.right)) {
      const name = el.className ? "." + String(el.className).split(" ")[0] : "";
      worst = {right, what: el.tagName.toLowerCase() + name};
    }
  }
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .slice(0, 6)
    .map((el) => el.tagName.toLowerCase() + "." + String(el.className).split(" ")[0]
      + " " + Math.round(el.getBoundingClientRect().right));
  return {scroll: document.documentElement.scrollWidth, worst, wide};
}"""


def _overflow_at(page, url: str):
    """What sticks out of the page at ``url`` (falsy when nothing does, or it is not a page)."""
    try:
        response = page.goto(url)
    except PlaywrightError as exc:  # a file to download (a CSV export) is not a page
        if "Download is starting" in str(exc):
            return None
        raise
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return None
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate(OVERFLOW)
    if overflow:  # measure again once web fonts and late styles have settled
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_timeout(300)
        overflow = page.evaluate(OVERFLOW)
    return overflow


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "teacher"])
def test_no_page_scrolls_sideways_at_phone_width_or_logs_an_error(
    browser: Browser, live_server, client, signed_in
):
    world = sample_world()
    teacher, samples, exercise_slug = world.teacher, world.samples, world.exercise_slug
    context = browser.new_context(viewport=PHONE)
    if signed_in:
        client.force_login(teacher)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    wide: list[str] = []
    for url in walk_urls(samples):
        if any(url.name.startswith(prefix) for prefix in NOT_PAGES):
            continue
        if "GET" not in getattr(url.pattern.callback, "allowed_methods", ["GET"]):
            continue
        path = url.path
        if url.name.startswith("courses:exercise"):
            path = path.replace(samples["slug"], exercise_slug)
        overflow = _overflow_at(page, live_server.url + path)
        if overflow:
            wide.append(f"{url.name} ({path}): {overflow}")
    context.close()
    assert wide == [], "\n".join(wide)
    # 4xx pages reached with sample ids log their own status; anything else is a fault.
    faults = [e for e in errors if "status of 4" not in e]
    assert faults == [], "\n".join(faults)
