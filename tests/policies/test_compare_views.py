"""The playground's Compare tab, as a learner meets it without JavaScript."""

from __future__ import annotations

import json
from html import unescape
from urllib.parse import parse_qs, urlparse

from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from policies.engine import evaluate
from policies.playground import state_from_share
from policies.share import decode_share_state

ROLE = "arn:aws:iam::111122223333:role/PlaygroundRole"


def _policy(principal: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
            ],
        },
        indent=2,
    )


BEFORE = _policy("arn:aws:iam::444455556666:role/Deploy")
AFTER = _policy("arn:aws:iam::444455556666:root")


def test_the_compare_tab_shows_two_editors(client: Client):
    html = client.get(reverse("policies:compare")).content.decode()
    assert 'name="before"' in html and 'name="after"' in html
    assert "What the change does" not in html  # nothing compared yet
    playground = client.get(reverse("policies:playground")).content.decode()
    assert reverse("policies:compare") in playground


def test_posting_says_who_now_gets_in_with_a_request_to_open(client: Client):
    response = client.post(
        reverse("policies:compare"), {"before": BEFORE, "after": AFTER, "role_arn": ROLE}
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "The change lets someone new in" in html
    assert "Now gets in" in html and "Now kept out" not in html
    link = next(
        part.split('"')[0]
        for part in html.split('href="')
        if part.startswith(reverse("policies:playground") + "?s=")
    )
    state = state_from_share(decode_share_state(parse_qs(urlparse(link).query)["s"][0]))
    assert state.policy == AFTER
    request = {"principal": state.principal, "action": state.action, "role_arn": state.role_arn}
    # The request it opens is admitted by the new policy and refused by the old one.
    assert evaluate({"trust_policy": AFTER, "request": request}).decision == "allowed"
    assert evaluate({"trust_policy": BEFORE, "request": request}).decision != "allowed"


def test_the_share_link_restores_both_policies_and_the_verdict(client: Client):
    html = unescape(
        client.post(
            reverse("policies:compare"), {"before": AFTER, "after": BEFORE, "role_arn": ROLE}
        ).content.decode()
    )
    assert "The change only takes access away" in html
    path = html.split('id="compare-share-link" href="')[1].split('"')[0]
    shared = unescape(client.get(path).content.decode())
    assert "The change only takes access away" in shared
    assert "arn:aws:iam::444455556666:root" in shared


def test_identical_policies_are_proven_equivalent(client: Client):
    html = client.post(
        reverse("policies:compare"), {"before": BEFORE, "after": BEFORE, "role_arn": ROLE}
    ).content.decode()
    assert "lets nobody new in and keeps nobody out" in html


def test_bad_input_is_a_400_with_a_message(client: Client):
    bad_role = client.post(
        reverse("policies:compare"), {"before": BEFORE, "after": AFTER, "role_arn": "nope"}
    )
    assert bad_role.status_code == 400 and "Nothing was compared" in bad_role.content.decode()
    bad_link = client.get(reverse("policies:compare") + "?s=%%%")
    assert bad_link.status_code == 400


def test_put_is_not_allowed(client: Client):
    assert client.put(reverse("policies:compare")).status_code == 405


def test_compare_is_rate_limited_like_the_playground(client: Client, settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 1
    settings.PLAYGROUND_WINDOW_SECONDS = 3600
    caches["default"].clear()
    data = {"before": BEFORE, "after": AFTER, "role_arn": ROLE}
    assert client.post(reverse("policies:compare"), data).status_code == 200
    limited = client.post(reverse("policies:compare"), data)
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
