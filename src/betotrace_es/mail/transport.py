"""Where rendered e-mails go: an SMTP server, or ``.eml`` files when none is configured."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import Message
from pathlib import Path
from typing import Protocol

from betotrace_es.mail.settings import MailSettings

log = logging.getLogger(__name__)


class TemporaryFailureError(Exception):
    """The message could not be delivered now (server down, 4xx, 5xx): try again later."""


class Transport(Protocol):
    """Delivers one message or raises TemporaryFailureError."""

    def send(self, message: Message) -> None: ...


class SmtpTransport:
    """One SMTP connection per batch of messages would be faster; one per message is simpler."""

    def __init__(self, settings: MailSettings) -> None:
        if not settings.smtp_host:
            msg = "SmtpTransport needs BETOTRACE_SMTP_HOST"
            raise ValueError(msg)
        self.settings = settings

    def send(self, message: Message) -> None:
        """Hand the message to the server; any refusal or outage is a TemporaryFailureError."""
        s = self.settings
        host = s.smtp_host or ""
        try:
            if s.security == "tls":
                context = ssl.create_default_context()
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, s.smtp_port, timeout=s.timeout_seconds, context=context
                )
            else:
                client = smtplib.SMTP(host, s.smtp_port, timeout=s.timeout_seconds)
            with client:
                if s.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if s.user:
                    client.login(s.user, s.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailureError(_describe(exc)) from exc


class DirectoryTransport:
    """The embedded default: each message becomes ``<dir>/<message id>.eml`` (a resend overwrites)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

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
