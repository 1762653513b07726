"""The playground in real Chromium: live findings on the right line, the decision
flipping with the caller, templates, share links, the keyboard alone, axe-core."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from policies.share import decode_share_state
from policies.starters import STARTERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

WILDCARD_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "*"},
      "Action": "sts:AssumeRole"
    }
  ]
}"""

BROKEN_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow",, "Action": "sts:AssumeRole"}
  ]
}"""


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    cache.clear()
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 100_000
    yield
    cache.clear()


def open_playground(page: Page, live_server, query: str = "") -> None:
    page.goto(f"{live_server.url}/playground/{query}")
    expect(page.locator(".rc-editor[data-editor-for=policy] .cm-content")).to_be_visible()
    page.wait_for_load_state("networkidle")


def replace_policy(page: Page, text: str) -> None:
    """Select everything in the trust policy editor and put ``text`` in its place,
    as a paste would (typing would let the editor auto-close brackets)."""
    page.locator(".rc-editor[data-editor-for=policy] .cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def decision(page: Page):
    return page.locator("#pg-results [data-decision]")


def line_of(page: Page, selector: str) -> int:
    """The 1-based editor line holding the first element matching ``selector``."""
    return page.evaluate(
        """(selector) => {
            const editor = document.querySelector('.rc-editor[data-editor-for=policy]');
            const lines = Array.from(editor.querySelectorAll('.cm-line'));
            return lines.findIndex((line) => line.querySelector(selector)) + 1;
        }""",
        selector,
    )


def run_axe(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map((v) => v.id + ': ' + v.help + ' -> ' +
                v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
        }"""
    )
    return violations


# --- Live findings -------------------------------------------------------------------------


def test_page_loads_under_the_csp_without_console_errors(page: Page, live_server, console_errors):
    open_playground(page, live_server)
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.RoleCallEditor") == "object"
    expect(decision(page)).to_have_text(re.compile("Allowed"))
    expect(page.get_by_role("button", name="Format")).to_be_visible()
    expect(page.get_by_role("button", name="Use this caller")).to_be_hidden()
    assert console_errors == []


def test_typing_a_policy_puts_the_marker_on_the_right_line(page: Page, live_server, console_errors):
    open_playground(page, live_server)
    replace_policy(page, WILDCARD_POLICY)
    marker = page.locator(".rc-editor .rc-finding-security-warning").first
    expect(marker).to_be_visible()
    assert line_of(page, ".rc-finding-security-warning") == 6
    item = page.locator("#pg-findings .finding-security_warning")
    expect(item).to_contain_text("MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL")
    expect(item).to_contain_text("line 6")
    expect(page.locator("#pg-findings .pg-count")).to_have_text("1")
    assert console_errors == []


def test_a_json_syntax_error_points_at_the_right_character(page: Page, live_server):
    open_playground(page, live_server)
    replace_policy(page, BROKEN_POLICY)
    expect(page.locator(".rc-editor .rc-finding-error").first).to_be_visible()
    assert line_of(page, ".rc-finding-error") == 4
    expect(page.locator(".rc-editor .rc-finding-error").first).to_have_text(",")
    expect(decision(page)).to_have_text(re.compile("Implicit deny"))


def test_clicking_a_finding_moves_the_cursor_to_it(page: Page, live_server):
    open_playground(page, live_server)
    replace_policy(page, BROKEN_POLICY)
    goto = page.locator("#pg-findings .pg-goto").first
    expect(goto).to_contain_text("line 4, column 24")
    page.locator(".rc-editor[data-editor-for=policy] .cm-content").press("ControlOrMeta+Home")
    goto.click()
    assert page.evaluate("RoleCallEditor.getCursor('policy')") == {"line": 4, "column": 24}
    expect(page.locator(".rc-editor[data-editor-for=policy] .cm-content")).to_be_focused()


def test_a_newer_check_wins_over_an_older_one(page: Page, live_server):
    open_playground(page, live_server)
    replace_policy(page, BROKEN_POLICY)
    replace_policy(page, WILDCARD_POLICY)
    expect(page.locator("#pg-findings .finding-security_warning")).to_have_count(1)
    expect(page.locator("#pg-findings .finding-error")).to_have_count(0)
    expect(page.locator("#pg-results .trace-statement")).to_contain_text("policy AWS: *")


def test_format_pretty_prints_the_policy(page: Page, live_server):
    open_playground(page, live_server)
    replace_policy(page, '{"Version":"2012-10-17","Statement":[]}')
    page.get_by_role("button", name="Format").first.click()
    value = page.evaluate("RoleCallEditor.getValue('policy')")
    assert value.startswith('{\n  "Version": "2012-10-17",')


def test_copy_puts_the_policy_on_the_clipboard(page: Page, live_server, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_playground(page, live_server, "?starter=saml")
    button = page.locator("#pg-panel-trust").get_by_role("button", name="Copy")
    button.click()
    expect(button).to_have_attribute("data-copied", re.compile(".*"))
    clipboard = page.evaluate("navigator.clipboard.readText()")
    assert json.loads(clipboard)["Statement"][0]["Action"] == "sts:AssumeRoleWithSAML"


def test_a_tab_chosen_while_a_check_is_on_its_way_stays_open(page: Page, live_server):
    open_playground(page, live_server)
    page.route(
        "**/playground/",
        lambda route: (
            (page.wait_for_timeout(400), route.continue_())
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    # The check has left (and is held by the route), with the Decision tab open.
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/playground/")):
        page.get_by_label("Principal", exact=True).fill("lambda.amazonaws.com")
    page.get_by_role("tab", name="CloudTrail").click()
    expect(decision(page)).to_have_text(re.compile("Implicit deny"), timeout=5000)
    expect(page.get_by_role("tab", name="CloudTrail")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#pg-panel-cloudtrail")).to_be_visible()


# --- Scenario and decision -----------------------------------------------------------------


def test_changing_the_caller_flips_the_decision_with_the_right_trace(
    page: Page, live_server, console_errors
):
    open_playground(page, live_server)
    expect(decision(page)).to_have_text(re.compile("Allowed"))
    page.get_by_label("Who is calling").select_option("lambda")
    expect(page.get_by_label("Principal", exact=True)).to_have_value("lambda.amazonaws.com")
    expect(decision(page)).to_have_text(re.compile("Implicit deny"))
    trace = page.locator("#pg-results .trace-statement").first
    expect(trace).to_contain_text("does not apply")
    expect(trace.locator("li.is-miss").first).to_contain_text("lambda.amazonaws.com")
    expect(trace.locator("li.is-miss .trace-values").first).to_contain_text(
        "policy Service: ec2.amazonaws.com"
    )
    expect(page.locator("#pg-announcer")).to_have_text("Decision: Implicit deny")
    assert console_errors == []


def test_a_condition_key_row_changes_the_decision(page: Page, live_server):
    open_playground(page, live_server, "?starter=cross-account-external-id")
    expect(decision(page)).to_have_text(re.compile("Allowed"))
    values = page.get_by_label("Values of condition key 1")
    values.fill("wrong-id")
    expect(decision(page)).to_have_text(re.compile("Implicit deny"))
    expect(page.locator("#pg-results")).to_contain_text("'wrong-id' is not equal to")
    page.get_by_role("tab", name="CloudTrail").click()
    expect(page.locator("#pg-panel-cloudtrail")).to_contain_text('"errorCode": "AccessDenied"')
    expect(page.locator("#pg-panel-cloudtrail")).to_contain_text('"externalId": "wrong-id"')


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_bad_principal_gets_a_message_beside_the_field(page: Page, live_server, settings, debug):
    # With DEBUG on, django-htmx's script would show any 400 as a whole page.
    settings.DEBUG = debug
    open_playground(page, live_server)
    principal = page.get_by_label("Principal", exact=True)
    principal.fill("not a principal")
    expect(page.locator("#error-principal")).to_contain_text("is not an IAM user")
    expect(principal).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#pg-results")).to_contain_text("No decision yet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Playground")
    principal.fill("ec2.amazonaws.com")
    expect(decision(page)).to_have_text(re.compile("Allowed"))
    expect(page.locator("#error-principal")).to_be_empty()
    expect(principal).not_to_have_attribute("aria-invalid", "true")


def test_suggested_keys_add_a_row(page: Page, live_server):
    open_playground(page, live_server)
    page.get_by_label("Who is calling").select_option("other-account")
    page.get_by_role("button", name="aws:PrincipalOrgPaths").click()
    expect(page.locator("[name=condition_key]").nth(2)).to_have_value("aws:PrincipalOrgPaths")


def test_the_identity_policy_tab_holds_a_second_editor(page: Page, live_server):
    open_playground(page, live_server, "?starter=cross-account-one-role")
    page.get_by_role("tab", name=re.compile("identity policy")).click()
    editor = page.locator(".rc-editor[data-editor-for=identity_policy] .cm-content")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.insert_text(
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    )
    expect(decision(page)).to_have_text(re.compile("Implicit deny"))
    expect(page.locator("#pg-results")).to_contain_text("The caller's policies")


# --- Templates and share links -------------------------------------------------------------


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.slug)
def test_each_template_opens_from_the_menu_with_the_right_findings(
    page: Page, live_server, console_errors, starter
):
    open_playground(page, live_server)
    page.get_by_text("Templates", exact=True).click()
    page.get_by_role("link", name=starter.title).click()
    page.wait_for_url(f"**/playground/?starter={starter.slug}")
    expect(page.locator(".rc-editor[data-editor-for=policy] .cm-content")).to_be_visible()
    expect(decision(page)).to_have_text(re.compile("Allowed"))
    expect(page.locator("#pg-findings .finding-error")).to_have_count(0)
    warnings = page.locator("#pg-findings .finding-security_warning")
    if starter.vulnerable:
        expect(warnings).not_to_have_count(0)
        expect(page.locator(".rc-editor .rc-finding-security-warning").first).to_be_visible()
    else:
        expect(warnings).to_have_count(0)
    assert page.evaluate("RoleCallEditor.getValue('policy')") == starter.policy_text
    assert console_errors == []


def test_a_shared_link_restores_policy_scenario_and_tab(page: Page, live_server, console_errors):
    open_playground(page, live_server, "?starter=github-actions")
    replace_policy(page, WILDCARD_POLICY)
    expect(page.locator("#pg-findings .pg-count")).to_have_text("1")
    page.get_by_label("Values of condition key 2").fill("repo:octo-org/other:ref:refs/heads/dev")
    page.get_by_label("Role being assumed").fill("arn:aws:iam::111122223333:role/Shared")
    expect(page.locator("#pg-panel-cloudtrail")).to_contain_text("role/Shared")
    page.get_by_role("tab", name="Explain").click()
    share = page.locator("#pg-share-link")

    def shared_state() -> dict:
        href = share.get_attribute("href")
        return decode_share_state(parse_qs(urlsplit(href).query)["s"][0])

    for _ in range(50):
        if shared_state()["tab"] == "explain":
            break
        page.wait_for_timeout(20)
    assert shared_state()["tab"] == "explain", "switching tabs re-encodes the share link"
    expect(page.locator("#pg-share-url")).to_have_text(
        live_server.url + share.get_attribute("href")
    )

    page.goto(live_server.url + share.get_attribute("href"))
    expect(page.locator(".rc-editor[data-editor-for=policy] .cm-content")).to_be_visible()
    restored = page.evaluate("RoleCallEditor.getValue('policy')").replace("\r\n", "\n")
    assert restored == WILDCARD_POLICY
    expect(page.get_by_label("Who is calling")).to_have_value("github")
    expect(page.get_by_label("Role being assumed")).to_have_value(
        "arn:aws:iam::111122223333:role/Shared"
    )
    expect(page.get_by_label("Values of condition key 2")).to_have_value(
        "repo:octo-org/other:ref:refs/heads/dev"
    )
    expect(page.get_by_role("tab", name="Explain")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#pg-panel-explain")).to_be_visible()
    expect(page.locator("#pg-panel-explain")).to_contain_text("Anyone on the internet")
    assert console_errors == []


def test_a_damaged_share_link_shows_a_message(page: Page, live_server):
    page.goto(live_server.url + "/playground/?s=this-is-not-a-link")
    expect(page.get_by_role("alert")).to_contain_text("This share link cannot be opened")
    expect(decision(page)).to_have_text(re.compile("Allowed"))


# --- Limits --------------------------------------------------------------------------------


def test_the_rate_limit_message_shows_on_the_page(page: Page, live_server, settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 1
    settings.PLAYGROUND_WINDOW_SECONDS = 3600  # no window boundary mid-test
    open_playground(page, live_server)
    page.get_by_label("Principal", exact=True).fill("lambda.amazonaws.com")
    expect(decision(page)).to_have_text(re.compile("Implicit deny"))
    page.get_by_label("Principal", exact=True).fill("ec2.amazonaws.com")
    expect(page.locator("#pg-results [role=alert]")).to_contain_text("Too many checks")


# --- Keyboard and screen readers -----------------------------------------------------------


def test_the_page_works_with_the_keyboard_alone(page: Page, live_server):
    open_playground(page, live_server)
    content = page.locator(".rc-editor[data-editor-for=policy] .cm-content")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cm-content')"):
            break
    else:
        pytest.fail("Tab never reached the policy editor")
    expect(content).to_be_focused()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.press("Enter")
    page.keyboard.insert_text("{")
    expect(page.locator("#pg-findings .finding-error").first).to_be_visible()
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    # Escape then Tab leaves the editor: it never traps focus.
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(content).not_to_be_focused()
    for _ in range(20):
        if page.evaluate("document.activeElement.id") == "pg-preset":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the caller presets")
    page.keyboard.press("ArrowDown")  # An EC2 instance -> A Lambda function
    expect(decision(page)).to_have_text(re.compile("Implicit deny"))
    # Result tabs: reach the selected tab, then move with the arrow keys.
    for _ in range(40):
        if page.evaluate("document.activeElement.id") == "pg-tab-decision":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the result tabs")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Explain")).to_be_focused()
    expect(page.locator("#pg-panel-explain")).to_be_visible()
    page.keyboard.press("End")
    expect(page.locator("#pg-panel-cloudtrail")).to_be_visible()
    page.keyboard.press("Enter")  # a tab's own button must not submit the form
    expect(page.locator("#pg-panel-cloudtrail")).to_be_visible()
    assert page.url.endswith("/playground/")


def test_axe_finds_no_violations_light_dark_and_phone(browser, live_server):
    # add_script_tag inlines axe, which the page's CSP rightly refuses; this
    # context lets the test's own script in and changes nothing else.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    for scheme, size in (("light", (1400, 1000)), ("dark", (1400, 1000)), ("light", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.emulate_media(color_scheme=scheme)
        open_playground(page, live_server, "?starter=hole-github-any-repo")
        page.locator(".rc-editor .rc-finding-security-warning").first.hover()
        assert run_axe(page) == [], f"{scheme} {size}"
        for tab in ("Explain", "CloudTrail"):
            page.get_by_role("tab", name=tab).click()
            assert run_axe(page) == [], f"{scheme} {size} {tab}"
        page.get_by_text("Templates", exact=True).click()
        page.get_by_label("Principal", exact=True).fill("bad principal")
        expect(page.locator("#error-principal")).not_to_be_empty()
        assert run_axe(page) == [], f"{scheme} {size} menu open, field error"
    context.close()


def test_the_phone_layout_does_not_scroll_sideways(page: Page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    for query in ("", "?starter=hole-github-any-repo", "?starter=eks-irsa"):
        open_playground(page, live_server, query)
        for tab in ("Decision", "Explain", "CloudTrail"):
            page.get_by_role("tab", name=tab).click()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{query} {tab}: {width}px wide"
    page.get_by_text("Templates", exact=True).click()
    box = page.locator(".pg-menu-body").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"menu at {box}"


# --- Without JavaScript ---------------------------------------------------------------------


def test_without_javascript_the_form_posts_and_shows_the_same_result(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/playground/")
    textarea = page.locator("textarea#policy")
    expect(textarea).to_be_visible()
    textarea.fill(WILDCARD_POLICY)
    page.get_by_label("Principal", exact=True).fill("arn:aws:iam::444455556666:user/mallory")
    page.locator("#pg-panel-trust").get_by_role("button", name="Check").click()
    expect(page.locator("[data-decision]")).to_have_text(re.compile("Allowed"))
    expect(page.locator("#pg-findings")).to_contain_text("MISSING_CONDITION_FOR_WILDCARD_PRINCIPAL")
    page.get_by_role("tab", name="Explain").click()
    expect(page.locator("#pg-panel-explain")).to_be_visible()
    expect(page.locator("#pg-panel-explain")).to_contain_text("Anyone on the internet")
    page.get_by_label("Who is calling").select_option("saml")
    page.get_by_role("button", name="Use this caller").click()
    expect(page.get_by_label("Action")).to_have_value("sts:AssumeRoleWithSAML")
    expect(page.locator("[data-decision]")).to_have_text(re.compile("Implicit deny"))
    context.close()


def test_a_lessons_try_it_block_opens_in_the_playground(page: Page, live_server, console_errors):
    from tests.learning.content.factories import EC2_TRUST, LessonFactory

    lesson = LessonFactory()
    page.goto(live_server.url + lesson.get_absolute_url())
    page.get_by_role("link", name="Open in the playground").first.click()
    page.wait_for_url("**/playground/?s=*")
    expect(page.locator(".rc-editor[data-editor-for=policy] .cm-content")).to_be_visible()
    assert json.loads(page.evaluate("RoleCallEditor.getValue('policy')")) == json.loads(EC2_TRUST)
    expect(decision(page)).to_have_text(re.compile("Allowed"))
    assert console_errors == []


def test_the_decision_stays_in_view_while_typing_and_the_template_banner_goes(
    page: Page, live_server
):
    open_playground(page, live_server, "?starter=" + STARTERS[0].slug)
    expect(page.locator(".pg-starter")).to_be_visible()
    replace_policy(page, STARTERS[0].policy_text.replace("sts:AssumeRole", "sts:TagSession", 1))
    badge = page.locator("#pg-live [data-live-decision]")
    expect(badge).to_be_visible()
    expect(page.locator(".pg-starter")).to_be_hidden()
    page.locator(".cm-content").first.click()
    page.mouse.wheel(0, 600)
    box = badge.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
