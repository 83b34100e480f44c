"""Reading the order list: filters, keyset pagination by delivery moment (optionally what
waits for the reader first), badge counts."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from betotrace_es.domain.order_values import OrderStatus, Proposal, status_label
from betotrace_es.domain.values import Party
from projections.framework.store import ViewStore
from projections.framework.values import like_pattern, micros, moment
from projections.order_list.projection import ACTION

MAX_LIMIT = 200


class InvalidCursorError(ValueError):
    """The pagination cursor was not one this list handed out."""


@dataclass(frozen=True)
class OrderFilter:
    """What a user narrows the list to; every part optional."""

    statuses: tuple[OrderStatus, ...] = ()
    action_needed_by_me: bool = False
    branch_id: UUID | None = None
    delivery_from: datetime | None = None  # inclusive
    delivery_to: datetime | None = None  # exclusive
    text: str = ""


@dataclass(frozen=True)
class OrderListItem:
    """One line of the order list."""

    order_id: UUID
    number: str
    status: OrderStatus
    action_needed_by: Party | None
    branch_id: UUID
    branch_name: str
    customer_id: UUID
    customer_name: str
    product_code: str
    product_name: str
    quantity_m3: Decimal
    delivery_at: datetime
    pending_proposal: Proposal | None
    site_name: str
    site_city: str
    customer_reference: str
    last_change: datetime
    version: int

    def status_label(self, language: str = "en") -> str:
        """The status as the UI shows it."""
        return status_label(self.status, self.pending_proposal, language)


@dataclass(frozen=True)
class OrderPage:
    """A page of the list and the cursor of the next one (None at the end)."""

    items: list[OrderListItem]
    next_cursor: str | None


def encode_cursor(delivery_at: int, order_id: str) -> str:
    """An opaque cursor after this row."""
    return _wrap(f"{delivery_at}:{order_id}")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """The row a cursor points after."""
    return _row(_unwrap(cursor))


def _wrap(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _unwrap(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursorError("cursor is not valid for this list") from None


def _row(raw: str) -> tuple[int, str]:
    """``<delivery moment in µs>:<order id>``, checked."""
    try:
        at, order_id = raw.split(":", 1)
        moment_us, ident = int(at), str(UUID(order_id))
    except ValueError:
        raise InvalidCursorError("cursor is not valid for this list") from None
    if not -(2**63) <= moment_us < 2**63:
        raise InvalidCursorError("cursor is not valid for this list")
    return moment_us, ident


class OrderSort(Enum):
    """How the list is ordered."""

    DELIVERY = "delivery"  # by delivery moment (the API's order)
    ACTION_FIRST = "action_first"  # what waits for the reader first, then the rest; each by moment


# The groups of ``OrderSort.ACTION_FIRST``, in list order, as their cursors name them.
MINE, OTHERS = "m", "o"


def encode_group_cursor(group: str, delivery_at: int, order_id: str) -> str:
    """An opaque cursor after this row of this group (``ACTION_FIRST`` lists)."""
    return _wrap(f"{group}:{delivery_at}:{order_id}")


def decode_group_cursor(cursor: str) -> tuple[str, int, str]:
    """The group and row a cursor of an ``ACTION_FIRST`` list points after."""
    group, _, rest = _unwrap(cursor).partition(":")
    if group not in (MINE, OTHERS):
        raise InvalidCursorError("cursor is not valid for this list")
    return (group, *_row(rest))


Rows = list[dict[str, Any]]


class OrderListQueries:
    """The order list of one company, as either party."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store

    def orders(
        self,
        company_id: UUID,
        side: Party,
        where: OrderFilter | None = None,
        *,
        limit: int = 50,
        cursor: str | None = None,
        sort: OrderSort = OrderSort.DELIVERY,
    ) -> OrderPage:
        """The company's orders sorted by delivery moment (or ``sort``), one page at a time."""
        where = where or OrderFilter()
        limit = max(1, min(limit, MAX_LIMIT))
        if sort is OrderSort.ACTION_FIRST:
            return self._action_first(company_id, side, where, limit, cursor)
        after = None if cursor is None else decode_cursor(cursor)
        rows = self._rows(company_id, side, where, ([], []), after, limit + 1)
        next_cursor = None
        if len(rows) > limit:
            next_cursor = encode_cursor(rows[limit - 1]["delivery_at"], rows[limit - 1]["order_id"])
        return OrderPage([_item(r) for r in rows[:limit]], next_cursor)

    def _action_first(
        self, company_id: UUID, side: Party, where: OrderFilter, limit: int, cursor: str | None
    ) -> OrderPage:
        """Two keyset reads: the rest of the reader's group, then (if room) the others' group.

        Each group is an index range read in delivery order; the cursor names its group, so a
        page that ends in the first group goes on in it, and one in the second never looks back.
        """
        group, after = MINE, None
        if cursor is not None:
            group, at, order_id = decode_group_cursor(cursor)
            after = (at, order_id)
        found: list[tuple[str, dict[str, Any]]] = []
        if group == MINE:
            mine = (["o.action_needed_by = ?"], [side.value])
            rows = self._rows(company_id, side, where, mine, after, limit + 1)
            found += [(MINE, r) for r in rows]
            after = None
        if len(found) <= limit and not where.action_needed_by_me:
            others = (["(o.action_needed_by IS NULL OR o.action_needed_by <> ?)"], [side.value])
            rows = self._rows(company_id, side, where, others, after, limit + 1 - len(found))
            found += [(OTHERS, r) for r in rows]
        next_cursor = None
        if len(found) > limit:
            last_group, last = found[limit - 1]
            next_cursor = encode_group_cursor(last_group, last["delivery_at"], last["order_id"])
        return OrderPage([_item(r) for _, r in found[:limit]], next_cursor)

    def _rows(
        self,
        company_id: UUID,
        side: Party,
        where: OrderFilter,
        extra: tuple[list[str], list[Any]],
        after: tuple[int, str] | None,
        count: int,
    ) -> Rows:
        """Up to ``count`` rows matching ``where`` and ``extra``, after ``after``, by moment."""
        column = "customer_id" if side is Party.CUSTOMER else "supplier_id"
        clauses: list[str] = [f"o.{column} = ?", *extra[0]]
        params: list[Any] = [str(company_id), *extra[1]]
        _filters(where, side, clauses, params)
        if after is not None:
            clauses.append("(o.delivery_at, o.order_id) > (?, ?)")
            params += [after[0], after[1]]
        statuses = list(dict.fromkeys(s.value for s in where.statuses))
        if len(statuses) < 2:
            if statuses:
                clauses.append("o.status = ?")
                params += statuses
            return self.store.fetch(_page(clauses), [*params, count])
        # One ordered, limited read per status (an index range each), merged: a single
        # ``status IN (…)`` read would walk the company's orders by delivery moment and
        # skip every order of the other statuses (most of them finished) on the way.
        parts = [
            f"SELECT * FROM ({_page([*clauses, 'o.status = ?'])}) AS s{i}"
            for i in range(len(statuses))
        ]
        text = f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS u ORDER BY u.delivery_at, u.order_id LIMIT ?"
        values = [v for status in statuses for v in (*params, status, count)] + [count]
        return self.store.fetch(text, values)

    def counts(self, company_id: UUID) -> dict[str, int]:
        """Orders per status, and ``action`` = how many wait for this company."""
        rows = self.store.fetch(
            "SELECT bucket, n FROM {q}order_list_counts WHERE company_id = ?", [str(company_id)]
        )
        found = {str(r["bucket"]): int(r["n"]) for r in rows}
        return {b: found.get(b, 0) for b in (*(s.value for s in OrderStatus), ACTION)}


def _page(clauses: list[str]) -> str:
    """The first rows (a ``LIMIT ?`` follows) that match ``clauses``, by delivery moment."""
    return (
        "SELECT o.*, b.name AS branch_name, c.name AS customer_name "
        "FROM {q}order_list_orders o "
        "LEFT JOIN {q}order_list_branches b ON b.branch_id = o.branch_id "
        "LEFT JOIN {q}order_list_companies c ON c.company_id = o.customer_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY o.delivery_at, o.order_id LIMIT ?"
    )


def _filters(where: OrderFilter, side: Party, clauses: list[str], params: list[Any]) -> None:
    """The clauses of every filter but the statuses (see ``orders``)."""
    if where.action_needed_by_me:
        clauses.append("o.action_needed_by = ?")
        params.append(side.value)
    if where.branch_id is not None:
        clauses.append("o.branch_id = ?")
        params.append(str(where.branch_id))
    if where.delivery_from is not None:
        clauses.append("o.delivery_at >= ?")
        params.append(micros(where.delivery_from))
    if where.delivery_to is not None:
        clauses.append("o.delivery_at < ?")
        params.append(micros(where.delivery_to))
    if where.text.strip():
        pattern = like_pattern(where.text)
        clauses.append(
            "(o.search LIKE ? ESCAPE '\\' OR b.search LIKE ? ESCAPE '\\' OR c.search LIKE ? ESCAPE '\\')"
        )
        params += [pattern, pattern, pattern]


def _item(row: dict[str, Any]) -> OrderListItem:
    pending = None
    if row["pending_proposed_by"] is not None:
        pending = Proposal(
            moment(row["pending_delivery_at"]), Party(row["pending_proposed_by"]), ""
        )
    action = row["action_needed_by"]
    return OrderListItem(
        order_id=UUID(row["order_id"]),
        number=row["number"],
        status=OrderStatus(row["status"]),
        action_needed_by=None if action is None else Party(action),
        branch_id=UUID(row["branch_id"]),
        branch_name=row["branch_name"] or "",
        customer_id=UUID(row["customer_id"]),
        customer_name=row["customer_name"] or "",
        product_code=row["product_code"],
        product_name=row["product_name"],
        quantity_m3=Decimal(row["quantity_m3"]),
        delivery_at=moment(row["delivery_at"]),
        pending_proposal=pending,
        site_name=row["site_name"],
        site_city=row["site_city"],
        customer_reference=row["customer_reference"],
        last_change=moment(row["last_change"]),
        version=int(row["version"]),
    )
