"""Two application instances on one store (two worker processes): every decision is current.

Each instance starts an order command from the order as it saved it last, without reading
the store; these tests make that copy stale on purpose and check that the outcome is exactly
the one of deciding on the store's current state.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eventsourcing.utils import get_topic

from betotrace_es.application import Betotrace
from betotrace_es.domain.exceptions import (
    DomainError,
    StaleVersionError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from tests.builders import PRODUCT_CODE, World, in_days

REQUESTED = get_topic(Order.Requested)


@pytest.fixture
def other(store_env: dict[str, str]) -> Iterator[Betotrace]:
    """A second instance of the application on the store of ``world``."""
    application = Betotrace(env=store_env)
    yield application
    application.close()


def test_accept_after_the_other_process_cancelled_is_refused_as_cancelled(
    world: World, other: Betotrace
) -> None:
    order = world.request()  # the first instance saved it: its copy is at version 1
    other.cancel_order(world.customer, order.id, "site flooded")

    with pytest.raises(TransitionRefusedError, match="cancelled"):
        world.app.accept_order(world.supplier, order.id)

    assert [e.originator_version for e in world.app.recorder.select_events(order.id)] == [1, 2]
    assert world.app.get_order(world.supplier, order.id).status is OrderStatus.CANCELLED


def test_a_command_refused_on_a_stale_copy_is_decided_again_on_the_current_order(
    world: World, other: Betotrace
) -> None:
    order = world.request()
    world.app.propose_reschedule(world.supplier, order.id, in_days(5), "mixer in repair")
    # The customer answers through the other process; the first one still sees the proposal.
    other.decline_proposal(world.customer, order.id, "we need it on the day")

    accepted = world.app.accept_order(world.supplier, order.id)  # refused on the stale copy

    assert accepted.aggregate.status is OrderStatus.PLANNED
    assert accepted.aggregate.version == 4
    assert accepted.aggregate.pending_proposal is None


def test_stale_copy_and_a_current_if_match_still_succeed(world: World, other: Betotrace) -> None:
    order = world.request()
    world.app.accept_order(world.supplier, order.id)
    other.propose_reschedule(world.customer, order.id, in_days(6), "the pump is late")

    accepted = world.app.accept_proposal(world.supplier, order.id, expected_version=3)

    assert accepted.aggregate.version == 4
    assert accepted.aggregate.delivery_at == other.get_order(world.customer, order.id).delivery_at


def test_stale_if_match_is_refused_with_the_current_version(world: World, other: Betotrace) -> None:
    order = world.request()
    other.accept_order(world.supplier, order.id)

    with pytest.raises(StaleVersionError) as refused:
        world.app.finish_order(world.supplier, order.id, expected_version=1)

    assert (refused.value.expected, refused.value.actual) == (1, 2)


def test_commands_alternating_between_processes_build_one_history(
    world: World, other: Betotrace
) -> None:
    order = world.request()
    world.app.propose_reschedule(world.supplier, order.id, in_days(4), "earlier slot")
    other.propose_reschedule(world.customer, order.id, in_days(5), "counter")
    world.app.accept_proposal(world.supplier, order.id)
    other.finish_order(world.customer, order.id)

    for app in (world.app, other):
        seen = app.get_order(world.supplier, order.id)
        assert (seen.status, seen.version) == (OrderStatus.FINISHED, 5)
    topics = [type(e).__name__ for e in other.events.get(order.id)]
    assert topics == [
        "Requested",
        "DeliveryRescheduleProposed",
        "DeliveryRescheduleProposed",
        "DeliveryRescheduleAccepted",
        "Finished",
    ]
    assert world.app.get_order(world.customer, order.id).action_needed_by is None


def test_a_branch_the_other_process_closed_takes_no_more_requests(
    world: World, other: Betotrace
) -> None:
    world.request()  # this instance has read the branch and its catalogue
    other.close_branch(world.supplier_admin, world.branch_id)

    with pytest.raises(TransitionRefusedError, match="closed"):
        world.request()

    assert len(world.app.recorder.select_notifications(1, 1000, topics=[REQUESTED])) == 1


def test_a_product_the_other_process_took_off_sale_is_refused(
    world: World, other: Betotrace
) -> None:
    world.request()
    other.deactivate_product(world.supplier_admin, PRODUCT_CODE)

    with pytest.raises(ValidationError) as refused:
        world.request()

    assert refused.value.errors == {"product_code": [f"'{PRODUCT_CODE}' is no longer sold"]}
    assert len(world.app.recorder.select_notifications(1, 1000, topics=[REQUESTED])) == 1


def test_a_driver_the_other_process_deactivated_cannot_be_assigned(
    world: World, other: Betotrace
) -> None:
    order = world.request()
    world.app.accept_order(world.supplier, order.id)
    driver = world.app.register_driver(world.supplier, "Luc", "Maes", "0475 11 22 33").aggregate
    world.app.plan_delivery(world.supplier, order.id, "6", driver_id=driver.id)  # read: active
    other.change_driver(world.supplier, driver.id, active=False)

    with pytest.raises(DomainError):
        world.app.plan_delivery(world.supplier, order.id, "6", driver_id=driver.id)
    with pytest.raises(DomainError):
        world.app.assign_driver(world.supplier, order.id, 1, driver.id)

    assert world.app.get_order(world.supplier, order.id).version == 3
