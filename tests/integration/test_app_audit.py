"""The audit of an order: every event with its actor, and the state at any version or moment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from betotrace_es.application.audit import describe_order
from betotrace_es.domain.exceptions import NotFoundError, ValidationError
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from tests.builders import World, build_world, in_days


def a_long_order(world: World) -> Order:
    """Requested, accepted, rescheduled by the customer, declined, then cancelled."""
    app = world.app
    order = world.request()
    app.accept_order(world.supplier, order.id)
    app.propose_reschedule(world.customer, order.id, in_days(6), "rain forecast")
    app.decline_proposal(world.supplier, order.id, "fully booked that day")
    return app.cancel_order(world.customer, order.id, "project postponed").aggregate


def test_history_lists_every_event_in_order_with_its_actor_and_data(world: World) -> None:
    order = a_long_order(world)

    history = world.app.order_history(world.supplier, order.number)

    assert (history.order_id, history.number, history.state) == (order.id, order.number, None)
    assert [(e.version, e.type) for e in history.entries] == [
        (1, "OrderRequested"),
        (2, "OrderAccepted"),
        (3, "DeliveryRescheduleProposed"),
        (4, "DeliveryRescheduleDeclined"),
        (5, "OrderCancelled"),
    ]
    actors = [(e.actor.name, e.actor.company_id) for e in history.entries]
    assert actors == [
        ("Planner Customer", world.customer_id),
        ("Planner Supplier", world.supplier_id),
        ("Planner Customer", world.customer_id),
        ("Planner Supplier", world.supplier_id),
        ("Planner Customer", world.customer_id),
    ]
    assert history.entries[0].actor.company.startswith("Bouw BV")
    assert history.entries[0].data["number"] == order.number
    assert history.entries[0].data["quantity_m3"] == "12.5"
    assert history.entries[2].data["message"] == "rain forecast"
    assert history.entries[2].data["proposed_by"] == "customer"
    assert history.entries[3].data["message"] == "fully booked that day"
    assert history.entries[4].data == {"cancelled_by": "customer", "message": "project postponed"}
    times = [e.recorded_at for e in history.entries]
    assert times == sorted(times)


def test_state_at_each_version_replays_the_events_up_to_it(world: World) -> None:
    order = a_long_order(world)
    expected = [
        (OrderStatus.REQUESTED, "supplier", False),
        (OrderStatus.PLANNED, None, False),
        (OrderStatus.PLANNED, "supplier", True),
        (OrderStatus.PLANNED, None, False),
        (OrderStatus.CANCELLED, None, False),
    ]

    for version, (status, needed, pending) in enumerate(expected, start=1):
        history = world.app.order_history(world.customer, order.id, at_version=version)
        assert history.state is not None
        assert history.state_version == version
        shown = describe_order(history.state)
        assert (history.state.status, shown["action_needed_by"]) == (status, needed)
        assert (shown["pending_proposal"] is not None) == pending
    latest = describe_order(world.app.get_order(world.customer, order.id), "nl")
    assert (latest["status_label"], latest["cancellation"]) == (
        "Geannuleerd",
        {"by": "customer", "message": "project postponed"},
    )


def test_state_at_a_moment_is_the_last_version_recorded_by_then(world: World) -> None:
    order = a_long_order(world)
    entries = world.app.order_history(world.supplier, order.id).entries

    at_second = world.app.order_history(world.supplier, order.id, at=entries[1].recorded_at)
    long_after = world.app.order_history(
        world.supplier, order.id, at=entries[-1].recorded_at + timedelta(days=1)
    )

    assert at_second.state_version == 2
    assert at_second.state is not None
    assert at_second.state.status is OrderStatus.PLANNED
    assert long_after.state_version == 5


def test_history_refuses_impossible_points_in_time(world: World) -> None:
    order = world.request()
    first = world.app.order_history(world.customer, order.id).entries[0].recorded_at

    for kwargs, field in (
        ({"at_version": 0}, "at_version"),
        ({"at_version": 2}, "at_version"),
        ({"at": first - timedelta(seconds=1)}, "at"),
        ({"at": first.replace(tzinfo=None)}, "at"),
        ({"at_version": 1, "at": first}, "at"),
    ):
        with pytest.raises(ValidationError) as refused:
            world.app.order_history(world.customer, order.id, **kwargs)
        assert field in refused.value.errors


def test_history_of_an_order_is_not_found_for_other_companies(world: World) -> None:
    order = world.request()
    others = build_world(world.app)

    for outsider in (others.customer_admin, others.supplier_admin):
        with pytest.raises(NotFoundError):
            world.app.order_history(outsider, order.number)
