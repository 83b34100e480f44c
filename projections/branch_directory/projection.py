"""Branch directory: the public face of every branch, its products and its default contact."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from typing import Any

from eventsourcing.domain import DomainEventProtocol

from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue
from betotrace_es.domain.people import ContactDetails, ContactPerson
from betotrace_es.domain.values import normalised_key
from projections.framework.projection import Projection, Row, Rows, handles
from projections.framework.tables import Table
from projections.framework.values import ident, to_json

BRANCHES = Table(
    "branches",
    (
        ("branch_id", "text"),
        ("supplier_id", "text"),
        ("public_name", "text"),
        ("name_key", "text"),  # normalised public name: prefix search and sorting
        ("name_words", "text"),  # " word word …": prefix search of any word, punctuation-blind
        ("address", "json"),
        ("lat", "real"),
        ("lon", "real"),
        ("active", "int"),
        ("default_contact_id", "text"),
        ("products", "json"),  # the deliverable codes, to replace branch_products on a change
    ),
    key=("branch_id",),
    indexes=(("name_key",), ("lat", "lon")),
)
BRANCH_PRODUCTS = Table(
    "branch_products",
    (("branch_id", "text"), ("code", "text")),
    key=("branch_id", "code"),
    indexes=(("code",),),
)
CONTACTS = Table(
    "contacts",
    (
        ("contact_id", "text"),
        ("supplier_id", "text"),
        ("first_name", "text"),
        ("last_name", "text"),
        ("job_title", "text"),
        ("email", "text"),
        ("phone_numbers", "json"),
    ),
    key=("contact_id",),
)
PRODUCT_NAMES = Table(
    "product_names",
    (("supplier_id", "text"), ("code", "text"), ("name", "text"), ("active", "int")),
    key=("supplier_id", "code"),
)
# Catalogue events name only their catalogue: this says whose catalogue it is.
CATALOGUES = Table(
    "catalogues", (("catalogue_id", "text"), ("supplier_id", "text")), key=("catalogue_id",)
)

_WORD = re.compile(r"[^\W_]+")


def name_words(text: str) -> str:
    """The words of a name, normalised and each preceded by one space (for ``LIKE '% x%'``)."""
    return "".join(" " + word for word in _WORD.findall(normalised_key(text)))


def contact_columns(details: ContactDetails) -> Row:
    """Names, job title, e-mail; phone numbers as json {label, number}."""
    row = dataclasses.asdict(details)
    row["phone_numbers"] = to_json(row["phone_numbers"])
    return row


# Which table holds the row an event changes (keyed by the event's originator).
_CHANGED_BY: tuple[tuple[str, tuple[type[Any], ...]], ...] = (
    ("branches", (Branch.Event,)),
    ("contacts", (ContactPerson.DetailsChanged,)),
    ("catalogues", (Catalogue.Event,)),
)
_PRODUCT_CHANGES = (
    Catalogue.ProductChanged,
    Catalogue.ProductDeactivated,
    Catalogue.ProductReactivated,
)


class BranchDirectoryProjection(Projection):
    """Rows of the public branch directory."""

    name = "branch_directory"
    tables = (BRANCHES, BRANCH_PRODUCTS, CONTACTS, PRODUCT_NAMES, CATALOGUES)

    def prefetch(self, rows: Rows, events: Sequence[DomainEventProtocol[Any]]) -> None:
        """Load the branches, contacts, catalogues and products a batch changes, in bulk."""
        for table, classes in _CHANGED_BY:
            rows.prefetch(
                table, {(str(e.originator_id),) for e in events if isinstance(e, classes)}
            )
        products = set()
        for event in events:
            if isinstance(event, _PRODUCT_CHANGES):
                catalogue = rows.get("catalogues", str(event.originator_id))
                if catalogue is not None:
                    products.add((catalogue["supplier_id"], event.code))
        rows.prefetch("product_names", products)

    # -- branches -----------------------------------------------------------------------------

    @handles(Branch.Registered)
    def branch_registered(self, rows: Rows, event: Branch.Registered) -> None:
        """A new, active branch without a default contact."""
        location = event.location
        rows.put(
            "branches",
            {
                "branch_id": str(event.originator_id),
                "supplier_id": str(event.supplier_id),
                "public_name": event.public_name,
                "name_key": normalised_key(event.public_name),
                "name_words": name_words(event.public_name),
                "address": to_json(dataclasses.asdict(event.address)),
                "lat": None if location is None else location.lat,
                "lon": None if location is None else location.lon,
                "active": 1,
                "default_contact_id": None,
                "products": to_json([]),
            },
        )
        _set_products(rows, str(event.originator_id), event.products)

    @handles(Branch.Renamed)
    def branch_renamed(self, rows: Rows, event: Branch.Renamed) -> None:
        """Found under its new name only."""
        _change(
            rows,
            "branches",
            str(event.originator_id),
            public_name=event.public_name,
            name_key=normalised_key(event.public_name),
            name_words=name_words(event.public_name),
        )

    @handles(Branch.AddressChanged)
    def branch_address_changed(self, rows: Rows, event: Branch.AddressChanged) -> None:
        """The new postal address."""
        address = to_json(dataclasses.asdict(event.address))
        _change(rows, "branches", str(event.originator_id), address=address)

    @handles(Branch.Relocated)
    def branch_relocated(self, rows: Rows, event: Branch.Relocated) -> None:
        """The new map pin."""
        location = event.location
        _change(rows, "branches", str(event.originator_id), lat=location.lat, lon=location.lon)

    @handles(Branch.ProductsChanged)
    def branch_products_changed(self, rows: Rows, event: Branch.ProductsChanged) -> None:
        """Another set of deliverable codes."""
        _set_products(rows, str(event.originator_id), event.products)

    @handles(Branch.Closed)
    def branch_closed(self, rows: Rows, event: Branch.Closed) -> None:
        """Hidden from the directory."""
        _change(rows, "branches", str(event.originator_id), active=0)

    @handles(Branch.Reopened)
    def branch_reopened(self, rows: Rows, event: Branch.Reopened) -> None:
        """Back in the directory."""
        _change(rows, "branches", str(event.originator_id), active=1)

    @handles(Branch.DefaultContactChanged)
    def default_contact_changed(self, rows: Rows, event: Branch.DefaultContactChanged) -> None:
        """Another contact person (or none) is shown for the branch."""
        contact_id = ident(event.contact_id)
        _change(rows, "branches", str(event.originator_id), default_contact_id=contact_id)

    # -- contact persons ------------------------------------------------------------------------

    @handles(ContactPerson.Registered)
    def contact_person_registered(self, rows: Rows, event: ContactPerson.Registered) -> None:
        """A contact person who may become a branch's default."""
        rows.put(
            "contacts",
            {
                "contact_id": str(event.originator_id),
                "supplier_id": str(event.supplier_id),
                **contact_columns(event.details),
            },
        )

    @handles(ContactPerson.DetailsChanged)
    def contact_person_details_changed(
        self, rows: Rows, event: ContactPerson.DetailsChanged
    ) -> None:
        """New name, job title, e-mail or phone numbers."""
        _change(rows, "contacts", str(event.originator_id), **contact_columns(event.details))

    # -- product names ----------------------------------------------------------------------------

    @handles(Catalogue.Opened)
    def catalogue_opened(self, rows: Rows, event: Catalogue.Opened) -> None:
        """Whose catalogue this is."""
        rows.put(
            "catalogues",
            {"catalogue_id": str(event.originator_id), "supplier_id": str(event.supplier_id)},
        )

    @handles(Catalogue.ProductAdded)
    def product_added(self, rows: Rows, event: Catalogue.ProductAdded) -> None:
        """A product name the directory can show."""
        supplier_id = _supplier_of(rows, event)
        row = {"supplier_id": supplier_id, "code": event.code, "name": event.name, "active": 1}
        rows.put("product_names", row)

    @handles(Catalogue.ProductChanged)
    def product_changed(self, rows: Rows, event: Catalogue.ProductChanged) -> None:
        """The product's new name."""
        _change(rows, "product_names", _supplier_of(rows, event), event.code, name=event.name)

    @handles(Catalogue.ProductDeactivated)
    def product_deactivated(self, rows: Rows, event: Catalogue.ProductDeactivated) -> None:
        """No longer sold: not shown, and no branch is found for it."""
        _change(rows, "product_names", _supplier_of(rows, event), event.code, active=0)

    @handles(Catalogue.ProductReactivated)
    def product_reactivated(self, rows: Rows, event: Catalogue.ProductReactivated) -> None:
        """Sold again."""
        _change(rows, "product_names", _supplier_of(rows, event), event.code, active=1)


def _change(rows: Rows, table: str, *key: Any, **changes: Any) -> None:
    """Change some columns of a row that must exist (an earlier event created it)."""
    old = rows.get(table, *key)
    if old is None:
        msg = f"{table} has no row {key} (the event that creates it was never applied)"
        raise LookupError(msg)
    rows.put(table, {**old, **changes})


def _set_products(rows: Rows, branch_id: str, codes: Sequence[str]) -> None:
    """Replace the branch's deliverable codes (its row keeps the list, the index one row each)."""
    branch = rows.get("branches", branch_id)
    if branch is None:
        msg = f"branches has no row {branch_id} (its registration was never applied)"
        raise LookupError(msg)
    old, new = set(json.loads(branch["products"])), set(codes)
    for code in old - new:
        rows.delete("branch_products", branch_id, code)
    for code in new - old:
        rows.put("branch_products", {"branch_id": branch_id, "code": code})
    rows.put("branches", {**branch, "products": to_json(sorted(new))})


def _supplier_of(rows: Rows, event: Catalogue.Event) -> str:
    """The supplier whose catalogue recorded ``event``."""
    catalogue = rows.get("catalogues", str(event.originator_id))
    if catalogue is None:
        msg = f"catalogue {event.originator_id} was never opened"
        raise LookupError(msg)
    return str(catalogue["supplier_id"])
