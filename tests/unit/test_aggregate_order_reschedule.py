"""Proposing, and counter-proposing, a new delivery moment."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

import pytest

from betotrace_es.domain.exceptions import (
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus, Proposal
from betotrace_es.domain.values import Actor, Party, Role
from tests.builders import World, in_days
from tests.unit.order_steps import planned, proposed, refused_without_event, single_event


def test_supplier_proposes_a_new_moment_on_a_requested_order(memory_world: World) -> None:
    order = memory_world.request()
    moment = in_days(5)

    order.propose_reschedule(memory_world.supplier, moment, "truck shortage on Monday")

    event = single_event(order, Order.DeliveryRescheduleProposed)
    assert order.pending_proposal == Proposal(
        moment, Party.SUPPLIER, "truck shortage on Monday", event.timestamp
    )
    assert order.action_needed_by is Party.CUSTOMER
    assert order.status is OrderStatus.REQUESTED
    assert (event.delivery_at, event.proposed_by) == (moment, Party.SUPPLIER)
    assert event.message == "truck shortage on Monday"
    assert event.actor_user_id == memory_world.supplier.user_id
    assert event.actor_company_id == memory_world.supplier_id


@pytest.mark.parametrize(
    ("who", "party"), [("customer_admin", Party.CUSTOMER), ("supplier_admin", Party.SUPPLIER)]
)
def test_either_party_proposes_on_a_planned_order(
    memory_world: World, who: str, party: Party
) -> None:
    order = planned(memory_world)

    order.propose_reschedule(memory_world.actors[who], in_days(4))

    assert order.pending_proposal is not None
    assert order.pending_proposal.proposed_by is party
    assert order.action_needed_by is party.other
    assert single_event(order, Order.DeliveryRescheduleProposed).proposed_by is party


def test_customer_cannot_propose_before_the_supplier_accepted(memory_world: World) -> None:
    order = memory_world.request()

    refused_without_event(
        order,
        TransitionRefusedError,
        lambda: order.propose_reschedule(memory_world.customer, in_days(5)),
    )


def test_customer_counter_proposes_on_a_requested_order(memory_world: World) -> None:
    order = proposed(memory_world.request(), memory_world, "supplier_planner", in_days(5))
    moment = in_days(6)

    order.propose_reschedule(memory_world.customer, moment, "Friday suits us better")

    event = single_event(order, Order.DeliveryRescheduleProposed)
    assert order.pending_proposal == Proposal(
        moment, Party.CUSTOMER, "Friday suits us better", event.timestamp
    )
    assert order.action_needed_by is Party.SUPPLIER
    assert event.proposed_by is Party.CUSTOMER


def test_proposer_cannot_propose_again_while_its_proposal_is_pending(memory_world: World) -> None:
    order = proposed(planned(memory_world), memory_world, "customer_planner", in_days(5))

    refused_without_event(
        order,
        TransitionRefusedError,
        lambda: order.propose_reschedule(memory_world.customer, in_days(6)),
    )


@pytest.mark.parametrize(
    "moment", [in_days(-1), datetime(2099, 5, 4, 7, 30)], ids=["past", "naive"]
)
def test_proposal_needs_a_future_timezone_aware_moment(
    memory_world: World, moment: datetime
) -> None:
    order = planned(memory_world)

    error = refused_without_event(
        order, ValidationError, lambda: order.propose_reschedule(memory_world.supplier, moment)
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["delivery_at"]


def test_proposal_of_the_current_moment_is_refused(memory_world: World) -> None:
    order = planned(memory_world)

    error = refused_without_event(
        order,
        ValidationError,
        lambda: order.propose_reschedule(memory_world.supplier, order.delivery_at),
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["delivery_at"]


@pytest.mark.parametrize("who", ["customer_viewer", "supplier_viewer"])
def test_viewer_cannot_propose(memory_world: World, who: str) -> None:
    order = planned(memory_world)

    refused_without_event(
        order,
        PermissionDeniedError,
        lambda: order.propose_reschedule(memory_world.actors[who], in_days(5)),
    )


def test_finished_order_can_no_longer_be_rescheduled(memory_world: World) -> None:
    order = planned(memory_world)
    order.finish(memory_world.supplier)
    order.collect_events()

    refused_without_event(
        order,
        TransitionRefusedError,
        lambda: order.propose_reschedule(memory_world.supplier, in_days(5)),
    )


def test_outsider_cannot_propose(memory_world: World) -> None:
    order = planned(memory_world)
    stranger = Actor(uuid4(), uuid4(), Role.ADMIN)

    refused_without_event(
        order, PermissionDeniedError, lambda: order.propose_reschedule(stranger, in_days(5))
    )


def test_too_long_message_is_refused_naming_the_message(memory_world: World) -> None:
    order = planned(memory_world)

    error = refused_without_event(
        order,
        ValidationError,
        lambda: order.propose_reschedule(memory_world.supplier, in_days(5), "x" * 2001),
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["message"]


def test_refused_proposal_through_the_application_stores_no_event(memory_world: World) -> None:
    app = memory_world.app
    order = memory_world.request()
    before = app.recorder.max_notification_id()

    with pytest.raises(TransitionRefusedError):
        app.propose_reschedule(memory_world.customer, order.id, in_days(5))
    with pytest.raises(ValidationError):
        app.propose_reschedule(memory_world.supplier, order.id, in_days(-1))

    assert app.recorder.max_notification_id() == before
    assert len(list(app.events.get(order.id))) == 1
