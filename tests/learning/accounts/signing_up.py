"""Signing up the way a person does: the address, the mailed link, the finish form."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.learning.accounts.factories import PASSWORD

_LINK = re.compile(r"https?://\S+/accounts/signup/finish/\S+/")


def mailed_link(to: str) -> str:
    """The path of the sign-up link in the last mail to ``to``."""
    message = [m for m in mail.outbox if m.to == [to]][-1]
    found = _LINK.search(message.body)
    assert found, message.body
    return urlsplit(found.group()).path


def sign_up(client: Client, email: str, *, next_url: str = "", password: str = PASSWORD, **fields):
    """Ask for the link, open it, finish: the finish form's response."""
    data = {"email": email, **({"next": next_url} if next_url else {})}
    asked = client.post(reverse("accounts:signup"), data)
    assert asked.status_code == 302, asked.content.decode()[:500]
    return client.post(mailed_link(email.strip().lower()), {"password": password, **fields})


@contextmanager
def mail_server_on_hold(message_class: type) -> Iterator[threading.Event]:
    """Hold every mail sent through ``message_class`` at the "server" until the block ends.

    Yields an event set once a held mail has gone out (the block's end waits for it).
    A view that answered before its mail went out returns inside the block with the
    event still clear; one that waited for the server would hang until the hold times
    out. No clock involved.
    """
    released = threading.Event()
    sent = threading.Event()

    def held_send(message, *args, **kwargs):
        released.wait(timeout=10)
        sent.set()
        return 1

    with mock.patch.object(message_class, "send", held_send):
        try:
            yield sent
        finally:
            released.set()
            sent.wait(timeout=10)  # keep the hold in place until the mail has gone out
