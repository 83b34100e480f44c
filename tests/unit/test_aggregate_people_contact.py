"""ContactPerson: someone customers call about branches; at most one default per branch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest

from betotrace_es.domain.base import BetotraceAggregate
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue
from betotrace_es.domain.company import Company
from betotrace_es.domain.exceptions import DomainError, PermissionDeniedError, ValidationError
from betotrace_es.domain.people import ContactDetails, ContactPerson
from betotrace_es.domain.values import Actor, Address, CompanyKind, PhoneNumber, Role
from tests.builders import World

E = TypeVar("E")
ELS = ContactDetails.parse(first_name="Els", last_name="Wouters", email="els@beton.example.be")


def single_event(aggregate: BetotraceAggregate, cls: type[E]) -> E:
    """The one event the last command recorded, collected so the next command starts clean."""
    events = aggregate.collect_events()
    assert len(events) == 1
    assert isinstance(events[0], cls)
    return events[0]


def refused_without_event(
    aggregate: BetotraceAggregate, error: type[DomainError], command: Callable[[], object]
) -> DomainError:
    """The command raises ``error`` and records nothing."""
    before = (aggregate.version, dict(vars(aggregate)))
    with pytest.raises(error) as refused:
        command()
    assert aggregate.pending_events == []
    assert (aggregate.version, vars(aggregate)) == before
    return refused.value


@dataclass
class Supplier:
    admin: Actor
    branches: list[Branch]

    @property
    def id(self) -> UUID:
        assert self.admin.company_id is not None
        return self.admin.company_id

    def contact(self, *branches: Branch) -> ContactPerson:
        contact = ContactPerson.register(
            actor=self.admin,
            supplier_id=self.id,
            details=ELS,
            branch_ids=tuple(b.id for b in branches or self.branches[:1]),
        )
        contact.collect_events()
        return contact


@pytest.fixture
def supplier() -> Supplier:
    founder = uuid4()
    company = Company.register(
        actor=Actor.system(),
        kind=CompanyKind.SUPPLIER,
        legal_name="Beton NV",
        vat="BE0123456749",
        founder_id=founder,
        founder_email="an@beton.example.be",
    )
    admin = Actor(founder, company.id, Role.ADMIN)
    catalogue = Catalogue.open(admin, company.id)
    address = Address.parse("Port Arthurlaan", "50", "9000", "Gent")
    branches = []
    for name in ("Centrale Gent", "Centrale Brugge"):
        branch = Branch.register(
            actor=admin,
            supplier=company,
            catalogue=catalogue,
            public_name=name,
            address=address,
            location=None,
            products=[],
        )
        branch.collect_events()
        branches.append(branch)
    return Supplier(admin, branches)


def test_admin_registers_a_contact_person_for_branches(supplier: Supplier) -> None:
    gent, brugge = supplier.branches

    contact = ContactPerson.register(
        actor=supplier.admin,
        supplier_id=supplier.id,
        details=ELS,
        branch_ids=(brugge.id, gent.id, brugge.id),
    )

    assert contact.branch_ids == tuple(sorted({gent.id, brugge.id}))
    assert (contact.full_name, contact.details.email) == ("Els Wouters", "els@beton.example.be")
    event = single_event(contact, ContactPerson.Registered)
    assert (event.supplier_id, event.details) == (supplier.id, ELS)
    assert (event.actor_user_id, event.actor_company_id) == (supplier.admin.user_id, supplier.id)


def test_contact_person_needs_at_least_one_branch(supplier: Supplier) -> None:
    with pytest.raises(ValidationError) as refused:
        ContactPerson.register(
            actor=supplier.admin, supplier_id=supplier.id, details=ELS, branch_ids=()
        )

    assert list(refused.value.errors) == ["branch_ids"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"email": "els"}, {"email"}),
        ({"first_name": "", "last_name": " "}, {"first_name", "last_name"}),
        ({"phone_numbers": [PhoneNumber("office", "abc")]}, {"phone_numbers[0].number"}),
    ],
)
def test_invalid_contact_details_name_every_failing_field(
    changes: dict[str, Any], fields: set[str]
) -> None:
    values: dict[str, Any] = {"first_name": "Els", "last_name": "Wouters", "email": "e@b.be"}

    with pytest.raises(ValidationError) as refused:
        ContactDetails.parse(**{**values, **changes})

    assert set(refused.value.errors) == fields


def test_admin_changes_a_contact_persons_details(supplier: Supplier) -> None:
    contact = supplier.contact()
    new = ContactDetails.parse(
        first_name="Els",
        last_name="Wouters",
        job_title="Plant manager",
        email="els.wouters@beton.example.be",
        phone_numbers=[PhoneNumber("office", "09 222 33 44")],
    )

    contact.change_details(supplier.admin, new)

    assert contact.details.phone_numbers == (PhoneNumber("office", "+3292223344"),)
    assert single_event(contact, ContactPerson.DetailsChanged).details == new


def test_admin_changes_a_contact_persons_branches(supplier: Supplier) -> None:
    gent, brugge = supplier.branches
    contact = supplier.contact(gent)

    contact.change_branches(supplier.admin, (brugge.id,))

    assert contact.branch_ids == (brugge.id,)
    assert single_event(contact, ContactPerson.BranchesChanged).branch_ids == (brugge.id,)


def test_unchanged_or_empty_contact_changes_are_refused(supplier: Supplier) -> None:
    gent, brugge = supplier.branches
    contact = supplier.contact(gent, brugge)
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: contact.change_details(supplier.admin, ELS), "details"),
        (lambda: contact.change_branches(supplier.admin, (brugge.id, gent.id)), "branch_ids"),
        (lambda: contact.change_branches(supplier.admin, ()), "branch_ids"),
    ]

    for command, field in cases:
        error = refused_without_event(contact, ValidationError, command)
        assert isinstance(error, ValidationError)
        assert list(error.errors) == [field]


@pytest.mark.parametrize("who", ["planner", "viewer", "other company"])
def test_only_the_suppliers_admin_manages_contact_persons(supplier: Supplier, who: str) -> None:
    contact = supplier.contact()
    role = {"planner": Role.PLANNER, "viewer": Role.VIEWER}.get(who, Role.ADMIN)
    actor = Actor(uuid4(), uuid4() if who == "other company" else supplier.id, role)
    new_details = ContactDetails.parse(first_name="X", last_name="Y", email="x@y.be")

    with pytest.raises(PermissionDeniedError):
        ContactPerson.register(
            actor=actor, supplier_id=supplier.id, details=ELS, branch_ids=contact.branch_ids
        )
    refused_without_event(
        contact, PermissionDeniedError, lambda: contact.change_details(actor, new_details)
    )
    refused_without_event(
        contact,
        PermissionDeniedError,
        lambda: contact.change_branches(actor, (supplier.branches[1].id,)),
    )


# -- the branch's default contact person ---------------------------------------------------


def test_contact_person_of_the_branch_becomes_its_default_and_can_be_removed(
    supplier: Supplier,
) -> None:
    branch = supplier.branches[0]
    contact = supplier.contact(branch)

    branch.set_default_contact(supplier.admin, contact)
    assert branch.default_contact_id == contact.id
    event = single_event(branch, Branch.DefaultContactChanged)
    assert (event.contact_id, event.actor_user_id) == (contact.id, supplier.admin.user_id)

    branch.set_default_contact(supplier.admin, None)
    assert branch.default_contact_id is None
    assert single_event(branch, Branch.DefaultContactChanged).contact_id is None


def test_contact_of_another_branch_cannot_be_the_default(supplier: Supplier) -> None:
    gent, brugge = supplier.branches
    contact = supplier.contact(brugge)

    error = refused_without_event(
        gent, ValidationError, lambda: gent.set_default_contact(supplier.admin, contact)
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["default_for_branch_ids"]


def test_setting_the_current_default_again_records_nothing(supplier: Supplier) -> None:
    branch = supplier.branches[0]
    contact = supplier.contact(branch)
    branch.set_default_contact(supplier.admin, contact)
    branch.collect_events()

    branch.set_default_contact(supplier.admin, contact)

    assert branch.pending_events == []


def test_new_default_takes_the_role_from_the_previous_one(memory_world: World) -> None:
    app, admin, branch_id = memory_world.app, memory_world.supplier_admin, memory_world.branch_id
    first = app.register_contact(admin, ELS, [branch_id], [branch_id]).aggregate
    details = ContactDetails.parse(first_name="Tom", last_name="Smet", email="tom@b.example.be")

    second = app.register_contact(admin, details, [branch_id], [branch_id]).aggregate

    assert app.get_branch(admin, branch_id).default_contact_id == second.id != first.id


def test_refused_contact_registration_through_the_application_stores_nothing(
    memory_world: World,
) -> None:
    app = memory_world.app
    before = app.recorder.max_notification_id()

    with pytest.raises(PermissionDeniedError):
        app.register_contact(memory_world.supplier, ELS, [memory_world.branch_id])
    with pytest.raises(ValidationError) as refused:
        app.register_contact(memory_world.supplier_admin, ELS, [uuid4()])

    assert list(refused.value.errors) == ["branch_ids"]
    assert app.recorder.max_notification_id() == before
