"""The order list as planners use it: filters, sorting by delivery moment, stable pages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Party
from projections.framework.runner import ProjectionRunner
from projections.order_list.projection import OrderListProjection
from projections.order_list.queries import (
    InvalidCursorError,
    OrderFilter,
    OrderListItem,
    OrderListQueries,
    encode_cursor,
)
from tests.integration.test_projection_orders_expectations import MAX_PAGES
from tests.integration.test_projection_orders_support import Market, build_market, in_days_at
from tests.integration.test_projection_runner_support import runner_for


@dataclass
class Lists:
    """A marketplace, a runner over it and the list queries."""

    market: Market
    runner: ProjectionRunner
    queries: OrderListQueries

    def ids(self, company: UUID, side: Party, where: OrderFilter | None = None) -> list[UUID]:
        """The ids on the first page (large enough for these tests), caught up first."""
        self.runner.catch_up()
        return [i.order_id for i in self.queries.orders(company, side, where, limit=200).items]


@pytest.fixture
def lists(app: Betotrace) -> Iterator[Lists]:
    """Lists over a fresh marketplace."""
    market = build_market(app)
    runner = runner_for(app, [OrderListProjection()], batch_size=4)
    yield Lists(market, runner, OrderListQueries(runner.store))
    runner.stop()


def test_orders_are_sorted_by_delivery_moment_whatever_the_order_of_requests(lists: Lists) -> None:
    market = lists.market
    made = [market.request(0, n, in_days_at(days)).aggregate for n, days in enumerate([5, 2, 9, 3])]

    listed = lists.ids(market.customers[0].company_id, Party.CUSTOMER)

    assert listed == [o.id for o in sorted(made, key=lambda o: o.delivery_at)]


def test_status_filter_takes_one_or_several_statuses(lists: Lists) -> None:
    market = lists.market
    requested, planned, cancelled = (
        market.request(0, 0, in_days_at(d)).aggregate for d in (2, 3, 4)
    )
    supplier = market.suppliers[0]
    market.app.accept_order(supplier.planner, planned.id)
    market.app.cancel_order(supplier.planner, cancelled.id, "geen beton")
    company = supplier.company_id

    def with_statuses(*statuses: OrderStatus) -> list[UUID]:
        return lists.ids(company, Party.SUPPLIER, OrderFilter(statuses=statuses))

    assert with_statuses(OrderStatus.PLANNED) == [planned.id]
    assert with_statuses(OrderStatus.REQUESTED, OrderStatus.CANCELLED) == [
        requested.id,
        cancelled.id,
    ]
    assert with_statuses(OrderStatus.FINISHED) == []


def test_pages_of_several_statuses_are_the_whole_list_narrowed_to_them(lists: Lists) -> None:
    market = lists.market
    supplier = market.suppliers[0]
    made = [market.request(0, 0, in_days_at(d)).aggregate for d in (6, 2, 9, 4, 3, 8, 5, 7)]
    for order in made[::3]:
        market.app.accept_order(supplier.planner, order.id)
    for order in made[1::3]:
        market.app.cancel_order(supplier.planner, order.id, "geen beton")
    company, side = supplier.company_id, Party.SUPPLIER
    lists.runner.catch_up()
    wanted = {OrderStatus.REQUESTED, OrderStatus.PLANNED}
    # A status named twice is one filter, not two copies of its orders.
    where = OrderFilter(statuses=(OrderStatus.PLANNED, OrderStatus.REQUESTED, OrderStatus.PLANNED))

    paged: list[UUID] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = lists.queries.orders(company, side, where, limit=2, cursor=cursor)
        paged += [i.order_id for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break

    whole = lists.queries.orders(company, side, limit=200).items
    assert paged == [i.order_id for i in whole if i.status in wanted]
    assert len(paged) == 5


def test_action_needed_filter_shows_each_side_what_waits_for_it(lists: Lists) -> None:
    market = lists.market
    supplier, customer = market.suppliers[0], market.customers[0]
    waits_for_supplier = market.request(0, 0, in_days_at(2)).aggregate
    waits_for_customer = market.request(0, 0, in_days_at(3)).aggregate
    market.app.propose_reschedule(supplier.planner, waits_for_customer.id, in_days_at(4))
    customer_proposed = market.request(0, 0, in_days_at(5)).aggregate
    market.app.accept_order(supplier.planner, customer_proposed.id)
    market.app.propose_reschedule(customer.planner, customer_proposed.id, in_days_at(6))
    nothing_waits = market.request(0, 0, in_days_at(7)).aggregate
    market.app.accept_order(supplier.planner, nothing_waits.id)
    mine = OrderFilter(action_needed_by_me=True)

    assert lists.ids(customer.company_id, Party.CUSTOMER, mine) == [waits_for_customer.id]
    assert lists.ids(supplier.company_id, Party.SUPPLIER, mine) == [
        waits_for_supplier.id,
        customer_proposed.id,
    ]


def test_branch_filter_keeps_the_orders_of_that_branch(lists: Lists) -> None:
    market = lists.market
    first, second = market.suppliers[0].branches
    at_first = market.request(0, 0, in_days_at(2)).aggregate
    at_second = market.request(1, 1, in_days_at(3)).aggregate
    company = market.suppliers[0].company_id

    assert lists.ids(company, Party.SUPPLIER, OrderFilter(branch_id=first)) == [at_first.id]
    assert lists.ids(company, Party.SUPPLIER, OrderFilter(branch_id=second)) == [at_second.id]
    assert lists.ids(company, Party.SUPPLIER, OrderFilter(branch_id=uuid.uuid4())) == []


def test_delivery_range_includes_its_start_and_excludes_its_end(lists: Lists) -> None:
    market = lists.market
    made = [market.request(0, 0, in_days_at(d)).aggregate for d in (2, 3, 4, 5)]
    start, end = made[1].delivery_at, made[3].delivery_at
    company = market.customers[0].company_id

    def between(start: datetime | None, end: datetime | None) -> list[UUID]:
        return lists.ids(company, Party.CUSTOMER, OrderFilter(delivery_from=start, delivery_to=end))

    assert between(start, end) == [made[1].id, made[2].id]
    assert between(start, None) == [o.id for o in made[1:]]
    assert between(None, end) == [o.id for o in made[:3]]


@dataclass
class Searchable:
    """Orders that differ in one searchable field each."""

    by_reference: UUID
    at_elise: UUID
    at_zoe: UUID
    at_branch: UUID


@pytest.fixture
def searchable(lists: Lists) -> Searchable:
    """A customer's orders: a reference, two sites, and a renamed branch with accents."""
    market = lists.market
    second = market.suppliers[0].branches[1]
    market.app.rename_branch(
        market.suppliers[0].admin, second, f"Centrale Évère {uuid.uuid4().hex[:6]}"
    )
    return Searchable(
        market.request(0, 0, in_days_at(2), site=2, reference="PO-Ré-42").aggregate.id,
        market.request(0, 0, in_days_at(3), site=0, reference="X").aggregate.id,
        market.request(0, 0, in_days_at(4), site=1, reference="Y").aggregate.id,
        market.request(0, 1, in_days_at(5), site=2, reference="Z").aggregate.id,
    )


TEXT_QUERIES = [
    ("PO-RÉ-42", "by_reference"),
    ("po-re-42", "by_reference"),
    ("RESIDENCE  ELISE", "at_elise"),
    ("liege", "at_elise"),
    ("ZOE", "at_zoe"),
    ("sint-niklaas", "at_zoe"),
    ("évère", "at_branch"),
    ("EVERE", "at_branch"),
]


def test_free_text_finds_orders_accent_and_case_insensitively(
    lists: Lists, searchable: Searchable
) -> None:
    customer = lists.market.customers[0].company_id

    found = {q: lists.ids(customer, Party.CUSTOMER, OrderFilter(text=q)) for q, _ in TEXT_QUERIES}

    assert found == {q: [getattr(searchable, field)] for q, field in TEXT_QUERIES}


def test_free_text_finds_an_order_number_and_the_customers_name(
    lists: Lists, searchable: Searchable
) -> None:
    market = lists.market
    number = market.order(searchable.at_zoe).number
    customer_name = market.app.get_company(market.customers[0].company_id).legal_name
    supplier = market.suppliers[0].company_id

    def search(text: str) -> list[UUID]:
        return lists.ids(supplier, Party.SUPPLIER, OrderFilter(text=text))

    assert search(number.lower()) == [searchable.at_zoe]
    assert search(customer_name.split()[-1].upper()) == [
        searchable.by_reference,
        searchable.at_elise,
        searchable.at_zoe,
        searchable.at_branch,
    ]
    assert search("no such text") == []


def test_keyset_pages_neither_repeat_nor_skip_orders_when_orders_arrive_between_pages(
    lists: Lists,
) -> None:
    market = lists.market
    company = market.customers[0].company_id
    original = [market.request(0, 0, in_days_at(d, 1)).aggregate.id for d in range(2, 10)]
    lists.runner.catch_up()
    first = lists.queries.orders(company, Party.CUSTOMER, limit=3)
    assert first.next_cursor is not None
    before_cursor = market.request(0, 0, in_days_at(1)).aggregate.id
    after_cursor = [market.request(0, 0, in_days_at(d)).aggregate.id for d in (5, 12)]
    lists.runner.catch_up()

    rest: list[OrderListItem] = []
    cursor: str | None = first.next_cursor
    for _ in range(MAX_PAGES):
        if cursor is None:
            break
        page = lists.queries.orders(company, Party.CUSTOMER, limit=3, cursor=cursor)
        rest += page.items
        cursor = page.next_cursor
    assert cursor is None, "the list never ended"

    rest_ids = [i.order_id for i in rest]
    seen = [i.order_id for i in first.items] + rest_ids
    assert len(seen) == len(set(seen)), "an order was listed twice"
    assert [o for o in seen if o in original] == original, "an order was skipped or moved"
    assert before_cursor not in rest_ids
    assert set(after_cursor) <= set(rest_ids)
    assert [i.delivery_at for i in rest] == sorted(i.delivery_at for i in rest)


BAD_CURSORS = ["", "not a cursor", "é", "%%%", encode_cursor(5, "x"), "MTIzNDU", "bm8tY29sb24"]


def test_a_cursor_the_list_did_not_hand_out_is_refused(lists: Lists) -> None:
    company = lists.market.customers[0].company_id
    lists.runner.catch_up()
    for cursor in BAD_CURSORS:
        with pytest.raises(InvalidCursorError):
            lists.queries.orders(company, Party.CUSTOMER, cursor=cursor)


def test_a_tampered_cursor_with_an_impossible_moment_is_refused(lists: Lists) -> None:
    cursor = encode_cursor(2**64, str(uuid.uuid4()))
    company = lists.market.customers[0].company_id
    lists.runner.catch_up()

    try:
        page = lists.queries.orders(company, Party.CUSTOMER, cursor=cursor)
    except InvalidCursorError:
        return
    raise AssertionError(f"the cursor was accepted: {page}")
