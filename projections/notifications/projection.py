"""Notifications: every order event told to the other party, in-app and by e-mail.

The projection keeps what deciding who is told needs (people, rosters, branches' default
contacts, the parties of each order), all folded from the log, so the feed and the outbox are
a pure function of the events and can be rebuilt. Feed rows live in the generation's tables;
outbox rows go to the durable ``mail_outbox`` in the same transaction as the tracking position.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from eventsourcing.domain import DomainEventProtocol

from betotrace_es.domain.branch import Branch
from betotrace_es.domain.company import Company, MemberStatus
from betotrace_es.domain.order import Order
from betotrace_es.domain.people import ContactPerson, User
from betotrace_es.domain.values import DEFAULT_LANGUAGE, Role
from projections.framework.projection import Projection, Row, Rows, handles
from projections.framework.values import ident, to_json
from projections.notifications import orders
from projections.notifications.recipients import Recipient, tell
from projections.notifications.tables import (
    BRANCHES,
    COMPANIES,
    CONTACTS,
    FEED,
    ORDERS,
    OUTBOX,
    PEOPLE,
    READS,
)

_ORDER_EVENTS = (Order.Event, Order.Requested)


class NotificationProjection(Projection, orders.OrderHandlers):
    """The in-app feed of every user and one outbox row per (event, recipient)."""

    name = "notifications"
    tables = (FEED, PEOPLE, COMPANIES, CONTACTS, BRANCHES, ORDERS)
    durable_tables = (OUTBOX, READS)

    def prefetch(self, rows: Rows, events: Sequence[DomainEventProtocol[Any]]) -> None:
        """Load in bulk the orders, companies, branches and people a batch touches."""
        order_ids = {str(e.originator_id) for e in events if isinstance(e, _ORDER_EVENTS)}
        rows.prefetch("orders", [(o,) for o in order_ids])
        companies: set[str] = set()
        branches: set[str] = set()
        people: set[str] = set()
        for event in events:
            actor = cast("Any", event)
            companies.add(str(actor.actor_company_id))
            people.add(str(actor.actor_user_id))
            if isinstance(event, Company.Event | Company.Registered):
                companies.add(str(event.originator_id))
                people.add(str(getattr(event, "user_id", None)))
            elif isinstance(event, User.Event | User.Registered):
                people.add(str(event.originator_id))
            elif isinstance(event, Branch.Event | Branch.Registered):
                branches.add(str(event.originator_id))
        for order_id in order_ids:
            order = rows.get("orders", order_id)
            if order is not None:
                companies |= {order["supplier_id"], order["customer_id"]}
                branches.add(order["branch_id"])
                people |= {str(order["requested_by"]), str(order["proposer_id"])}
        companies.discard("None")
        rows.prefetch("companies", [(c,) for c in companies])
        rows.prefetch("branches", [(b,) for b in branches])
        for company_id in companies:
            company = rows.get("companies", company_id)
            people.update(json.loads(company["members"]) if company else [])
        rows.prefetch("people", [(p,) for p in people - {"None"}])

    # -- companies and their rosters ------------------------------------------------------------

    @handles(Company.Registered)
    def company_registered(self, rows: Rows, event: Company.Registered) -> None:
        """A company with its founder, an active admin."""
        company_id = str(event.originator_id)
        founder = str(event.founder_id)
        row = {"company_id": company_id, "legal_name": event.legal_name}
        rows.put("companies", {**row, "members": to_json([founder])})
        _merge_person(
            rows,
            founder,
            company_id=company_id,
            email=event.founder_email,
            role=Role.ADMIN.value,
            status=MemberStatus.ACTIVE.value,
        )

    @handles(Company.DetailsChanged)
    def company_details_changed(self, rows: Rows, event: Company.DetailsChanged) -> None:
        """Another legal name."""
        _change(rows, "companies", str(event.originator_id), legal_name=event.legal_name)

    @handles(Company.UserInvited)
    def user_invited(self, rows: Rows, event: Company.UserInvited) -> None:
        """A colleague invited (or invited again): the invitee gets the link by e-mail."""
        company_id, user_id = str(event.originator_id), str(event.user_id)
        company = _require(rows, "companies", company_id)
        members = sorted({*json.loads(company["members"]), user_id})
        rows.put("companies", {**company, "members": to_json(members)})
        _merge_person(
            rows,
            user_id,
            company_id=company_id,
            email=event.email,
            role=event.role.value,
            status=MemberStatus.INVITED.value,
        )
        inviter = rows.get("people", str(event.actor_user_id)) if event.actor_user_id else None
        language = (inviter or {}).get("language") or DEFAULT_LANGUAGE
        params = {
            "company": company["legal_name"],
            "inviter": _full_name(inviter) if inviter else "",
            "user_id": user_id,
            "expires_at": event.expires_at.isoformat(),
        }
        invitee = Recipient(f"user:{user_id}", event.email, "", language, None, "invitation")
        tell(rows, event, [invitee], params)

    @handles(Company.InvitationAccepted, Company.UserReactivated)
    def user_activated(self, rows: Rows, event: Company.InvitationAccepted) -> None:
        """The user can log in (again): told from now on."""
        _change(rows, "people", str(event.user_id), status=MemberStatus.ACTIVE.value)

    @handles(Company.UserDeactivated)
    def user_deactivated(self, rows: Rows, event: Company.UserDeactivated) -> None:
        """Never told anything while deactivated."""
        _change(rows, "people", str(event.user_id), status=MemberStatus.INACTIVE.value)

    @handles(Company.UserRoleChanged)
    def user_role_changed(self, rows: Rows, event: Company.UserRoleChanged) -> None:
        """Viewers are not told about every order; planners and admins are."""
        _change(rows, "people", str(event.user_id), role=event.role.value)

    # -- users' own profiles --------------------------------------------------------------------

    @handles(User.Registered)
    def user_registered(self, rows: Rows, event: User.Registered) -> None:
        """E-mail, name and language (saved with the company's event, in either order)."""
        profile = event.profile
        _merge_person(
            rows,
            str(event.originator_id),
            company_id=str(event.company_id),
            email=event.email,
            first_name=profile.first_name,
            last_name=profile.last_name,
            language=profile.language,
        )

    @handles(User.ProfileUpdated)
    def profile_updated(self, rows: Rows, event: User.ProfileUpdated) -> None:
        """A new name or preferred language."""
        profile = event.profile
        _change(
            rows,
            "people",
            str(event.originator_id),
            first_name=profile.first_name,
            last_name=profile.last_name,
            language=profile.language,
        )

    # -- contact persons and branches -----------------------------------------------------------

    @handles(ContactPerson.Registered, ContactPerson.DetailsChanged)
    def contact_person_details(self, rows: Rows, event: ContactPerson.DetailsChanged) -> None:
        """A contact person's e-mail and name."""
        details = event.details
        row = {"contact_id": str(event.originator_id), "email": details.email}
        names = {"first_name": details.first_name, "last_name": details.last_name}
        rows.put("contacts", {**row, **names})

    @handles(Branch.Registered)
    def branch_registered(self, rows: Rows, event: Branch.Registered) -> None:
        """A branch, its supplier and public name, no default contact yet."""
        row = {"branch_id": str(event.originator_id), "supplier_id": str(event.supplier_id)}
        rows.put("branches", {**row, "public_name": event.public_name, "contact_id": None})

    @handles(Branch.Renamed)
    def branch_renamed(self, rows: Rows, event: Branch.Renamed) -> None:
        """Another public name."""
        _change(rows, "branches", str(event.originator_id), public_name=event.public_name)

    @handles(Branch.DefaultContactChanged)
    def default_contact_changed(self, rows: Rows, event: Branch.DefaultContactChanged) -> None:
        """The branch's default contact is told about new order requests."""
        contact_id = ident(event.contact_id)
        _change(rows, "branches", str(event.originator_id), contact_id=contact_id)


def _full_name(row: Row) -> str:
    return f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()


def _merge_person(rows: Rows, user_id: str, **columns: Any) -> None:
    old = rows.get("people", user_id) or dict.fromkeys(PEOPLE.column_names) | {"user_id": user_id}
    rows.put("people", {**old, **columns})


def _require(rows: Rows, table: str, *key: Any) -> Row:
    row = rows.get(table, *key)
    if row is None:
        msg = f"{table} has no row {key} (the event that creates it was never applied)"
        raise LookupError(msg)
    return row


def _change(rows: Rows, table: str, *key: Any, **changes: Any) -> None:
    rows.put(table, {**_require(rows, table, *key), **changes})
