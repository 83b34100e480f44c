"""Driver: a supplier's truck-mixer driver; planners and admins manage them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import uuid4

import pytest

from betotrace_es.domain.exceptions import (
    DomainError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.people import Driver
from betotrace_es.domain.values import Actor, Role
from tests.builders import World

E = TypeVar("E")
SUPPLIER = uuid4()
PLANNER = Actor(uuid4(), SUPPLIER, Role.PLANNER)


def single_event(driver: Driver, cls: type[E]) -> E:
    """The one event the last command recorded, collected so the next command starts clean."""
    events = driver.collect_events()
    assert len(events) == 1
    assert isinstance(events[0], cls)
    return events[0]


def refused_without_event(
    driver: Driver, error: type[DomainError], command: Callable[[], object]
) -> DomainError:
    """The command raises ``error`` and leaves the driver exactly as it was."""
    before = (driver.version, driver.first_name, driver.last_name, driver.mobile, driver.active)
    with pytest.raises(error) as refused:
        command()
    assert driver.pending_events == []
    assert (
        driver.version,
        driver.first_name,
        driver.last_name,
        driver.mobile,
        driver.active,
    ) == before
    return refused.value


@pytest.fixture
def driver() -> Driver:
    driver = Driver.register(
        actor=PLANNER, supplier_id=SUPPLIER, first_name="Luc", last_name="Maes", mobile="0470123456"
    )
    driver.collect_events()
    return driver


@pytest.mark.parametrize("role", [Role.PLANNER, Role.ADMIN])
def test_planner_or_admin_registers_a_driver_with_a_normalised_mobile(role: Role) -> None:
    actor = Actor(uuid4(), SUPPLIER, role)

    driver = Driver.register(
        actor=actor,
        supplier_id=SUPPLIER,
        first_name=" Luc ",
        last_name="Maes",
        mobile="0470 12 34 56",
    )

    assert (driver.first_name, driver.last_name, driver.mobile) == ("Luc", "Maes", "+32470123456")
    assert driver.active
    event = single_event(driver, Driver.Registered)
    assert (event.supplier_id, event.mobile) == (SUPPLIER, "+32470123456")
    assert (event.actor_user_id, event.actor_company_id) == (actor.user_id, SUPPLIER)


@pytest.mark.parametrize(
    ("first", "last", "mobile", "fields"),
    [
        ("Luc", "Maes", "", {"mobile"}),
        ("Luc", "Maes", "0470", {"mobile"}),
        ("", "Maes", "0470123456", {"first_name"}),
        ("", "", "nope", {"first_name", "last_name", "mobile"}),
    ],
)
def test_driver_with_invalid_details_is_refused_naming_every_field(
    first: str, last: str, mobile: str, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        Driver.register(
            actor=PLANNER, supplier_id=SUPPLIER, first_name=first, last_name=last, mobile=mobile
        )

    assert set(refused.value.errors) == fields


@pytest.mark.parametrize("landline", ["09 223 45 67", "02 511 11 11", "+31 20 555 0000"])
def test_a_drivers_number_is_a_mobile_one(landline: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Driver.register(
            actor=PLANNER, supplier_id=SUPPLIER, first_name="Luc", last_name="Maes", mobile=landline
        )

    assert refused.value.errors == {"mobile": [f"'{landline}' is not a mobile number"]}


@pytest.mark.parametrize(
    "actor",
    [Actor(uuid4(), SUPPLIER, Role.VIEWER), Actor(uuid4(), uuid4(), Role.ADMIN)],
    ids=["viewer", "other company"],
)
def test_viewer_or_other_company_cannot_manage_drivers(driver: Driver, actor: Actor) -> None:
    with pytest.raises(PermissionDeniedError):
        Driver.register(
            actor=actor, supplier_id=SUPPLIER, first_name="A", last_name="B", mobile="0470123456"
        )
    commands: list[Callable[[], object]] = [
        lambda: driver.change_details(actor, "Luc", "Peeters", "0470123456"),
        lambda: driver.deactivate(actor),
        lambda: driver.reactivate(actor),
    ]
    for command in commands:
        refused_without_event(driver, PermissionDeniedError, command)


def test_planner_changes_a_drivers_details(driver: Driver) -> None:
    driver.change_details(PLANNER, "Luc", "Maes-Janssens", "+32 475 11 22 33")

    assert (driver.last_name, driver.mobile) == ("Maes-Janssens", "+32475112233")
    event = single_event(driver, Driver.DetailsChanged)
    assert (event.first_name, event.last_name, event.mobile) == (
        "Luc",
        "Maes-Janssens",
        "+32475112233",
    )
    assert event.actor_user_id == PLANNER.user_id


@pytest.mark.parametrize(("mobile", "field"), [("+32 470 12 34 56", "details"), ("12", "mobile")])
def test_unchanged_or_invalid_details_are_refused(driver: Driver, mobile: str, field: str) -> None:
    error = refused_without_event(
        driver, ValidationError, lambda: driver.change_details(PLANNER, "Luc", "Maes", mobile)
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == [field]


def test_planner_deactivates_and_reactivates_a_driver(driver: Driver) -> None:
    driver.deactivate(PLANNER)
    assert not driver.active
    assert single_event(driver, Driver.Deactivated).actor_company_id == SUPPLIER

    driver.reactivate(PLANNER)
    assert driver.active
    assert single_event(driver, Driver.Reactivated).actor_user_id == PLANNER.user_id


def test_active_driver_cannot_be_reactivated_nor_an_inactive_one_deactivated(
    driver: Driver,
) -> None:
    refused_without_event(driver, TransitionRefusedError, lambda: driver.reactivate(PLANNER))
    driver.deactivate(PLANNER)
    driver.collect_events()

    refused_without_event(driver, TransitionRefusedError, lambda: driver.deactivate(PLANNER))


def test_refused_driver_change_through_the_application_stores_nothing(
    memory_world: World,
) -> None:
    app = memory_world.app
    driver = app.register_driver(memory_world.supplier, "Luc", "Maes", "0470123456").aggregate
    before = app.recorder.max_notification_id()

    with pytest.raises(TransitionRefusedError):
        app.change_driver(memory_world.supplier, driver.id, active=True)
    with pytest.raises(PermissionDeniedError):
        app.register_driver(memory_world.actors["supplier_viewer"], "A", "B", "0470123456")
    with pytest.raises(ValidationError):
        app.change_driver(memory_world.supplier, driver.id, mobile="12", active=False)

    assert app.recorder.max_notification_id() == before
    assert app.get_driver(memory_world.supplier, driver.id).active
