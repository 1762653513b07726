"""Mail in development is printed so its links open (config/mail.py)."""

from __future__ import annotations

import io

from django.core.mail import EmailMessage

from config.mail import ReadableConsoleBackend

LINK = "http://127.0.0.1:8000/accounts/signup/finish/" + "eyJlIjoiZGV2QGV4YW1wbGUuY29tIn0" * 4 + "/"


def test_a_long_link_is_printed_whole_on_one_line():
    stream = io.StringIO()
    message = EmailMessage(
        subject="Finish creating your RoleCall account",
        body=f"Open this link:\n\n{LINK}\n",
        from_email="RoleCall <noreply@localhost>",
        to=["dev@example.com"],
    )
    assert ReadableConsoleBackend(stream=stream).send_messages([message]) == 1
    printed = stream.getvalue()
    assert len(LINK) > 78  # Django's own console backend would cut it with "=" soft breaks
    assert LINK in printed.splitlines()
    assert "Subject: Finish creating your RoleCall account" in printed
    assert "To: dev@example.com" in printed
