"""The order list sorted "action needed by me first": two groups, each by delivery moment."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Party
from projections.framework.runner import ProjectionRunner
from projections.framework.store import PostgresViewStore, ViewStore
from projections.order_list.projection import OrderListProjection
from projections.order_list.queries import (
    InvalidCursorError,
    OrderFilter,
    OrderListItem,
    OrderListQueries,
    OrderSort,
    encode_cursor,
    encode_group_cursor,
)
from tests.integration.test_projection_orders_expectations import MAX_PAGES
from tests.integration.test_projection_orders_support import Market, build_market, in_days_at
from tests.integration.test_projection_runner_support import runner_for

FIRST = OrderSort.ACTION_FIRST


@dataclass
class Lists:
    """A marketplace, a runner over it and the list queries."""

    market: Market
    runner: ProjectionRunner
    queries: OrderListQueries

    def walk(
        self, company: UUID, side: Party, limit: int, where: OrderFilter | None = None
    ) -> list[OrderListItem]:
        """Every page of the action-first list, ``limit`` rows at a time."""
        self.runner.catch_up()
        items: list[OrderListItem] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = self.queries.orders(company, side, where, limit=limit, cursor=cursor, sort=FIRST)
            assert len(page.items) <= limit
            items += page.items
            cursor = page.next_cursor
            if cursor is None:
                return items
        raise AssertionError("the list never ended")


@pytest.fixture
def lists(app: Betotrace) -> Iterator[Lists]:
    """Lists over a fresh marketplace."""
    market = build_market(app)
    runner = runner_for(app, [OrderListProjection()], batch_size=4)
    yield Lists(market, runner, OrderListQueries(runner.store))
    runner.stop()


@dataclass
class Mixed:
    """A supplier's orders: some wait for it, some for the customer, some for nobody."""

    for_supplier: list[UUID]  # by delivery moment
    others: list[UUID]  # by delivery moment


@pytest.fixture
def mixed(lists: Lists) -> Mixed:
    """Seven orders whose delivery moments interleave the two groups."""
    market = lists.market
    supplier, customer = market.suppliers[0], market.customers[0]
    days = [9, 2, 7, 4, 3, 8, 5]
    made = [market.request(0, 0, in_days_at(d)).aggregate for d in days]
    # Accepted (nobody), proposed by the supplier (the customer), proposed by the customer
    # on a planned order (the supplier), and untouched requests (the supplier).
    for order in (made[1], made[4]):
        market.app.accept_order(supplier.planner, order.id)
    market.app.propose_reschedule(supplier.planner, made[3].id, in_days_at(11))
    market.app.accept_order(supplier.planner, made[6].id)
    market.app.propose_reschedule(customer.planner, made[6].id, in_days_at(12))
    by_day = dict(zip(days, made, strict=True))
    return Mixed(
        for_supplier=[by_day[d].id for d in (5, 7, 8, 9)],
        others=[by_day[d].id for d in (2, 3, 4)],
    )


def test_what_waits_for_me_comes_first_then_the_rest_each_by_delivery_moment(
    lists: Lists, mixed: Mixed
) -> None:
    supplier = lists.market.suppliers[0].company_id
    customer = lists.market.customers[0].company_id

    for_supplier = lists.walk(supplier, Party.SUPPLIER, 200)
    for_customer = lists.walk(customer, Party.CUSTOMER, 200)

    assert [i.order_id for i in for_supplier] == mixed.for_supplier + mixed.others
    assert all(i.action_needed_by is Party.SUPPLIER for i in for_supplier[:4])
    assert all(i.action_needed_by is not Party.SUPPLIER for i in for_supplier[4:])
    waits_for_customer, *rest = mixed.others[2], mixed.others[0], mixed.others[1]
    assert [i.order_id for i in for_customer] == [waits_for_customer, *rest, *mixed.for_supplier]


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5])
def test_pages_cross_into_the_other_group_without_repeating_or_skipping(
    lists: Lists, mixed: Mixed, limit: int
) -> None:
    supplier = lists.market.suppliers[0].company_id

    walked = [i.order_id for i in lists.walk(supplier, Party.SUPPLIER, limit)]

    assert walked == mixed.for_supplier + mixed.others


def test_filters_narrow_both_groups(lists: Lists, mixed: Mixed) -> None:
    supplier = lists.market.suppliers[0].company_id
    planned = OrderFilter(statuses=(OrderStatus.PLANNED,))
    open_ = OrderFilter(statuses=(OrderStatus.REQUESTED, OrderStatus.PLANNED))
    mine_only = OrderFilter(action_needed_by_me=True)

    def ids(where: OrderFilter, limit: int = 2) -> list[UUID]:
        return [i.order_id for i in lists.walk(supplier, Party.SUPPLIER, limit, where)]

    assert ids(planned) == [mixed.for_supplier[0], mixed.others[0], mixed.others[1]]
    assert ids(open_) == mixed.for_supplier + mixed.others
    assert ids(open_, 3) == mixed.for_supplier + mixed.others
    assert ids(mine_only) == mixed.for_supplier


def test_pages_stay_stable_when_orders_arrive_in_both_groups(lists: Lists, mixed: Mixed) -> None:
    market, supplier = lists.market, lists.market.suppliers[0]
    original = mixed.for_supplier + mixed.others
    lists.runner.catch_up()
    first = lists.queries.orders(supplier.company_id, Party.SUPPLIER, limit=3, sort=FIRST)
    assert first.next_cursor is not None
    # New requests wait for the supplier: one before the cursor, one after it; a planned one
    # joins the others' group.
    before = market.request(0, 0, in_days_at(1)).aggregate.id
    after = market.request(0, 0, in_days_at(10)).aggregate.id
    planned = market.request(0, 0, in_days_at(6)).aggregate.id
    market.app.accept_order(supplier.planner, planned)
    lists.runner.catch_up()

    rest: list[UUID] = []
    cursor: str | None = first.next_cursor
    for _ in range(MAX_PAGES):
        if cursor is None:
            break
        page = lists.queries.orders(
            supplier.company_id, Party.SUPPLIER, limit=3, cursor=cursor, sort=FIRST
        )
        rest += [i.order_id for i in page.items]
        cursor = page.next_cursor
    seen = [i.order_id for i in first.items] + rest

    assert len(seen) == len(set(seen)), "an order was listed twice"
    assert [o for o in seen if o in original] == original, "an order was skipped or moved"
    assert before not in rest
    assert rest.index(after) < rest.index(mixed.others[0]) < rest.index(planned)


def test_a_cursor_of_the_other_sort_is_refused(lists: Lists, mixed: Mixed) -> None:
    supplier = lists.market.suppliers[0].company_id
    plain = encode_cursor(5, str(mixed.others[0]))
    grouped = encode_group_cursor("m", 5, str(mixed.others[0]))
    lists.runner.catch_up()

    for cursor in (plain, encode_group_cursor("x", 5, str(mixed.others[0])), "bTp4Onk"):
        with pytest.raises(InvalidCursorError):
            lists.queries.orders(supplier, Party.SUPPLIER, cursor=cursor, sort=FIRST)
    with pytest.raises(InvalidCursorError):
        lists.queries.orders(supplier, Party.SUPPLIER, cursor=grouped)


class RecordingStore:
    """The view store, remembering every query the list sends (to EXPLAIN them)."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store
        self.sent: list[tuple[str, list[Any]]] = []

    def fetch(self, text: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run the query, remembering it."""
        self.sent.append((text, list(params)))
        return self.store.fetch(text, params)


def _plan(store: ViewStore, text: str, params: list[Any]) -> list[str]:
    """The query's plan; on PostgreSQL with every way around an index made prohibitive.

    A tiny test table would be read whole anyway: forbidding sequential scans, bitmap scans
    and sorts shows an index range read in delivery order exists for the query (else the plan
    still holds the forbidden node, priced prohibitively).
    """
    with store.reading() as fetch:
        if isinstance(store, PostgresViewStore):
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                fetch("SELECT set_config(?, 'off', true)", [setting])
            return [str(r["QUERY PLAN"]) for r in fetch("EXPLAIN " + text, params)]
        return [str(r["detail"]) for r in fetch("EXPLAIN QUERY PLAN " + text, params)]


@pytest.mark.parametrize("where", [OrderFilter(), OrderFilter(statuses=(OrderStatus.PLANNED,))])
def test_both_groups_are_index_range_reads_in_delivery_order(
    lists: Lists, mixed: Mixed, where: OrderFilter
) -> None:
    store = lists.runner.store
    recording = RecordingStore(store)
    queries = OrderListQueries(cast("ViewStore", recording))
    supplier = lists.market.suppliers[0].company_id
    lists.runner.catch_up()

    queries.orders(supplier, Party.SUPPLIER, where, limit=50, sort=FIRST)

    assert len(recording.sent) == 2, "one read per group"
    for text, params in recording.sent:
        plan = _plan(store, text, params)
        if isinstance(store, PostgresViewStore):
            assert not [line for line in plan if "Seq Scan" in line or "Sort" in line], plan
            assert any("Index Scan" in line and "order_list" in line for line in plan), plan
        else:
            assert not [x for x in plan if x.startswith("SCAN") or "TEMP B-TREE" in x], plan
            assert any(re.match(r"SEARCH order_list_g\d+_orders USING INDEX", x) for x in plan), (
                plan
            )
