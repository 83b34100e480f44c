"""Support of the notification tests: a real SMTP server on loopback, an outbox and a sender."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

from aiosmtpd.controller import Controller

from betotrace_es.application import Betotrace
from betotrace_es.domain.people import ContactDetails
from betotrace_es.domain.values import Actor
from betotrace_es.mail.render import Renderer
from betotrace_es.mail.sender import MailSender
from betotrace_es.mail.settings import MailSettings
from betotrace_es.mail.transport import SmtpTransport, Transport
from projections.notifications.outbox import OutboxStore
from projections.read_side import ReadModels
from tests.builders import World

BASE_URL = "https://betotrace.example.be"
SECRET = "test-secret-key"
CONTACT_EMAIL = "contact@supplier.example.be"


def free_port() -> int:
    """A TCP port nobody listens on right now (aiosmtpd cannot bind port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server accepted; recipients it must refuse with 550."""

    received: list[EmailMessage] = field(default_factory=list)
    peers: list[tuple[str, int]] = field(default_factory=list)  # the connection of each message
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(message)
            self.peers.append(tuple(session.peer))
        return "250 Message accepted for delivery"

    def take(self) -> list[EmailMessage]:
        """Everything received since the last take."""
        with self.lock:
            found, self.received[:] = list(self.received), []
        return found


class SmtpServer:
    """aiosmtpd on 127.0.0.1, stoppable and restartable on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def mail_settings(tmp: Path, port: int, **overrides: Any) -> MailSettings:
    """Plain SMTP on loopback, tiny back-off so retries happen within a test."""
    settings = MailSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        security="none",
        user=None,
        password=None,
        sender="Betotrace <noreply@betotrace.example.be>",
        mail_dir=tmp / "mail",
        max_attempts=3,
        backoff_seconds=0.01,
        max_backoff_seconds=0.05,
        poll_seconds=0.2,
        lease_seconds=60.0,
        timeout_seconds=5.0,
        embedded=False,
    )
    return replace(settings, **overrides)


@dataclass
class Mailing:
    """The read side of ``app`` with the notification projection, its outbox and a sender."""

    read: ReadModels
    outbox: OutboxStore
    settings: MailSettings

    def sender(self, transport: Transport | None = None, **overrides: Any) -> MailSender:
        settings = replace(self.settings, **overrides)
        renderer = Renderer(BASE_URL, SECRET, settings.sender)
        return MailSender(self.outbox, transport or SmtpTransport(settings), renderer, settings)

    def deliver(self, sender: MailSender | None = None) -> int:
        """Bring the projections up to date, then send what is due."""
        assert self.read.runner is not None
        self.read.runner.catch_up()
        return (sender or self.sender()).send_all_due()


def open_mailing(app: Betotrace, settings: MailSettings) -> Iterator[Mailing]:
    """A Mailing over the application's store (for a fixture to yield)."""
    read = ReadModels.embedded(app.factory, app.recorder, app.mapper)
    assert read.runner is not None
    read.runner.catch_up()  # no thread: the tests say when the projections catch up
    outbox = OutboxStore(read.store)
    outbox.ensure_tables()
    try:
        yield Mailing(read, outbox, settings)
    finally:
        read.stop()  # gives up the runner's lead (its connection)


def add_default_contact(world: World) -> None:
    """The branch's default contact person (e-mail only)."""
    details = ContactDetails.parse(
        first_name="Katrien", last_name="Wouters", job_title="Dispatch", email=CONTACT_EMAIL
    )
    world.app.register_contact(world.supplier_admin, details, [world.branch_id], [world.branch_id])


def uid(actor: Actor) -> UUID:
    """The user id of an actor that is a user."""
    assert actor.user_id is not None
    return actor.user_id


def body(message: EmailMessage) -> str:
    """The plain-text part."""
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html(message: EmailMessage) -> str:
    """The HTML part."""
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())
