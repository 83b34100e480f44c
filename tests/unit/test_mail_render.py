"""Rendering an e-mail: repeatable, and without side effects on the rest of the process."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from betotrace_es.mail.render import Renderer


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

    assert first.get_boundary() == again.get_boundary() == f"=_betotrace_{message.message_id}"
    assert [p.get_content() for p in first.iter_parts()] == [
        p.get_content() for p in again.iter_parts()
    ]
    assert [p.get_content_type() for p in first.iter_parts()] == ["text/plain", "text/html"]
