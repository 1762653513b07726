"""Email as the login, and a cache-based brake on password guessing.

The limits count failed sign-ins per account and per client address in the
cache, so with ``REDIS_URL`` set every worker sees the same counts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from config.web import cache_count

# Failed attempts allowed in a window before sign-in is refused.
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


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


@dataclass(frozen=True)
class Throttle:
    email: str
    address: str

    @property
    def keys(self) -> tuple[str, str]:
        return _key("account", normalise_email(self.email)), _key("address", self.address)

    def blocked(self) -> bool:
        """True once either the account or the address has used up its failures."""
        account_key, address_key = self.keys
        counts = cache.get_many([account_key, address_key])
        return (
            counts.get(account_key, 0) >= ACCOUNT_LIMIT
            or counts.get(address_key, 0) >= ADDRESS_LIMIT
        )

    def fail(self) -> None:
        for key in self.keys:
            cache_count(key=key, window=WINDOW_SECONDS)

    def succeed(self) -> None:
        cache.delete(self.keys[0])
