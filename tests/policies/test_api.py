"""The engine's JSON API, as a script or a teacher's tool meets it."""

from __future__ import annotations

import json

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from policies.api import MAX_BODY_BYTES
from policies.playground import MAX_POLICY_CHARS

EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
CASE = {
    "trust_policy": EC2_TRUST,
    "request": {
        "principal": "ec2.amazonaws.com",
        "action": "sts:AssumeRole",
        "role_arn": "arn:aws:iam::111122223333:role/WebServer",
    },
}


def post(client: Client, name: str, body, content_type: str = "application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(reverse(f"api:{name}"), data, content_type=content_type)


def test_evaluate_answers_with_the_contract_json(client: Client):
    response = post(client, "evaluate", CASE)
    assert response.status_code == 200
    answer = response.json()
    assert answer["decision"] == "allowed"
    assert answer["trust"]["statements"][0]["matched"] is True
    assert answer["findings"] == []


def test_evaluate_of_a_malformed_policy_is_an_implicit_deny_with_findings(client: Client):
    response = post(client, "evaluate", {**CASE, "trust_policy": '{"Version": '})
    assert response.status_code == 200
    assert response.json()["decision"] == "implicitDeny"
    assert response.json()["findings"][0]["code"] == "JSON_SYNTAX_ERROR"


def test_evaluate_of_an_unusable_case_is_a_400_with_the_engine_message(client: Client):
    response = post(client, "evaluate", {"trust_policy": EC2_TRUST})
    assert response.status_code == 400
    assert response.json()["error"]


def test_validate_returns_findings_with_positions(client: Client):
    text = json.dumps({**EC2_TRUST, "Statement": [{**EC2_TRUST["Statement"][0], "Principal": "*"}]})
    response = post(client, "validate", {"policy": text})
    assert response.status_code == 200
    findings = response.json()["findings"]
    assert findings and all(f["line"] >= 1 for f in findings)


def test_describe_says_who_may_assume_the_role(client: Client):
    response = post(client, "describe", {"policy": EC2_TRUST, "role_account": "111122223333"})
    assert response.status_code == 200
    assert "ec2.amazonaws.com" in " ".join(response.json()["text"])


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        ("{not json", "application/json", 400, "not valid JSON"),
        ("[1, 2]", "application/json", 400, "JSON object"),
        (b"\xff\xfe{}", "application/json", 400, "UTF-8"),
        ('{"policy": NaN}', "application/json", 400, "NaN"),
        ("[" * 50_000, "application/json", 400, "JSON"),
        ('{"policy": 5}', "application/json", 400, '"policy" must be'),
        ("{}", "application/json", 400, "Give the trust policy"),
        ("policy=x", "application/x-www-form-urlencoded", 415, "Content-Type: application/json"),
        ("{}", "text/plain", 415, "application/json"),
        ("x" * (MAX_BODY_BYTES + 1), "application/json", 413, "65,536 bytes"),
    ],
)
def test_bad_bodies_get_a_json_error_with_a_message(client, body, content_type, status, words):
    response = post(client, "validate", body, content_type)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert words in response.json()["error"]


def test_a_policy_longer_than_the_playground_takes_is_a_413(client: Client):
    response = post(client, "validate", {"policy": " " * (MAX_POLICY_CHARS + 1)})
    assert response.status_code == 413
    assert "16,384 characters" in response.json()["error"]


@pytest.mark.parametrize("name", ["evaluate", "validate", "describe"])
def test_get_is_a_405_in_json_saying_post(client: Client, name: str):
    response = client.get(reverse(f"api:{name}"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Use POST" in response.json()["error"]


def test_no_csrf_token_is_needed():
    client = Client(enforce_csrf_checks=True)
    assert post(client, "validate", {"policy": EC2_TRUST}).status_code == 200


def test_rate_limit_is_a_429_with_retry_after(client: Client, settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 2
    settings.PLAYGROUND_WINDOW_SECONDS = 3600
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-rate-limit-test",
        }
    }
    caches["default"].clear()
    statuses = [post(client, "validate", {"policy": EC2_TRUST}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = post(client, "validate", {"policy": EC2_TRUST})
    assert int(limited["Retry-After"]) >= 1
    assert "Too many requests" in limited.json()["error"]


def test_openapi_document_describes_every_endpoint(client: Client):
    response = client.get(reverse("api:openapi"))
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/evaluate", "/validate", "/describe", "/compare"}
    for path in document["paths"].values():
        assert {"200", "400", "405", "413", "415", "429"} <= set(path["post"]["responses"])


def test_openapi_document_is_read_only(client: Client):
    response = client.post(reverse("api:openapi"))
    assert response.status_code == 405
    assert response.json()["error"]


WIDE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
NARROW = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:role/Deploy"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def test_compare_proves_which_policy_admits_more(client: Client):
    response = post(client, "compare", {"a": WIDE, "b": NARROW})
    assert response.status_code == 200
    answer = response.json()
    assert answer["relation"] == "a_more_permissive"
    assert answer["only_b"] == []
    request = answer["only_a"][0]
    # The example is a real request the wide policy admits and the narrow one refuses.
    check = post(client, "evaluate", {"trust_policy": WIDE, "request": request}).json()
    assert check["decision"] == "allowed"
    check = post(client, "evaluate", {"trust_policy": NARROW, "request": request}).json()
    assert check["decision"] != "allowed"


def test_compare_takes_policy_text_and_a_scope(client: Client):
    scope = {"principals": ["arn:aws:iam::444455556666:role/Deploy"]}
    body = {"a": json.dumps(WIDE), "b": json.dumps(NARROW), "scope": scope}
    answer = post(client, "compare", body).json()
    assert answer["relation"] == "equivalent"
    assert answer["scope"] == scope


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"a": WIDE}, 400),
        ({"a": WIDE, "b": 7}, 400),
        ({"a": WIDE, "b": NARROW, "scope": []}, 400),
        ({"a": WIDE, "b": NARROW, "scope": {"actions": ["s3:GetObject"]}}, 400),
        ({"a": WIDE, "b": "x" * (MAX_POLICY_CHARS + 1)}, 413),
    ],
)
def test_compare_refuses_bad_input_with_a_4xx(client: Client, body, status):
    response = post(client, "compare", body)
    assert response.status_code == status
    assert response.json()["error"]


def test_compare_is_post_only(client: Client):
    response = client.get(reverse("api:compare"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_compare_is_rate_limited_like_the_other_checks(client: Client, settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 2
    settings.PLAYGROUND_WINDOW_SECONDS = 3600
    caches["default"].clear()
    codes = [post(client, "compare", {"a": WIDE, "b": WIDE}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_openapi_document_describes_compare(client: Client):
    document = client.get(reverse("api:openapi")).json()
    operation = document["paths"]["/compare"]["post"]
    assert operation["operationId"] == "compare"
    assert "Comparison" in document["components"]["schemas"]
