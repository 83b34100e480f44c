"""What the read models must say, computed from the aggregates (this module holds no tests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Party
from projections.framework.store import ViewStore
from projections.order_list.queries import OrderListItem, OrderListQueries
from projections.order_status.queries import OrderStatusQueries
from tests.integration.test_projection_orders_support import SYSTEM, Market

# -- what the views must say ----------------------------------------------------------------------

MAX_PAGES = 100  # a cursor that does not move on would page forever


def expected_item(market: Market, order: Order) -> dict[str, Any]:
    """The order list line, computed from the aggregate."""
    pending = order.pending_proposal
    return {
        "number": order.number,
        "status": order.status,
        "action_needed_by": order.action_needed_by,
        "delivery_at": order.delivery_at,
        "pending": None if pending is None else (pending.delivery_at, pending.proposed_by),
        "version": order.version,
        "branch_name": market.app.get_branch(SYSTEM, order.branch_id).public_name,
        "customer_name": market.app.get_company(order.customer_id).legal_name,
        "customer_id": order.customer_id,
        "branch_id": order.branch_id,
    }


def actual_item(item: OrderListItem) -> dict[str, Any]:
    """The same fields as the view gives them."""
    pending = item.pending_proposal
    return {
        "number": item.number,
        "status": item.status,
        "action_needed_by": item.action_needed_by,
        "delivery_at": item.delivery_at,
        "pending": None if pending is None else (pending.delivery_at, pending.proposed_by),
        "version": item.version,
        "branch_name": item.branch_name,
        "customer_name": item.customer_name,
        "customer_id": item.customer_id,
        "branch_id": item.branch_id,
    }


def expected_document(order: Order) -> dict[str, Any]:
    """The order status fields, computed from the aggregate."""
    pending = order.pending_proposal
    return {
        "status": order.status.value,
        "delivery_at": order.delivery_at,
        "pending": None
        if pending is None
        else (pending.delivery_at, pending.proposed_by.value, pending.message),
        "deliveries": [
            (
                d.number,
                str(d.volume_m3),
                d.planned_at,
                None if d.driver_id is None else str(d.driver_id),
            )
            for d in order.deliveries
        ],
        "version": order.version,
    }


def actual_document(document: dict[str, Any]) -> dict[str, Any]:
    """The same fields as the view stores them."""
    pending = document["pending_proposal"]
    return {
        "status": document["status"],
        "delivery_at": datetime.fromisoformat(document["delivery_at"]),
        "pending": None
        if pending is None
        else (
            datetime.fromisoformat(pending["delivery_at"]),
            pending["proposed_by"],
            pending["message"],
        ),
        "deliveries": [
            (
                d["number"],
                d["volume_m3"],
                None if d["planned_at"] is None else datetime.fromisoformat(d["planned_at"]),
                d["driver_id"],
            )
            for d in document["deliveries"]
        ],
        "version": document["version"],
    }


def expected_counts(orders: Sequence[Order], company_id: UUID, side: Party) -> dict[str, int]:
    """Badge counts of a company, computed from the aggregates."""
    mine = [o for o in orders if company_id in (o.customer_id, o.supplier_id)]
    counts = {s.value: sum(o.status is s for o in mine) for s in OrderStatus}
    counts["action"] = sum(o.action_needed_by is side for o in mine)
    return counts


def all_items(store: ViewStore, company_id: UUID, side: Party) -> list[OrderListItem]:
    """Every line of a company's list, page after page."""
    queries, items, cursor = OrderListQueries(store), [], None
    for _ in range(MAX_PAGES):
        page = queries.orders(company_id, side, limit=200, cursor=cursor)
        items += page.items
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor
    raise AssertionError(f"the list never ended after {MAX_PAGES} pages")


def assert_views_match_aggregates(market: Market, store: ViewStore) -> None:
    """Every list line, status document and badge count equals what the aggregates say."""
    orders = {o: market.order(o) for o in market.orders}
    for company_id, side in market.companies:
        items = {i.order_id: actual_item(i) for i in all_items(store, company_id, side)}
        mine = {
            o.id: expected_item(market, o)
            for o in orders.values()
            if company_id in (o.customer_id, o.supplier_id)
        }
        assert items == mine
        assert OrderListQueries(store).counts(company_id) == expected_counts(
            list(orders.values()), company_id, side
        )
    statuses = OrderStatusQueries(store)
    for order in orders.values():
        view = statuses.status(order.id, order.customer_id)
        assert view is not None, f"order {order.number} has no status document"
        assert actual_document(view.order) == expected_document(order)
