"""The in-app feed of one user: newest first, unread count, marking as read."""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.framework.store import ViewStore
from projections.framework.values import moment
from projections.notifications.tables import READS

_SELECT = (
    "SELECT f.*, r.read_at FROM {q}notifications_feed f "
    "LEFT JOIN {q}notification_reads r ON r.notification_id = f.notification_id "
    "WHERE f.user_id = ?"
)

_COUNT_UNREAD = (
    "SELECT COUNT(*) AS n FROM {q}notifications_feed f "
    "LEFT JOIN {q}notification_reads r ON r.notification_id = f.notification_id "
    "WHERE f.user_id = ? AND r.read_at IS NULL"
)


class InvalidFeedCursorError(ValueError):
    """The cursor was not one this feed handed out."""


@dataclass(frozen=True)
class FeedItem:
    """One notification: what happened to which order, and whether it was read."""

    notification_id: UUID
    order_id: UUID | None
    kind: str
    params: dict[str, Any]
    created_at: datetime
    read: bool


@dataclass(frozen=True)
class FeedPage:
    """A page of the feed, the cursor of the next one, and how many are unread in all."""

    items: list[FeedItem]
    next_cursor: str | None
    unread_count: int


class FeedQueries:
    """One user's notifications; never another user's."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store

    def feed(
        self,
        user_id: UUID,
        *,
        unread: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> FeedPage:
        """Newest first; ``unread`` True/False keeps only unread/read ones."""
        sql = _SELECT
        params: list[Any] = [str(user_id)]
        if unread is not None:
            sql += " AND r.read_at IS NULL" if unread else " AND r.read_at IS NOT NULL"
        if cursor is not None:
            at, after = _decode(cursor)
            sql += " AND (f.created_at < ? OR (f.created_at = ? AND f.notification_id < ?))"
            params += [at, at, after]
        sql += " ORDER BY f.created_at DESC, f.notification_id DESC LIMIT ?"
        with self.store.reading() as fetch:
            rows = fetch(sql, [*params, limit + 1])
            count = fetch(_COUNT_UNREAD, [str(user_id)])
        items = [_item(r) for r in rows[:limit]]
        last = rows[limit - 1] if len(rows) > limit else None
        next_cursor = None if last is None else _encode(last["created_at"], last["notification_id"])
        return FeedPage(items, next_cursor, int(count[0]["n"]))

    def unread_count(self, user_id: UUID) -> int:
        """How many of the user's notifications are unread (one query)."""
        rows = self.store.fetch(_COUNT_UNREAD, [str(user_id)])
        return int(rows[0]["n"])

    def item(self, user_id: UUID, notification_id: UUID) -> FeedItem | None:
        """One of the user's notifications (None for anyone else's)."""
        rows = self.store.fetch(
            _SELECT + " AND f.notification_id = ?", [str(user_id), str(notification_id)]
        )
        return _item(rows[0]) if rows else None

    def mark_read(self, user_id: UUID, notification_id: UUID) -> FeedItem | None:
        """Mark one of the user's notifications read (again is harmless); None if not theirs."""
        if self.item(user_id, notification_id) is None:
            return None
        with self.store.writing() as run:
            run(
                READS.insert_new_statement("{q}" + READS.name),
                [str(notification_id), str(user_id), int(time.time() * 1_000_000)],
            )
        return self.item(user_id, notification_id)


def _item(row: dict[str, Any]) -> FeedItem:
    return FeedItem(
        notification_id=UUID(row["notification_id"]),
        order_id=UUID(row["order_id"]) if row["order_id"] else None,
        kind=row["kind"],
        params=json.loads(row["params"]),
        created_at=moment(row["created_at"]),
        read=row["read_at"] is not None,
    )


def _encode(created_at: int, notification_id: str) -> str:
    raw = f"{created_at}:{notification_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, ident = raw.split(":", 1)
        created_at, notification_id = int(at), str(UUID(ident))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidFeedCursorError("cursor is not valid for this list") from None
    if not -(2**63) <= created_at < 2**63:
        raise InvalidFeedCursorError("cursor is not valid for this list")
    return created_at, notification_id
