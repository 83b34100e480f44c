"""Truck-mixer drivers of a supplier and their assignment to an order's deliveries."""

from __future__ import annotations

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.exceptions import (
    NotFoundError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from tests.builders import World, build_world


def last_position(app: Betotrace) -> int:
    """The highest notification id in the store (0 when empty)."""
    return app.recorder.max_notification_id() or 0


def test_planner_manages_drivers_and_unchanged_driver_is_refused(world: World) -> None:
    app, planner = world.app, world.supplier
    driver = app.register_driver(planner, "Luc", "Maes", "0475 11 22 33").aggregate
    assert (driver.mobile, driver.active) == ("+32475112233", True)

    with pytest.raises(TransitionRefusedError, match="nothing changed"):
        app.change_driver(planner, driver.id, active=True)
    with pytest.raises(ValidationError) as bad_mobile:
        app.register_driver(planner, "Jan", "Peeters", "12")
    with pytest.raises(PermissionDeniedError):
        app.register_driver(world.actors["supplier_viewer"], "Jan", "Peeters", "0475 11 22 33")
    with pytest.raises(NotFoundError):
        app.get_driver(build_world(app).supplier_admin, driver.id)

    assert "mobile" in bad_mobile.value.errors
    assert app.change_driver(planner, driver.id, active=False).aggregate.active is False


@pytest.mark.parametrize("role", ["customer_admin", "customer_planner"])
def test_a_customer_has_no_drivers(world: World, role: str) -> None:
    before = last_position(world.app)

    with pytest.raises(PermissionDeniedError, match="only a supplier has drivers"):
        world.app.register_driver(world.actors[role], "Jan", "Peeters", "0475 11 22 33")

    assert last_position(world.app) == before


def test_only_active_drivers_of_the_supplier_can_drive_its_deliveries(world: World) -> None:
    app, supplier = world.app, world.supplier
    order = world.request()
    app.accept_order(supplier, order.id)
    app.plan_delivery(supplier, order.id, "8")
    resting = app.register_driver(supplier, "Els", "Wouters", "+32 475 99 88 77").aggregate
    app.change_driver(supplier, resting.id, active=False)
    others = build_world(app)
    foreign = app.register_driver(others.supplier, "Jos", "Smet", "0476 12 34 56").aggregate
    before = last_position(app)

    with pytest.raises(ValidationError, match="inactive") as inactive:
        app.assign_driver(supplier, order.id, 1, resting.id)
    with pytest.raises(ValidationError, match="not one of your drivers"):
        app.assign_driver(supplier, order.id, 1, foreign.id)
    with pytest.raises(ValidationError, match="inactive"):
        app.plan_delivery(supplier, order.id, "4", driver_id=resting.id)
    with pytest.raises(ValidationError, match="not one of your drivers"):
        app.plan_delivery(supplier, order.id, "4", driver_id=foreign.id)

    assert "driver_id" in inactive.value.errors
    assert last_position(app) == before
    app.change_driver(supplier, resting.id, active=True)
    assigned = app.assign_driver(supplier, order.id, 1, resting.id).aggregate
    assert assigned.deliveries[0].driver_id == resting.id


def test_drivers_can_only_be_assigned_on_planned_orders(world: World) -> None:
    app = world.app
    order = world.request()
    driver = app.register_driver(world.supplier, "Luc", "Maes", "0475 11 22 33").aggregate

    with pytest.raises(TransitionRefusedError, match="planned order"):
        app.plan_delivery(world.supplier, order.id, "4", driver_id=driver.id)
    app.accept_order(world.supplier, order.id)
    with pytest.raises(NotFoundError, match="no delivery 1"):
        app.assign_driver(world.supplier, order.id, 1, driver.id)
