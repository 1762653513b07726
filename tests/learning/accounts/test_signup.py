"""Sign-up proves the address before the account exists (issue 15: the sign-up
form said when an email was taken, so anyone could test who has an account).

Step 1 answers the same for any address; the mail tells the owner, and only
the owner, whether an account exists. The account is made from the mailed
link, which is signed, expires, and never makes a second account."""

from __future__ import annotations

import re
import threading
import time
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.core.mail import EmailMessage
from django.db import connection
from django.test import Client
from django.urls import reverse

from learning.accounts import signup
from learning.auth import SIGNUP_MAIL
from learning.models import Profile
from tests.learning.accounts.factories import PASSWORD, UserFactory
from tests.learning.accounts.signing_up import mail_server_on_hold, mailed_link, sign_up

pytestmark = pytest.mark.django_db

# What differs per request whatever the address: CSRF tokens and CSP nonces.
_PER_REQUEST = re.compile(
    r'(csrfmiddlewaretoken" value|nonce|csp-nonce" content)="[^"]*"|"X-CSRFToken": "[^"]*"'
)


def _ask(client: Client, email: str, **extra):
    return client.post(reverse("accounts:signup"), {"email": email, **extra})


def _page_for(email: str) -> tuple[int, str, int, str]:
    """What a fresh visitor sees after asking for ``email``: both answers, the
    address replaced by "EMAIL" and the per-request tokens removed."""
    client = Client()
    asked = _ask(client, email)
    page = client.get(asked["Location"])
    body = _PER_REQUEST.sub("", page.content.decode()).replace(email.strip().lower(), "EMAIL")
    return asked.status_code, asked["Location"], page.status_code, body


def test_a_new_and_a_registered_address_get_the_same_answer():
    UserFactory(email="taken@example.com")
    new = _page_for("  Fresh@Example.com ")
    taken = _page_for("TAKEN@example.com")
    assert new == taken
    status, location, page_status, body = new
    assert (status, location, page_status) == (302, reverse("accounts:signup_sent"), 200)
    assert "Check your inbox" in body and "We sent a link to <strong" in body
    assert "EMAIL</strong> to finish creating your account" in body
    assert "It works for 24 hours." in body
    assert "already" not in body and "errorlist" not in body
    # The menu still says where the visitor is: in sign-up.
    assert re.search(r'href="/accounts/signup/"\s+aria-current="page"', body)


def test_a_new_address_is_mailed_a_link_and_no_account_is_made():
    _ask(Client(), "New@Example.com")
    [message] = mail.outbox
    assert message.to == ["new@example.com"]
    assert message.subject == "Finish creating your RoleCall account"
    assert "the link works for 24 hours" in message.body
    assert "http://testserver/accounts/signup/finish/" in message.body
    assert signup.signup_link_read(token=mailed_link("new@example.com").split("/")[-2]) == (
        signup.SignUpLink(email="new@example.com", next_url="")
    )
    assert not User.objects.exists()


def test_a_registered_address_is_mailed_sign_in_and_reset_links_and_nothing_changes():
    user = UserFactory(email="known@example.com", profile__display_name="Known")
    before = User.objects.values().get(pk=user.pk)
    _ask(Client(), "Known@example.com")
    [message] = mail.outbox
    assert message.to == ["known@example.com"]
    assert message.subject == "You already have a RoleCall account"
    assert "An account with this address exists already" in message.body
    assert "http://testserver/accounts/login/" in message.body
    assert "http://testserver/accounts/password/reset/" in message.body
    assert "/accounts/signup/finish/" not in message.body
    assert User.objects.values().get(pk=user.pk) == before
    assert User.objects.count() == 1 and Profile.objects.get().display_name == "Known"


def test_an_account_made_from_a_course_is_told_to_open_rolecall_from_there():
    """An LTI account has no password: a reset link would lead nowhere."""
    user = UserFactory(email="lti@example.com")
    user.set_unusable_password()
    user.save()
    _ask(Client(), "lti@example.com")
    [message] = mail.outbox
    assert "open RoleCall from that course" in message.body
    assert "/accounts/password/reset/" not in message.body
    assert not user.__class__.objects.get(pk=user.pk).has_usable_password()


def test_the_link_opens_the_finish_form_and_makes_the_account():
    client = Client()
    _ask(client, "ada@example.com")
    link = mailed_link("ada@example.com")
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Finish creating your account</h1>" in html
    assert "ada@example.com" in html
    assert "Name shown to your teachers (optional)" in html and 'name="password"' in html
    response = client.post(link, {"password": PASSWORD, "display_name": "Ada L."})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:dashboard")
    assert Profile.objects.get(user__email="ada@example.com").display_name == "Ada L."
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_the_link_keeps_a_safe_next_and_drops_another_site():
    response = sign_up(Client(), "next@example.com", next_url="/practice/")
    assert response["Location"] == "/practice/"
    response = sign_up(Client(), "evil@example.com", next_url="https://evil.example/")
    assert response["Location"] == reverse("accounts:dashboard")
    assert signup.safe_next("//evil.example/x") == ""
    assert signup.safe_next("/\\evil.example") == ""


def test_an_expired_link_is_a_400_that_starts_again_with_the_class_kept():
    next_url = "/classes/join/ABCDE-FGHJK"
    token = signup.signup_link_make(email="late@example.com", next_url=next_url)
    later = time.time() + signup.SIGNUP_LINK_HOURS * 3600 + 5
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = Client().get(reverse("accounts:signup_finish", args=[token]))
        post = Client().post(
            reverse("accounts:signup_finish", args=[token]), {"password": PASSWORD}
        )
    html = response.content.decode()
    assert response.status_code == 400 and post.status_code == 400
    assert "This link does not work" in html and "more than 24 hours old" in html
    start_again = reverse("accounts:signup") + "?next=/classes/join/ABCDE-FGHJK"
    assert f'href="{start_again}">Start again</a>' in html
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        lambda token: "x" + token,
        lambda token: token.split(":")[0],
        # Signed by us, but for another purpose (another salt): not a sign-up link.
        lambda token: signing.TimestampSigner(salt="other").sign_object({"e": "a@example.com"}),
    ],
    ids=["signature", "payload", "cut", "other-salt"],
)
def test_a_tampered_link_is_a_400_and_makes_nothing(tamper):
    token = tamper(signup.signup_link_make(email="me@example.com"))
    client = Client()
    page = client.get(reverse("accounts:signup_finish", args=[token]))
    post = client.post(reverse("accounts:signup_finish", args=[token]), {"password": PASSWORD})
    assert page.status_code == 400 and post.status_code == 400
    assert "It is not a link we sent" in page.content.decode()
    assert "Start again" in page.content.decode()
    assert not User.objects.exists()


def test_a_used_link_says_the_account_exists_and_overwrites_nothing():
    client = Client()
    sign_up(client, "once@example.com", display_name="First")
    link = mailed_link("once@example.com")
    other = Client()
    page = other.get(link)
    html = page.content.decode()
    assert page.status_code == 409 and "<h1>This account already exists</h1>" in html
    assert f'href="{reverse("accounts:login")}"' in html
    assert f'href="{reverse("accounts:password_reset")}"' in html
    again = other.post(link, {"password": "a different passphrase 42", "display_name": "Thief"})
    assert again.status_code == 409 and "_auth_user_id" not in other.session
    user = User.objects.get()
    assert user.check_password(PASSWORD)
    assert Profile.objects.get(user=user).display_name == "First"


def test_a_finish_that_checked_before_the_other_finish_inserted_is_a_409():
    """Two finishes of one link: the second checked for an account before the
    first made it; its insert is refused and it gets the "exists" page."""
    _ask(Client(), "twice@example.com")
    link = mailed_link("twice@example.com")
    assert Client().post(link, {"password": PASSWORD}).status_code == 302
    late = Client()
    with mock.patch.object(signup, "account_exists", return_value=False):
        response = late.post(link, {"password": "another passphrase 7"})
    assert response.status_code == 409
    assert "This account already exists" in response.content.decode()
    assert User.objects.filter(email="twice@example.com").count() == 1
    assert User.objects.get().check_password(PASSWORD)
    assert "_auth_user_id" not in late.session


@pytest.mark.django_db(transaction=True)
def test_two_finishes_of_one_link_at_once_make_one_account():
    """Two real requests on two connections, both past the check before either
    inserts: one account, and the other request gets the "exists" page."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's in-memory test database refuses a second writer at once "
            "(table locked); .ci/run runs this on PostgreSQL."
        )
    _ask(Client(), "twice@example.com")
    link = mailed_link("twice@example.com")
    both_checked = threading.Barrier(2, timeout=10)
    real_exists = signup.account_exists
    answers: list[int] = []

    def exists_then_wait(*, email: str) -> bool:
        found = real_exists(email=email)
        both_checked.wait()
        return found

    def finish() -> None:
        try:
            answers.append(Client().post(link, {"password": PASSWORD}).status_code)
        finally:
            connection.close()  # this thread's own connection

    with mock.patch.object(signup, "account_exists", exists_then_wait):
        threads = [threading.Thread(target=finish) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(answers) == [302, 409]
    assert User.objects.filter(email="twice@example.com").count() == 1


def test_sign_up_mail_is_limited_per_address_quietly_and_per_client_with_a_429():
    for n in range(SIGNUP_MAIL.per_address + 3):
        response = _ask(Client(REMOTE_ADDR=f"10.3.0.{n}"), "bombed@example.com")
        assert response.status_code == 302  # the same answer: no hint of the limit
    assert len(mail.outbox) == SIGNUP_MAIL.per_address
    client = Client(REMOTE_ADDR="10.4.0.1")
    for n in range(SIGNUP_MAIL.per_client):
        assert _ask(client, f"x{n}@example.com").status_code == 302
    UserFactory(email="known@example.com")
    for email in ("known@example.com", "unknown@example.com"):
        response = _ask(client, email)
        assert response.status_code == 429
        assert "Too many sign-up requests from here" in response.content.decode()


@pytest.mark.parametrize("registered", [False, True])
def test_sign_up_answers_without_waiting_for_the_mail_server(settings, registered):
    settings.MAIL_IN_BACKGROUND = True
    if registered:
        UserFactory(email="who@example.com")
    with mail_server_on_hold(EmailMessage) as sent:
        response = _ask(Client(), "who@example.com")
        assert response.status_code == 302
        assert not sent.is_set()  # answered while the mail was still at the server
    assert sent.wait(timeout=5)


def test_the_inbox_page_points_to_the_console_only_in_debug(settings):
    def sent_page() -> str:
        client = Client()
        _ask(client, "dev@example.com")
        return client.get(reverse("accounts:signup_sent")).content.decode()

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert "printed in the terminal" not in sent_page()  # debug is off
    settings.DEBUG = True
    with mock.patch.object(EmailMessage, "send"):  # keep the test's output clean
        assert "printed in the terminal where <code>make run</code> runs" in sent_page()


def test_the_inbox_page_without_a_request_goes_back_to_sign_up(client):
    response = client.get(reverse("accounts:signup_sent"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup")
