"""The notification projection's tables: the feed, what it needs to know, the durable outbox."""

from __future__ import annotations

from uuid import UUID, uuid5

from projections.framework.tables import Table


def _text(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, "text") for name in names)


# One row per (order event, user told about it); params hold what the texts are made of.
FEED = Table(
    "feed",
    (
        *_text("notification_id", "user_id", "order_id", "kind"),
        ("params", "json"),
        ("created_at", "int"),
    ),
    key=("notification_id",),
    indexes=(("user_id", "created_at"),),
)
# What deciding who is told needs: people, rosters, branches' default contacts, order parties.
PEOPLE = Table(
    "people",
    _text(
        "user_id", "company_id", "email", "first_name", "last_name", "language", "role", "status"
    ),
    key=("user_id",),
)
COMPANIES = Table(
    "companies", (*_text("company_id", "legal_name"), ("members", "json")), key=("company_id",)
)
CONTACTS = Table(
    "contacts", _text("contact_id", "email", "first_name", "last_name"), key=("contact_id",)
)
BRANCHES = Table(
    "branches", _text("branch_id", "supplier_id", "public_name", "contact_id"), key=("branch_id",)
)
ORDERS = Table(
    "orders",
    _text(
        "order_id",
        "number",
        "customer_id",
        "supplier_id",
        "branch_id",
        "requested_by",
        "delivery_at",
        "proposer_id",
    ),
    key=("order_id",),
)

# Durable: not rebuilt. A message's id derives from (event, recipient), so a rebuild that emits
# it again inserts nothing, and a mail that was sent stays sent.
OUTBOX = Table(
    "mail_outbox",
    (
        *_text("message_id", "kind", "recipient", "recipient_name", "language"),
        ("user_id", "text"),  # the recipient's user (none for contacts and invitees)
        ("params", "json"),
        ("created_at", "int"),
        ("status", "text"),  # pending → sent; dead after the bounded attempts; skipped if too old
        ("attempts", "int"),
        ("next_attempt_at", "int"),  # microseconds since the epoch; a claim pushes it forward
        ("last_error", "text"),
        ("sent_at", "int"),
    ),
    key=("message_id",),
    indexes=(("status", "next_attempt_at"),),
)
# Durable: which feed items a user has read (user state, not a domain fact; survives rebuilds).
READS = Table(
    "notification_reads",
    (*_text("notification_id", "user_id"), ("read_at", "int")),
    key=("notification_id",),
)

_NAMESPACE = UUID("0b7f6f0e-51a4-4a39-8a0c-6a1d1b3c9e21")


def notice_id(originator_id: UUID, version: int, recipient: str) -> str:
    """The stable id of what one event tells one recipient (feed item and mail alike)."""
    return str(uuid5(_NAMESPACE, f"{originator_id}:{version}:{recipient}"))
