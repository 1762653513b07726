"""The playground page: the full page, its htmx fragments, the no-JavaScript
form, bad input and the rate limit, as a browser (or a script) meets them."""

from __future__ import annotations

import gzip
import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from policies.engine import evaluate
from policies.playground import MAX_POLICY_CHARS
from policies.presets import DEFAULT_ROLE_ARN, PRESETS_BY_SLUG
from policies.share import encode_share_state
from policies.starters import STARTERS, STARTERS_BY_SLUG
from policies.templatetags.policy_tags import playground_url

pytestmark = pytest.mark.django_db

URL = "/playground/"
HTMX = {"HTTP_HX_REQUEST": "true"}

EC2_POLICY = STARTERS_BY_SLUG["ec2"].policy_text


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings):
    cache.clear()
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 10_000
    yield
    cache.clear()


def form(**overrides) -> dict[str, object]:
    """A scenario as the page's form posts it: the EC2 template and an EC2 caller."""
    data: dict[str, object] = {
        "policy": EC2_POLICY,
        "identity_policy": "",
        "preset": "ec2",
        "principal": "ec2.amazonaws.com",
        "action": "sts:AssumeRole",
        "role_arn": DEFAULT_ROLE_ARN,
        "condition_key": [""],
        "condition_values": [""],
        "tab": "decision",
        "editor": "trust",
    }
    data.update(overrides)
    return data


def decision_of(html: str) -> str:
    match = re.search(r'data-decision="(\w+)"', html)
    assert match, "no decision badge in the page"
    return match.group(1)


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<p id="error-{name}"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no message slot for {name}"
    return unescape(match.group(1)).strip()


# --- The full page -------------------------------------------------------------------------


def test_url_name_resolves_to_the_playground():
    assert reverse("policies:playground") == URL


def test_full_page_shows_the_default_template_checked(client: Client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Playground</h1>" in html
    assert 'id="policy" name="policy"' in html and "data-policy-editor" in html
    assert "ec2.amazonaws.com" in html
    assert decision_of(html) == "allowed"
    assert 'id="pg-findings"' in html and "hx-swap-oob" not in html
    assert 'hx-trigger="submit, policy-change, input delay:250ms from:#pg-scenario"' in html
    assert 'hx-sync="this:replace"' in html
    assert "HX-Request" in response["Vary"]


def test_full_page_loads_its_scripts_without_inline_code(client: Client):
    html = client.get(URL).content.decode()
    assert "policies/editor/editor.js" in html and "policies/playground.js" in html
    for script in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S):
        attrs, body = script
        assert 'type="application/json"' in attrs, f"inline script: {body[:80]}"


def test_every_response_varies_on_hx_request(client: Client):
    for response in (
        client.get(URL),
        client.post(URL, form()),
        client.post(URL, form(), **HTMX),
        client.post(URL, form(principal="nonsense"), **HTMX),
    ):
        assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_methods_that_are_not_get_or_post_are_refused(client: Client, method: str):
    assert getattr(client, method)(URL).status_code == 405


# --- htmx fragments ----------------------------------------------------------------------


def test_htmx_check_returns_only_the_results_and_out_of_band_updates(client: Client):
    response = client.post(URL, form(), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert html.lstrip().startswith('<section id="pg-results"')
    assert decision_of(html) == "allowed"
    assert '<section id="pg-findings"' in html and 'hx-swap-oob="true"' in html
    assert '<p id="error-principal" hx-swap-oob="innerHTML">' in html
    for name in ("policy", "identity_policy", "principal", "action", "role_arn", "conditions"):
        assert f'<p id="error-{name}"' in html
        assert field_error(html, name) == ""


def test_htmx_check_with_a_json_error_marks_the_exact_character(client: Client):
    policy = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",,}\n  ]\n}'
    html = client.post(URL, form(policy=policy), **HTMX).content.decode()
    assert decision_of(html) == "implicitDeny"
    script = re.search(r'<script type="application/json">(.*?)</script>', html, re.S).group(1)
    assert '"code": "JSON_SYNTAX_ERROR"' in script
    assert '"line": 4' in script and '"column": 24' in script
    assert 'data-goto-line="4" data-goto-column="24" data-goto-editor="policy"' in html


def test_finding_list_names_severity_code_message_and_aws_page(client: Client):
    starter = STARTERS_BY_SLUG["hole-github-any-repo"]
    preset = PRESETS_BY_SLUG["github"]
    html = client.post(
        URL,
        form(policy=starter.policy_text, principal=preset.principal, action=preset.action),
        **HTMX,
    ).content.decode()
    assert "Security warning" in html
    assert "MISSING_GITHUB_REPO_CONDITION_KEY" in html
    assert (
        'class="pg-doc" href="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc'
        in html
    )


# --- Same answers with and without JavaScript ----------------------------------------------


def _scenario_for(slug: str) -> dict[str, object]:
    starter = STARTERS_BY_SLUG[slug]
    preset = PRESETS_BY_SLUG[starter.preset]
    return form(
        policy=starter.policy_text,
        preset=preset.slug,
        principal=preset.principal,
        action=preset.action,
        condition_key=[k for k, _ in preset.context] + [""],
        condition_values=[v for _, v in preset.context] + [""],
    )


@pytest.mark.parametrize("slug", [s.slug for s in STARTERS])
@pytest.mark.parametrize("preset", ["ec2", "other-account", "github"])
def test_no_javascript_post_and_get_give_the_htmx_decision(client: Client, slug: str, preset):
    data = _scenario_for(slug)
    data["principal"] = PRESETS_BY_SLUG[preset].principal
    data["action"] = PRESETS_BY_SLUG[preset].action
    live = client.post(URL, data, **HTMX).content.decode()
    plain_post = client.post(URL, data).content.decode()
    plain_get = client.get(URL, data).content.decode()
    assert "<html" in plain_post and "<html" in plain_get
    assert decision_of(live) == decision_of(plain_post) == decision_of(plain_get)
    trace = re.compile(r'<details class="trace" open>.*?</details>', re.S)
    assert trace.search(live).group(0) == trace.search(plain_post).group(0)


def test_changing_the_caller_flips_the_decision_and_the_trace_says_why(client: Client):
    allowed = client.post(URL, form(), **HTMX).content.decode()
    denied = client.post(URL, form(principal="lambda.amazonaws.com"), **HTMX).content.decode()
    assert decision_of(allowed) == "allowed"
    assert decision_of(denied) == "implicitDeny"
    assert "does not apply" in denied
    assert "request <code>lambda.amazonaws.com</code>" in denied
    assert "policy <code>Service: ec2.amazonaws.com</code>" in denied


def test_an_identity_policy_brings_in_the_callers_side(client: Client):
    trust = STARTERS_BY_SLUG["cross-account-one-role"].policy_text
    caller = "arn:aws:sts::444455556666:assumed-role/DeployRole/run-1"
    without = form(policy=trust, principal=caller, preset="other-account")
    identity = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "s3:GetObject", "Resource": "*"}]}'
    )
    html = client.post(URL, {**without, "identity_policy": identity}, **HTMX).content.decode()
    assert decision_of(client.post(URL, without, **HTMX).content.decode()) == "allowed"
    assert decision_of(html) == "implicitDeny"
    assert "The caller&#x27;s policies" in html


# --- Bad input: a message beside the field, never a 500 ------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"principal": "not a principal"}, "principal", "is not an IAM user"),
        ({"principal": ""}, "principal", "Enter the caller"),
        ({"principal": "x" * 5000}, "principal", "longer than"),
        ({"action": "s3:GetObject"}, "action", "Choose one of the listed"),
        ({"role_arn": "arn:aws:s3:::bucket"}, "role_arn", "is not a role ARN"),
        (
            {"condition_key": ["", "sts:ExternalId"], "condition_values": ["x", "y"]},
            "conditions",
            "Row 1: give the condition key a name",
        ),
        (
            {"condition_key": ["no colon"], "condition_values": ["x"]},
            "conditions",
            "is not a condition key",
        ),
        (
            {"condition_key": ["sts:ExternalId", "STS:externalid"], "condition_values": ["a", "b"]},
            "conditions",
            "appears twice",
        ),
        ({"identity_policy": "{not json"}, "identity_policy", "cannot be used"),
    ],
)
def test_malformed_scenario_fields_get_a_message_beside_the_field(
    client: Client, overrides, field: str, words: str
):
    live = client.post(URL, form(**overrides), **HTMX)
    plain = client.post(URL, form(**overrides))
    for response in (live, plain):
        assert response.status_code == 400
        html = response.content.decode()
        assert words in field_error(html, field)
        assert "data-decision=" not in html
        assert "No decision yet" in html
    assert 'aria-invalid="true"' in plain.content.decode() or field in (
        "conditions",
        "identity_policy",
    )


def test_a_policy_above_the_size_limit_is_refused_with_a_clear_message(client: Client):
    huge = '{"Version": "2012-10-17", "Statement": []}' + " " * MAX_POLICY_CHARS
    for response in (
        client.post(URL, form(policy=huge), **HTMX),
        client.post(URL, form(policy=huge)),
    ):
        assert response.status_code == 413
        message = field_error(response.content.decode(), "policy")
        assert f"{MAX_POLICY_CHARS:,}" in message and "Shorten it" in message


def test_a_body_too_large_for_django_to_read_gets_the_same_message(client: Client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    huge = "x" * 200_000
    for response in (
        client.post(URL, form(policy=huge), **HTMX),
        client.post(URL, form(policy=huge)),
    ):
        assert response.status_code == 413
        assert "far larger than the" in field_error(response.content.decode(), "policy")


def test_garbage_in_every_field_never_gives_a_server_error(client: Client):
    weird = "\u0000\ud7ff<script>alert(1)</script>" + "{" * 50
    names = ("policy", "identity_policy", "principal", "action", "role_arn", "tab")
    data = dict.fromkeys(names, weird)
    data |= {"condition_key": [weird, "a:b"], "condition_values": [weird], "preset": weird}
    for response in (client.post(URL, data, **HTMX), client.post(URL, data), client.get(URL, data)):
        assert response.status_code in (200, 400)
        assert "<script>alert(1)</script>" not in response.content.decode()


# --- Rate limit -----------------------------------------------------------------------------


def test_the_check_is_rate_limited_per_client_with_a_message(client: Client, settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 3
    settings.PLAYGROUND_WINDOW_SECONDS = 3600  # no window boundary mid-test
    for _ in range(3):
        assert client.post(URL, form(), **HTMX).status_code == 200
    live = client.post(URL, form(), **HTMX)
    plain = client.post(URL, form())
    assert live.status_code == plain.status_code == 429
    assert int(live["Retry-After"]) >= 1
    for response in (live, plain):
        assert "Too many checks" in response.content.decode()
    assert "HX-Request" in live["Vary"]
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(URL, form(), **HTMX).status_code == 200


def test_opening_the_page_does_not_count_against_the_limit(client: Client, settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 1
    for _ in range(3):
        assert client.get(URL).status_code == 200
    assert client.post(URL, form(), **HTMX).status_code == 200


# --- Share links and templates -------------------------------------------------------------


def _share_path(html: str) -> str:
    return unescape(re.search(r'id="pg-share-link" href="([^"]+)"', html).group(1))


def test_a_share_link_restores_policy_scenario_and_open_tab(client: Client):
    policy = STARTERS_BY_SLUG["cross-account-external-id"].policy_text
    data = form(
        policy=policy,
        preset="other-account",
        principal="arn:aws:iam::444455556666:user/bob",
        condition_key=["sts:ExternalId", ""],
        condition_values=["Example-Partner-7Q3z", ""],
        tab="cloudtrail",
        identity_policy='{"Version": "2012-10-17", "Statement": []}',
        editor="identity",
    )
    path = _share_path(client.post(URL, data).content.decode())
    assert path.startswith(URL + "?s=")
    restored = client.get(path)
    assert restored.status_code == 200
    html = restored.content.decode()
    assert unescape(html).count("Example-Partner-7Q3z") >= 2
    assert 'value="arn:aws:iam::444455556666:user/bob"' in html
    assert 'id="pg-tab-cloudtrail" name="show_tab" value="cloudtrail"' in html
    assert re.search(r'id="pg-tab-cloudtrail"[^>]*\s+aria-selected="true"', html)
    assert re.search(r'id="pg-panel-identity"[^>]*aria-labelledby="pg-tab-identity">', html)
    assert decision_of(html) == decision_of(client.post(URL, data).content.decode())


@pytest.mark.parametrize(
    "param",
    [
        "not base64 at all!",
        "AAAA",  # base64, but not deflate
        encode_share_state({"v": 1, "policy": "{}"})[:-6],  # cut short
        encode_share_state(["a", "list"]),
        encode_share_state({"v": 99, "policy": "{}"}),
        encode_share_state({"v": 1, "policy": 42}),
        encode_share_state({"v": 1, "policy": "{}", "conditions": [["a"]]}),
        "A" * 20_000,
    ],
)
def test_a_broken_share_link_gets_a_clear_message_not_a_server_error(client: Client, param):
    response = client.get(URL, {"s": param})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This share link cannot be opened" in html
    assert decision_of(html) == "allowed"  # the default template, checked


def test_a_share_link_that_inflates_too_far_is_refused(client: Client):
    bomb = encode_share_state({"v": 1, "policy": "x" * 5_000_000})
    assert len(bomb) < 16_000
    response = client.get(URL, {"s": bomb})
    assert response.status_code == 400
    assert "holds more than this page accepts" in response.content.decode()


def test_a_playground_too_big_for_a_link_says_so(client: Client):
    import random

    rng = random.Random(4)
    noise = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(9000))
    policy = '{"Version": "2012-10-17", "Statement": [], "Sid": "' + noise + '"}'
    html = client.post(URL, form(policy=policy)).content.decode()
    assert "too big to share as a link" in html
    assert 'id="pg-share-link"' not in html


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.slug)
def test_each_template_opens_with_its_policy_and_caller(client: Client, starter):
    response = client.get(URL, {"starter": starter.slug})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert starter.policy_text.strip() in html
    assert starter.title in html and starter.source in html
    assert f'<option value="{starter.preset}" selected>' in html
    assert decision_of(html) == "allowed"
    if starter.vulnerable:
        assert "Show the hole" in html and starter.hole in html


def test_an_unknown_template_is_a_404_with_a_message(client: Client):
    response = client.get(URL, {"starter": "nope"})
    assert response.status_code == 404
    assert "There is no template by that name" in response.content.decode()


def test_a_policy_link_from_a_lesson_opens_in_the_playground(client: Client):
    html = client.get(
        URL, {"policy": EC2_POLICY, "principal": "ec2.amazonaws.com", "action": "sts:AssumeRole"}
    ).content.decode()
    assert decision_of(html) == "allowed"


# --- Explain and CloudTrail -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "loud"),
    [
        ("hole-aws-star", "Anyone on the internet can assume this role."),
        ("hole-github-any-repo", "Any GitHub repository can assume this role."),
        ("hole-github-wildcard", "Any GitHub repository can assume this role."),
    ],
)
def test_explain_says_loudly_who_can_get_in(client: Client, slug: str, loud: str):
    html = client.get(URL, {"starter": slug}).content.decode()
    assert f'<p class="pg-loud"><span class="icon" aria-hidden="true">⚠</span> {loud}</p>' in html


def test_explain_is_quiet_for_a_pinned_policy(client: Client):
    html = client.get(URL, {"starter": "github-actions"}).content.decode()
    assert 'class="pg-loud"' not in html


def test_cloudtrail_tab_shows_the_denied_call_with_its_error(client: Client):
    data = _scenario_for("cross-account-external-id")
    data["condition_values"] = ["wrong-id", "o-exampleorgid", ""]
    html = unescape(client.post(URL, data, **HTMX).content.decode())
    assert decision_of(html) == "implicitDeny"
    assert '"eventName": "AssumeRole"' in html
    assert '"externalId": "wrong-id"' in html
    assert '"errorCode": "AccessDenied"' in html
    assert "is not authorized to perform: sts:AssumeRole on resource:" in html
    assert "https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html" in html


# --- The no-JavaScript buttons ----------------------------------------------------------------


def test_without_javascript_a_tab_button_posts_and_opens_that_tab(client: Client):
    html = client.post(URL, form(show_tab="explain")).content.decode()
    assert re.search(r'id="pg-tab-explain"[^>]*\s+aria-selected="true"', html)
    assert re.search(r'id="pg-panel-decision"[^>]*hidden', html)


def test_without_javascript_use_this_caller_fills_in_the_preset(client: Client):
    html = client.post(URL, form(preset="github", apply_preset="1")).content.decode()
    github = PRESETS_BY_SLUG["github"]
    assert f'value="{github.principal}"' in html
    assert "<option selected>sts:AssumeRoleWithWebIdentity</option>" in html
    assert 'value="token.actions.githubusercontent.com:sub"' in html


def test_without_javascript_rows_can_be_added_and_removed(client: Client):
    added = client.post(URL, form(add_key="sts:ExternalId")).content.decode()
    assert 'id="pg-key-1" name="condition_key" list="pg-keys" value="sts:ExternalId"' in added
    data = form(condition_key=["sts:ExternalId", "aws:SourceIp"], condition_values=["a", "b"])
    removed = client.post(URL, {**data, "remove_condition": "0"}).content.decode()
    row = 'name="condition_key" list="pg-keys" value="{}"'
    assert row.format("sts:ExternalId") not in removed
    assert row.format("aws:SourceIp") in removed


# --- Links from lessons, and the page's weight -----------------------------------------------


def test_a_lessons_try_it_case_opens_in_the_playground_with_the_same_answer(client: Client):
    block = {
        "policy": STARTERS_BY_SLUG["cross-account-one-role"].policy_text,
        "request": {
            "principal": "arn:aws:sts::444455556666:assumed-role/DeployRole/run-42",
            "action": "sts:AssumeRole",
            "role_arn": "arn:aws:iam::111122223333:role/Deployer",
            "context": {"aws:TagKeys": ["team", "env"], "sts:ExternalId": "x"},
        },
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
            }
        ],
    }
    url = playground_url(block)
    assert url.startswith(URL + "?s=")
    html = unescape(client.get(url).content.decode())
    expected = evaluate(
        {
            "trust_policy": block["policy"],
            "request": block["request"],
            "identity_policies": block["identity_policies"],
        }
    ).decision
    assert decision_of(html) == expected
    assert 'value="team, env"' in html
    assert '<option value="other-account" selected>' in html
    assert '"Resource": "*"' in html


def test_the_pages_javascript_stays_within_150_kb_gzipped(client: Client):
    html = client.get(URL).content.decode()
    sources = re.findall(r'<script src="/static/([^"]+)"', html)
    assert "policies/editor/editor.js" in sources and "policies/playground.js" in sources
    total = 0
    for source in sources:
        path = finders.find(source)
        assert path, source
        total += len(gzip.compress(Path(path).read_bytes(), compresslevel=9))
    assert total <= 150 * 1024, f"{total} bytes gzipped"


def test_explanation_links_its_aws_page_from_the_engine_s_own_field():
    from policies.templatetags.policy_tags import explanation_items

    items = explanation_items(
        {
            "explanation": ["ignored when details are given"],
            "explanation_details": [
                {"text": "Role <b> needs both sides.", "learn_more": "https://docs.aws/x.html"},
                {"text": "Decision: allowed.", "learn_more": None},
            ],
        }
    )
    assert items == [
        {"text": "Role <b> needs both sides", "learn_more": "https://docs.aws/x.html"},
        {"text": "Decision: allowed.", "learn_more": None},
    ]
    assert explanation_items({"explanation": ["Old answer (https://x)."]}) == [
        {"text": "Old answer (https://x).", "learn_more": None}
    ]
