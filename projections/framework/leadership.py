"""Which of several processes' embedded runners writes the read models (PostgreSQL).

Every gunicorn worker embeds a projection runner. Left alone, each would read and apply
every event and all but one would lose the race on the tracking positions: the same work
done once per worker. One session-level advisory lock elects the runner that writes; the
others follow (a read that asks for its own write polls the tracking positions). The lock
lives with its connection: when the leading process ends, the next follower to try takes
over. Correctness does not depend on it (tracking positions only move forward, so a second
writer fails rather than applying an event twice); it only saves the duplicate work.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

log = logging.getLogger(__name__)
LOCK_KEY = "betotrace-embedded-projection-runner"
RETRY_SECONDS = 1.0  # how often a follower tries to take the lead
CHECK_SECONDS = 1.0  # how often the leader checks that its connection (and lock) is alive


class Leadership:
    """Call it to learn whether this process leads; a follower tries to take over now and then."""

    def __init__(self, connect: Callable[[], psycopg.Connection[Any]]) -> None:
        self._connect = connect
        self._lock = threading.Lock()
        self._connection: psycopg.Connection[Any] | None = None
        self._tried = float("-inf")
        self._checked = float("-inf")

    def __call__(self) -> bool:
        """Whether this process's runner writes the read models now."""
        with self._lock:
            now = time.monotonic()
            if self._connection is not None:
                if now - self._checked < CHECK_SECONDS:
                    return True
                if self._alive():
                    self._checked = now
                    return True
            if now - self._tried < RETRY_SECONDS:
                return False
            self._tried = now
            return self._take(now)

    def close(self) -> None:
        """Give up the lead (closing the connection releases the lock)."""
        with self._lock:
            self._drop()

    def _alive(self) -> bool:
        assert self._connection is not None
        try:
            self._connection.execute("SELECT 1")
        except psycopg.Error:
            log.warning("lost the connection holding the projection runner's lock")
            self._drop()
            return False
        return True

    def _take(self, now: float) -> bool:
        connection: psycopg.Connection[Any] | None = None
        try:
            connection = self._connect()
            row = connection.execute(
                "SELECT pg_try_advisory_lock(hashtext(%s))", (LOCK_KEY,)
            ).fetchone()
        except psycopg.Error:
            log.exception("could not try the projection runner's lock")
            row = None
        if not (row and row[0]):
            if connection is not None:
                connection.close()
            return False
        self._connection, self._checked = connection, now
        log.info("this process's projection runner writes the read models")
        return True

    def _drop(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.close()
            except psycopg.Error:
                log.debug("closing the lock's connection failed", exc_info=True)
