"""Truck loads of a planned order: plan_delivery and assign_driver."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from betotrace_es.domain.exceptions import (
    NotFoundError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import Delivery
from tests.builders import World, in_days
from tests.unit.order_steps import planned, refused_without_event, single_event


def with_a_load(world: World) -> Order:
    order = planned(world)
    order.plan_delivery(world.supplier, "6")
    order.collect_events()
    return order


def a_driver(world: World, actor: str = "supplier_planner") -> UUID:
    return world.app.register_driver(
        world.actors[actor], "Luc", "Maes", "0470 99 88 77"
    ).aggregate.id


# -- plan delivery -------------------------------------------------------------------------


def test_supplier_plans_numbered_truck_loads_on_a_planned_order(memory_world: World) -> None:
    order = planned(memory_world)
    at, driver = in_days(3), uuid4()

    first = order.plan_delivery(memory_world.supplier, "6.000", at, driver)
    event = single_event(order, Order.DeliveryPlanned)
    second = order.plan_delivery(memory_world.supplier, 6)

    assert (first, second) == (1, 2)
    assert order.deliveries[0] == Delivery(1, Decimal(6), at, driver)
    assert order.deliveries[1] == Delivery(2, Decimal(6), None, None)
    assert (event.delivery_number, event.volume_m3, event.driver_id) == (1, Decimal(6), driver)
    assert event.actor_user_id == memory_world.supplier.user_id


def test_deliveries_cannot_be_planned_on_a_requested_order(memory_world: World) -> None:
    order = memory_world.request()

    refused_without_event(
        order, TransitionRefusedError, lambda: order.plan_delivery(memory_world.supplier, "6")
    )


def test_customer_cannot_plan_deliveries(memory_world: World) -> None:
    order = planned(memory_world)

    refused_without_event(
        order, PermissionDeniedError, lambda: order.plan_delivery(memory_world.customer, "6")
    )


@pytest.mark.parametrize(
    ("volume", "planned_at", "field"),
    [
        ("0", None, "volume_m3"),
        ("2.0001", None, "volume_m3"),
        ("6", datetime(2099, 1, 1, 8, 0), "planned_at"),
    ],
)
def test_invalid_delivery_is_refused_naming_the_field(
    memory_world: World, volume: str, planned_at: datetime | None, field: str
) -> None:
    order = planned(memory_world)

    error = refused_without_event(
        order,
        ValidationError,
        lambda: order.plan_delivery(memory_world.supplier, volume, planned_at),
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == [field]


# -- assign driver -------------------------------------------------------------------------


def test_supplier_assigns_a_driver_to_a_truck_load(memory_world: World) -> None:
    order = with_a_load(memory_world)
    driver = uuid4()

    order.assign_driver(memory_world.actors["supplier_admin"], 1, driver)

    assert order.deliveries[0].driver_id == driver
    event = single_event(order, Order.DriverAssigned)
    assert (event.delivery_number, event.driver_id) == (1, driver)
    assert event.actor_company_id == memory_world.supplier_id


@pytest.mark.parametrize("number", [0, 2, -1])
def test_driver_cannot_be_assigned_to_a_load_that_does_not_exist(
    memory_world: World, number: int
) -> None:
    order = with_a_load(memory_world)

    error = refused_without_event(
        order, NotFoundError, lambda: order.assign_driver(memory_world.supplier, number, uuid4())
    )

    assert f"has no delivery {number}" in str(error)


@pytest.mark.parametrize("who", ["customer_admin", "supplier_viewer"])
def test_only_supplier_planners_and_admins_assign_drivers(memory_world: World, who: str) -> None:
    order = with_a_load(memory_world)

    refused_without_event(
        order,
        PermissionDeniedError,
        lambda: order.assign_driver(memory_world.actors[who], 1, uuid4()),
    )


def test_driver_cannot_be_assigned_once_the_order_is_finished(memory_world: World) -> None:
    order = with_a_load(memory_world)
    order.finish(memory_world.supplier)
    order.collect_events()

    refused_without_event(
        order,
        TransitionRefusedError,
        lambda: order.assign_driver(memory_world.supplier, 1, uuid4()),
    )


def test_application_assigns_an_active_driver_of_the_supplier(memory_world: World) -> None:
    app = memory_world.app
    order = memory_world.request()
    app.accept_order(memory_world.supplier, order.id)
    app.plan_delivery(memory_world.supplier, order.id, "6")
    driver = a_driver(memory_world)

    recorded = app.assign_driver(memory_world.supplier, order.id, 1, driver)

    assert recorded.aggregate.deliveries[0].driver_id == driver
    assert type(list(app.events.get(order.id))[-1]) is Order.DriverAssigned


def test_application_refuses_an_unknown_or_inactive_driver_and_stores_nothing(
    memory_world: World,
) -> None:
    app = memory_world.app
    order = memory_world.request()
    app.accept_order(memory_world.supplier, order.id)
    app.plan_delivery(memory_world.supplier, order.id, "6")
    inactive = a_driver(memory_world)
    app.change_driver(memory_world.supplier, inactive, active=False)
    before = app.recorder.max_notification_id()

    for driver in (uuid4(), inactive, order.id):
        with pytest.raises(ValidationError) as refused:
            app.assign_driver(memory_world.supplier, order.id, 1, driver)
        assert list(refused.value.errors) == ["driver_id"]

    assert app.recorder.max_notification_id() == before
