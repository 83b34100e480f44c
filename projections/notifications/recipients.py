"""Who is told about an order event, from the rows the notification projection keeps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from betotrace_es.domain.base import BetotraceAggregate
from betotrace_es.domain.company import MemberStatus
from betotrace_es.domain.values import DEFAULT_LANGUAGE, Role
from projections.framework.projection import Row, Rows
from projections.framework.values import micros, to_json
from projections.notifications.tables import OUTBOX, notice_id

STAFF_ROLES = frozenset({Role.ADMIN.value, Role.PLANNER.value})


@dataclass(frozen=True)
class Recipient:
    """One person to tell: a user (feed and e-mail) or a contact person (e-mail only)."""

    key: str  # "user:<id>", "contact:<id>" or "email:<address>": part of the message's id
    email: str
    name: str
    language: str
    user_id: str | None  # None: no login, so no in-app feed
    kind: str


def active_user(rows: Rows, user_id: str | None, kind: str) -> Recipient | None:
    """The user, if they exist and are active (deactivated or invited users are never told)."""
    row = None if user_id is None else rows.get("people", user_id)
    if row is None or row["status"] != MemberStatus.ACTIVE.value or not row["email"]:
        return None
    return _user(row, kind)


def staff(rows: Rows, company_id: str, kind: str) -> list[Recipient]:
    """The company's active planners and admins."""
    company = rows.get("companies", company_id)
    found = []
    for user_id in json.loads(company["members"]) if company else []:
        row = rows.get("people", user_id)
        if row is not None and row["role"] in STAFF_ROLES:
            recipient = active_user(rows, user_id, kind)
            if recipient is not None:
                found.append(recipient)
    return found


def default_contact(rows: Rows, branch_id: str, kind: str) -> list[Recipient]:
    """The branch's default contact person, if it has one (e-mail only, in the default language)."""
    branch = rows.get("branches", branch_id)
    contact_id = branch["contact_id"] if branch else None
    contact = None if contact_id is None else rows.get("contacts", contact_id)
    if contact is None or not contact["email"]:
        return []
    name = f"{contact['first_name']} {contact['last_name']}".strip()
    return [
        Recipient(f"contact:{contact_id}", contact["email"], name, DEFAULT_LANGUAGE, None, kind)
    ]


def merge(actor_id: str | None, *groups: list[Recipient]) -> list[Recipient]:
    """One recipient per person and per address; never the actor.

    A person may be reached as a user and as a contact person with the same address: one
    mail, as the user (their language, and their feed). Otherwise the first group that names
    an address wins. The actor's own address is never written to, under any name.
    """
    everyone = [recipient for group in groups for recipient in group]
    actor_addresses = {
        r.email.casefold() for r in everyone if r.user_id is not None and r.user_id == actor_id
    }
    chosen: dict[str, Recipient] = {}
    for recipient in everyone:
        address = recipient.email.casefold()
        if address in actor_addresses:
            continue
        found = chosen.get(address)
        if found is None or (found.user_id is None and recipient.user_id is not None):
            chosen[address] = recipient
    return sorted(chosen.values(), key=lambda r: r.key)


def tell(
    rows: Rows,
    event: BetotraceAggregate.Event,
    recipients: list[Recipient],
    params: dict[str, Any],
) -> None:
    """A feed row for each user and an outbox row for each recipient, with stable ids."""
    created = micros(event.timestamp)
    for recipient in recipients:
        message_id = notice_id(event.originator_id, event.originator_version, recipient.key)
        if recipient.user_id is not None:
            feed: dict[str, Any] = {"notification_id": message_id, "user_id": recipient.user_id}
            order_id = params.get("order_id", "")
            feed |= {"order_id": order_id, "kind": recipient.kind, "created_at": created}
            rows.put("feed", {**feed, "params": to_json(params)})
        mail: dict[str, Any] = {
            "message_id": message_id,
            "kind": recipient.kind,
            "recipient": recipient.email,
            "recipient_name": recipient.name,
            "language": recipient.language,
            "user_id": recipient.user_id,
            "params": to_json(params),
            "created_at": created,
        }
        state: dict[str, Any] = {"status": "pending", "attempts": 0, "next_attempt_at": created}
        rows.emit(OUTBOX, {**mail, **state, "last_error": None, "sent_at": None})


def _user(row: Row, kind: str) -> Recipient:
    name = f"{row['first_name'] or ''} {row['last_name'] or ''}".strip()
    language = row["language"] or DEFAULT_LANGUAGE
    user_id: Any = row["user_id"]
    return Recipient(f"user:{user_id}", row["email"], name, language, str(user_id), kind)
