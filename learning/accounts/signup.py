"""Sign-up by mail: the address is proven before the account exists.

Step 1 takes an address and always answers the same; the mail does the
telling, to the address's owner only. A new address gets a signed link
(``TimestampSigner`` with its own salt, good for ``SIGNUP_LINK_HOURS``)
carrying the address and where to go next; an address with an account gets a
note saying so, with sign-in and reset links. Opening the link and giving a
name and password creates the account (``account_create``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from config.web import UserError
from learning.accounts.mail import mail_off_request
from learning.auth import normalise_email

SIGNUP_LINK_SALT = "learning.accounts.signup.link"
SIGNUP_LINK_HOURS = 24
# A return address longer than this is dropped, not carried: it would only bloat the link.
MAX_NEXT_CHARS = 500


@dataclass(frozen=True)
class SignUpLink:
    """What a sign-up link carries: the proven address and where to go once signed up."""

    email: str
    next_url: str = ""


class SignUpLinkError(UserError):
    """A sign-up link that is damaged or too old; ``next_url`` is kept from an old one."""

    def __init__(self, message: str, *, expired: bool, next_url: str = "") -> None:
        super().__init__(message)
        self.expired = expired
        self.next_url = next_url


def safe_next(url: str) -> str:
    """``url`` if it is a path on this site, else ""; never another host or scheme."""
    url = (url or "").strip()
    if not url.startswith("/") or len(url) > MAX_NEXT_CHARS:
        return ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SIGNUP_LINK_SALT)


def signup_link_make(*, email: str, next_url: str = "") -> str:
    """The signed token of a sign-up link for ``email``."""
    payload = {"e": normalise_email(email), "n": safe_next(next_url)}
    return _signer().sign_object(payload, compress=True)


def _link_from(payload: object) -> SignUpLink:
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), str):
        raise signing.BadSignature("unexpected payload")
    return SignUpLink(email=payload["e"], next_url=safe_next(str(payload.get("n") or "")))


def signup_link_read(*, token: str) -> SignUpLink:
    """The address and return path a token carries; ``SignUpLinkError`` when it is
    damaged, made with another key or salt, or older than ``SIGNUP_LINK_HOURS``."""
    try:
        return _link_from(_signer().unsign_object(token, max_age=SIGNUP_LINK_HOURS * 3600))
    except signing.SignatureExpired:
        # Genuine but old: keep its return path, so starting again keeps the class.
        stale = _link_from(_signer().unsign_object(token))
        raise SignUpLinkError(
            f"It is more than {SIGNUP_LINK_HOURS} hours old: sign-up links work for "
            f"{SIGNUP_LINK_HOURS} hours.",
            expired=True,
            next_url=stale.next_url,
        ) from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise SignUpLinkError(
            "It is not a link we sent, or part of it was lost: mail programs sometimes "
            "cut long links.",
            expired=False,
        ) from None


def account_exists(*, email: str) -> bool:
    """True when an account (made here or through LTI) has this address."""
    user_model = get_user_model()
    return user_model._default_manager.filter(email__iexact=normalise_email(email)).exists()


def signup_mail_send(*, email: str, next_url: str, site_url: str) -> None:
    """Mail ``email`` what its owner needs: a link to finish signing up, or, when
    an account has the address already, a note with sign-in and reset links.

    Nothing changes on any account. ``site_url`` is the scheme and host the
    links start with (``https://rolecall.example.com``); the mail leaves off
    the request, so the caller's answer time is the same either way."""
    email = normalise_email(email)
    user_model = get_user_model()
    user = user_model._default_manager.filter(email__iexact=email).first()
    if user is None:
        token = signup_link_make(email=email, next_url=next_url)
        template = "accounts/signup"
        context = {
            "link": site_url + reverse("accounts:signup_finish", args=[token]),
            "hours": SIGNUP_LINK_HOURS,
        }
    else:
        template = "accounts/signup_exists"
        context = {
            "sign_in": site_url + reverse("accounts:login"),
            "reset": site_url + reverse("accounts:password_reset"),
            # An account made from a course (LTI) has no password to reset.
            "has_password": user.has_usable_password(),
        }
    context["email"] = email
    message = EmailMessage(
        subject=render_to_string(f"{template}_subject.txt", context).strip(),
        body=render_to_string(f"{template}_email.txt", context),
        to=[email],
    )
    mail_off_request(message.send)
