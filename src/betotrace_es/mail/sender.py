"""The sender: claims due outbox messages, delivers them, marks them sent, failed or dead.

Delivery is at least once: a sender that dies after the server accepted a message but before
marking it sent resends it after the claim's lease, with the same Message-ID, so the copy is
recognisable. Failures are retried with exponential back-off; after the bounded number of
attempts the message is dead (``scripts/outbox.py list|retry``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from betotrace_es.mail.render import Outgoing, Renderer
from betotrace_es.mail.settings import MailSettings
from betotrace_es.mail.transport import TemporaryFailureError, Transport

log = logging.getLogger(__name__)
_US = 1_000_000
SENT, SKIPPED, FAILED = "sent", "skipped", "failed"
CLAIM = 20  # messages taken per claim


class Claimed(Outgoing, Protocol):
    """An outbox message as claimed, with the attempts made so far."""

    @property
    def attempts(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


class Outbox(Protocol):
    """The outbox operations the sender needs."""

    def claim(self, now_us: int, lease_us: int, limit: int = 20) -> list[Any]: ...
    def mark_sent(self, message_id: str, now_us: int) -> None: ...
    def mark_failed(self, message_id: str, error: str, retry_at_us: int, *, dead: bool) -> None: ...
    def mark_skipped(self, message_id: str, reason: str) -> None: ...


def _micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def now_us() -> int:
    """The current time in microseconds since the epoch."""
    return time.time_ns() // 1000


class MailSender:
    """Delivers the outbox, in a thread woken by a signal and polling anyway."""

    def __init__(
        self,
        outbox: Outbox,
        transport: Transport,
        renderer: Renderer,
        settings: MailSettings,
        *,
        wait_for: Callable[[int], object] | None = None,
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.renderer = renderer
        self.settings = settings
        self._wait_for = wait_for  # waits until the outbox holds what a position produced
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._position = 0
        self._thread: threading.Thread | None = None

    def send_due(self, limit: int = 20) -> int:
        """Deliver the messages due now (one claim); returns how many were sent."""
        return self._send_batch(limit)[0]

    def send_all_due(self) -> int:
        """Deliver until a claim brings no progress; returns how many were sent.

        A claim whose messages all failed ends the round: they wait for their back-off.
        """
        total = 0
        while True:
            sent, skipped, claimed = self._send_batch(CLAIM)
            total += sent
            if sent + skipped == 0 or claimed < CLAIM:  # a short claim took all that was due
                return total

    def _send_batch(self, limit: int) -> tuple[int, int, int]:
        lease = int(self.settings.lease_seconds * _US)
        claimed = self.outbox.claim(now_us(), lease, limit)
        if not claimed:
            return 0, 0, 0
        with self.transport.batch():  # one SMTP connection for the claim
            outcomes = [self._deliver(m) for m in claimed]
        return outcomes.count(SENT), outcomes.count(SKIPPED), len(outcomes)

    def _deliver(self, message: Claimed) -> str:
        too_old = now_us() - int(self.settings.max_age_hours * 3600 * _US)
        if message.attempts == 0 and _micros(message.created_at) < too_old:
            log.warning(
                "mail %s to %s is too old to send: skipped", message.message_id, message.recipient
            )
            self.outbox.mark_skipped(message.message_id, "older than BETOTRACE_MAIL_MAX_AGE_HOURS")
            return SKIPPED
        try:
            self.transport.send(self.renderer.render(message))
        except TemporaryFailureError as failure:
            self._failed(message, str(failure))
            return FAILED
        self.outbox.mark_sent(message.message_id, now_us())
        return SENT

    def _failed(self, message: Claimed, error: str) -> None:
        attempts = message.attempts + 1
        dead = attempts >= self.settings.max_attempts
        delay = min(
            self.settings.backoff_seconds * 2 ** (attempts - 1), self.settings.max_backoff_seconds
        )
        log.warning(
            "mail %s to %s failed (attempt %d of %d%s): %s",
            message.message_id,
            message.recipient,
            attempts,
            self.settings.max_attempts,
            ", dead" if dead else f", again in {delay:.0f} s",
            error,
        )
        self.outbox.mark_failed(message.message_id, error, now_us() + int(delay * _US), dead=dead)

    # -- in a thread --------------------------------------------------------------------------

    def events_recorded(self, _sender: object, **kwargs: Any) -> None:
        """Receiver of the events-recorded signal: deliver what that command caused, soon."""
        self._position = max(self._position, int(kwargs.get("position") or 0))
        self._wake.set()

    def wake(self) -> None:
        """Look at the outbox now."""
        self._wake.set()

    def start(self) -> None:
        """Deliver in a daemon thread: when woken, and every poll interval anyway."""
        if self._thread is None:
            self._stop.clear()
            self._wake.set()  # whatever is due already goes out at once
            self._thread = threading.Thread(target=self._loop, name="mail-sender", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop after the message being delivered."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def run_forever(self) -> None:
        """The standalone sender: the same loop in the calling thread, until interrupted."""
        self._wake.set()
        self._loop()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.settings.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if self._position and self._wait_for is not None:
                    self._wait_for(self._position)
                self.send_all_due()
            except Exception:  # the store may be briefly unreachable: the next poll retries
                log.exception("mail sender could not read the outbox; retrying")
