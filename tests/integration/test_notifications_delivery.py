"""Delivery survives an SMTP outage, a sender crash, a refusing mailbox and a rebuild."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from betotrace_es.application import Betotrace
from projections.framework.rebuild import rebuild
from projections.notifications.outbox import DEAD, PENDING, SENT, SKIPPED, OutboxStore
from projections.notifications.projection import NotificationProjection
from tests.builders import World
from tests.notify_support import (
    Mailing,
    SmtpServer,
    add_default_contact,
    mail_settings,
    open_mailing,
    uid,
)


@pytest.fixture
def mailing(app: Betotrace, smtp: SmtpServer, tmp_path: Path) -> Iterator[Mailing]:
    yield from open_mailing(app, mail_settings(tmp_path, smtp.port, max_attempts=8))


@pytest.fixture
def quiet(world: World, mailing: Mailing, smtp: SmtpServer) -> World:
    """The world with its invitations delivered and the inbox emptied."""
    add_default_contact(world)
    mailing.deliver()
    smtp.inbox.take()
    return world


def ids_by_recipient(smtp: SmtpServer) -> list[tuple[str, str]]:
    return sorted((m["To"].addresses[0].addr_spec, str(m["Message-ID"])) for m in smtp.inbox.take())


def test_commands_succeed_while_smtp_is_down_and_every_mail_arrives_once_after(
    quiet: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    smtp.stop()
    order = quiet.request()
    quiet.app.accept_order(quiet.supplier, order.id)
    quiet.app.cancel_order(quiet.customer, order.id, "Werf dicht")
    assert mailing.deliver() == 0
    assert mailing.deliver() == 0
    pending = mailing.outbox.messages(PENDING)
    assert len(pending) == 6  # request: admin, planner, contact; accept: 1; cancel: 2
    assert all(m.attempts >= 1 and m.last_error for m in pending)

    smtp.start()
    time.sleep(0.1)  # past the back-off
    assert mailing.deliver() == 6
    received = ids_by_recipient(smtp)
    assert len(received) == 6
    assert len({message_id for _, message_id in received}) == 6
    time.sleep(0.1)
    assert mailing.deliver() == 0
    assert smtp.inbox.take() == []


class CrashAfterSend:
    """An outbox whose process dies between "accepted by the server" and "marked sent"."""

    def __init__(self, outbox: OutboxStore) -> None:
        self.outbox = outbox

    def claim(self, *args: Any, **kwargs: Any) -> Any:
        return self.outbox.claim(*args, **kwargs)

    def mark_sent(self, message_id: str, now_us: int) -> None:
        raise SystemExit("killed between send and mark")

    def mark_failed(self, *args: Any, **kwargs: Any) -> None:
        self.outbox.mark_failed(*args, **kwargs)

    def mark_skipped(self, *args: Any, **kwargs: Any) -> None:
        self.outbox.mark_skipped(*args, **kwargs)


def test_a_sender_crash_loses_no_mail_and_a_resend_carries_the_same_message_id(
    quiet: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    quiet.request()
    assert mailing.read.runner is not None
    mailing.read.runner.catch_up()
    crashing = mailing.sender(lease_seconds=0.05)
    crashing.outbox = CrashAfterSend(mailing.outbox)
    with pytest.raises(SystemExit):
        crashing.send_all_due()
    first = ids_by_recipient(smtp)
    assert len(first) == 1  # the server accepted one message before the "crash"

    time.sleep(0.1)  # the dead sender's lease runs out
    assert mailing.deliver() == 3
    after = ids_by_recipient(smtp)
    assert len(after) == 3  # every mail arrived; the one sent before the crash again, recognisably
    assert first[0] in after
    assert mailing.outbox.counts().get(PENDING, 0) == 0


def test_a_killed_sender_process_loses_no_mail_and_the_resend_has_the_same_message_id(
    quiet: World, mailing: Mailing, smtp: SmtpServer, store_env: dict[str, str]
) -> None:
    quiet.request()
    assert mailing.read.runner is not None
    mailing.read.runner.catch_up()
    killed = subprocess.run(
        [sys.executable, "-m", "tests.notify_killed_sender", str(smtp.port)],
        env={**os.environ, **store_env},
        cwd=Path(__file__).parents[2],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr.decode()
    first = ids_by_recipient(smtp)
    assert len(first) == 1

    time.sleep(0.4)  # the killed process' lease runs out
    assert mailing.deliver() == 3
    after = ids_by_recipient(smtp)
    assert len(after) == 3
    assert first[0] in after


def test_a_permanently_refused_mailbox_goes_dead_after_the_bounded_attempts_alone(
    quiet: World, mailing: Mailing, smtp: SmtpServer, app: Betotrace
) -> None:
    refused = app.get_user(quiet.supplier, uid(quiet.supplier)).email
    smtp.inbox.refuse.add(refused)
    quiet.request()
    sender = mailing.sender(max_attempts=3)
    sent = mailing.deliver(sender)
    for _ in range(20):
        if mailing.outbox.messages(DEAD):
            break
        time.sleep(0.06)
        sent += sender.send_all_due()
    dead = mailing.outbox.messages(DEAD)
    assert [m.recipient for m in dead] == [refused]
    assert dead[0].attempts == 3
    assert "550" in (dead[0].last_error or "")
    assert sent == 2
    assert len(smtp.inbox.take()) == 2

    smtp.inbox.refuse.clear()
    assert mailing.outbox.retry(int(time.time() * 1e6)) == 1
    assert sender.send_all_due() == 1
    assert [m["To"].addresses[0].addr_spec for m in smtp.inbox.take()] == [refused]


def test_a_rebuild_of_the_notifications_sends_nothing_again_and_keeps_read_marks(
    quiet: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    order = quiet.request()
    quiet.app.accept_order(quiet.supplier, order.id)
    mailing.deliver()
    smtp.inbox.take()
    feed = mailing.read.notifications
    before = feed.feed(uid(quiet.customer))
    feed.mark_read(uid(quiet.customer), before.items[0].notification_id)
    counts = mailing.outbox.counts()

    result = rebuild(mailing.read.store, mailing.read.source, NotificationProjection())

    assert result.events > 0
    assert mailing.outbox.counts() == counts
    assert counts.get(SENT, 0) > 0
    assert mailing.deliver() == 0
    assert smtp.inbox.take() == []
    after = feed.feed(uid(quiet.customer))
    assert [i.notification_id for i in after.items] == [i.notification_id for i in before.items]
    assert after.items[0].read
    assert after.unread_count == 0


def test_two_senders_at_once_send_every_mail_exactly_once(
    quiet: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    for _ in range(6):
        quiet.request()
    assert mailing.read.runner is not None
    mailing.read.runner.catch_up()
    senders = [mailing.sender(), mailing.sender()]
    counts: list[int] = []
    threads = [
        threading.Thread(target=lambda s=s: counts.append(s.send_all_due())) for s in senders
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    received = ids_by_recipient(smtp)
    assert sum(counts) == 18  # 6 requests × (admin, planner, default contact)
    assert len(received) == 18
    assert len({message_id for _, message_id in received}) == 18


def test_a_missed_signal_only_delays_the_mail_until_the_next_poll(
    quiet: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    sender = mailing.sender(poll_seconds=0.1)  # connected to no signal at all
    sender.start()
    try:
        quiet.request()
        assert mailing.read.runner is not None
        mailing.read.runner.catch_up()
        deadline = time.monotonic() + 10
        while len(smtp.inbox.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sender.stop()
    assert len(smtp.inbox.take()) == 3


def test_mail_about_events_older_than_the_maximum_age_is_skipped_not_sent(
    quiet: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    quiet.request()
    time.sleep(0.05)
    sender = mailing.sender(max_age_hours=0.01 / 3600)  # 10 ms

    assert mailing.deliver(sender) == 0

    assert smtp.inbox.take() == []
    assert len(mailing.outbox.messages(SKIPPED)) == 3
    assert mailing.outbox.messages(PENDING) == []


def test_mail_pending_for_a_user_deactivated_since_is_never_sent(
    quiet: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    smtp.stop()
    quiet.request()
    mailing.deliver()
    quiet.app.change_membership(quiet.supplier_admin, uid(quiet.supplier), active=False)
    smtp.start()
    time.sleep(0.1)

    assert mailing.deliver() == 2

    planner = quiet.app.get_user(quiet.supplier_admin, uid(quiet.supplier)).email
    assert planner not in {m["To"].addresses[0].addr_spec for m in smtp.inbox.take()}
    [skipped] = mailing.outbox.messages(SKIPPED)
    assert skipped.recipient == planner
