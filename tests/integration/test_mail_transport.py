"""The SMTP transport against a real server: one connection per batch, a stale one replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from betotrace_es.mail.render import Renderer
from betotrace_es.mail.transport import SmtpTransport, TemporaryFailureError
from tests.notify_support import BASE_URL, SECRET, SmtpServer, mail_settings
from tests.unit.test_mail_render import Message


def mails(count: int) -> list[Message]:
    """Outbox messages to distinct recipients."""
    return [Message(recipient=f"planner{n}@desmet.example.be") for n in range(count)]


@pytest.fixture
def transport(smtp: SmtpServer, tmp_path: Path) -> SmtpTransport:
    """The transport to the test server."""
    return SmtpTransport(mail_settings(tmp_path, smtp.port))


RENDERER = Renderer(BASE_URL, SECRET, "Betotrace <noreply@betotrace.example.be>")


def test_the_messages_of_a_batch_share_one_connection(
    transport: SmtpTransport, smtp: SmtpServer
) -> None:
    with transport.batch():
        for message in mails(4):
            transport.send(RENDERER.render(message))
    transport.send(RENDERER.render(mails(1)[0]))  # outside a batch: a connection of its own

    received = smtp.inbox.take()
    assert [str(m["To"]).split("<")[-1].rstrip(">") for m in received[:4]] == [
        f"planner{n}@desmet.example.be" for n in range(4)
    ]
    peers = smtp.inbox.peers
    assert len(set(peers[:4])) == 1
    assert peers[4] != peers[0]


def test_a_connection_the_server_dropped_is_replaced_without_a_failed_attempt(
    transport: SmtpTransport, smtp: SmtpServer
) -> None:
    first, second = mails(2)
    with transport.batch():
        transport.send(RENDERER.render(first))
        smtp.stop()  # the server goes away and comes back: the kept connection is dead
        smtp.start()
        transport.send(RENDERER.render(second))

    assert len(smtp.inbox.take()) == 2
    assert len(set(smtp.inbox.peers)) == 2


def test_a_refused_recipient_fails_alone_and_the_batch_goes_on(
    transport: SmtpTransport, smtp: SmtpServer
) -> None:
    refused, accepted = mails(2)
    smtp.inbox.refuse.add(refused.recipient)
    with transport.batch():
        with pytest.raises(TemporaryFailureError, match="550"):
            transport.send(RENDERER.render(refused))
        transport.send(RENDERER.render(accepted))

    assert [m["Message-ID"] for m in smtp.inbox.take()] == [f"<{accepted.message_id}@betotrace>"]
    assert len(set(smtp.inbox.peers)) == 1


def test_a_server_that_is_down_is_a_temporary_failure(
    transport: SmtpTransport, smtp: SmtpServer
) -> None:
    smtp.stop()
    with transport.batch(), pytest.raises(TemporaryFailureError):
        transport.send(RENDERER.render(mails(1)[0]))
