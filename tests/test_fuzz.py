"""Hostile input on every form and endpoint: the answer is always below 500,
an error carries a message, and a refused request writes nothing.

Every URL comes from the resolver (tests/urlwalk.py). Wrong methods, missing
CSRF tokens, oversized bodies and query strings, and broken Unicode are
tried on each URL; hypothesis then throws random requests (any URL, method,
content type, body and query string) and random JSON at the API. The runs
are derandomized, so CI sees the same cases every time.
"""

from __future__ import annotations

import json
from urllib.parse import quote_from_bytes

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.learning.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
)
from tests.learning.content.factories import ExerciseFactory, LessonFactory, QuestionFactory
from tests.urlwalk import WalkedUrl, walk_urls

pytestmark = pytest.mark.django_db

URLS = walk_urls()
WRONG_METHODS = ("POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
ALL_METHODS = ("GET", "HEAD", *WRONG_METHODS)
CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/json",
    "text/plain",
    "application/octet-stream",
    "text/html; charset=utf-16",
    "application/x-www-form-urlencoded; charset=nonexistent",
    "",
)
#: Field names the app's forms use, so random bodies reach their validation.
FIELDS = (
    "policy",
    "principal",
    "action",
    "role_arn",
    "preset",
    "condition_key",
    "condition_values",
    "identity_policy",
    "tab",
    "editor",
    "qid",
    "option",
    "started",
    "exam",
    "count",
    "go",
    "flagged",
    "topic",
    "domain",
    "exam_date",
    "message",
    "email",
    "password",
    "display_name",
    "name",
    "code",
    "kind",
    "title",
    "lesson",
    "exercises",
    "questions",
    "due",
    "username",
    "old_password",
    "new_password1",
    "new_password2",
    "next",
    "q",
    "sort",
    "status",
    "slug",
    "context",
)
FUZZ = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def row_counts() -> dict[str, int]:
    """Rows of every table but the session store (a visitor's session may start)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model is not Session
    }


def assert_refused_with_a_message(response: HttpResponse, method: str, where: str) -> None:
    assert response.status_code < 500, where
    if response.status_code >= 400 and method != "HEAD":
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.strip(), f"{where}: a {response.status_code} with no message"


@pytest.fixture
def world():
    """A student in a class with a lesson, an exercise, questions and an assignment."""
    classroom = ClassroomFactory()
    student = MembershipFactory(classroom=classroom).user
    lesson = LessonFactory()
    ExerciseFactory()
    question = QuestionFactory()
    QuestionFactory.create_batch(9)
    assignment = AssignmentFactory(classroom=classroom)
    samples = {
        "slug": lesson.slug,
        "public_id": str(classroom.public_id),
        "assignment_id": str(assignment.public_id),
        "qid": question.qid,
        "code": classroom.join_code,
        "index": "0",
    }
    anonymous = Client(enforce_csrf_checks=True)
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(student)
    # Without CSRF checks, so that random bodies get as far as the views' own checks.
    trusted = Client()
    trusted.force_login(student)
    paths = {url.name: url.path for url in walk_urls(samples)}
    return {"anonymous": anonymous, "signed_in": signed_in, "trusted": trusted}, paths


@pytest.mark.parametrize("url", URLS, ids=str)
def test_every_url_refuses_hostile_requests_with_a_message_and_writes_nothing(
    world, url: WalkedUrl
):
    clients, paths = world
    _wrong_methods_and_missing_csrf_tokens(clients, paths[url.name], url.name)
    _oversized_bodies_huge_query_strings_and_broken_unicode(clients["trusted"], paths[url.name])


def _wrong_methods_and_missing_csrf_tokens(clients, path: str, name: str) -> None:
    before = row_counts()
    for persona in ("anonymous", "signed_in"):
        client = clients[persona]
        for method in WRONG_METHODS:
            response = client.generic(method, path, b"name=x&policy=%7B%7D", secure=True)
            where = f"{method} {path} as {persona}, no CSRF token"
            assert_refused_with_a_message(response, method, where)
            if method in ("PUT", "PATCH", "DELETE"):
                # Unsafe and never used by this site: refused before any view logic.
                assert response.status_code in (302, 403, 404, 405), where
            # OPTIONS and TRACE are safe methods (no CSRF check); a class-based view
            # may answer them like a GET. What matters is below 500 and no write.
    assert row_counts() == before, path


def _oversized_bodies_huge_query_strings_and_broken_unicode(client: Client, path: str) -> None:
    before = row_counts()
    cases = [
        # More than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), in one field.
        ("POST", path, b"policy=" + b"A" * 2_700_000, "application/x-www-form-urlencoded"),
        # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000).
        ("POST", path, "&".join(f"f{n}=1" for n in range(1500)).encode(), CONTENT_TYPES[0]),
        ("POST", path, b"policy=%ff%fe&name=\xff\xfe\xc3", CONTENT_TYPES[0]),
        ("POST", path, b"\xff\xfe\x00{", "application/json"),
        ("POST", path, b"--xyz\r\nContent-Disposition: form-data\r\n\r\n\xff", CONTENT_TYPES[1]),
        ("GET", path + "?" + "&".join(f"q{n}=x" for n in range(1500)), b"", ""),
        ("GET", path + "?policy=" + "%7B" * 30_000, b"", ""),
        ("GET", path + "?exam=%ff%fe&topic=%c3%28&s=%ed%a0%80", b"", ""),
    ]
    for method, target, body, content_type in cases:
        response = client.generic(method, target, body, content_type=content_type, secure=True)
        where = f"{method} {target[:80]} ({len(body):,} bytes of {content_type or 'nothing'})"
        assert_refused_with_a_message(response, method, where)
        if response.status_code >= 400:
            assert row_counts() == before, where
        before = row_counts()


@FUZZ
@given(
    url=st.sampled_from(URLS),
    method=st.sampled_from(ALL_METHODS),
    persona=st.sampled_from(["anonymous", "signed_in", "trusted"]),
    content_type=st.sampled_from(CONTENT_TYPES),
    form=st.dictionaries(
        st.one_of(st.sampled_from(FIELDS), st.text(max_size=20)),
        st.one_of(
            st.text(max_size=200),
            st.lists(st.text(max_size=30), max_size=4),
            st.integers().map(str),
            st.text(max_size=3).map(lambda t: t * 7000),  # up to 21,000 characters
        ),
        max_size=8,
    ),
    raw=st.one_of(st.none(), st.binary(max_size=2000)),
    query=st.binary(max_size=300),
)
def test_random_requests_never_fail_and_a_refusal_writes_nothing(
    world, url, method, persona, content_type, form, raw, query
):
    clients, paths = world
    client = clients[persona]
    body = _urlencode(form).encode() if raw is None else raw
    target = paths[url.name] + "?" + quote_from_bytes(query, safe="=&")
    before = row_counts()
    response = client.generic(method, target, body, content_type=content_type, secure=True)
    where = f"{method} {target[:100]} as {persona}: {body[:100]!r} ({content_type})"
    assert_refused_with_a_message(response, method, where)
    if response.status_code >= 400:
        assert row_counts() == before, where


def _urlencode(form: dict[str, object]) -> str:
    from urllib.parse import urlencode

    pairs = []
    for key, value in form.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(
                (key.encode("utf-8", "surrogatepass"), str(item).encode("utf-8", "surrogatepass"))
            )
    return urlencode(pairs)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=30,
)
CASE_KEYS = st.fixed_dictionaries(
    {},
    optional={
        "trust_policy": JSON | st.text(max_size=300),
        "request": st.dictionaries(
            st.sampled_from(["principal", "action", "role_arn", "context"]), JSON, max_size=4
        ),
        "identity_policies": JSON,
        "permissions_boundary": JSON,
        "session_policy": JSON,
        "scps": JSON,
        "policy": JSON | st.text(max_size=300),
        "role_account": JSON,
    },
)


@settings(FUZZ, max_examples=150)
@given(
    endpoint=st.sampled_from(["evaluate", "validate", "describe"]),
    body=st.one_of(CASE_KEYS, JSON),
)
def test_the_api_answers_any_json_with_json_and_never_a_500(endpoint, body):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/api/v1/{endpoint}", json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400, 413), (endpoint, body, response.content[:300])
    answer = response.json()
    if response.status_code != 200:
        assert answer["error"].strip()
