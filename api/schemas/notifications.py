"""Schemas of the in-app notification feed."""

from __future__ import annotations

from marshmallow import fields

from api.schemas.common import Body, ListQuery, Out, moment_out


class FeedQuery(ListQuery):
    """Which notifications: all (default), only unread (``true``) or only read (``false``)."""

    unread = fields.Boolean(load_default=None, allow_none=True)


class ReadIn(Body):
    """Marking as read takes no fields."""


class NotificationOut(Out):
    """One notification: what happened, to which order, and whether I read it."""

    id = fields.UUID(required=True)
    kind = fields.String(required=True, metadata={"description": "e.g. order_requested"})
    title = fields.String(required=True)
    text = fields.String(required=True)
    message = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "what the other party wrote with it (cancel, proposal, …)"},
    )
    order_id = fields.UUID(required=True, allow_none=True)
    order_number = fields.String(required=True, allow_none=True)
    link = fields.String(required=True, metadata={"description": "the order's page"})
    created_at = moment_out(required=True)
    read = fields.Boolean(required=True)


class NotificationPageOut(Out):
    """A page of my notifications, newest first, and how many are unread in all."""

    items = fields.List(fields.Nested(NotificationOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    unread_count = fields.Integer(required=True)
