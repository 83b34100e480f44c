"""Order status view: one order's current detail, and whom each party can call about it."""

from __future__ import annotations

import json
from typing import Any

from betotrace_es.domain.base import BetotraceAggregate
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.people import ContactPerson, User
from betotrace_es.plain import plain
from projections.framework.projection import Projection, Row, Rows, handles
from projections.framework.tables import Table
from projections.framework.values import ident, to_json

ORDERS = Table(
    "orders",
    (
        ("order_id", "text"),
        ("customer_id", "text"),
        ("supplier_id", "text"),
        ("branch_id", "text"),
        ("requested_by", "text"),
        ("version", "int"),
        ("document", "json"),
    ),
    key=("order_id",),
)
USERS = Table(
    "users",
    (("user_id", "text"), ("name", "text"), ("email", "text"), ("phone_numbers", "json")),
    key=("user_id",),
)
BRANCHES = Table(
    "branches",
    (
        ("branch_id", "text"),
        ("public_name", "text"),
        ("address", "json"),
        ("default_contact_id", "text"),
    ),
    key=("branch_id",),
)
CONTACTS = Table(
    "contacts",
    (
        ("contact_id", "text"),
        ("name", "text"),
        ("job_title", "text"),
        ("email", "text"),
        ("phone_numbers", "json"),
    ),
    key=("contact_id",),
)


class OrderStatusProjection(Projection):
    """The order page's data: the order as a document plus the people around it."""

    name = "order_status"
    tables = (ORDERS, USERS, BRANCHES, CONTACTS)

    def prefetch(self, rows: Rows, events: Any) -> None:
        """Load the orders a batch touches in one query."""
        rows.prefetch(
            "orders", {(str(e.originator_id),) for e in events if isinstance(e, Order.Event)}
        )

    @handles(Order.Requested)
    def order_requested(self, rows: Rows, event: Order.Requested) -> None:
        """The order's first document."""
        document = {
            "order_id": str(event.originator_id),
            "number": event.number,
            "customer_id": str(event.customer_id),
            "supplier_id": str(event.supplier_id),
            "branch_id": str(event.branch_id),
            "requested_by": ident(event.requested_by),
            "requested_at": event.timestamp.isoformat(),
            "product": plain(event.product),
            "quantity_m3": str(event.quantity_m3),
            "pour_rate_m3_per_h": plain(event.pour_rate_m3_per_h),
            "delivery_at": event.delivery_at.isoformat(),
            "placement": plain(event.placement),
            "site": plain(event.site),
            "customer_reference": event.customer_reference,
            "remarks": event.remarks,
            "status": OrderStatus.REQUESTED.value,
            "pending_proposal": None,
            "deliveries": [],
            "cancellation": None,
        }
        row = {
            "order_id": document["order_id"],
            "customer_id": document["customer_id"],
            "supplier_id": document["supplier_id"],
            "branch_id": document["branch_id"],
            "requested_by": document["requested_by"],
        }
        self._save(rows, row, document, event)

    @handles(Order.Accepted)
    def order_accepted(self, rows: Rows, event: Order.Accepted) -> None:
        """Planned."""
        self._update(rows, event, status=OrderStatus.PLANNED.value)

    @handles(Order.DeliveryRescheduleProposed)
    def delivery_reschedule_proposed(
        self, rows: Rows, event: Order.DeliveryRescheduleProposed
    ) -> None:
        """A pending proposal with its message."""
        proposal = {
            "delivery_at": event.delivery_at.isoformat(),
            "proposed_by": event.proposed_by.value,
            "message": event.message,
            "proposed_at": event.timestamp.isoformat(),
        }
        self._update(rows, event, pending_proposal=proposal)

    @handles(Order.DeliveryRescheduleAccepted)
    def delivery_reschedule_accepted(
        self, rows: Rows, event: Order.DeliveryRescheduleAccepted
    ) -> None:
        """The moment moved; a requested order is planned."""
        self._update(
            rows,
            event,
            delivery_at=event.delivery_at.isoformat(),
            pending_proposal=None,
            status=OrderStatus.PLANNED.value,
        )

    @handles(Order.DeliveryRescheduleDeclined)
    def delivery_reschedule_declined(
        self, rows: Rows, event: Order.DeliveryRescheduleDeclined
    ) -> None:
        """The proposal is gone."""
        self._update(rows, event, pending_proposal=None)

    @handles(Order.DeliveryPlanned)
    def delivery_planned(self, rows: Rows, event: Order.DeliveryPlanned) -> None:
        """One more truck load."""
        document = self._document(rows, event)
        document["deliveries"].append(
            {
                "number": event.delivery_number,
                "volume_m3": str(event.volume_m3),
                "planned_at": plain(event.planned_at),
                "driver_id": ident(event.driver_id),
            }
        )
        self._update(rows, event, deliveries=document["deliveries"])

    @handles(Order.DriverAssigned)
    def driver_assigned(self, rows: Rows, event: Order.DriverAssigned) -> None:
        """A truck load has its driver."""
        deliveries = self._document(rows, event)["deliveries"]
        deliveries[event.delivery_number - 1]["driver_id"] = str(event.driver_id)
        self._update(rows, event, deliveries=deliveries)

    @handles(Order.Finished)
    def order_finished(self, rows: Rows, event: Order.Finished) -> None:
        """Finished."""
        self._update(rows, event, status=OrderStatus.FINISHED.value)

    @handles(Order.Cancelled)
    def order_cancelled(self, rows: Rows, event: Order.Cancelled) -> None:
        """Cancelled, with who and why."""
        cancellation = {"by": event.cancelled_by.value, "message": event.message}
        self._update(
            rows,
            event,
            status=OrderStatus.CANCELLED.value,
            pending_proposal=None,
            cancellation=cancellation,
        )

    def _document(self, rows: Rows, event: Order.Event) -> dict[str, Any]:
        row = rows.get("orders", str(event.originator_id))
        if row is None:
            msg = f"order {event.originator_id} has no row (its request was never applied)"
            raise LookupError(msg)
        document: dict[str, Any] = json.loads(row["document"])
        return document

    def _update(self, rows: Rows, event: Order.Event, **changes: Any) -> None:
        row = rows.get("orders", str(event.originator_id))
        assert row is not None
        self._save(rows, row, {**self._document(rows, event), **changes}, event)

    def _save(
        self, rows: Rows, row: Row, document: dict[str, Any], event: BetotraceAggregate.Event
    ) -> None:
        document["version"] = event.originator_version
        document["last_change"] = event.timestamp.isoformat()
        rows.put(
            "orders", {**row, "version": event.originator_version, "document": to_json(document)}
        )

    # -- the people around an order -----------------------------------------------------------

    @handles(User.Registered, User.ProfileUpdated)
    def user_profile(self, rows: Rows, event: User.Registered | User.ProfileUpdated) -> None:
        """The requesting user's name and phone numbers."""
        old = rows.get("users", str(event.originator_id))
        email = event.email if isinstance(event, User.Registered) else (old or {}).get("email", "")
        profile = event.profile
        rows.put(
            "users",
            {
                "user_id": str(event.originator_id),
                "name": f"{profile.first_name} {profile.last_name}".strip() or email,
                "email": email,
                "phone_numbers": to_json(plain(profile.phone_numbers)),
            },
        )

    @handles(Branch.Registered, Branch.Renamed, Branch.AddressChanged, Branch.DefaultContactChanged)
    def branch_changed(self, rows: Rows, event: Branch.Event) -> None:
        """The branch's name, address and default contact."""
        row = rows.get("branches", str(event.originator_id)) or {
            "branch_id": str(event.originator_id),
            "public_name": "",
            "address": "null",
            "default_contact_id": None,
        }
        if isinstance(event, Branch.Registered | Branch.Renamed):
            row["public_name"] = event.public_name
        if isinstance(event, Branch.Registered | Branch.AddressChanged):
            row["address"] = to_json(plain(event.address))
        if isinstance(event, Branch.DefaultContactChanged):
            row["default_contact_id"] = ident(event.contact_id)
        rows.put("branches", row)

    @handles(ContactPerson.Registered, ContactPerson.DetailsChanged)
    def contact_details(
        self, rows: Rows, event: ContactPerson.Registered | ContactPerson.DetailsChanged
    ) -> None:
        """A contact person's name and how to reach them."""
        details = event.details
        rows.put(
            "contacts",
            {
                "contact_id": str(event.originator_id),
                "name": f"{details.first_name} {details.last_name}",
                "job_title": details.job_title,
                "email": details.email,
                "phone_numbers": to_json(plain(details.phone_numbers)),
            },
        )
