"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, or refuses with a
chosen reply: for the e-mail channel's tests and the notification benchmark."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    port: int
    received: list[Message] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "550 5.1.1 no such user", "451 try later"
    count: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.count += 1
        if self.received is not None:
            self.received.append(message_from_bytes(envelope.original_content or b""))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(*, keep: bool = True) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1:<free port> for the duration; ``keep=False`` counts
    messages without keeping them (benchmarks)."""
    from aiosmtpd.controller import Controller

    port = free_port()
    mailbox = Mailbox(port, [] if keep else None)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def smtp_settings(settings, mailbox: Mailbox) -> None:
    """Point Django's SMTP backend at ``mailbox`` (a pytest-django ``settings`` fixture)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
