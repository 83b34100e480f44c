"""Turning an outbox message into an e-mail (plain text and HTML) in the recipient's language."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email._policybase import Compat32
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr, formatdate
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.support import NullTranslations, Translations

from betotrace_es.domain.values import DEFAULT_LANGUAGE, LANGUAGES
from betotrace_es.invitations import invitation_link
from betotrace_es.mail import texts

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
BRUSSELS = ZoneInfo("Europe/Brussels")
MESSAGE_ID_DOMAIN = "betotrace"
# Dates as written in Belgium (English with a 24-hour clock).
DATE_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
# Bodies as quoted-printable UTF-8: readable in the raw message, 7-bit safe for any relay.
BODY_CHARSET = Charset("utf-8")
BODY_CHARSET.body_encoding = QP


class _Headers(Compat32):
    """compat32, writing a short plain-ASCII header line as it is.

    compat32 runs every header through ``email.header.Header`` to fold it, which was a third
    of the time to send an e-mail; a line that needs no folding or encoding comes out the same.
    """

    def _plain(self, name: str, value: str) -> str | None:
        if (
            isinstance(value, str)
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
            and len(name) + len(value) + 2 <= (self.max_line_length or 0)
        ):
            return f"{name}: {value}{self.linesep}"
        return None

    def fold(self, name: str, value: str) -> str:
        """The header line: as it is when it needs nothing, else compat32's folding."""
        return self._plain(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        """The header line as bytes (what ``as_bytes`` and SMTP use)."""
        plain = self._plain(name, value)
        return plain.encode("ascii") if plain else super().fold_binary(name, value)


POLICY = _Headers()


class Outgoing(Protocol):
    """What the renderer needs of an outbox message."""

    @property
    def message_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def recipient_name(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def params(self) -> dict[str, Any]: ...


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of a language (the platform's default for an unknown one)."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


def message_id_header(message_id: str) -> str:
    """The Message-ID of an outbox message: the same on every (re)send."""
    return f"<{message_id}@{MESSAGE_ID_DOMAIN}>"


def order_link(base_url: str, order_id: object) -> str:
    """The order's page in the web application."""
    return f"{base_url.rstrip('/')}/orders/{order_id}"


def moment_text(value: str, language: str) -> str:
    """An ISO moment as a Brussels date and time in the language, e.g. "vrijdag 4 december 2026 om 14:00"."""
    local = datetime.fromisoformat(value).astimezone(BRUSSELS)
    locale = DATE_LOCALES.get(language, DATE_LOCALES[DEFAULT_LANGUAGE])
    date = format_date(local, format="full", locale=locale)
    time = format_time(local, format="short", locale=locale)
    return translations(language).gettext(texts.DATE_AT_TIME) % {"date": date, "time": time}


def notice(kind: str, params: dict[str, Any], language: str) -> tuple[str, str]:
    """Title and short text of a notification (the feed shows these; the e-mail starts so)."""
    gettext = translations(language).gettext
    kind_texts = texts.KINDS[kind]
    values = _values(params, language)
    return gettext(kind_texts.subject) % values, gettext(kind_texts.intro) % values


def _values(params: dict[str, Any], language: str) -> dict[str, str]:
    values = {k: str(v) for k, v in params.items()}
    for name in ("delivery_at", "proposed_at", "expires_at"):
        if params.get(name):
            values[name.replace("_at", "")] = moment_text(str(params[name]), language)
    values.setdefault("proposed", "")
    return values


@dataclass(frozen=True)
class Renderer:
    """Builds the e-mails: links from the public base URL, invitation tokens signed here."""

    base_url: str
    secret_key: str
    sender: str

    def link(self, message: Outgoing) -> str:
        """The order's page, or the invitation's set-a-password page."""
        params = message.params
        if message.kind == "invitation":
            user_id, expires = UUID(params["user_id"]), datetime.fromisoformat(params["expires_at"])
            return invitation_link(self.base_url, self.secret_key, user_id, expires)
        return order_link(self.base_url, params["order_id"])

    def render(self, message: Outgoing) -> Message:
        """The complete e-mail, plain text with an HTML alternative.

        Built with the stdlib's ``email.mime`` classes (the compat32 policy): the
        ``EmailMessage`` API parses every header through its header registry, which made
        rendering five times slower for the same bytes on the wire.
        """
        language = message.language
        gettext = translations(language).gettext
        subject, intro = notice(message.kind, message.params, language)
        lines = self._lines(message, language)
        link = self.link(message)
        action = gettext(texts.SET_PASSWORD if message.kind == "invitation" else texts.OPEN_ORDER)
        name = message.recipient_name
        greeting = (
            gettext(texts.GREETING) % {"name": name} if name else gettext(texts.GREETING_ANONYMOUS)
        )
        closing = [gettext(texts.SIGNATURE), "Betotrace", "", gettext(texts.FOOTER)]
        plain = [greeting, "", intro, "", *lines, "", f"{action}: {link}", "", *closing]
        # The stdlib would draw a boundary from the global `random` state (shared with the
        # rest of the process); one derived from the message is as unique and repeatable.
        mail = MIMEMultipart(
            "alternative", boundary=f"=_betotrace_{message.message_id}", policy=POLICY
        )
        # The Header itself, not its encoded string: compat32 then folds it without starting
        # the value on a line of its own (read back, that begins the subject with a space).
        mail["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
        mail["From"] = self.sender
        mail["To"] = (
            formataddr((name, message.recipient), charset="utf-8") if name else message.recipient
        )
        mail["Message-ID"] = message_id_header(message.message_id)
        mail["Date"] = formatdate(usegmt=True)
        mail["Content-Language"] = language
        mail.attach(_text_part("\n".join(plain) + "\n", "plain"))
        html_part = _html(greeting, intro, lines, action, link, closing, language)
        mail.attach(_text_part(html_part, "html"))
        return mail

    def _lines(self, message: Outgoing, language: str) -> list[str]:
        gettext = translations(language).gettext
        params, values = message.params, _values(message.params, language)
        if message.kind == "invitation":
            return [gettext(texts.VALID_UNTIL) % {"moment": values["expires"]}]
        lines = [gettext(texts.ORDER_LINE) % values, gettext(texts.BRANCH_LINE) % values]
        lines.append(gettext(texts.MOMENT_LINE) % {"moment": values["delivery"]})
        if params.get("proposed_at"):
            lines.append(gettext(texts.PROPOSED_LINE) % {"moment": values["proposed"]})
        if params.get("message"):
            lines.append(gettext(texts.MESSAGE_LINE) % values)
        return lines


def _text_part(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, policy=POLICY)
    part.set_payload(text, BODY_CHARSET)
    return part


def _html(
    greeting: str,
    intro: str,
    lines: list[str],
    action: str,
    link: str,
    closing: list[str],
    language: str,
) -> str:
    e = html.escape
    details = "".join(f"<li>{e(line)}</li>" for line in lines)
    signature = "<br>".join(e(line) for line in closing[:2])
    return (
        f'<!DOCTYPE html><html lang="{e(language)}"><body style="font-family: sans-serif">'
        f"<p>{e(greeting)}</p><p>{e(intro)}</p><ul>{details}</ul>"
        f'<p><a href="{e(link, quote=True)}">{e(action)}</a></p>'
        f'<p>{signature}</p><p style="color: #666; font-size: small">{e(closing[3])}</p>'
        "</body></html>\n"
    )
