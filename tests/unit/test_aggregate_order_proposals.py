"""Answering a pending proposal: only the party that did not propose accepts or declines it."""

from __future__ import annotations

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
from tests.unit.order_steps import planned, proposed, refused_without_event, single_event


def test_customer_accepting_the_suppliers_proposal_plans_a_requested_order(
    memory_world: World,
) -> None:
    moment = in_days(5)
    order = proposed(memory_world.request(), memory_world, "supplier_planner", moment)

    order.accept_proposal(memory_world.customer)

    assert (order.status, order.delivery_at, order.pending_proposal) == (
        OrderStatus.PLANNED,
        moment,
        None,
    )
    event = single_event(order, Order.DeliveryRescheduleAccepted)
    assert (event.delivery_at, event.accepted_by) == (moment, Party.CUSTOMER)
    assert event.actor_user_id == memory_world.customer.user_id


def test_supplier_accepts_the_customers_proposal_on_a_planned_order(memory_world: World) -> None:
    moment = in_days(7)
    order = proposed(planned(memory_world), memory_world, "customer_admin", moment)

    order.accept_proposal(memory_world.supplier)

    assert (order.status, order.delivery_at) == (OrderStatus.PLANNED, moment)
    assert single_event(order, Order.DeliveryRescheduleAccepted).accepted_by is Party.SUPPLIER


@pytest.mark.parametrize("side", ["supplier", "customer"])
def test_proposer_cannot_accept_its_own_proposal(memory_world: World, side: str) -> None:
    order = proposed(planned(memory_world), memory_world, f"{side}_planner", in_days(5))

    refused_without_event(
        order,
        TransitionRefusedError,
        lambda: order.accept_proposal(memory_world.actors[f"{side}_admin"]),
    )


def test_customer_cannot_accept_its_own_counter_proposal(memory_world: World) -> None:
    order = proposed(memory_world.request(), memory_world, "supplier_planner", in_days(5))
    order = proposed(order, memory_world, "customer_planner", in_days(6))

    refused_without_event(
        order, TransitionRefusedError, lambda: order.accept_proposal(memory_world.customer)
    )


def test_nothing_to_accept_without_a_pending_proposal(memory_world: World) -> None:
    order = planned(memory_world)

    refused_without_event(
        order, TransitionRefusedError, lambda: order.accept_proposal(memory_world.customer)
    )


def test_viewer_cannot_accept_a_proposal(memory_world: World) -> None:
    order = proposed(planned(memory_world), memory_world, "supplier_planner", in_days(5))

    refused_without_event(
        order,
        PermissionDeniedError,
        lambda: order.accept_proposal(memory_world.actors["customer_viewer"]),
    )


def test_refused_accept_proposal_through_the_application_stores_no_event(
    memory_world: World,
) -> None:
    app = memory_world.app
    order = memory_world.request()
    app.propose_reschedule(memory_world.supplier, order.id, in_days(5))
    before = len(list(app.events.get(order.id)))

    with pytest.raises(TransitionRefusedError):
        app.accept_proposal(memory_world.supplier, order.id)

    assert len(list(app.events.get(order.id))) == before == 2


# -- decline proposal ----------------------------------------------------------------------


def test_customer_declines_the_suppliers_proposal_and_the_moment_stays(
    memory_world: World,
) -> None:
    order = memory_world.request()
    original = order.delivery_at
    order = proposed(order, memory_world, "supplier_planner", in_days(5))

    order.decline_proposal(memory_world.customer, "  we pour on the agreed day ")

    assert (order.delivery_at, order.pending_proposal) == (original, None)
    assert order.status is OrderStatus.REQUESTED
    assert order.action_needed_by is Party.SUPPLIER
    event = single_event(order, Order.DeliveryRescheduleDeclined)
    assert (event.declined_by, event.message) == (Party.CUSTOMER, "we pour on the agreed day")
    assert event.actor_company_id == memory_world.customer_id


def test_proposer_cannot_decline_its_own_proposal(memory_world: World) -> None:
    order = proposed(planned(memory_world), memory_world, "customer_planner", in_days(5))

    refused_without_event(
        order,
        TransitionRefusedError,
        lambda: order.decline_proposal(memory_world.customer, "no"),
    )


def test_nothing_to_decline_without_a_pending_proposal(memory_world: World) -> None:
    order = planned(memory_world)

    refused_without_event(
        order,
        TransitionRefusedError,
        lambda: order.decline_proposal(memory_world.supplier, "no"),
    )


def test_declining_on_a_cancelled_order_says_it_can_no_longer_be_declined(
    memory_world: World,
) -> None:
    order = memory_world.request()
    order.cancel(memory_world.customer, "not needed")
    order.collect_events()

    error = refused_without_event(
        order, TransitionRefusedError, lambda: order.decline_proposal(memory_world.supplier)
    )

    assert "can no longer be declined" in error.message


@pytest.mark.parametrize("who", ["supplier_viewer", "stranger"])
def test_viewer_or_outsider_cannot_decline_a_proposal(memory_world: World, who: str) -> None:
    order = proposed(planned(memory_world), memory_world, "customer_planner", in_days(5))
    actor = memory_world.actors.get(who, Actor(uuid4(), uuid4(), Role.ADMIN))

    refused_without_event(order, PermissionDeniedError, lambda: order.decline_proposal(actor, "no"))


def test_refused_decline_through_the_application_stores_no_event(memory_world: World) -> None:
    app = memory_world.app
    order = memory_world.request()
    app.accept_order(memory_world.supplier, order.id)
    app.propose_reschedule(memory_world.customer, order.id, in_days(8), "later")
    before = app.recorder.max_notification_id()

    with pytest.raises(TransitionRefusedError):
        app.decline_proposal(memory_world.customer, order.id, "no")
    with pytest.raises(ValidationError):
        app.decline_proposal(memory_world.supplier, order.id, "x" * 2001)

    assert app.recorder.max_notification_id() == before
    stored = app.get_order(memory_world.customer, order.id)
    assert stored.pending_proposal is not None
    assert stored.pending_proposal.message == "later"
