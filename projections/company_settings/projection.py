"""Company settings: one row per user, contact person, driver and product of a company."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from eventsourcing.domain import DomainEventProtocol

from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue
from betotrace_es.domain.company import Company, MemberStatus
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.people import ContactDetails, ContactPerson, Driver, Profile, User
from betotrace_es.domain.values import Role
from projections.framework.projection import Projection, Row, Rows, handles
from projections.framework.tables import Table
from projections.framework.values import ident, to_json


def _text(*names: str) -> tuple[tuple[str, str], ...]:
    """Text columns."""
    return tuple((name, "text") for name in names)


USERS = Table(
    "users",
    (
        *_text("user_id", "company_id", "email", "first_name", "last_name", "job_title"),
        *_text("language"),
        ("phone_numbers", "json"),
        *_text("role", "status"),  # NULL until the company's event about the user is applied
    ),
    key=("user_id",),
    indexes=(("company_id",),),
)
CONTACTS = Table(
    "contacts",
    (
        *_text("contact_id", "supplier_id", "first_name", "last_name", "job_title", "email"),
        ("phone_numbers", "json"),
        ("branch_ids", "json"),
    ),
    key=("contact_id",),
    indexes=(("supplier_id",),),
)
# The default contact of each branch; a contact's default_for is read from here.
BRANCH_DEFAULTS = Table(
    "branch_defaults",
    _text("branch_id", "supplier_id", "contact_id"),
    key=("branch_id",),
    indexes=(("supplier_id",),),
)
DRIVERS = Table(
    "drivers",
    (*_text("driver_id", "supplier_id", "first_name", "last_name", "mobile"), ("active", "int")),
    key=("driver_id",),
    indexes=(("supplier_id",),),
)
PRODUCTS = Table(
    "products",
    (*_text("supplier_id", "code", "name"), ("spec", "json"), ("active", "int")),
    key=("supplier_id", "code"),
)
# Catalogue events name only their catalogue: this says whose catalogue it is.
CATALOGUES = Table("catalogues", _text("catalogue_id", "supplier_id"), key=("catalogue_id",))

# Which table holds the row an event changes (keyed by the event's originator).
_CHANGED_BY: tuple[tuple[str, tuple[type[Any], ...]], ...] = (
    ("users", (User.Registered, User.ProfileUpdated)),
    ("contacts", (ContactPerson.Event,)),
    ("drivers", (Driver.Event,)),
    ("branch_defaults", (Branch.DefaultContactChanged,)),
    ("catalogues", (Catalogue.Event,)),
)
_MEMBERSHIP = (
    Company.UserInvited,
    Company.InvitationAccepted,
    Company.UserRoleChanged,
    Company.UserDeactivated,
    Company.UserReactivated,
)


def _person(value: Profile | ContactDetails) -> Row:
    """Names, job title, e-mail or language as columns; phone numbers as json {label, number}."""
    row = dataclasses.asdict(value)
    row["phone_numbers"] = to_json(row["phone_numbers"])
    return row


def _spec(spec: ProductSpec) -> str:
    return to_json(dataclasses.asdict(spec))


class CompanySettingsProjection(Projection):
    """Rows of the settings screens of every company."""

    name = "company_settings"
    tables = (USERS, CONTACTS, BRANCH_DEFAULTS, DRIVERS, PRODUCTS, CATALOGUES)

    def prefetch(self, rows: Rows, events: Sequence[DomainEventProtocol[Any]]) -> None:
        """Load every row a batch changes, one query per table."""
        for table, classes in _CHANGED_BY:
            rows.prefetch(
                table, {(str(e.originator_id),) for e in events if isinstance(e, classes)}
            )
        members = set()
        for event in events:
            if isinstance(event, _MEMBERSHIP):
                members.add((str(event.user_id),))
            elif isinstance(event, Company.Registered):
                members.add((str(event.founder_id),))
        rows.prefetch("users", members)

    # -- users: membership from the company, names from the user ------------------------------

    @handles(Company.Registered)
    def company_registered(self, rows: Rows, event: Company.Registered) -> None:
        """The founder is the company's first, active admin."""
        _merge_user(
            rows,
            str(event.founder_id),
            company_id=str(event.originator_id),
            email=event.founder_email,
            role=Role.ADMIN.value,
            status=MemberStatus.ACTIVE.value,
        )

    @handles(Company.UserInvited)
    def user_invited(self, rows: Rows, event: Company.UserInvited) -> None:
        """An invited colleague (or a renewed invitation), not active yet."""
        _merge_user(
            rows,
            str(event.user_id),
            company_id=str(event.originator_id),
            email=event.email,
            role=event.role.value,
            status=MemberStatus.INVITED.value,
        )

    @handles(Company.InvitationAccepted)
    def invitation_accepted(self, rows: Rows, event: Company.InvitationAccepted) -> None:
        """The invitee joined."""
        _change(rows, "users", str(event.user_id), status=MemberStatus.ACTIVE.value)

    @handles(Company.UserRoleChanged)
    def user_role_changed(self, rows: Rows, event: Company.UserRoleChanged) -> None:
        """Another role."""
        _change(rows, "users", str(event.user_id), role=event.role.value)

    @handles(Company.UserDeactivated)
    def user_deactivated(self, rows: Rows, event: Company.UserDeactivated) -> None:
        """Can no longer log in."""
        _change(rows, "users", str(event.user_id), status=MemberStatus.INACTIVE.value)

    @handles(Company.UserReactivated)
    def user_reactivated(self, rows: Rows, event: Company.UserReactivated) -> None:
        """Can log in again."""
        _change(rows, "users", str(event.user_id), status=MemberStatus.ACTIVE.value)

    @handles(User.Registered)
    def user_registered(self, rows: Rows, event: User.Registered) -> None:
        """Identity and profile (saved with the company's event, in either order)."""
        _merge_user(
            rows,
            str(event.originator_id),
            company_id=str(event.company_id),
            email=event.email,
            **_person(event.profile),
        )

    @handles(User.ProfileUpdated)
    def profile_updated(self, rows: Rows, event: User.ProfileUpdated) -> None:
        """The user's own edit of their profile."""
        _change(rows, "users", str(event.originator_id), **_person(event.profile))

    # -- contact persons and the branches they are default for ----------------------------------

    @handles(ContactPerson.Registered)
    def contact_person_registered(self, rows: Rows, event: ContactPerson.Registered) -> None:
        """A new contact person of some branches."""
        row = {
            "contact_id": str(event.originator_id),
            "supplier_id": str(event.supplier_id),
            "branch_ids": to_json(sorted(str(b) for b in event.branch_ids)),
            **_person(event.details),
        }
        rows.put("contacts", row)

    @handles(ContactPerson.DetailsChanged)
    def contact_person_details_changed(
        self, rows: Rows, event: ContactPerson.DetailsChanged
    ) -> None:
        """New name, job title, e-mail or phone numbers."""
        _change(rows, "contacts", str(event.originator_id), **_person(event.details))

    @handles(ContactPerson.BranchesChanged)
    def contact_person_branches_changed(
        self, rows: Rows, event: ContactPerson.BranchesChanged
    ) -> None:
        """Contact for another set of branches."""
        branch_ids = to_json(sorted(str(b) for b in event.branch_ids))
        _change(rows, "contacts", str(event.originator_id), branch_ids=branch_ids)

    @handles(Branch.Registered)
    def branch_registered(self, rows: Rows, event: Branch.Registered) -> None:
        """A branch of the supplier, without a default contact yet."""
        row = {"branch_id": str(event.originator_id), "supplier_id": str(event.supplier_id)}
        rows.put("branch_defaults", {**row, "contact_id": None})

    @handles(Branch.DefaultContactChanged)
    def default_contact_changed(self, rows: Rows, event: Branch.DefaultContactChanged) -> None:
        """The branch's default contact moved to another person (or to none)."""
        contact_id = ident(event.contact_id)
        _change(rows, "branch_defaults", str(event.originator_id), contact_id=contact_id)

    # -- drivers --------------------------------------------------------------------------------

    @handles(Driver.Registered)
    def driver_registered(self, rows: Rows, event: Driver.Registered) -> None:
        """A new, assignable driver."""
        row = {"driver_id": str(event.originator_id), "supplier_id": str(event.supplier_id)}
        names = {"first_name": event.first_name, "last_name": event.last_name}
        rows.put("drivers", {**row, **names, "mobile": event.mobile, "active": 1})

    @handles(Driver.DetailsChanged)
    def driver_details_changed(self, rows: Rows, event: Driver.DetailsChanged) -> None:
        """New name or mobile number."""
        names = {"first_name": event.first_name, "last_name": event.last_name}
        _change(rows, "drivers", str(event.originator_id), **names, mobile=event.mobile)

    @handles(Driver.Deactivated)
    def driver_deactivated(self, rows: Rows, event: Driver.Deactivated) -> None:
        """Off the assignable list."""
        _change(rows, "drivers", str(event.originator_id), active=0)

    @handles(Driver.Reactivated)
    def driver_reactivated(self, rows: Rows, event: Driver.Reactivated) -> None:
        """Back on the assignable list."""
        _change(rows, "drivers", str(event.originator_id), active=1)

    # -- products -------------------------------------------------------------------------------

    @handles(Catalogue.Opened)
    def catalogue_opened(self, rows: Rows, event: Catalogue.Opened) -> None:
        """Whose catalogue this is."""
        row = {"catalogue_id": str(event.originator_id), "supplier_id": str(event.supplier_id)}
        rows.put("catalogues", row)

    @handles(Catalogue.ProductAdded)
    def product_added(self, rows: Rows, event: Catalogue.ProductAdded) -> None:
        """A new product, on sale."""
        row = {"supplier_id": _supplier_of(rows, event), "code": event.code, "name": event.name}
        rows.put("products", {**row, "spec": _spec(event.spec), "active": 1})

    @handles(Catalogue.ProductChanged)
    def product_changed(self, rows: Rows, event: Catalogue.ProductChanged) -> None:
        """New name or specification."""
        key = (_supplier_of(rows, event), event.code)
        _change(rows, "products", *key, name=event.name, spec=_spec(event.spec))

    @handles(Catalogue.ProductDeactivated)
    def product_deactivated(self, rows: Rows, event: Catalogue.ProductDeactivated) -> None:
        """No longer sold."""
        _change(rows, "products", _supplier_of(rows, event), event.code, active=0)

    @handles(Catalogue.ProductReactivated)
    def product_reactivated(self, rows: Rows, event: Catalogue.ProductReactivated) -> None:
        """Sold again."""
        _change(rows, "products", _supplier_of(rows, event), event.code, active=1)


def _merge_user(rows: Rows, user_id: str, **columns: Any) -> None:
    """Fill in part of a user's row, creating it (the other part comes from another event)."""
    old = rows.get("users", user_id) or dict.fromkeys(USERS.column_names) | {"user_id": user_id}
    rows.put("users", {**old, **columns})


def _change(rows: Rows, table: str, *key: Any, **changes: Any) -> None:
    """Change some columns of a row that must exist (an earlier event created it)."""
    old = rows.get(table, *key)
    if old is None:
        msg = f"{table} has no row {key} (the event that creates it was never applied)"
        raise LookupError(msg)
    rows.put(table, {**old, **changes})


def _supplier_of(rows: Rows, event: Catalogue.Event) -> str:
    """The supplier whose catalogue recorded ``event``."""
    catalogue = rows.get("catalogues", str(event.originator_id))
    if catalogue is None:
        msg = f"catalogue {event.originator_id} was never opened"
        raise LookupError(msg)
    return str(catalogue["supplier_id"])
