"""Branch: a supplier's plant, its public name, address, location and products."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from uuid import uuid4

import pytest

from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue
from betotrace_es.domain.company import Company
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.exceptions import (
    DomainError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.values import Actor, Address, CompanyKind, Location, Role

E = TypeVar("E")
GENT = Address.parse("Port Arthurlaan", "50", "9000", "Gent")


def single_event(branch: Branch, cls: type[E]) -> E:
    """The one event the last command recorded, collected so the next command starts clean."""
    events = branch.collect_events()
    assert len(events) == 1
    assert isinstance(events[0], cls)
    return events[0]


def refused_without_event(
    branch: Branch, error: type[DomainError], command: Callable[[], object]
) -> DomainError:
    """The command raises ``error`` and leaves the branch exactly as it was."""
    before = (branch.version, branch.public_name, branch.products, branch.active)
    with pytest.raises(error) as refused:
        command()
    assert branch.pending_events == []
    assert (branch.version, branch.public_name, branch.products, branch.active) == before
    return refused.value


@dataclass
class Supplier:
    company: Company
    catalogue: Catalogue
    admin: Actor

    def role(self, role: Role) -> Actor:
        return Actor(uuid4(), self.company.id, role)

    def branch(self) -> Branch:
        branch = Branch.register(
            actor=self.admin,
            supplier=self.company,
            catalogue=self.catalogue,
            public_name="Centrale Gent",
            address=GENT,
            location=Location.parse(51.07, 3.73),
            products=["C25/30", "C30/37"],
        )
        branch.collect_events()
        return branch


def a_company(kind: CompanyKind) -> tuple[Company, Actor]:
    founder = uuid4()
    company = Company.register(
        actor=Actor.system(),
        kind=kind,
        legal_name="Beton NV",
        vat="BE0123456749",
        founder_id=founder,
        founder_email="an@beton.example.be",
    )
    return company, Actor(founder, company.id, Role.ADMIN)


@pytest.fixture
def supplier() -> Supplier:
    company, admin = a_company(CompanyKind.SUPPLIER)
    catalogue = Catalogue.open(admin, company.id)
    for code in ("C25/30", "C30/37", "C35/45"):
        catalogue.add_product(admin, code, f"Beton {code}", ProductSpec())
    return Supplier(company, catalogue, admin)


# -- register ------------------------------------------------------------------------------


def test_supplier_admin_registers_a_branch_with_catalogue_products(supplier: Supplier) -> None:
    branch = Branch.register(
        actor=supplier.admin,
        supplier=supplier.company,
        catalogue=supplier.catalogue,
        public_name="  Centrale   Gent ",
        address=GENT,
        location=None,
        products=["C30/37", "C25/30", "C30/37"],
    )

    assert (branch.public_name, branch.products) == ("Centrale Gent", ("C25/30", "C30/37"))
    assert branch.active
    assert branch.default_contact_id is None
    event = single_event(branch, Branch.Registered)
    assert (event.supplier_id, event.address, event.location) == (supplier.company.id, GENT, None)
    assert (event.actor_user_id, event.actor_company_id) == (
        supplier.admin.user_id,
        supplier.company.id,
    )


@pytest.mark.parametrize(
    ("name", "products", "field"),
    [
        ("X", ["C25/30"], "public_name"),
        ("   ", ["C25/30"], "public_name"),
        ("y" * 101, ["C25/30"], "public_name"),
        ("Centrale Gent", ["C25/30", "NOPE"], "products[1]"),
    ],
)
def test_branch_with_invalid_name_or_unknown_product_is_refused(
    supplier: Supplier, name: str, products: list[str], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Branch.register(
            actor=supplier.admin,
            supplier=supplier.company,
            catalogue=supplier.catalogue,
            public_name=name,
            address=GENT,
            location=None,
            products=products,
        )

    assert list(refused.value.errors) == [field]


@pytest.mark.parametrize("role", [Role.PLANNER, Role.VIEWER])
def test_only_a_supplier_admin_registers_branches(supplier: Supplier, role: Role) -> None:
    with pytest.raises(PermissionDeniedError):
        Branch.register(
            actor=supplier.role(role),
            supplier=supplier.company,
            catalogue=supplier.catalogue,
            public_name="Centrale Gent",
            address=GENT,
            location=None,
            products=[],
        )


def test_customer_and_other_company_cannot_register_a_branch(supplier: Supplier) -> None:
    customer, customer_admin = a_company(CompanyKind.CUSTOMER)
    for company, actor in ((customer, customer_admin), (supplier.company, customer_admin)):
        with pytest.raises(PermissionDeniedError):
            Branch.register(
                actor=actor,
                supplier=company,
                catalogue=supplier.catalogue,
                public_name="Centrale Gent",
                address=GENT,
                location=None,
                products=[],
            )


# -- rename, change address, relocate, change products -------------------------------------


def test_admin_renames_a_branch(supplier: Supplier) -> None:
    branch = supplier.branch()

    branch.rename(supplier.admin, "Centrale Gent-Haven")

    assert branch.public_name == "Centrale Gent-Haven"
    assert single_event(branch, Branch.Renamed).public_name == "Centrale Gent-Haven"


@pytest.mark.parametrize("name", ["Centrale Gent", "G", ""])
def test_rename_to_the_same_or_an_invalid_name_is_refused(supplier: Supplier, name: str) -> None:
    branch = supplier.branch()

    error = refused_without_event(
        branch, ValidationError, lambda: branch.rename(supplier.admin, name)
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["public_name"]


def test_admin_changes_the_address(supplier: Supplier) -> None:
    branch = supplier.branch()
    new = Address.parse("Skaldenstraat", "3", "9042", "Gent")

    branch.change_address(supplier.admin, new)

    assert branch.address == new
    event = single_event(branch, Branch.AddressChanged)
    assert (event.address, event.actor_user_id) == (new, supplier.admin.user_id)


def test_admin_relocates_the_map_pin(supplier: Supplier) -> None:
    branch = supplier.branch()
    pin = Location.parse(51.1, 3.75)

    branch.relocate(supplier.admin, pin)

    assert branch.location == pin
    assert single_event(branch, Branch.Relocated).location == pin


def test_unchanged_address_or_location_is_refused_naming_it(supplier: Supplier) -> None:
    branch = supplier.branch()
    assert branch.location is not None
    location = branch.location

    moved = refused_without_event(
        branch, ValidationError, lambda: branch.relocate(supplier.admin, location)
    )
    readdressed = refused_without_event(
        branch, ValidationError, lambda: branch.change_address(supplier.admin, GENT)
    )

    assert isinstance(moved, ValidationError)
    assert isinstance(readdressed, ValidationError)
    assert (list(moved.errors), list(readdressed.errors)) == (["location"], ["address"])


def test_admin_changes_the_deliverable_products(supplier: Supplier) -> None:
    branch = supplier.branch()

    branch.change_products(supplier.admin, ["C35/45", "C25/30"], supplier.catalogue)

    assert branch.products == ("C25/30", "C35/45")
    assert single_event(branch, Branch.ProductsChanged).products == ("C25/30", "C35/45")


@pytest.mark.parametrize(
    ("products", "field"),
    [
        (["C25/30", "X"], "products[1]"),
        (["C35/45"], "products[0]"),
        (["C30/37", "C25/30"], "products"),
    ],
    ids=["unknown", "inactive", "unchanged"],
)
def test_products_unknown_inactive_or_unchanged_are_refused(
    supplier: Supplier, products: list[str], field: str
) -> None:
    branch = supplier.branch()
    supplier.catalogue.deactivate_product(supplier.admin, "C35/45")

    error = refused_without_event(
        branch,
        ValidationError,
        lambda: branch.change_products(supplier.admin, products, supplier.catalogue),
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == [field]


@pytest.mark.parametrize("who", ["planner", "viewer", "other supplier"])
def test_planner_viewer_and_other_company_cannot_manage_a_branch(
    supplier: Supplier, who: str
) -> None:
    branch = supplier.branch()
    roles = {"planner": Role.PLANNER, "viewer": Role.VIEWER}
    actor = supplier.role(roles[who]) if who in roles else a_company(CompanyKind.SUPPLIER)[1]
    pin = Location.parse(50.0, 4.0)

    refused_without_event(branch, PermissionDeniedError, lambda: branch.rename(actor, "Ok"))
    refused_without_event(branch, PermissionDeniedError, lambda: branch.relocate(actor, pin))
    refused_without_event(branch, PermissionDeniedError, lambda: branch.close(actor))
    refused_without_event(
        branch, PermissionDeniedError, lambda: branch.set_default_contact(actor, None)
    )


# -- close, reopen -------------------------------------------------------------------------


def test_admin_closes_and_reopens_a_branch(supplier: Supplier) -> None:
    branch = supplier.branch()

    branch.close(supplier.admin)
    assert not branch.active
    assert single_event(branch, Branch.Closed).actor_company_id == supplier.company.id

    branch.reopen(supplier.admin)
    assert branch.active
    assert single_event(branch, Branch.Reopened).actor_user_id == supplier.admin.user_id


def test_open_branch_cannot_be_reopened_nor_a_closed_one_closed(supplier: Supplier) -> None:
    branch = supplier.branch()
    refused_without_event(branch, TransitionRefusedError, lambda: branch.reopen(supplier.admin))

    branch.close(supplier.admin)
    branch.collect_events()
    refused_without_event(branch, TransitionRefusedError, lambda: branch.close(supplier.admin))
