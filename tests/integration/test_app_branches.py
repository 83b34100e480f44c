"""Branches and their platform-unique public names; the catalogue they deliver from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.application.claims import BRANCH_NAMES
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.exceptions import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
    UniquenessError,
    ValidationError,
)
from betotrace_es.domain.values import Actor, Address, Location
from tests.builders import PRODUCT_CODE, World, a_spec, build_world, unique

GHENT = Address.parse("Port Arthurlaan", "50", "9000", "Gent")


def register(app: Betotrace, admin: Actor, name: str) -> Branch:
    """Register a branch delivering the builders' product."""
    return app.register_branch(
        admin, public_name=name, address=GHENT, products=[PRODUCT_CODE]
    ).aggregate


def last_position(app: Betotrace) -> int:
    """The highest notification id in the store (0 when empty)."""
    return app.recorder.max_notification_id() or 0


def test_branch_names_colliding_up_to_case_accents_and_spacing_are_refused(
    world: World,
) -> None:
    app = world.app
    suffix = unique("x").split()[1]
    first = register(app, world.supplier_admin, f"Beton Gent {suffix}")
    rival = build_world(app)
    before = last_position(app)

    for admin in (world.supplier_admin, rival.supplier_admin):
        with pytest.raises(UniquenessError) as taken:
            register(app, admin, f"béton  GENT {suffix.upper()}")
        assert list(taken.value.errors) == ["public_name"]
        assert "already taken" in taken.value.errors["public_name"][0]

    assert last_position(app) == before
    assert app.claim_holder(BRANCH_NAMES, f"BETON gent {suffix}") == first.id


def test_renaming_a_branch_frees_its_old_name_for_another_branch(world: World) -> None:
    app, admin = world.app, world.supplier_admin
    old, new = unique("Centrale Oost"), unique("Centrale West")
    branch = register(app, admin, old)

    renamed = app.rename_branch(admin, branch.id, new, expected_version=1).aggregate
    other = register(app, build_world(app).supplier_admin, old.upper())

    assert renamed.public_name == new
    assert app.claim_holder(BRANCH_NAMES, old) == other.id
    assert app.claim_holder(BRANCH_NAMES, new) == branch.id
    with pytest.raises(UniquenessError):
        app.rename_branch(admin, branch.id, old)
    with pytest.raises(UniquenessError):
        register(app, admin, new)


def test_branch_may_change_the_case_of_its_own_name(world: World) -> None:
    app, admin = world.app, world.supplier_admin
    name = unique("Centrale Noord")
    branch = register(app, admin, name)

    renamed = app.rename_branch(admin, branch.id, name.upper()).aggregate

    assert renamed.public_name == name.upper()
    assert app.claim_holder(BRANCH_NAMES, name) == branch.id


def test_stale_expected_version_on_a_branch_is_refused_and_records_nothing(
    world: World,
) -> None:
    app, admin = world.app, world.supplier_admin
    branch = register(app, admin, unique("Centrale Zuid"))
    app.relocate_branch(admin, branch.id, Location.parse(51.0, 3.7))
    before = last_position(app)
    name = unique("Centrale Nieuw")

    with pytest.raises(StaleVersionError):
        app.rename_branch(admin, branch.id, name, expected_version=1)

    assert last_position(app) == before
    assert app.claim_holder(BRANCH_NAMES, name) is None
    assert app.get_branch(admin, branch.id).version == 2


def test_branch_of_another_supplier_is_not_found_and_planners_cannot_manage_branches(
    world: World,
) -> None:
    app = world.app
    rival = build_world(app)

    with pytest.raises(NotFoundError):
        app.get_branch(rival.supplier_admin, world.branch_id)
    with pytest.raises(NotFoundError):
        app.rename_branch(rival.supplier_admin, world.branch_id, unique("Overgenomen"))
    with pytest.raises(PermissionDeniedError):
        register(app, world.supplier, unique("Centrale Planner"))


def test_customer_cannot_register_a_branch(world: World) -> None:
    before = last_position(world.app)

    with pytest.raises(PermissionDeniedError, match="supplier"):
        register(world.app, world.customer_admin, unique("Centrale Klant"))
    assert last_position(world.app) == before


def test_inactive_product_can_be_neither_ordered_nor_made_deliverable(world: World) -> None:
    app, admin = world.app, world.supplier_admin
    app.add_product(admin, "C30/37-XC4", "Beton C30/37", a_spec())
    app.deactivate_product(admin, PRODUCT_CODE)
    before = last_position(app)

    with pytest.raises(ValidationError, match="no longer sold") as not_sold:
        world.request()
    with pytest.raises(ValidationError, match="no longer sold"):
        app.change_branch_products(admin, world.branch_id, [PRODUCT_CODE, "C30/37-XC4"])
    with pytest.raises(ValidationError, match="no longer sold"):
        register(app, admin, unique("Centrale Nieuw"))

    assert "product_code" in not_sold.value.errors
    assert last_position(app) == before
    app.reactivate_product(admin, PRODUCT_CODE)
    assert world.request().product.code == PRODUCT_CODE


def test_branch_delivers_only_products_of_its_own_catalogue(world: World) -> None:
    app, admin = world.app, world.supplier_admin
    rival = build_world(app)
    app.add_product(rival.supplier_admin, "RIVAL-1", "Rival beton", a_spec())

    with pytest.raises(ValidationError, match="not in the product catalogue"):
        app.change_branch_products(admin, world.branch_id, ["RIVAL-1"])
    app.add_product(admin, "C30/37-XC4", "Beton C30/37", a_spec())
    changed = app.change_branch_products(admin, world.branch_id, ["C30/37-XC4"]).aggregate

    assert changed.products == ("C30/37-XC4",)
    with pytest.raises(ValidationError, match="not deliverable"):
        world.request()


def test_rename_racing_another_change_of_the_branch_is_a_conflict_not_a_taken_name(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, admin = world.app, world.supplier_admin
    branch = register(app, admin, unique("Centrale Race"))
    new_name = unique("Centrale Vrij")
    claim: Callable[..., Any] = app.claim

    def claim_while_a_colleague_relocates(*args: Any, **kwargs: Any) -> Any:
        claimed = claim(*args, **kwargs)
        app.relocate_branch(admin, branch.id, Location.parse(50.9, 4.1))  # after our load
        return claimed

    monkeypatch.setattr(app, "claim", claim_while_a_colleague_relocates)

    with pytest.raises(ConflictError):
        app.rename_branch(admin, branch.id, new_name)
    assert app.claim_holder(BRANCH_NAMES, new_name) is None
