"""The "lower" findings of issue 15: each request here used to get a 500, an HTML
error from the JSON API, a cached personal download or a link that broke."""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from unittest import mock

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from learning.accounts import services as accounts
from policies.share import MAX_SHARE_URL_CHARS
from tests.learning.accounts.factories import UserFactory
from tests.learning.accounts.signing_up import mailed_link
from tests.learning.classrooms.factories import ClassroomFactory, MembershipFactory
from tests.learning.content.factories import EC2_TRUST, ExerciseFactory, LessonFactory

pytestmark = pytest.mark.django_db

LONG = "9" * 4_400
LONG_POLICY = EC2_TRUST.replace('"sts:AssumeRole"', f'"sts:AssumeRole", "Sid2": {LONG}')


def _quiet() -> Client:
    return Client(raise_request_exception=False)


def test_a_4400_digit_number_in_a_policy_is_a_400_everywhere():
    client = _quiet()
    playground = client.post(
        reverse("policies:playground"),
        {"policy": LONG_POLICY, "principal": "ec2.amazonaws.com", "action": "sts:AssumeRole"},
    )
    assert playground.status_code == 400
    assert "4,300 digits" in playground.content.decode()
    body = json.dumps(
        {
            "trust_policy": LONG_POLICY,
            "request": {"principal": "ec2.amazonaws.com", "action": "sts:AssumeRole"},
        }
    )
    api = client.post(reverse("api:evaluate"), body, content_type="application/json")
    assert api.status_code == 400 and api["Content-Type"] == "application/json"
    lesson = LessonFactory()
    tryit = client.post(
        reverse("courses:lesson_tryit", args=[lesson.slug, 0]), {"policy": LONG_POLICY}
    )
    assert tryit.status_code == 400
    exercise = ExerciseFactory()
    submit = client.post(
        reverse("courses:exercise_submit", args=[exercise.slug]), {"policy": LONG_POLICY}
    )
    assert submit.status_code == 400


def test_a_huge_remove_condition_is_not_a_500():
    response = _quiet().post(
        reverse("policies:playground"), {"policy": EC2_TRUST, "remove_condition": "9" * 5000}
    )
    assert response.status_code < 500


def test_a_deeply_nested_share_link_is_a_clear_error():
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflater.compress(b"[" * 50_000 + b"]" * 50_000) + deflater.flush()
    link = base64.urlsafe_b64encode(packed).rstrip(b"=").decode()
    response = _quiet().get(reverse("policies:playground"), {"s": link})
    assert response.status_code == 400
    assert "damaged" in response.content.decode()


def test_the_json_api_answers_errors_in_json():
    response = _quiet().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


def test_two_sign_ups_with_one_email_at_once_are_not_a_500(client):
    """The race: both finishes of one mailed link pass the check, the second insert fails."""
    client.post(reverse("accounts:signup"), {"email": "twin@example.com"})
    link = mailed_link("twin@example.com")
    real = accounts.get_user_model()._default_manager.create_user

    def collide(**kwargs):
        real(**{**kwargs, "username": kwargs["username"]})
        raise IntegrityError("duplicate key value violates unique constraint")

    with mock.patch.object(
        accounts.get_user_model()._default_manager, "create_user", side_effect=collide
    ):
        response = _quiet().post(link, {"password": "a long enough passphrase"})
    assert response.status_code == 409
    assert "This account already exists" in response.content.decode()


def test_personal_downloads_are_never_cached(client):
    user = UserFactory()
    client.force_login(user)
    export = client.get(reverse("accounts:account_export"))
    assert "no-store" in export["Cache-Control"]
    classroom = ClassroomFactory(owner=user, name="Année 2 – Sécurité")
    MembershipFactory(classroom=classroom, user__profile__display_name="Zoë Ødegård")
    grid = client.get(reverse("classrooms:class_csv", args=[classroom.public_id]))
    assert "no-store" in grid["Cache-Control"]
    assert grid.content.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM
    assert "Zoë Ødegård" in grid.content.decode("utf-8-sig")
    disposition = grid["Content-Disposition"]
    assert "annee-2-securite-grid-" in disposition and str(classroom.public_id) not in disposition


def test_htmx_is_not_handed_the_csp_nonce(client):
    html = client.get(reverse("home")).content.decode()
    config = html.split('name="htmx-config" content=\'', 1)[1].split("'", 1)[0]
    settings = json.loads(config)
    # Without the nonce a script in a swapped fragment is blocked by the CSP
    # (script-src has no unsafe-inline); JSON data scripts still arrive.
    assert "inlineScriptNonce" not in settings and "inlineStyleNonce" not in settings


def test_a_share_link_too_long_for_gunicorn_is_not_offered(client):
    # Random text does not compress: its link lands between 4,100 and 8,000 characters.
    noise = secrets.token_hex(3_400)
    policy = EC2_TRUST.replace('"Effect"', f'"Sid": "S{noise}", "Effect"')
    response = client.post(
        reverse("policies:playground"),
        {"policy": policy, "principal": "ec2.amazonaws.com", "action": "sts:AssumeRole"},
    )
    html = response.content.decode()
    assert "too big to share as a link" in html
    assert f"over {MAX_SHARE_URL_CHARS}" in html
    assert MAX_SHARE_URL_CHARS < 4_094  # gunicorn's limit_request_line
