"""Email as the login, and a cache-based brake on password guessing.

The limits count failed password checks per (account, address) pair and per
client address in the shared cache (Redis, or the database cache without
``REDIS_URL``), so every worker sees the same counts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from config.web import cache_count

# Failed attempts allowed in a window before sign-in is refused: per account and
# address pair, and per address whatever the account.
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW_SECONDS = 15 * 60


def normalise_email(email: str) -> str:
    """The one spelling we store and look up: trimmed and lower-cased."""
    return email.strip().lower()


class EmailBackend(ModelBackend):
    """Authenticate with an email address, whatever its case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = kwargs.get("email", username)
        if not email or password is None:
            return None
        user_model = get_user_model()
        user = user_model._default_manager.filter(email__iexact=normalise_email(email)).first()
        if user is None:
            # Spend the time a password check takes, so timing does not tell who exists.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _generation_key(email: str) -> str:
    return f"login-gen:{_digest(normalise_email(email))}"


def throttle_lift(*, email: str) -> None:
    """Forget every failure counted against this account, from every address.

    A completed password reset calls it: whoever can read the account's mail
    is its owner, and a lockout must never keep the owner out. The account's
    counters are keyed by a generation number; a new number starts them all
    afresh without having to find each address's key."""
    key = _generation_key(email)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)


@dataclass(frozen=True)
class Throttle:
    """Failed password checks, counted per (account, address) pair and per address.

    The pair's count stops one client guessing one account's password; the
    address's count stops one client trying many accounts. Nothing counts per
    account alone: failures from an attacker's address never lock the owner
    out at their own address (issue 15, finding 3)."""

    email: str
    address: str

    @property
    def keys(self) -> tuple[str, str]:
        email = normalise_email(self.email)
        generation = cache.get(_generation_key(email), 0)
        pair = _digest(f"{email}|{self.address}|{generation}")
        return f"login-fail:pair:{pair}", f"login-fail:address:{_digest(self.address)}"

    def blocked(self) -> bool:
        """True once the pair or the address has used up its failures."""
        pair_key, address_key = self.keys
        counts = cache.get_many([pair_key, address_key])
        return (
            counts.get(pair_key, 0) >= ACCOUNT_LIMIT or counts.get(address_key, 0) >= ADDRESS_LIMIT
        )

    def fail(self) -> None:
        for key in self.keys:
            cache_count(key=key, window=WINDOW_SECONDS)

    def succeed(self) -> None:
        cache.delete(self.keys[0])


@dataclass(frozen=True)
class MailLimit:
    """Mail anyone may ask us to send (a password reset, a sign-up link): at most
    ``per_address`` mails to one address and ``per_client`` requests from one client
    in each ``window`` seconds, counted in the shared cache."""

    scope: str
    per_address: int
    per_client: int
    window: int = 60 * 60


RESET_MAIL = MailLimit(scope="reset", per_address=3, per_client=10)
# A class often signs up together from one school address, so one client may ask
# for more sign-up mails than for reset mails; each address still gets at most 3.
SIGNUP_MAIL = MailLimit(scope="signup", per_address=3, per_client=30)


def mail_client_allowed(*, limit: MailLimit, address: str) -> bool:
    """Count one request for mail from this client; False once it asked too often."""
    key = f"{limit.scope}-client:{_digest(address)}"
    return cache_count(key=key, window=limit.window) <= limit.per_client


def mail_address_allowed(*, limit: MailLimit, email: str) -> bool:
    """Count one mail to this address; False once it has had its share this window."""
    key = f"{limit.scope}-mail:{_digest(normalise_email(email))}"
    return cache_count(key=key, window=limit.window) <= limit.per_address
