"""An order's whole life through the application, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.exceptions import (
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Party
from tests.builders import PRODUCT_CODE, World, a_placement, a_site, build_world, in_days


def last_position(app: Betotrace) -> int:
    """The highest notification id in the store (0 when empty)."""
    return app.recorder.max_notification_id() or 0


def stored_versions(app: Betotrace, order: Order) -> list[int]:
    """The versions of the order's stored events, in order."""
    return [e.originator_version for e in app.recorder.select_events(order.id)]


def assert_shown_as(
    order: Order, status: OrderStatus, label_en: str, label_nl: str, needed: Party | None
) -> None:
    assert order.status is status
    assert order.status_label("en") == label_en
    assert order.status_label("nl") == label_nl
    assert order.action_needed_by is needed


def test_order_goes_from_request_through_reschedules_and_deliveries_to_finished(
    world: World,
) -> None:
    app, supplier, customer = world.app, world.supplier, world.customer
    driver = app.register_driver(supplier, "Luc", "Maes", "0475 11 22 33").aggregate
    requested = app.request_order(
        customer,
        branch_id=world.branch_id,
        product_code=PRODUCT_CODE,
        quantity_m3="24.75",
        delivery_at=in_days(3),
        placement=a_placement(),
        site=a_site(),
        pour_rate_m3_per_h="30",
    )
    order = requested.aggregate
    positions = [requested.position]
    assert order.version == 1
    assert order.quantity_m3 == Decimal("24.75")
    assert_shown_as(
        order,
        OrderStatus.REQUESTED,
        "Awaiting supplier approval",
        "Wachten op goedkeuring leverancier",
        Party.SUPPLIER,
    )

    accepted = app.accept_order(supplier, order.id, expected_version=1)
    positions.append(accepted.position)
    assert accepted.aggregate.version == 2
    assert_shown_as(accepted.aggregate, OrderStatus.PLANNED, "Planned", "Gepland", None)

    first_moment = accepted.aggregate.delivery_at
    proposed = app.propose_reschedule(customer, order.id, in_days(4), "pump is late")
    positions.append(proposed.position)
    assert_shown_as(
        proposed.aggregate,
        OrderStatus.PLANNED,
        "Awaiting supplier approval",
        "Wachten op goedkeuring leverancier",
        Party.SUPPLIER,
    )
    with pytest.raises(TransitionRefusedError, match="your own proposal"):
        app.accept_proposal(customer, order.id)

    counter_moment = in_days(5)
    countered = app.propose_reschedule(supplier, order.id, counter_moment, "only day after")
    positions.append(countered.position)
    assert countered.aggregate.pending_proposal is not None
    assert countered.aggregate.pending_proposal.proposed_by is Party.SUPPLIER
    assert_shown_as(
        countered.aggregate,
        OrderStatus.PLANNED,
        "Awaiting customer approval",
        "Wachten op goedkeuring klant",
        Party.CUSTOMER,
    )

    agreed = app.accept_proposal(customer, order.id)
    positions.append(agreed.position)
    assert agreed.aggregate.delivery_at == counter_moment != first_moment
    assert agreed.aggregate.pending_proposal is None
    assert_shown_as(agreed.aggregate, OrderStatus.PLANNED, "Planned", "Gepland", None)

    planned = app.plan_delivery(supplier, order.id, "12", planned_at=counter_moment)
    positions.append(planned.position)
    second = app.plan_delivery(supplier, order.id, "12.75")
    positions.append(second.position)
    assigned = app.assign_driver(supplier, order.id, 2, driver.id)
    positions.append(assigned.position)
    assert [(d.number, d.volume_m3, d.driver_id) for d in assigned.aggregate.deliveries] == [
        (1, Decimal(12), None),
        (2, Decimal("12.75"), driver.id),
    ]

    finished = app.finish_order(supplier, order.id, expected_version=8)
    positions.append(finished.position)
    assert finished.aggregate.version == 9
    assert_shown_as(finished.aggregate, OrderStatus.FINISHED, "Finished", "Afgewerkt", None)
    assert positions == sorted(set(positions)), "each command's log position is further on"
    assert stored_versions(app, order) == list(range(1, 10))

    stored = app.get_order(customer, order.id)
    assert (stored.status, stored.version, stored.delivery_at) == (
        OrderStatus.FINISHED,
        9,
        counter_moment,
    )


def test_requested_order_with_supplier_proposal_awaits_the_customer_until_declined(
    world: World,
) -> None:
    app, supplier, customer = world.app, world.supplier, world.customer
    order = world.request(days=3)
    with pytest.raises(TransitionRefusedError, match="only the supplier can propose"):
        app.propose_reschedule(customer, order.id, in_days(4))

    proposed = app.propose_reschedule(supplier, order.id, in_days(6), "plant maintenance")
    assert_shown_as(
        proposed.aggregate,
        OrderStatus.REQUESTED,
        "Awaiting customer approval",
        "Wachten op goedkeuring klant",
        Party.CUSTOMER,
    )
    with pytest.raises(TransitionRefusedError, match="pending proposal"):
        app.accept_order(supplier, order.id)

    declined = app.decline_proposal(customer, order.id, "we pour on the planned day")
    assert declined.aggregate.delivery_at == order.delivery_at
    assert_shown_as(
        declined.aggregate,
        OrderStatus.REQUESTED,
        "Awaiting supplier approval",
        "Wachten op goedkeuring leverancier",
        Party.SUPPLIER,
    )
    assert app.accept_order(supplier, order.id).aggregate.status is OrderStatus.PLANNED


def test_customer_accepting_supplier_proposal_plans_a_requested_order(world: World) -> None:
    app = world.app
    order = world.request(days=3)
    moment = in_days(7)
    app.propose_reschedule(world.supplier, order.id, moment)

    accepted = app.accept_proposal(world.customer, order.id).aggregate

    assert (accepted.status, accepted.delivery_at, accepted.action_needed_by) == (
        OrderStatus.PLANNED,
        moment,
        None,
    )


def test_cancelled_order_keeps_the_message_and_refuses_every_further_command(
    world: World,
) -> None:
    app, supplier, customer = world.app, world.supplier, world.customer
    order = world.request()
    app.accept_order(supplier, order.id)
    app.propose_reschedule(supplier, order.id, in_days(9))

    cancelled = app.cancel_order(customer, order.id, "  site flooded  ").aggregate

    assert_shown_as(cancelled, OrderStatus.CANCELLED, "Cancelled", "Geannuleerd", None)
    assert (cancelled.cancelled_by, cancelled.cancellation_message) == (
        Party.CUSTOMER,
        "site flooded",
    )
    assert cancelled.pending_proposal is None
    before = last_position(app)
    refused: list[Callable[[], object]] = [
        lambda: app.accept_order(supplier, order.id),
        lambda: app.cancel_order(supplier, order.id, "again"),
        lambda: app.finish_order(supplier, order.id),
        lambda: app.propose_reschedule(customer, order.id, in_days(10)),
        lambda: app.plan_delivery(supplier, order.id, "5"),
    ]
    for command in refused:
        with pytest.raises(TransitionRefusedError, match="cancelled"):
            command()
    assert last_position(app) == before
    assert app.get_order(supplier, order.id).version == cancelled.version


def test_cancel_without_a_message_is_refused_and_records_nothing(world: World) -> None:
    order = world.request()
    before = last_position(world.app)

    with pytest.raises(ValidationError) as refused:
        world.app.cancel_order(world.supplier, order.id, "   ")

    assert "message" in refused.value.errors
    assert last_position(world.app) == before
    assert world.app.get_order(world.supplier, order.id).status is OrderStatus.REQUESTED


def test_stale_expected_version_is_refused_and_records_nothing(world: World) -> None:
    app = world.app
    order = world.request()
    app.propose_reschedule(world.supplier, order.id, in_days(5))  # now at version 2
    before = last_position(app)

    with pytest.raises(StaleVersionError) as stale:
        app.decline_proposal(world.customer, order.id, "no", expected_version=1)
    with pytest.raises(StaleVersionError):
        app.cancel_order(world.customer, order.id, "no", expected_version=3)

    assert (stale.value.expected, stale.value.actual) == (1, 2)
    assert last_position(app) == before
    assert stored_versions(app, order) == [1, 2]
    assert app.decline_proposal(world.customer, order.id, expected_version=2).aggregate.version == 3


def test_viewer_can_read_an_order_but_not_command_it(world: World) -> None:
    order = world.request()
    viewer = world.actors["supplier_viewer"]

    assert world.app.get_order(viewer, order.id).number == order.number
    with pytest.raises(PermissionDeniedError):
        world.app.accept_order(viewer, order.id)


def test_order_of_one_customer_is_not_found_for_other_companies(world: World) -> None:
    app = world.app
    order = world.request()
    others = build_world(app)
    before = last_position(app)

    for outsider in (others.customer, others.customer_admin, others.supplier):
        with pytest.raises(NotFoundError):
            app.get_order(outsider, order.id)
        with pytest.raises(NotFoundError):
            app.get_order(outsider, order.number)
        with pytest.raises(NotFoundError):
            app.cancel_order(outsider, order.id, "not yours")
    with pytest.raises(NotFoundError):
        app.accept_order(others.supplier, order.id)
    with pytest.raises(NotFoundError):
        app.order_history(others.customer, order.id)
    assert last_position(app) == before


def test_parties_find_an_order_by_its_number(world: World) -> None:
    order = world.request()

    for party in (world.customer, world.supplier, world.actors["customer_viewer"]):
        assert world.app.get_order(party, order.number).id == order.id
    assert world.app.get_order(world.customer, f"  {order.number.lower()} ").id == order.id
    with pytest.raises(NotFoundError):
        world.app.get_order(world.customer, "BT-1999-999999")


def test_order_request_for_closed_branch_or_past_moment_is_refused(world: World) -> None:
    app = world.app
    before = last_position(app)
    with pytest.raises(ValidationError) as past:
        world.request(days=-1)
    assert "delivery_at" in past.value.errors

    app.close_branch(world.supplier_admin, world.branch_id)
    closed_at = last_position(app)
    with pytest.raises(TransitionRefusedError, match="closed"):
        world.request()
    assert last_position(app) == closed_at > before

    app.reopen_branch(world.supplier_admin, world.branch_id)
    assert world.request().status is OrderStatus.REQUESTED


def test_customer_may_finish_a_planned_order_but_not_accept_a_request(world: World) -> None:
    app = world.app
    order = world.request()
    with pytest.raises(PermissionDeniedError, match="only the supplier"):
        app.accept_order(world.customer, order.id)
    app.accept_order(world.supplier, order.id)

    finished = app.finish_order(world.customer, order.id).aggregate

    assert finished.status is OrderStatus.FINISHED
    events = list(app.events.get(order.id))
    assert isinstance(events[-1], Order.Finished)
    assert events[-1].finished_by is Party.CUSTOMER
