"""Property: a company's queries return its own orders, exactly those the filter asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from betotrace_es.application import Betotrace
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Party, normalised_key
from projections.framework.store import ViewStore
from projections.order_list.queries import OrderFilter, OrderListQueries
from projections.order_status.queries import OrderStatusQueries
from tests.builders import in_days
from tests.integration.test_projection_orders_expectations import MAX_PAGES, expected_counts
from tests.integration.test_projection_orders_support import SYSTEM, Market, build_market, perform
from tests.integration.test_projection_runner_support import order_projections, runner_for

T = TypeVar("T")
SCRIPT = [("request", n) for n in range(12)] + [
    ("accept", 1),
    ("accept", 2),
    ("supplier_proposes", 3),
    ("customer_proposes", 4),
    ("plan_delivery", 5),
    ("finish", 6),
    ("cancel", 7),
    ("cancel", 8),
    ("supplier_proposes", 9),
]


@dataclass
class Listed:
    """A marketplace whose orders are all in the views, and the words worth searching for."""

    market: Market
    store: ViewStore
    orders: list[Order]
    words: list[str]
    start: datetime


@pytest.fixture
def listed(app: Betotrace) -> Listed:
    """Orders of both customers at all three branches, in every state, caught up."""
    start = in_days(0)
    market = build_market(app)
    for action, n in SCRIPT:
        perform(market, action, n)
    runner = runner_for(app, order_projections(), batch_size=7)
    runner.catch_up()
    orders = [market.order(o) for o in market.orders]
    names = [app.get_company(c).legal_name for c, _ in market.companies]
    names += [app.get_branch(SYSTEM, b).public_name for _, b in market.branches]
    words = ["", "liege", "LIÈGE", "zoe", "ZOË ", "résidence", "Gent", "PO-1", "bt-", "x-none"]
    words += [orders[3].number.lower(), orders[5].number[-4:]]
    words += [name.split()[-1].upper() for name in names] + ["Bouw", "centrale"]
    return Listed(market, runner.store, orders, words, start)


def _matches(listed: Listed, order: Order, where: OrderFilter, side: Party) -> bool:
    """The filter, applied to the aggregate."""
    app = listed.market.app
    texts = [
        order.number,
        order.customer_reference,
        order.site.name,
        order.site.address.city,
        app.get_company(order.customer_id).legal_name,
        app.get_branch(SYSTEM, order.branch_id).public_name,
    ]
    text = normalised_key(where.text)
    return (
        (not where.statuses or order.status in where.statuses)
        and (not where.action_needed_by_me or order.action_needed_by is side)
        and (where.branch_id is None or order.branch_id == where.branch_id)
        and (where.delivery_from is None or order.delivery_at >= where.delivery_from)
        and (where.delivery_to is None or order.delivery_at < where.delivery_to)
        and (not text or any(text in normalised_key(t) for t in texts))
    )


def _often_off(strategy: st.SearchStrategy[T], off: T) -> st.SearchStrategy[T]:
    """Each filter part is mostly off, so that combinations of parts still find orders."""
    return st.one_of(st.just(off), st.just(off), strategy)


@st.composite
def filters(draw: st.DrawFn, listed: Listed) -> OrderFilter:
    """Any combination of the list's filters."""
    days = st.integers(0, 22).map(lambda d: listed.start + timedelta(days=d))
    statuses = st.lists(st.sampled_from(OrderStatus), unique=True, min_size=1, max_size=3)
    branches = st.sampled_from([b for _, b in listed.market.branches])
    return OrderFilter(
        statuses=tuple(draw(_often_off(statuses, []))),
        action_needed_by_me=draw(_often_off(st.just(True), False)),
        branch_id=draw(_often_off(branches, None)),
        delivery_from=draw(_often_off(days, None)),
        delivery_to=draw(_often_off(days, None)),
        text=draw(_often_off(st.sampled_from(listed.words), "")),
    )


def _list_ids(
    listed: Listed, company: UUID, side: Party, where: OrderFilter, limit: int
) -> list[UUID]:
    """Every page of the list; each line must belong to ``company`` on ``side``."""
    owners = {
        o.id: o.customer_id if side is Party.CUSTOMER else o.supplier_id for o in listed.orders
    }
    queries, ids, cursor = OrderListQueries(listed.store), [], None
    for _ in range(MAX_PAGES):
        page = queries.orders(company, side, where, limit=limit, cursor=cursor)
        assert {owners[i.order_id] for i in page.items} <= {company}, "a row of another company"
        ids += [i.order_id for i in page.items]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor
    raise AssertionError(f"the list never ended after {MAX_PAGES} pages")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_company_lists_exactly_its_own_orders_that_match_the_filter(
    listed: Listed, data: st.DataObject
) -> None:
    company, own_side = data.draw(st.sampled_from(listed.market.companies))
    side = data.draw(st.sampled_from([own_side, own_side, own_side.other]))
    where = data.draw(filters(listed))
    limit = data.draw(st.integers(1, 4))

    found = _list_ids(listed, company, side, where, limit)

    mine = [
        o
        for o in listed.orders
        if (o.customer_id if side is Party.CUSTOMER else o.supplier_id) == company
        and _matches(listed, o, where, side)
    ]
    assert found == [o.id for o in sorted(mine, key=lambda o: (o.delivery_at, str(o.id)))]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_counts_and_order_status_never_show_another_companys_orders(
    listed: Listed, data: st.DataObject
) -> None:
    company, side = data.draw(st.sampled_from(listed.market.companies))
    order = listed.orders[data.draw(st.integers(0, len(listed.orders) - 1))]

    view = OrderStatusQueries(listed.store).status(order.id, company)

    if company in (order.customer_id, order.supplier_id):
        assert view is not None
        assert view.order["order_id"] == str(order.id)
        assert view.viewer is (Party.CUSTOMER if company == order.customer_id else Party.SUPPLIER)
    else:
        assert view is None
    counts = OrderListQueries(listed.store).counts(company)
    assert counts == expected_counts(listed.orders, company, side)
