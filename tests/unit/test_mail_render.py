"""Rendering an e-mail: repeatable, and without side effects on the rest of the process."""

from __future__ import annotations

import email
import email.policy
import random
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.message import Message as Mail
from typing import Any
from uuid import uuid4

import pytest

from betotrace_es.mail.render import Renderer


def parsed(mail: Mail) -> EmailMessage:
    """The message as a mail client reads its bytes."""
    return email.message_from_bytes(mail.as_bytes(), policy=email.policy.default)


@dataclass(frozen=True)
class Message:
    """An outbox message as the renderer reads it."""

    message_id: str = field(default_factory=lambda: str(uuid4()))
    kind: str = "order_accepted"
    recipient: str = "jan@desmet.example.be"
    recipient_name: str = "Jan Peeters"
    language: str = "nl"
    params: dict[str, Any] = field(
        default_factory=lambda: {
            "order_id": str(uuid4()),
            "number": "BT-2026-000042",
            "party": "Betoncentrale Vlaanderen NV",
            "branch": "Centrale Gent",
            "delivery_at": "2026-12-10T07:30:00+00:00",
        }
    )


RENDERER = Renderer("https://betotrace.example.be", "secret", "Betotrace <no-reply@example.be>")


def test_rendering_a_mail_leaves_the_global_random_state_alone() -> None:
    before = random.getstate()

    RENDERER.render(Message()).as_bytes()

    assert random.getstate() == before


def test_a_message_renders_with_the_same_parts_every_time() -> None:
    message = Message()

    first, again = (RENDERER.render(message) for _ in range(2))
    first_parts, again_parts = (parsed(m).iter_parts() for m in (first, again))

    assert first.get_boundary() == again.get_boundary() == f"=_betotrace_{message.message_id}"
    first_contents = [(p.get_content_type(), p.get_content()) for p in first_parts]
    assert first_contents == [(p.get_content_type(), p.get_content()) for p in again_parts]
    assert [kind for kind, _ in first_contents] == ["text/plain", "text/html"]


def test_a_french_message_reads_back_as_written_with_short_header_lines() -> None:
    message = Message(language="fr", recipient_name="Zoë Lefèvre-Dubois")
    raw = RENDERER.render(message).as_bytes()

    mail = parsed(RENDERER.render(message))
    plain, html = (mail.get_body((kind,)) for kind in ("plain", "html"))

    assert raw.isascii()  # 7-bit clean: encoded words and quoted-printable
    assert all(len(line) <= 78 for line in raw.split(b"\r\n" if b"\r\n" in raw else b"\n"))
    assert str(mail["To"]) == "Zoë Lefèvre-Dubois <jan@desmet.example.be>"
    assert str(mail["Subject"]).startswith("Commande BT-2026-000042")
    assert plain is not None
    assert html is not None
    assert "Bonjour Zoë Lefèvre-Dubois" in plain.get_content()
    assert "jeudi 10 décembre 2026" in plain.get_content()
    assert "Zoë Lefèvre-Dubois" in html.get_content()
    assert mail["Content-Language"] == "fr"
    assert mail["Message-ID"] == f"<{message.message_id}@betotrace>"


KINDS = (
    "order_requested",
    "order_accepted",
    "order_finished",
    "order_cancelled",
    "reschedule_proposed",
    "reschedule_accepted",
    "reschedule_declined",
    "proposal_accepted",
    "proposal_declined",
)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_subject_reads_back_exactly_as_written(kind: str, language: str) -> None:
    params = {**Message().params, "message": "Vroeger?", "proposed_at": "2026-12-11T07:30:00+00:00"}
    message = Message(kind=kind, language=language, params=params)

    subject = str(parsed(RENDERER.render(message))["Subject"])

    assert subject == subject.strip()  # a folded encoded word read back with a leading space
    assert "BT-2026-000042" in subject
