"""Reading a company's settings lists: users, contact persons, drivers and products."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from betotrace_es.domain.company import MemberStatus
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.values import PhoneNumber, Role, normalised_key
from projections.framework.store import ViewStore

# Lists are sorted in Python with the domain's normalised key: the same order on every backend
# whatever the database's collation, and "Élise" sorts beside "Elise". A company's lists are short.


@dataclass(frozen=True)
class UserItem:
    """A user of the company, with role and status."""

    user_id: UUID
    email: str
    first_name: str
    last_name: str
    job_title: str
    language: str
    phone_numbers: tuple[PhoneNumber, ...]
    role: Role
    status: MemberStatus


@dataclass(frozen=True)
class ContactItem:
    """A contact person, the branches they are contact for, and those they are default for."""

    contact_id: UUID
    first_name: str
    last_name: str
    job_title: str
    email: str
    phone_numbers: tuple[PhoneNumber, ...]
    branch_ids: tuple[UUID, ...]
    default_for_branch_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class DriverItem:
    """A truck-mixer driver."""

    driver_id: UUID
    first_name: str
    last_name: str
    mobile: str
    active: bool


@dataclass(frozen=True)
class ProductItem:
    """A product of the catalogue, with its specification."""

    code: str
    name: str
    spec: ProductSpec
    active: bool


def _phones(text: str | None) -> tuple[PhoneNumber, ...]:
    return tuple(PhoneNumber(**p) for p in json.loads(text or "[]"))


def _name_order(first: str, last: str, tie: str) -> tuple[str, str, str]:
    return normalised_key(last), normalised_key(first), tie


class SettingsQueries:
    """The settings lists of one company; never a row of another company."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store

    def users(self, company_id: UUID) -> list[UserItem]:
        """The company's users by last and first name; invitees without a name last, by e-mail."""
        rows = self.store.fetch(
            "SELECT * FROM {q}company_settings_users WHERE company_id = ? AND status IS NOT NULL",
            [str(company_id)],
        )
        items = [_user(r) for r in rows]
        return sorted(
            items,
            key=lambda u: (
                not (u.first_name or u.last_name),
                _name_order(u.first_name, u.last_name, u.email.casefold()),
                str(u.user_id),
            ),
        )

    def contacts(self, company_id: UUID) -> list[ContactItem]:
        """The supplier's contact persons by last and first name."""
        rows = self.store.fetch(
            "SELECT c.*, d.branch_id AS default_for FROM {q}company_settings_contacts c "
            "LEFT JOIN {q}company_settings_branch_defaults d "
            "ON d.contact_id = c.contact_id AND d.supplier_id = c.supplier_id "
            "WHERE c.supplier_id = ?",
            [str(company_id)],
        )
        defaults: dict[str, set[UUID]] = {}
        first: dict[str, dict[str, Any]] = {}
        for row in rows:  # one row per (contact, branch it is default for)
            first.setdefault(row["contact_id"], row)
            found = defaults.setdefault(row["contact_id"], set())
            if row["default_for"] is not None:
                found.add(UUID(row["default_for"]))
        items = [_contact(row, defaults[key]) for key, row in first.items()]
        return sorted(
            items, key=lambda c: _name_order(c.first_name, c.last_name, str(c.contact_id))
        )

    def drivers(self, company_id: UUID, active_only: bool = False) -> list[DriverItem]:
        """The supplier's drivers by last and first name (only the assignable ones if asked)."""
        sql = "SELECT * FROM {q}company_settings_drivers WHERE supplier_id = ?"
        rows = self.store.fetch(sql + (" AND active = 1" if active_only else ""), [str(company_id)])
        items = [
            DriverItem(
                driver_id=UUID(r["driver_id"]),
                first_name=r["first_name"],
                last_name=r["last_name"],
                mobile=r["mobile"],
                active=bool(r["active"]),
            )
            for r in rows
        ]
        return sorted(items, key=lambda d: _name_order(d.first_name, d.last_name, str(d.driver_id)))

    def products(self, company_id: UUID, active_only: bool = False) -> list[ProductItem]:
        """The supplier's products by code (only those on sale if asked)."""
        sql = "SELECT * FROM {q}company_settings_products WHERE supplier_id = ?"
        rows = self.store.fetch(sql + (" AND active = 1" if active_only else ""), [str(company_id)])
        items = [
            ProductItem(
                code=r["code"], name=r["name"], spec=_spec(r["spec"]), active=bool(r["active"])
            )
            for r in rows
        ]
        return sorted(items, key=lambda p: (p.code.casefold(), p.code))


def _user(row: dict[str, Any]) -> UserItem:
    return UserItem(
        user_id=UUID(row["user_id"]),
        email=row["email"],
        first_name=row["first_name"] or "",
        last_name=row["last_name"] or "",
        job_title=row["job_title"] or "",
        language=row["language"] or "",
        phone_numbers=_phones(row["phone_numbers"]),
        role=Role(row["role"]),
        status=MemberStatus(row["status"]),
    )


def _contact(row: dict[str, Any], default_for: set[UUID]) -> ContactItem:
    return ContactItem(
        contact_id=UUID(row["contact_id"]),
        first_name=row["first_name"],
        last_name=row["last_name"],
        job_title=row["job_title"],
        email=row["email"],
        phone_numbers=_phones(row["phone_numbers"]),
        branch_ids=tuple(UUID(b) for b in json.loads(row["branch_ids"])),
        default_for_branch_ids=tuple(sorted(default_for, key=str)),
    )


def _spec(text: str) -> ProductSpec:
    fields: dict[str, Any] = json.loads(text)
    fields["exposure_classes"] = tuple(fields["exposure_classes"])
    return ProductSpec(**fields)
