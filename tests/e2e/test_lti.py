"""LTI 1.3 in Chromium: RoleCall inside a platform's frame, from deep linking to the grade.

The platform's pages (a course page with RoleCall in an iframe, the OIDC auth
endpoint, the deep-linking return URL) are served by an HTTP server of the test;
its key set, token and score endpoints by the suite's platform at the requests
transport. RoleCall runs in the live server on another site, so every cookie it
uses crosses sites as it would inside Canvas or Moodle."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Page, expect

from learning.lti.registry import platform_register
from tests.learning.content.factories import LessonFactory
from tests.learning.lti import platform as fake

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"

# The platform's pages are served by a small HTTP server of the test at 127.0.0.1
# while RoleCall is served at localhost: another site, so cookies cross sites, yet
# both local and plain http (a page served over https may not frame http nor post
# a form to it, and Chromium keeps public pages from framing local addresses).


class Platform:
    """The browser side of the platform: its course page, auth endpoint and return URL."""

    def __init__(self, server: fake.FakePlatform, tool: str, web: str) -> None:
        self.server = server
        self.tool = tool
        self.web = web
        self.course = f"{web}/courses/1"
        self.auth_url = f"{web}/api/lti/authorize_redirect"
        self.dl_return = f"{web}/courses/1/deep_linking_response?modal=true"
        self.person: dict = {}
        self.returned: dict[str, str] = {}

    def course_page(self, target: str) -> str:
        query = urlencode(
            {
                "iss": fake.ISSUER,
                "login_hint": self.person["sub"],
                "target_link_uri": target,
                "client_id": fake.CLIENT_ID,
                "lti_deployment_id": fake.DEPLOYMENT_ID,
            }
        )
        return (
            "<!doctype html><title>Course</title><h1>Cloud Security 101</h1>"
            f'<iframe id="tool" src="{self.tool}/lti/login/?{html.escape(query)}" '
            'style="width:1000px;height:700px"></iframe>'
        )

    def auth_page(self, query: dict[str, str]) -> str:
        token = self.server.id_token(nonce=query["nonce"], **self.person["claims"])
        return (
            '<!doctype html><form id="f" method="post" '
            f'action="{html.escape(query["redirect_uri"])}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{html.escape(query["state"])}">'
            "</form><script>document.getElementById('f').submit()</script>"
        )

    def answer(self, method: str, path: str, body: str) -> tuple[int, str]:
        url = self.web + path
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if url.split("?")[0] == self.course:
            return 200, self.course_page(query.get("target", f"{self.tool}/lti/launch/"))
        if url.startswith(self.auth_url):
            return 200, self.auth_page(query)
        if url == self.dl_return and method == "POST":
            self.returned = {"url": url, **{k: v[0] for k, v in parse_qs(body).items()}}
            return 200, "<!doctype html><p id='received'>Activity added</p>"
        if path == "/favicon.ico":
            return 200, ""
        return 404, "not here"


def serve(platform_of: list[Platform]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            status, text = platform_of[0].answer(method, self.path, body)
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._reply("GET")

        def do_POST(self) -> None:
            self._reply("POST")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def platform_server(monkeypatch) -> fake.FakePlatform:
    return fake.install(monkeypatch)


@pytest.fixture
def platform(live_server, settings, platform_server) -> Iterator[Platform]:
    settings.LTI_TOOL_BASE_URL = live_server.url
    holder: list[Platform] = []
    http = serve(holder)
    web = f"http://127.0.0.1:{http.server_address[1]}"
    holder.append(Platform(platform_server, live_server.url, web))
    platform_register(
        issuer=fake.ISSUER,
        client_id=fake.CLIENT_ID,
        deployment_ids=[fake.DEPLOYMENT_ID],
        auth_login_url=holder[0].auth_url,
        auth_token_url=fake.TOKEN_URL,
        key_set_url=fake.JWKS_URL,
        origins=[web],
    )
    yield holder[0]
    http.shutdown()
    http.server_close()


def test_deep_link_then_launch_then_grade_inside_the_platforms_frame(
    page: Page, browser, platform: Platform, platform_server, console_errors
):
    LessonFactory(slug="trust-basics", title="Why a role needs trust")

    # An instructor adds the lesson from the platform's "add activity" menu.
    platform.person = {
        "sub": "teacher-1",
        "claims": {
            "sub": "teacher-1",
            "roles": [fake.ROLE + "Instructor"],
            "message_type": "LtiDeepLinkingRequest",
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
                "deep_link_return_url": platform.dl_return,
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe"],
                "accept_lineitem": True,
                "data": "platform-data-1",
            },
        },
    }
    page.goto(platform.course + "?" + urlencode({"target": f"{platform.tool}/lti/deep-link/"}))
    tool = page.frame_locator("#tool")
    expect(tool.get_by_role("heading", level=1)).to_have_text("Add a RoleCall activity")
    tool.get_by_label("Search").fill("trust")
    tool.get_by_role("button", name="Search").click()
    tool.get_by_label("Why a role needs trust").check()
    tool.get_by_role("button", name="Add to the course").click()
    expect(tool.locator("#received")).to_have_text("Activity added")
    assert platform.returned["url"] == platform.dl_return
    claims = fake.tool_token_claims(platform.returned["JWT"])
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"rolecall": "lesson:trust-basics"}
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-data-1"

    # A learner opens the activity, inside the frame, and marks the lesson done.
    learner_context = browser.new_context()
    learner = learner_context.new_page()
    platform.person = {
        "sub": "learner-1",
        "claims": {
            "sub": "learner-1",
            "name": "Sam Student",
            "https://purl.imsglobal.org/spec/lti/claim/custom": item["custom"],
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": item["url"],
            AGS: {"scope": fake.AGS_SCOPES, "lineitem": fake.LINEITEM},
        },
    }
    learner.goto(platform.course)
    frame = learner.frame_locator("#tool")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Why a role needs trust")
    frame.get_by_role("button", name="Mark as done").click()
    expect(frame.locator("#done")).to_contain_text("You marked this lesson as done")
    assert [(s["userId"], s["scoreGiven"], s["scoreMaximum"]) for s in platform_server.scores] == [
        ("learner-1", 1.0, 1.0)
    ]
    learner_context.close()
    assert console_errors == []
