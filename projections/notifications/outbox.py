"""The e-mail outbox: claiming due messages, marking them sent, failed or dead, and retrying.

A claim moves the message's ``next_attempt_at`` a lease ahead in its own committed
transaction: another sender skips it (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's
single writer otherwise), and a sender that dies holding it only delays it by the lease; the
message is then claimed again and sent with the same Message-ID.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from betotrace_es.domain.company import MemberStatus
from projections.framework.store import ViewStore
from projections.framework.values import moment
from projections.notifications.tables import OUTBOX, READS

PENDING, SENT, DEAD, SKIPPED = "pending", "sent", "dead", "skipped"
_T = "{q}" + OUTBOX.name


@dataclass(frozen=True)
class OutboxMessage:
    """One e-mail to one recipient, as the projection wrote it."""

    message_id: str
    kind: str
    recipient: str
    recipient_name: str
    language: str
    params: dict[str, Any]
    created_at: datetime
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


class OutboxStore:
    """The outbox table beside the read models."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store

    def ensure_tables(self) -> None:
        """Create the durable tables if the projection has not run yet."""
        postgres = self.store.postgres
        for attempt in range(3):
            try:
                with self.store.writing() as run:
                    for table in (OUTBOX, READS):
                        for statement in table.create_statements(table.name, "{q}", postgres):
                            run(statement, [])
            except IntegrityError:  # PostgreSQL: another process created them at the same moment
                if attempt == 2:
                    raise
            else:
                return

    def claim(self, now_us: int, lease_us: int, limit: int = 20) -> list[OutboxMessage]:
        """Take up to ``limit`` due messages for ``lease_us`` microseconds.

        Mail still pending for a user deactivated since it was written is skipped first:
        deactivated users are never told anything.
        """
        lock = " FOR UPDATE SKIP LOCKED" if self.store.postgres else ""
        people_known = self.store.find_active("notifications") is not None
        with self.store.writing() as run:
            if people_known:
                run(
                    f"UPDATE {_T} SET status = ?, last_error = ? WHERE status = ? "
                    "AND user_id IN (SELECT user_id FROM {q}notifications_people WHERE status = ?)",
                    [SKIPPED, "the user was deactivated", PENDING, MemberStatus.INACTIVE.value],
                )
            rows = run(
                f"UPDATE {_T} SET next_attempt_at = ? WHERE message_id IN ("
                f"SELECT message_id FROM {_T} WHERE status = ? AND next_attempt_at <= ? "
                f"ORDER BY next_attempt_at, message_id LIMIT ?{lock}) RETURNING *",
                [now_us + lease_us, PENDING, now_us, limit],
            )
        return sorted((_message(r) for r in rows), key=lambda m: (m.created_at, m.message_id))

    def mark_sent(self, message_id: str, now_us: int) -> None:
        """The server accepted the message."""
        with self.store.writing() as run:
            run(
                f"UPDATE {_T} SET status = ?, sent_at = ?, attempts = attempts + 1, "
                "last_error = NULL WHERE message_id = ?",
                [SENT, now_us, message_id],
            )

    def mark_failed(self, message_id: str, error: str, retry_at_us: int, *, dead: bool) -> None:
        """One more failed attempt: due again at ``retry_at_us``, or dead."""
        with self.store.writing() as run:
            run(
                f"UPDATE {_T} SET status = ?, attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = ? WHERE message_id = ? AND status = ?",
                [DEAD if dead else PENDING, error[:1000], retry_at_us, message_id, PENDING],
            )

    def mark_skipped(self, message_id: str, reason: str) -> None:
        """Not sent on purpose (news too old to send when first tried)."""
        with self.store.writing() as run:
            run(
                f"UPDATE {_T} SET status = ?, last_error = ? WHERE message_id = ? AND status = ?",
                [SKIPPED, reason, message_id, PENDING],
            )

    def messages(self, status: str | None = None, limit: int = 100) -> list[OutboxMessage]:
        """Messages (of one status), oldest first."""
        where, params = ("WHERE status = ? ", [status]) if status else ("", [])
        rows = self.store.fetch(
            f"SELECT * FROM {_T} {where}ORDER BY created_at, message_id LIMIT ?", [*params, limit]
        )
        return [_message(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """How many messages each status has."""
        rows = self.store.fetch(f"SELECT status, COUNT(*) AS n FROM {_T} GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    def retry(self, now_us: int, message_ids: list[str] | None = None) -> int:
        """Dead messages (all, or these) become due now with fresh attempts; returns how many."""
        sql = f"UPDATE {_T} SET status = ?, attempts = 0, next_attempt_at = ? WHERE status = ?"
        params: list[Any] = [PENDING, now_us, DEAD]
        if message_ids:
            sql += f" AND message_id IN ({', '.join('?' for _ in message_ids)})"
            params += message_ids
        with self.store.writing() as run:
            return len(run(sql + " RETURNING message_id", params))


def _message(row: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        message_id=row["message_id"],
        kind=row["kind"],
        recipient=row["recipient"],
        recipient_name=row["recipient_name"] or "",
        language=row["language"],
        params=json.loads(row["params"]),
        created_at=moment(row["created_at"]),
        status=row["status"],
        attempts=int(row["attempts"]),
        next_attempt_at=moment(row["next_attempt_at"]),
        last_error=row["last_error"],
    )
