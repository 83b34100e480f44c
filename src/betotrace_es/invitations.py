"""Invitation link tokens: the one scheme both the API (checking) and the mailer (linking) use."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from itsdangerous import URLSafeTimedSerializer

INVITATION_SALT = "betotrace-invitation"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=INVITATION_SALT)


def invitation_token(secret_key: str, user_id: UUID, expires_at: datetime) -> str:
    """The link token of one invitation: signed, naming its user and its expiry."""
    return _serializer(secret_key).dumps({"u": str(user_id), "e": expires_at.isoformat()})


def invitation_link(base_url: str, secret_key: str, user_id: UUID, expires_at: datetime) -> str:
    """Where the invitee sets their password."""
    return f"{base_url.rstrip('/')}/invitations/{invitation_token(secret_key, user_id, expires_at)}"


def read_invitation_token(secret_key: str, token: str, max_age: int) -> tuple[UUID, datetime]:
    """The user and expiry a token names; itsdangerous' BadSignature (or ValueError) if not."""
    data = _serializer(secret_key).loads(token, max_age=max_age)
    try:
        return UUID(str(data["u"])), datetime.fromisoformat(str(data["e"]))
    except (KeyError, TypeError) as exc:
        raise ValueError(str(exc)) from None
