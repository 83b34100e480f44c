"""My in-app notifications: the feed, with an unread count, and marking one as read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.auth import current
from api.errors import invalid
from api.http import min_position, services
from api.openapi import ApiBlueprint
from api.schemas.notifications import FeedQuery, NotificationOut, NotificationPageOut, ReadIn
from betotrace_es.domain.exceptions import NotFoundError
from betotrace_es.mail.render import notice, order_link
from projections.notifications.queries import FeedItem, InvalidFeedCursorError

blp = ApiBlueprint(
    "notifications", __name__, url_prefix="/api/notifications", description="Notifications"
)


@blp.route("", methods=["GET"])
@blp.arguments(FeedQuery, location="query")
@blp.response(200, NotificationPageOut)
@blp.problems(401)
def list_notifications(query: dict[str, Any]) -> dict[str, Any]:
    """My notifications, newest first; ``unread=true`` for the unread ones only."""
    min_position()
    principal = current()
    feed = services().read.notifications
    try:
        page = feed.feed(
            principal.user.id, unread=query["unread"], limit=query["limit"], cursor=query["cursor"]
        )
    except InvalidFeedCursorError as error:
        raise invalid("cursor", str(error)) from None
    items = [_representation(item, principal.language) for item in page.items]
    return {"items": items, "next_cursor": page.next_cursor, "unread_count": page.unread_count}


@blp.route("/<uuid:notification_id>/read", methods=["POST"])
@blp.arguments(ReadIn(), required=False)
@blp.response(200, NotificationOut)
@blp.problems(401, 404, 415)
def mark_read(_body: dict[str, Any], notification_id: UUID) -> dict[str, Any]:
    """Mark one of my notifications as read (again is harmless)."""
    principal = current()
    item = services().read.notifications.mark_read(principal.user.id, notification_id)
    if item is None:
        raise NotFoundError("notification not found")
    return _representation(item, principal.language)


def _representation(item: FeedItem, language: str) -> dict[str, Any]:
    title, text = notice(item.kind, item.params, language)
    base = services().settings.base_url
    return {
        "id": item.notification_id,
        "kind": item.kind,
        "title": title,
        "text": text,
        "message": item.params.get("message") or None,
        "order_id": item.order_id,
        "order_number": item.params.get("number"),
        "link": order_link(base, item.order_id) if item.order_id else base,
        "created_at": item.created_at.isoformat(),
        "read": item.read,
    }
