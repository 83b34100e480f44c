"""My notifications: the unread count in the header, the feed page, marking as read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from api.http import services
from api.web.blueprint import bp
from api.web.i18n import ENVIRONMENT, language, render
from api.web.session import principal, signed_in
from betotrace_es.mail.render import notice
from projections.notifications.queries import FeedItem, FeedPage, InvalidFeedCursorError

PAGE_SIZE = 25
UNREAD = "unread"


@dataclass(frozen=True)
class Notice:
    """One notification as the page shows it, in the UI's language."""

    item: FeedItem
    title: str
    text: str

    @property
    def message(self) -> str | None:
        """What the other party wrote with it, if anything."""
        return self.item.params.get("message") or None

    @property
    def order_number(self) -> str | None:
        """The order's number, when the notification is about an order."""
        number = self.item.params.get("number")
        return None if number is None else str(number)


def unread_count() -> int:
    """The signed-in user's unread notifications (one query per request, 0 when signed out)."""
    if "unread_count" not in g:
        if not current_user.is_authenticated:
            return 0
        user_id = current_user.principal.user.id
        g.unread_count = services().read.notifications.unread_count(user_id)
    count: int = g.unread_count
    return count


def _show(filter_: str) -> str:
    return UNREAD if filter_ == UNREAD else ""


def _page(user_id: UUID, show: str, cursor: str | None) -> FeedPage:
    feed = services().read.notifications
    unread = True if show == UNREAD else None
    try:
        return feed.feed(user_id, unread=unread, limit=PAGE_SIZE, cursor=cursor)
    except InvalidFeedCursorError:
        return feed.feed(user_id, unread=unread, limit=PAGE_SIZE)


@bp.route("/notifications")
@signed_in
def notifications() -> str:
    """My notifications, newest first: all or only the unread ones, a page at a time."""
    who = principal()
    show = _show(request.args.get("show", ""))
    cursor = request.args.get("cursor") or None
    page = _page(who.user.id, show, cursor)
    g.unread_count = page.unread_count
    here = language()
    items = [Notice(item, *notice(item.kind, item.params, here)) for item in page.items]
    return render("notifications.html", items=items, page=page, show=show, cursor=cursor or "")


def _back() -> Response:
    """To the list the form was on (its filter and page, never another address)."""
    query: dict[str, Any] = {
        "show": _show(request.form.get("show", "")),
        "cursor": request.form.get("cursor", ""),
    }
    return redirect(url_for("web.notifications", **{k: v for k, v in query.items() if v}))


@bp.route("/notifications/<uuid:notification_id>/read", methods=["POST"])
@signed_in
def read_notification(notification_id: UUID) -> Response:
    """Mark one of my notifications as read; anyone else's is 404."""
    if services().read.notifications.mark_read(principal().user.id, notification_id) is None:
        abort(404)
    return _back()


@bp.route("/notifications/<uuid:notification_id>/open", methods=["POST"])
@signed_in
def open_notification(notification_id: UUID) -> Response:
    """Mark one of my notifications as read and go to its order; anyone else's is 404."""
    item = services().read.notifications.mark_read(principal().user.id, notification_id)
    if item is None:
        abort(404)
    if item.order_id is None:
        return _back()
    return redirect(url_for("web.order", order_id=item.order_id))


def init_notifications(app: Flask) -> None:
    """The header's unread count, for every page of the web UI."""
    app.extensions[ENVIRONMENT].globals["unread_count"] = unread_count
