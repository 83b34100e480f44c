"""The order list: the order-list read model with the API's filters, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from flask import redirect, request, url_for
from werkzeug.wrappers import Response

from api.auth import Principal
from api.http import services
from api.web.blueprint import bp
from api.web.forms import local_day
from api.web.i18n import BRUSSELS, n_, render
from api.web.session import principal, signed_in
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Party
from projections.order_list.queries import (
    InvalidCursorError,
    OrderFilter,
    OrderListItem,
    OrderPage,
    OrderSort,
)

PAGE_SIZE = 25
ACTION_TAB = "action"
# The tabs of the list, "action needed by me" first.
TABS = (
    (ACTION_TAB, n_("Action needed by me")),
    ("", n_("All")),
    ("requested", n_("Requested")),
    ("planned", n_("Planned")),
    ("finished", n_("Finished")),
    ("cancelled", n_("Cancelled")),
)


@dataclass(frozen=True)
class ListFilters:
    """The list's query string, read."""

    tab: str
    text: str
    day_from: str
    day_to: str
    branch: str
    cursor: str | None

    def query(self, **changes: Any) -> dict[str, str]:
        """The query string of this list with some parts changed (for links)."""
        values = {
            "tab": self.tab,
            "q": self.text,
            "from": self.day_from,
            "to": self.day_to,
            "branch": self.branch,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def side(who: Principal) -> Party:
    """Which side of its orders the user's company is on."""
    return Party.SUPPLIER if who.is_supplier else Party.CUSTOMER


def _filters() -> ListFilters:
    args = request.args
    tab = args.get("tab", "")
    if tab not in {t for t, _ in TABS}:
        tab = ""
    return ListFilters(
        tab=tab,
        text=args.get("q", "").strip()[:200],
        day_from=args.get("from", "").strip(),
        day_to=args.get("to", "").strip(),
        branch=args.get("branch", "").strip(),
        cursor=args.get("cursor") or None,
    )


def _where(filters: ListFilters) -> OrderFilter:
    start, end = local_day("from"), local_day("to")
    try:
        branch = UUID(filters.branch) if filters.branch else None
    except ValueError:
        branch = None
    return OrderFilter(
        statuses=(OrderStatus(filters.tab),) if filters.tab not in ("", ACTION_TAB) else (),
        action_needed_by_me=filters.tab == ACTION_TAB,
        branch_id=branch,
        delivery_from=None if start is None else datetime.combine(start, time(), BRUSSELS),
        delivery_to=None
        if end is None
        else datetime.combine(end + timedelta(days=1), time(), BRUSSELS),
        text=filters.text,
    )


def _page(who: Principal, filters: ListFilters) -> OrderPage:
    """What waits for the reader first, on every tab: a planner's work queue is the top of the
    list, whichever status or dates they narrowed it to; the rest follows by delivery moment."""
    read = services().read.orders
    first = OrderSort.ACTION_FIRST
    where = _where(filters)
    try:
        return read.orders(
            who.company.id, side(who), where, limit=PAGE_SIZE, cursor=filters.cursor, sort=first
        )
    except InvalidCursorError:
        return read.orders(who.company.id, side(who), where, limit=PAGE_SIZE, sort=first)


def groups(page: OrderPage, viewer: Party) -> list[tuple[str, str, list[OrderListItem]]]:
    """The page's rows in their groups: (key, heading, rows), empty groups left out."""
    mine = [i for i in page.items if i.action_needed_by is viewer]
    others = [i for i in page.items if i.action_needed_by is not viewer]
    found = (("mine", n_("Waiting for you"), mine), ("others", n_("Other orders"), others))
    return [group for group in found if group[2]]


def branch_choices(who: Principal) -> list[tuple[str, str]]:
    """(id, name) of the branches to filter on: one's own plants, or every plant for a customer."""
    directory = services().read.directory
    if who.is_supplier:
        entries = [
            directory.get(b, include_closed=True) for b in directory.branch_ids_of(who.company.id)
        ]
    else:
        entries = list(directory.search(limit=200))
    return [(str(e.branch_id), e.public_name) for e in entries if e is not None]


@bp.route("/")
def home() -> Response:
    """The orders are the start page."""
    return redirect(url_for("web.orders"))


@bp.route("/orders")
@signed_in
def orders() -> str:
    """My company's orders: tabs per status, search, dates, branch, pages."""
    who, filters = principal(), _filters()
    page = _page(who, filters)
    return render(
        "orders/list.html",
        groups=groups(page, side(who)),
        page=page,
        counts=services().read.orders.counts(who.company.id),
        filters=filters,
        tabs=TABS,
        branches=branch_choices(who),
        viewer=side(who).value,
    )
