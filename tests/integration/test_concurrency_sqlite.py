"""Sanity check of racing commands on one SQLite file shared by two application instances."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic

from betotrace_es.application import Betotrace, order_numbers
from betotrace_es.domain.exceptions import ConflictError, TransitionRefusedError
from betotrace_es.domain.order import Order
from tests.builders import build_world
from tests.integration.test_concurrency_postgres import (
    on,
    race,
    requesting,
    stored_topics,
)

ORDERS = 30


@pytest.fixture
def two_apps_on_one_file(tmp_path: Path) -> Iterator[tuple[Betotrace, Betotrace]]:
    """Two application instances (two connections) on the same SQLite file."""
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "shared.sqlite"),
    }
    first = Betotrace(env=env)
    try:
        second = Betotrace(env=env)
        try:
            yield first, second
        finally:
            second.close()
    finally:
        first.close()


def test_accept_and_cancel_on_sqlite_never_both_succeed_from_one_version(
    two_apps_on_one_file: tuple[Betotrace, Betotrace],
) -> None:
    supplier_app, customer_app = two_apps_on_one_file
    world = build_world(supplier_app)
    orders = [world.request() for _ in range(ORDERS)]

    outcomes = race(
        [
            lambda i: supplier_app.accept_order(world.supplier, orders[i].id, expected_version=1),
            lambda i: customer_app.cancel_order(
                world.customer, orders[i].id, "rain", expected_version=1
            ),
        ],
        ORDERS,
    )

    for order, (accept, cancel) in zip(orders, outcomes, strict=True):
        assert accept.won != cancel.won, (order.number, accept, cancel)
        loser = cancel if accept.won else accept
        assert isinstance(loser.error, ConflictError), loser.error
        winner = Order.Accepted if accept.won else Order.Cancelled
        assert stored_topics(customer_app, order.id) == [
            (1, get_topic(Order.Requested)),
            (2, get_topic(winner)),
        ]


def test_finish_and_cancel_on_sqlite_never_both_succeed(
    two_apps_on_one_file: tuple[Betotrace, Betotrace],
) -> None:
    supplier_app, customer_app = two_apps_on_one_file
    world = build_world(supplier_app)
    orders = [
        supplier_app.accept_order(world.supplier, world.request().id).aggregate
        for _ in range(ORDERS)
    ]

    outcomes = race(
        [
            lambda i: supplier_app.finish_order(world.supplier, orders[i].id),
            lambda i: customer_app.cancel_order(world.customer, orders[i].id, "site closed"),
        ],
        ORDERS,
    )

    for order, (finish, cancel) in zip(orders, outcomes, strict=True):
        assert finish.won != cancel.won, (order.number, finish, cancel)
        loser = cancel if finish.won else finish
        assert isinstance(loser.error, ConflictError | TransitionRefusedError), loser.error
        assert [v for v, _ in stored_topics(supplier_app, order.id)] == [1, 2, 3]


def test_order_requests_on_sqlite_from_two_instances_get_unique_numbers(
    two_apps_on_one_file: tuple[Betotrace, Betotrace],
) -> None:
    first_app, second_app = two_apps_on_one_file
    world = build_world(first_app)
    customers = [on(first_app, world), on(second_app, world)] * 2
    per_thread = 15

    [outcomes] = race([requesting(c, per_thread) for c in customers], rounds=1)

    assert all(o.won for o in outcomes), [o.error for o in outcomes]
    numbers = sorted(n for o in outcomes for n in o.value or [])
    total = per_thread * len(customers)
    running = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert len(set(running)) == total
    assert max(running) <= total + 2 * order_numbers.BLOCK  # at most one unused block each
