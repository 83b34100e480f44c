"""The runner: a failing projection stops at its event; waiting for a command's position."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.application.signals import events_recorded
from betotrace_es.domain.order import Order
from betotrace_es.domain.values import Party
from projections.framework.projection import Projection, Rows, handles
from projections.framework.runner import ProjectionRunner, poll_until
from projections.framework.tables import Table
from projections.read_side import ReadModels
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market, build_market, in_days_at
from tests.integration.test_projection_runner_support import (
    order_projections,
    runner_for,
    separate_read_side,
)


class PoisonedError(Exception):
    """This projection cannot take this event."""


class AcceptedOrders(Projection):
    """A tiny read model of accepted orders that chokes on the orders it is told to."""

    name = "accepted_orders"
    tables = (Table("accepted", (("order_id", "text"), ("version", "int")), key=("order_id",)),)

    def __init__(self, poisoned: set[str]) -> None:
        self.poisoned = poisoned

    @handles(Order.Accepted)
    def order_accepted(self, rows: Rows, event: Order.Accepted) -> None:
        """One row per accepted order."""
        if str(event.originator_id) in self.poisoned:
            raise PoisonedError(f"cannot take {event.originator_id}")
        rows.put(
            "accepted", {"order_id": str(event.originator_id), "version": event.originator_version}
        )


@pytest.fixture
def market(app: Betotrace) -> Market:
    """A fresh marketplace."""
    return build_market(app)


def _accepted(runner: ProjectionRunner) -> list[str]:
    rows = runner.store.fetch("SELECT order_id FROM {q}accepted_orders_accepted ORDER BY order_id")
    return [str(r["order_id"]) for r in rows]


def test_failing_projection_stops_at_its_event_and_the_others_keep_going(market: Market) -> None:
    orders = [market.request(0, n, in_days_at(2 + n)).aggregate for n in range(3)]
    positions = [
        market.app.accept_order(market.supplier_of(o).planner, o.id).position for o in orders
    ]
    poisoned = AcceptedOrders({str(orders[1].id)})
    runner = runner_for(market.app, [poisoned, *order_projections()], batch_size=1)

    runner.catch_up()

    failure = runner.failures["accepted_orders"]
    assert failure.notification_id == positions[1]
    assert isinstance(failure.cause, PoisonedError)
    assert failure.event_type == "Order.Accepted"
    generation = runner.store.active_generation(poisoned)
    assert runner.store.position("accepted_orders", generation) == positions[0]
    assert _accepted(runner) == [str(orders[0].id)]
    assert set(runner.failures) == {"accepted_orders"}
    assert_views_match_aggregates(market, runner.store)

    runner.catch_up()

    assert runner.store.position("accepted_orders", generation) == positions[0]
    assert runner.failures["accepted_orders"].notification_id == positions[1]


def test_failed_event_is_retried_by_the_next_runner_not_skipped(market: Market) -> None:
    orders = [market.request(0, 0, in_days_at(2 + n)).aggregate for n in range(3)]
    planner = market.suppliers[0].planner
    positions = [market.app.accept_order(planner, o.id).position for o in orders]
    poisoned = {str(orders[1].id)}
    runner_for(market.app, [AcceptedOrders(poisoned)], batch_size=10).catch_up()

    still_failing = runner_for(market.app, [AcceptedOrders(poisoned)], batch_size=10)
    still_failing.catch_up()
    assert still_failing.failures["accepted_orders"].notification_id == positions[1]
    assert _accepted(still_failing) == []  # the batch with the event rolled back entirely

    fixed = runner_for(market.app, [AcceptedOrders(set())], batch_size=10)
    fixed.catch_up()
    assert fixed.failures == {}
    assert _accepted(fixed) == sorted(str(o.id) for o in orders)


@pytest.fixture
def started(market: Market) -> Iterator[ProjectionRunner]:
    """A background runner that polls rarely: only waking it makes it catch up quickly."""
    runner = runner_for(market.app, order_projections())
    runner.poll_interval = 60
    runner.catch_up()
    runner.start()
    yield runner
    runner.stop()


def test_wait_until_returns_once_the_background_runner_processed_the_command(
    market: Market, started: ProjectionRunner
) -> None:
    recorded = market.request(0, 0, in_days_at(3))

    assert started.wait_until(recorded.position, timeout=10)
    assert started.position() >= recorded.position
    assert_views_match_aggregates(market, started.store)


def test_wait_until_times_out_when_the_runner_is_stopped(
    market: Market, started: ProjectionRunner
) -> None:
    started.stop()
    recorded = market.request(0, 0, in_days_at(3))

    assert not started.wait_until(recorded.position, timeout=0.2)


def test_embedded_read_models_woken_by_the_signal_list_a_new_order_right_after_wait_until(
    app: Betotrace, market: Market
) -> None:
    models = ReadModels.embedded(app.factory, app.recorder, app.mapper)
    assert models.runner is not None
    models.runner.poll_interval = 60  # only a wake-up makes it look at the log during the test
    models.start()
    try:
        unseen = market.request(0, 0, in_days_at(3))
        assert not poll_until(models.store, models.projections, unseen.position, timeout=0.2)
        events_recorded.connect(models.events_recorded, weak=False)
        try:
            recorded = market.request(1, 0, in_days_at(4))
            assert poll_until(models.store, models.projections, recorded.position, timeout=10)
            assert models.wait_until(recorded.position, timeout=10)
            page = models.orders.orders(market.customers[1].company_id, Party.CUSTOMER)
            assert [i.order_id for i in page.items] == [recorded.aggregate.id]
        finally:
            events_recorded.disconnect(models.events_recorded)
    finally:
        models.stop()


def test_poll_until_sees_the_position_another_runner_reached(
    market: Market, store_env: dict[str, str]
) -> None:
    reader = runner_for(market.app, order_projections())
    reader.catch_up()
    recorded = market.request(0, 0, in_days_at(3))
    assert not poll_until(reader.store, order_projections(), recorded.position, timeout=0.05)

    with separate_read_side(store_env) as side:
        other = ProjectionRunner(side.store, side.source, order_projections(), poll_interval=0.05)
        other.start()
        try:
            assert poll_until(reader.store, order_projections(), recorded.position, timeout=10)
        finally:
            other.stop()
    assert_views_match_aggregates(market, reader.store)


def test_a_woken_runner_gathers_a_burst_but_a_waiting_read_is_served_at_once(
    market: Market, started: ProjectionRunner
) -> None:
    written: list[int] = []
    started.on_written(lambda: written.append(started.position()))
    started.coalesce_seconds = 30.0  # a wake-up alone would wait this long for more commands
    first = market.request(0, 0, in_days_at(3))
    started.wake()
    assert not poll_until(started.store, started.projections, first.position, timeout=0.3)
    second = market.request(1, 0, in_days_at(4))

    began = time.monotonic()
    assert started.wait_until(second.position, timeout=10)  # a waiting read cuts it short

    assert time.monotonic() - began < 5
    assert written == [second.position]  # both commands in one catch-up, the listener told once
    assert_views_match_aggregates(market, started.store)
