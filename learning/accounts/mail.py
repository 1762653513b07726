"""Mail that leaves off the request.

A page that answers the same whatever the address (password reset, sign-up)
must also answer in the same time: if it waited for the mail server only for
some addresses, its answer time would tell them apart. With
``MAIL_IN_BACKGROUND`` (on, except in tests, which read ``mail.outbox`` as the
view returns) the mail is sent on a thread and the page answers at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail.backends import console
from django.utils.module_loading import import_string


def mail_off_request(send: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Call ``send(*args, **kwargs)`` on a daemon thread; now, if mail is sent in the request."""
    if not getattr(settings, "MAIL_IN_BACKGROUND", False):
        send(*args, **kwargs)
        return
    threading.Thread(target=send, args=args, kwargs=kwargs, daemon=True).start()


def mail_printed_in_console() -> bool:
    """True when debug is on and mail goes to the console backend (``make run``):
    a developer finds links we mail in the terminal, not in an inbox."""
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    return bool(settings.DEBUG) and issubclass(import_string(backend), console.EmailBackend)
