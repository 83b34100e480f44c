"""Order list: one row per order for both parties' lists, with badge counts per status."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import UUID

from betotrace_es.domain.branch import Branch
from betotrace_es.domain.company import Company
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus, Proposal, action_needed_by
from betotrace_es.domain.values import Party
from projections.framework.projection import Projection, Row, Rows, handles
from projections.framework.tables import Table
from projections.framework.values import EPOCH, ident, micros, search_text

ORDERS = Table(
    "orders",
    (
        ("order_id", "text"),
        ("number", "text"),
        ("customer_id", "text"),
        ("supplier_id", "text"),
        ("branch_id", "text"),
        ("status", "text"),
        ("action_needed_by", "text"),
        ("product_code", "text"),
        ("product_name", "text"),
        ("quantity_m3", "text"),
        ("delivery_at", "int"),
        ("pending_delivery_at", "int"),
        ("pending_proposed_by", "text"),
        ("site_name", "text"),
        ("site_city", "text"),
        ("customer_reference", "text"),
        ("last_change", "int"),
        ("version", "int"),
        ("search", "text"),
    ),
    key=("order_id",),
    indexes=(
        ("customer_id", "delivery_at", "order_id"),
        ("supplier_id", "delivery_at", "order_id"),
        ("customer_id", "status", "delivery_at", "order_id"),
        ("supplier_id", "status", "delivery_at", "order_id"),
        ("customer_id", "action_needed_by", "delivery_at", "order_id"),
        ("supplier_id", "action_needed_by", "delivery_at", "order_id"),
    ),
)
# Per company: orders per status, and how many wait for that company ("action").
COUNTS = Table(
    "counts",
    (("company_id", "text"), ("bucket", "text"), ("n", "int")),
    key=("company_id", "bucket"),
)
BRANCHES = Table(
    "branches", (("branch_id", "text"), ("name", "text"), ("search", "text")), key=("branch_id",)
)
COMPANIES = Table(
    "companies", (("company_id", "text"), ("name", "text"), ("search", "text")), key=("company_id",)
)

ACTION = "action"
# The event attributes the handlers read (the read side decodes only these).
_WHEN = ("timestamp",)
_REQUESTED = (
    *_WHEN,
    "number",
    "customer_id",
    "supplier_id",
    "branch_id",
    "product",
    "quantity_m3",
    "delivery_at",
    "site",
    "customer_reference",
)


def _buckets(row: Row) -> list[tuple[str, str]]:
    """The (company, bucket) counters an order row counts in."""
    buckets = [(row["customer_id"], row["status"]), (row["supplier_id"], row["status"])]
    side = row["action_needed_by"]
    if side is not None:
        buckets.append((row["customer_id"] if side == "customer" else row["supplier_id"], ACTION))
    return buckets


class OrderListProjection(Projection):
    """Rows for the order lists of customers and suppliers."""

    name = "order_list"
    tables = (ORDERS, COUNTS, BRANCHES, COMPANIES)
    aggregate_local = True  # rows per order, branch and company; counts are sums

    def prefetch(self, rows: Rows, events: Any) -> None:
        """Load in one query every order a batch changes that it did not request (an order
        requested in the batch has no row before it); counters: when the batch is written."""
        changed: set[UUID] = set()
        requested: set[UUID] = set()
        for event in events:
            if isinstance(event, Order.Requested):
                requested.add(event.originator_id)
            elif isinstance(event, Order.Event):
                changed.add(event.originator_id)
        rows.prefetch("orders", [(str(order_id),) for order_id in changed - requested])

    # -- orders -------------------------------------------------------------------------------

    @handles(Order.Requested, reads=_REQUESTED)
    def order_requested(self, rows: Rows, event: Order.Requested) -> None:
        """A new row, counted as requested and as waiting for the supplier."""
        site = event.site
        row = {
            "order_id": str(event.originator_id),
            "number": event.number,
            "customer_id": str(event.customer_id),
            "supplier_id": str(event.supplier_id),
            "branch_id": str(event.branch_id),
            "status": OrderStatus.REQUESTED.value,
            "action_needed_by": "supplier",
            "product_code": event.product.code,
            "product_name": event.product.name,
            "quantity_m3": str(event.quantity_m3),
            "delivery_at": micros(event.delivery_at),
            "pending_delivery_at": None,
            "pending_proposed_by": None,
            "site_name": site.name,
            "site_city": site.address.city,
            "customer_reference": event.customer_reference,
            "last_change": micros(event.timestamp),
            "version": event.originator_version,
            "search": search_text(
                event.number, event.customer_reference, site.name, site.address.city
            ),
        }
        rows.put("orders", row)
        self._count(rows, row, +1)

    @handles(Order.Accepted, reads=_WHEN)
    def order_accepted(self, rows: Rows, event: Order.Accepted) -> None:
        """Planned, nothing pending."""
        self._change(rows, event, status=OrderStatus.PLANNED.value)

    @handles(Order.DeliveryRescheduleProposed, reads=(*_WHEN, "delivery_at", "proposed_by"))
    def delivery_reschedule_proposed(
        self, rows: Rows, event: Order.DeliveryRescheduleProposed
    ) -> None:
        """A pending proposal: the other party must act."""
        self._change(
            rows,
            event,
            pending_delivery_at=micros(event.delivery_at),
            pending_proposed_by=event.proposed_by.value,
        )

    @handles(Order.DeliveryRescheduleAccepted, reads=(*_WHEN, "delivery_at"))
    def delivery_reschedule_accepted(
        self, rows: Rows, event: Order.DeliveryRescheduleAccepted
    ) -> None:
        """The moment moved; a requested order became planned."""
        self._change(
            rows,
            event,
            status=OrderStatus.PLANNED.value,
            delivery_at=micros(event.delivery_at),
            pending_delivery_at=None,
            pending_proposed_by=None,
        )

    @handles(Order.DeliveryRescheduleDeclined, reads=_WHEN)
    def delivery_reschedule_declined(
        self, rows: Rows, event: Order.DeliveryRescheduleDeclined
    ) -> None:
        """The proposal is gone; the moment stays."""
        self._change(rows, event, pending_delivery_at=None, pending_proposed_by=None)

    @handles(Order.DeliveryPlanned, Order.DriverAssigned, reads=_WHEN)
    def delivery_planned(self, rows: Rows, event: Order.Event) -> None:
        """Only the last change moves."""
        self._change(rows, event)

    @handles(Order.Finished, reads=_WHEN)
    def order_finished(self, rows: Rows, event: Order.Finished) -> None:
        """Final: finished."""
        self._change(rows, event, status=OrderStatus.FINISHED.value)

    @handles(Order.Cancelled, reads=_WHEN)
    def order_cancelled(self, rows: Rows, event: Order.Cancelled) -> None:
        """Final: cancelled, nothing pending."""
        self._change(
            rows,
            event,
            status=OrderStatus.CANCELLED.value,
            pending_delivery_at=None,
            pending_proposed_by=None,
        )

    def _change(self, rows: Rows, event: Order.Event, **changes: Any) -> None:
        old = rows.get("orders", str(event.originator_id))
        if old is None:
            msg = f"order {event.originator_id} has no row (its request was never applied)"
            raise LookupError(msg)
        new = {
            **old,
            **changes,
            "last_change": micros(event.timestamp),
            "version": event.originator_version,
        }
        new["action_needed_by"] = _action_needed_by(new["status"], new["pending_proposed_by"])
        if new["status"] != old["status"] or new["action_needed_by"] != old["action_needed_by"]:
            self._count(rows, old, -1)
            self._count(rows, new, +1)
        rows.put("orders", new)

    def _count(self, rows: Rows, row: Row, delta: int) -> None:
        for company_id, bucket in _buckets(row):
            rows.add("counts", {"company_id": company_id, "bucket": bucket, "n": 0}, "n", delta)

    # -- names shown and searched in the list ---------------------------------------------------

    @handles(Branch.Registered, Branch.Renamed, reads=("public_name",))
    def branch_named(self, rows: Rows, event: Branch.Registered | Branch.Renamed) -> None:
        """The branch's public name."""
        rows.put(
            "branches",
            {
                "branch_id": str(event.originator_id),
                "name": event.public_name,
                "search": search_text(event.public_name),
            },
        )

    @handles(Company.Registered, Company.DetailsChanged, reads=("legal_name",))
    def company_named(self, rows: Rows, event: Company.Registered | Company.DetailsChanged) -> None:
        """The company's legal name."""
        rows.put(
            "companies",
            {
                "company_id": ident(event.originator_id),
                "name": event.legal_name,
                "search": search_text(event.legal_name),
            },
        )


@lru_cache(maxsize=64)
def _action_needed_by(status: str, pending_proposed_by: str | None) -> str | None:
    """The domain's state table, applied to stored values."""
    pending = None
    if pending_proposed_by is not None:
        pending = Proposal(EPOCH, Party(pending_proposed_by), "")
    party = action_needed_by(OrderStatus(status), pending)
    return None if party is None else party.value
