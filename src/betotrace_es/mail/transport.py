"""Where rendered e-mails go: an SMTP server, or ``.eml`` files when none is configured."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from email.message import Message
from pathlib import Path
from typing import Protocol, cast

from betotrace_es.mail.settings import MailSettings

log = logging.getLogger(__name__)


class TemporaryFailureError(Exception):
    """The message could not be delivered now (server down, 4xx, 5xx): try again later."""


class Transport(Protocol):
    """Delivers one message or raises TemporaryFailureError."""

    def send(self, message: Message) -> None: ...

    def batch(self) -> AbstractContextManager[None]:
        """Messages sent inside may share one connection."""
        ...


class SmtpTransport:
    """Hands messages to an SMTP server; the messages of one ``batch()`` share a connection.

    A connection costs a TCP handshake, EHLO, STARTTLS and AUTH: a sender delivering a claim
    of twenty messages opens one. If the server drops a kept connection (idle timeout), the
    message is tried once more on a new one before it counts as a failed attempt.
    """

    def __init__(self, settings: MailSettings) -> None:
        if not settings.smtp_host:
            msg = "SmtpTransport needs BETOTRACE_SMTP_HOST"
            raise ValueError(msg)
        self.settings = settings
        self._kept = threading.local()  # the batch's connection, per thread

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Keep one connection open for the messages sent inside; QUIT at the end."""
        self._kept.batching = True
        try:
            yield
        finally:
            self._kept.batching = False
            self._drop(quit_first=True)

    def send(self, message: Message) -> None:
        """Hand the message to the server; any refusal or outage is a TemporaryFailureError."""
        reused = self._client() is not None
        try:
            try:
                self._connected().send_message(message)
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                self._drop(quit_first=False)
                if not reused:
                    raise
                self._connected().send_message(message)  # the kept connection had gone stale
        except (OSError, smtplib.SMTPException) as exc:
            if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                self._drop(quit_first=False)  # the session is in doubt: start afresh
            raise TemporaryFailureError(_describe(exc)) from exc
        finally:
            if not getattr(self._kept, "batching", False):
                self._drop(quit_first=True)

    def _client(self) -> smtplib.SMTP | None:
        return cast("smtplib.SMTP | None", getattr(self._kept, "client", None))

    def _connected(self) -> smtplib.SMTP:
        client = self._client()
        if client is None:
            client = self._connect()
            self._kept.client = client
        return client

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        host = s.smtp_host or ""
        if s.security == "tls":
            context = ssl.create_default_context()
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, s.smtp_port, timeout=s.timeout_seconds, context=context
            )
        else:
            client = smtplib.SMTP(host, s.smtp_port, timeout=s.timeout_seconds)
        try:
            if s.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.user:
                client.login(s.user, s.password or "")
        except BaseException:
            client.close()
            raise
        return client

    def _drop(self, *, quit_first: bool) -> None:
        client = self._client()
        self._kept.client = None
        if client is None:
            return
        if quit_first:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()
        client.close()


class DirectoryTransport:
    """The embedded default: each message becomes ``<dir>/<message id>.eml`` (a resend overwrites)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def batch(self) -> AbstractContextManager[None]:
        """Nothing to keep open for files."""
        return nullcontext()

    def send(self, message: Message) -> None:
        """Write the message where a newcomer can open it, and say so in the log."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").split("@")[0]
        path = self.directory / f"{name}.eml"
        try:
            path.write_bytes(message.as_bytes())
        except OSError as exc:
            raise TemporaryFailureError(str(exc)) from exc
        log.info("mail to %s: %s → %s", message["To"], str(message["Subject"]), path)


def transport_for(settings: MailSettings) -> Transport:
    """SMTP when a host is configured, else the mail directory."""
    if settings.smtp_host:
        return SmtpTransport(settings)
    return DirectoryTransport(settings.mail_dir)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{who}: {code} {_text(text)}" for who, (code, text) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value
