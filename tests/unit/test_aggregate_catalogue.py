"""Catalogue: a supplier's products, their codes unique within the supplier."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import uuid4

import pytest

from betotrace_es.domain.catalogue import Catalogue, Product, catalogue_id
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.exceptions import (
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.values import Actor, Role
from tests.builders import PRODUCT_CODE, World, a_spec

E = TypeVar("E")
SUPPLIER = uuid4()
ADMIN = Actor(uuid4(), SUPPLIER, Role.ADMIN)


def single_event(catalogue: Catalogue, cls: type[E]) -> E:
    """The one event the last command recorded, collected so the next command starts clean."""
    events = catalogue.collect_events()
    assert len(events) == 1
    assert isinstance(events[0], cls)
    return events[0]


def refused_without_event(
    catalogue: Catalogue, error: type[DomainError], command: Callable[[], object]
) -> DomainError:
    """The command raises ``error`` and leaves the catalogue exactly as it was."""
    version, products = catalogue.version, dict(catalogue.products)
    with pytest.raises(error) as refused:
        command()
    assert catalogue.pending_events == []
    assert (catalogue.version, catalogue.products) == (version, products)
    return refused.value


@pytest.fixture
def catalogue() -> Catalogue:
    catalogue = Catalogue.open(ADMIN, SUPPLIER)
    catalogue.add_product(ADMIN, "C25/30-XC2", "Beton C25/30", a_spec())
    catalogue.collect_events()
    return catalogue


def test_supplier_catalogue_opens_empty_under_an_id_derived_from_the_supplier() -> None:
    catalogue = Catalogue.open(ADMIN, SUPPLIER)

    assert catalogue.id == catalogue_id(SUPPLIER)
    assert (catalogue.supplier_id, catalogue.products) == (SUPPLIER, {})
    event = single_event(catalogue, Catalogue.Opened)
    assert (event.supplier_id, event.actor_user_id, event.actor_company_id) == (
        SUPPLIER,
        ADMIN.user_id,
        SUPPLIER,
    )


def test_admin_adds_a_product_with_a_specification(catalogue: Catalogue) -> None:
    catalogue.add_product(ADMIN, " C30/37.XC4 ", "  Beton   C30/37 ", a_spec())

    assert catalogue.product("C30/37.XC4") == Product("C30/37.XC4", "Beton C30/37", a_spec())
    event = single_event(catalogue, Catalogue.ProductAdded)
    assert (event.code, event.name, event.spec) == ("C30/37.XC4", "Beton C30/37", a_spec())
    assert event.actor_user_id == ADMIN.user_id


def test_product_without_a_specification_is_allowed(catalogue: Catalogue) -> None:
    catalogue.add_product(ADMIN, "MORTAR", "Metselmortel", ProductSpec())

    assert catalogue.product("MORTAR").spec.is_empty
    single_event(catalogue, Catalogue.ProductAdded)


@pytest.mark.parametrize("code", ["c25/30-xc2", "C25/30-XC2"])
def test_product_code_already_in_the_catalogue_in_any_case_is_refused(
    catalogue: Catalogue, code: str
) -> None:
    error = refused_without_event(
        catalogue, ValidationError, lambda: catalogue.add_product(ADMIN, code, "Dup", a_spec())
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["code"]


@pytest.mark.parametrize(
    ("code", "name", "spec", "field"),
    [
        ("", "Name", ProductSpec(), "code"),
        ("-C25", "Name", ProductSpec(), "code"),
        ("C 25", "Name", ProductSpec(), "code"),
        ("X" * 41, "Name", ProductSpec(), "code"),
        ("OK1", "  ", ProductSpec(), "name"),
        ("OK2", "Name", ProductSpec(strength_class="C25/30"), "exposure_classes"),
    ],
)
def test_invalid_product_is_refused_naming_the_field(
    catalogue: Catalogue, code: str, name: str, spec: ProductSpec, field: str
) -> None:
    error = refused_without_event(
        catalogue, ValidationError, lambda: catalogue.add_product(ADMIN, code, name, spec)
    )

    assert isinstance(error, ValidationError)
    assert field in error.errors


def test_admin_changes_a_products_name_and_specification(catalogue: Catalogue) -> None:
    catalogue.change_product(ADMIN, "C25/30-XC2", "Beton C25/30 (pomp)", ProductSpec())

    assert catalogue.product("C25/30-XC2") == Product(
        "C25/30-XC2", "Beton C25/30 (pomp)", ProductSpec()
    )
    event = single_event(catalogue, Catalogue.ProductChanged)
    assert (event.code, event.name, event.spec) == (
        "C25/30-XC2",
        "Beton C25/30 (pomp)",
        ProductSpec(),
    )


def test_changing_an_unknown_product_is_refused_naming_the_code(catalogue: Catalogue) -> None:
    error = refused_without_event(
        catalogue,
        ValidationError,
        lambda: catalogue.change_product(ADMIN, "C99", "Name", ProductSpec()),
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["code"]


def test_deactivated_product_is_no_longer_sold_until_reactivated(catalogue: Catalogue) -> None:
    catalogue.deactivate_product(ADMIN, "C25/30-XC2")

    assert not catalogue.products["C25/30-XC2"].active
    assert single_event(catalogue, Catalogue.ProductDeactivated).code == "C25/30-XC2"
    with pytest.raises(ValidationError) as refused:
        catalogue.product("C25/30-XC2")
    assert list(refused.value.errors) == ["product_code"]

    catalogue.reactivate_product(ADMIN, "C25/30-XC2")

    assert catalogue.product("C25/30-XC2").active
    event = single_event(catalogue, Catalogue.ProductReactivated)
    assert (event.code, event.actor_company_id) == ("C25/30-XC2", SUPPLIER)


def test_active_product_cannot_be_reactivated_nor_an_inactive_one_deactivated(
    catalogue: Catalogue,
) -> None:
    refused_without_event(
        catalogue,
        TransitionRefusedError,
        lambda: catalogue.reactivate_product(ADMIN, "C25/30-XC2"),
    )
    catalogue.deactivate_product(ADMIN, "C25/30-XC2")
    catalogue.collect_events()

    refused_without_event(
        catalogue,
        TransitionRefusedError,
        lambda: catalogue.deactivate_product(ADMIN, "C25/30-XC2"),
    )


@pytest.mark.parametrize("command", ["deactivate", "reactivate"])
def test_unknown_product_cannot_be_deactivated_or_reactivated(
    catalogue: Catalogue, command: str
) -> None:
    act = catalogue.deactivate_product if command == "deactivate" else catalogue.reactivate_product

    error = refused_without_event(catalogue, ValidationError, lambda: act(ADMIN, "NOPE"))

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["code"]


@pytest.mark.parametrize(
    "actor",
    [
        Actor(uuid4(), SUPPLIER, Role.PLANNER),
        Actor(uuid4(), SUPPLIER, Role.VIEWER),
        Actor(uuid4(), uuid4(), Role.ADMIN),
    ],
    ids=["planner", "viewer", "other company"],
)
def test_only_the_suppliers_admin_manages_the_catalogue(catalogue: Catalogue, actor: Actor) -> None:
    code = "C25/30-XC2"
    commands: list[Callable[[], object]] = [
        lambda: catalogue.add_product(actor, "NEW", "New", ProductSpec()),
        lambda: catalogue.change_product(actor, code, "Renamed", ProductSpec()),
        lambda: catalogue.deactivate_product(actor, code),
        lambda: catalogue.reactivate_product(actor, code),
    ]
    for command in commands:
        refused_without_event(catalogue, PermissionDeniedError, command)


def test_refused_catalogue_change_through_the_application_stores_nothing(
    memory_world: World,
) -> None:
    app = memory_world.app
    before = app.recorder.max_notification_id()

    with pytest.raises(PermissionDeniedError):
        app.deactivate_product(memory_world.supplier, PRODUCT_CODE)
    with pytest.raises(ValidationError):
        app.add_product(memory_world.supplier_admin, PRODUCT_CODE.lower(), "Dup", a_spec())
    with pytest.raises(NotFoundError):
        app.add_product(memory_world.customer_admin, "C1", "No catalogue", ProductSpec())

    assert app.recorder.max_notification_id() == before
    assert memory_world.app.get_catalogue(memory_world.supplier_id).product(PRODUCT_CODE).active
