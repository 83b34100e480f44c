"""Order.accept, finish and cancel: allowed by the right party in the right state only."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

import pytest

from betotrace_es.domain.exceptions import (
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Actor, Party, Role
from tests.builders import World, in_days
from tests.unit.order_steps import planned, refused_without_event, single_event


def finished(world: World) -> Order:
    order = planned(world)
    order.finish(world.supplier)
    order.collect_events()
    return order


def cancelled(world: World) -> Order:
    order = world.request()
    order.cancel(world.customer, "site not ready")
    order.collect_events()
    return order


# -- accept --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["supplier_admin", "supplier_planner"])
def test_supplier_accepts_a_requested_order_which_becomes_planned(
    memory_world: World, who: str
) -> None:
    order = memory_world.request()
    actor = memory_world.actors[who]

    order.accept(actor)

    assert order.status is OrderStatus.PLANNED
    assert order.action_needed_by is None
    event = single_event(order, Order.Accepted)
    assert (event.actor_user_id, event.actor_company_id) == (actor.user_id, actor.company_id)


@pytest.mark.parametrize("who", ["customer_admin", "customer_planner"])
def test_customer_cannot_accept_an_order(memory_world: World, who: str) -> None:
    order = memory_world.request()

    refused_without_event(
        order, PermissionDeniedError, lambda: order.accept(memory_world.actors[who])
    )


def test_supplier_viewer_cannot_accept_an_order(memory_world: World) -> None:
    order = memory_world.request()
    viewer = memory_world.actors["supplier_viewer"]

    refused_without_event(order, PermissionDeniedError, lambda: order.accept(viewer))


def test_other_company_cannot_accept_an_order(memory_world: World) -> None:
    order = memory_world.request()
    stranger = Actor(uuid4(), uuid4(), Role.ADMIN)

    refused_without_event(order, PermissionDeniedError, lambda: order.accept(stranger))


def test_order_with_a_pending_proposal_cannot_be_accepted(memory_world: World) -> None:
    order = memory_world.request()
    order.propose_reschedule(memory_world.supplier, in_days(5))
    order.collect_events()

    refused_without_event(
        order, TransitionRefusedError, lambda: order.accept(memory_world.supplier)
    )


@pytest.mark.parametrize("state", [planned, finished, cancelled])
def test_only_a_requested_order_can_be_accepted(
    memory_world: World, state: Callable[[World], Order]
) -> None:
    order = state(memory_world)

    refused_without_event(
        order, TransitionRefusedError, lambda: order.accept(memory_world.supplier)
    )


def test_refused_accept_through_the_application_stores_no_event(memory_world: World) -> None:
    app = memory_world.app
    order = memory_world.request()
    before = app.recorder.max_notification_id()

    with pytest.raises(PermissionDeniedError):
        app.accept_order(memory_world.customer, order.id)

    assert app.recorder.max_notification_id() == before
    assert len(list(app.events.get(order.id))) == 1


def test_accept_through_the_application_stores_the_accepted_event(memory_world: World) -> None:
    app = memory_world.app
    order = memory_world.request()

    recorded = app.accept_order(memory_world.supplier, order.id)

    assert recorded.aggregate.status is OrderStatus.PLANNED
    stored = list(app.events.get(order.id))
    assert [type(e).__qualname__ for e in stored] == ["Order.Requested", "Order.Accepted"]
    assert recorded.position == app.recorder.max_notification_id()


# -- finish --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "party"), [("supplier_planner", Party.SUPPLIER), ("customer_admin", Party.CUSTOMER)]
)
def test_either_party_finishes_a_planned_order(memory_world: World, who: str, party: Party) -> None:
    order = planned(memory_world)
    actor = memory_world.actors[who]

    order.finish(actor)

    assert order.status is OrderStatus.FINISHED
    assert order.action_needed_by is None
    event = single_event(order, Order.Finished)
    assert event.finished_by is party
    assert (event.actor_user_id, event.actor_company_id) == (actor.user_id, actor.company_id)


@pytest.mark.parametrize("state", [OrderStatus.REQUESTED, OrderStatus.FINISHED])
def test_only_a_planned_order_can_be_finished(memory_world: World, state: OrderStatus) -> None:
    order = memory_world.request() if state is OrderStatus.REQUESTED else finished(memory_world)

    refused_without_event(
        order, TransitionRefusedError, lambda: order.finish(memory_world.supplier)
    )


def test_planned_order_with_a_pending_proposal_cannot_be_finished(memory_world: World) -> None:
    order = planned(memory_world)
    order.propose_reschedule(memory_world.customer, in_days(6))
    order.collect_events()

    refused_without_event(
        order, TransitionRefusedError, lambda: order.finish(memory_world.supplier)
    )


@pytest.mark.parametrize("who", ["supplier_viewer", "customer_viewer"])
def test_viewer_cannot_finish_an_order(memory_world: World, who: str) -> None:
    order = planned(memory_world)

    refused_without_event(
        order, PermissionDeniedError, lambda: order.finish(memory_world.actors[who])
    )


# -- cancel --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "who", "party"),
    [
        ("requested", "customer_planner", Party.CUSTOMER),
        ("requested", "supplier_admin", Party.SUPPLIER),
        ("planned", "supplier_planner", Party.SUPPLIER),
        ("planned", "customer_admin", Party.CUSTOMER),
    ],
)
def test_either_party_cancels_an_open_order_with_a_message(
    memory_world: World, state: str, who: str, party: Party
) -> None:
    order = memory_world.request() if state == "requested" else planned(memory_world)
    actor = memory_world.actors[who]

    order.cancel(actor, "  pour postponed:   rain  ")

    assert order.status is OrderStatus.CANCELLED
    assert order.cancelled_by is party
    assert order.cancellation_message == "pour postponed: rain"
    event = single_event(order, Order.Cancelled)
    assert (event.cancelled_by, event.message) == (party, "pour postponed: rain")
    assert (event.actor_user_id, event.actor_company_id) == (actor.user_id, actor.company_id)


def test_cancelling_drops_a_pending_proposal(memory_world: World) -> None:
    order = memory_world.request()
    order.propose_reschedule(memory_world.supplier, in_days(5))
    order.collect_events()

    order.cancel(memory_world.customer, "found another plant")

    assert order.pending_proposal is None
    assert order.action_needed_by is None
    single_event(order, Order.Cancelled)


def test_cancel_without_a_reason_is_refused_naming_the_message(memory_world: World) -> None:
    order = memory_world.request()

    error = refused_without_event(
        order, ValidationError, lambda: order.cancel(memory_world.customer, "   ")
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["message"]


@pytest.mark.parametrize("state", [finished, cancelled])
def test_final_order_can_no_longer_be_cancelled(
    memory_world: World, state: Callable[[World], Order]
) -> None:
    order = state(memory_world)

    refused_without_event(
        order, TransitionRefusedError, lambda: order.cancel(memory_world.supplier, "oops")
    )


def test_viewer_and_outsider_cannot_cancel(memory_world: World) -> None:
    order = memory_world.request()
    viewer = memory_world.actors["customer_viewer"]
    stranger = Actor(uuid4(), uuid4(), Role.PLANNER)

    refused_without_event(order, PermissionDeniedError, lambda: order.cancel(viewer, "x"))
    refused_without_event(order, PermissionDeniedError, lambda: order.cancel(stranger, "x"))


def test_refused_cancel_through_the_application_stores_no_event(memory_world: World) -> None:
    app = memory_world.app
    order = memory_world.request()
    app.cancel_order(memory_world.customer, order.id, "not needed")
    before = app.recorder.max_notification_id()

    with pytest.raises(TransitionRefusedError):
        app.cancel_order(memory_world.supplier, order.id, "again")

    assert app.recorder.max_notification_id() == before
    assert len(list(app.events.get(order.id))) == 2
