"""Mail in development: printed so a developer can read it and open its links.

Django's console backend prints the message as it would travel: a line
longer than 78 characters (a sign-up or reset link) is quoted-printable, cut
with ``=`` at the end of each piece, and a cut link no longer opens. This one
prints the headers a person reads and the text as written."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.core.mail.backends import console


class ReadableConsoleBackend(console.EmailBackend):
    """The console backend, with each message's text printed undecorated."""

    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(
            f"Subject: {message.subject}\nFrom: {message.from_email}\n"
            f"To: {', '.join(message.to)}\n\n{message.body}\n{'-' * 79}\n"
        )
