"""Domain objects and read-model rows as the JSON the API answers with."""

from __future__ import annotations

from typing import Any

from betotrace_es.application import Betotrace
from betotrace_es.application.audit import OrderHistory, describe_order
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.company import Company, Member
from betotrace_es.domain.exceptions import NotFoundError
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import status_label
from betotrace_es.domain.people import ContactPerson, Driver, User
from betotrace_es.domain.values import Party
from betotrace_es.plain import plain
from projections.branch_directory.queries import DirectoryEntry
from projections.company_settings.queries import ContactItem, DriverItem, ProductItem, UserItem
from projections.order_list.queries import OrderListItem
from projections.order_status.queries import OrderStatusView


def _moment(value: Any) -> str | None:
    return None if value is None else value.isoformat()


# -- orders ---------------------------------------------------------------------------------------


def order_from_view(view: OrderStatusView, language: str) -> dict[str, Any]:
    """The order page's data from the status read model."""
    document = dict(view.order)
    party = view.action_needed_by
    return {
        "id": document.pop("order_id"),
        **document,
        "status_label": view.status_label(language),
        "action_needed_by": None if party is None else party.value,
        "contact": view.contact,
    }


def order_from_aggregate(order: Order, language: str, contact: dict[str, Any]) -> dict[str, Any]:
    """The same representation from the aggregate itself (when the read model lags)."""
    pending = order.pending_proposal
    party = order.action_needed_by
    return {
        "id": str(order.id),
        "number": order.number,
        "status": order.status.value,
        "status_label": status_label(order.status, pending, language),
        "action_needed_by": None if party is None else party.value,
        "customer_id": str(order.customer_id),
        "supplier_id": str(order.supplier_id),
        "branch_id": str(order.branch_id),
        "requested_by": None if order.requested_by is None else str(order.requested_by),
        "requested_at": order.created_on.isoformat(),
        "product": plain(order.product),
        "quantity_m3": str(order.quantity_m3),
        "pour_rate_m3_per_h": plain(order.pour_rate_m3_per_h),
        "delivery_at": order.delivery_at.isoformat(),
        "placement": plain(order.placement),
        "site": plain(order.site),
        "customer_reference": order.customer_reference,
        "remarks": order.remarks,
        "pending_proposal": plain(pending),
        "deliveries": plain(order.deliveries),
        "cancellation": describe_order(order)["cancellation"],
        "version": order.version,
        "last_change": order.modified_on.isoformat(),
        "contact": contact,
    }


def contact_from_aggregates(app: Betotrace, order: Order, viewer: Party) -> dict[str, Any]:
    """The other party's contact block, read from the write model.

    The user, branch and contact person are reference data here (``load_reference``: read
    from the store at most once a second, never copied).
    """
    if viewer is Party.SUPPLIER:
        person: dict[str, Any] = {"name": None, "email": None, "phone_numbers": []}
        if order.requested_by is not None:
            try:
                user = app.load_reference(User, order.requested_by, "user")
                person = {
                    "name": user.full_name,
                    "email": user.email,
                    "phone_numbers": plain(user.profile.phone_numbers),
                }
            except NotFoundError:
                pass
        site = {"name": order.site.contact_name, "phone": order.site.contact_phone}
        return {"requested_by": person, "site_contact": site}
    branch = app.load_reference(Branch, order.branch_id, "branch")
    contact = None
    if branch.default_contact_id is not None:
        found = app.load_reference(ContactPerson, branch.default_contact_id, "contact person")
        details = found.details
        contact = {
            "name": f"{details.first_name} {details.last_name}",
            "job_title": details.job_title,
            "email": details.email,
            "phone_numbers": plain(details.phone_numbers),
        }
    return {
        "branch": {"name": branch.public_name, "address": plain(branch.address)},
        "contact_person": contact,
    }


def order_item(item: OrderListItem, language: str) -> dict[str, Any]:
    """A line of the order list."""
    pending = item.pending_proposal
    return {
        "id": str(item.order_id),
        "number": item.number,
        "status": item.status.value,
        "status_label": item.status_label(language),
        "action_needed_by": None if item.action_needed_by is None else item.action_needed_by.value,
        "branch_id": str(item.branch_id),
        "branch_name": item.branch_name,
        "customer_id": str(item.customer_id),
        "customer_name": item.customer_name,
        "product_code": item.product_code,
        "product_name": item.product_name,
        "quantity_m3": str(item.quantity_m3),
        "delivery_at": item.delivery_at.isoformat(),
        "pending_proposal": None
        if pending is None
        else {
            "delivery_at": pending.delivery_at.isoformat(),
            "proposed_by": pending.proposed_by.value,
            "message": pending.message,
        },
        "site_name": item.site_name,
        "site_city": item.site_city,
        "customer_reference": item.customer_reference,
        "last_change": item.last_change.isoformat(),
        "version": item.version,
    }


def history(found: OrderHistory, language: str) -> dict[str, Any]:
    """The audit: events, and the state at the asked version."""
    return {
        "order_id": str(found.order_id),
        "number": found.number,
        "events": [
            {
                "version": e.version,
                "type": e.type,
                "recorded_at": e.recorded_at.isoformat(),
                "actor": {
                    "user_id": None if e.actor.user_id is None else str(e.actor.user_id),
                    "name": e.actor.name,
                    "company": e.actor.company,
                    "company_id": None if e.actor.company_id is None else str(e.actor.company_id),
                },
                "data": e.data,
            }
            for e in found.entries
        ],
        "state": None if found.state is None else describe_order(found.state, language),
    }


# -- people and things of a company ---------------------------------------------------------------


def me(user: User, company: Company, member: Member) -> dict[str, Any]:
    """The signed-in user's profile."""
    profile = user.profile
    return {
        "id": str(user.id),
        "email": user.email,
        "role": member.role.value,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "job_title": profile.job_title,
        "language": profile.language,
        "phone_numbers": plain(profile.phone_numbers),
        "company": {
            "id": str(company.id),
            "kind": company.kind.value,
            "legal_name": company.legal_name,
            "vat_number": company.vat_number,
        },
    }


def member(user: User, found: Member) -> dict[str, Any]:
    """A colleague, from the write model (right after a command)."""
    return {
        "id": str(user.id),
        "email": found.email,
        "name": user.full_name if user.profile.first_name or user.profile.last_name else "",
        "role": found.role.value,
        "status": found.status.value,
        "invitation_expires_at": _moment(found.invitation_expires_at),
    }


def user_item(item: UserItem, invitation_expires_at: Any = None) -> dict[str, Any]:
    """A colleague, from the settings list."""
    return {
        "id": str(item.user_id),
        "email": item.email,
        "name": f"{item.first_name} {item.last_name}".strip(),
        "role": item.role.value,
        "status": item.status.value,
        "invitation_expires_at": _moment(invitation_expires_at),
    }


def product(item: ProductItem) -> dict[str, Any]:
    """A product of the catalogue."""
    return {"code": item.code, "name": item.name, **plain(item.spec), "active": item.active}


def branch(found: Branch) -> dict[str, Any]:
    """A branch as its supplier manages it."""
    return {
        "id": str(found.id),
        "public_name": found.public_name,
        "address": plain(found.address),
        "location": plain(found.location),
        "products": sorted(found.products),
        "active": found.active,
        "default_contact_id": None
        if found.default_contact_id is None
        else str(found.default_contact_id),
        "version": found.version,
    }


def directory_entry(entry: DirectoryEntry, supplier_name: str) -> dict[str, Any]:
    """A branch of the public directory."""
    return {
        "id": str(entry.branch_id),
        "public_name": entry.public_name,
        "supplier_id": str(entry.supplier_id),
        "supplier_name": supplier_name,
        "address": entry.address,
        "location": None
        if entry.location is None
        else {"lat": entry.location[0], "lon": entry.location[1]},
        "products": entry.products,
        "default_contact": entry.default_contact,
        "distance_km": None if entry.distance_km is None else round(entry.distance_km, 3),
    }


def contact_item(item: ContactItem) -> dict[str, Any]:
    """A contact person, from the settings list."""
    return {
        "id": str(item.contact_id),
        "first_name": item.first_name,
        "last_name": item.last_name,
        "job_title": item.job_title,
        "email": item.email,
        "phone_numbers": plain(item.phone_numbers),
        "branch_ids": [str(b) for b in item.branch_ids],
        "default_for_branch_ids": [str(b) for b in item.default_for_branch_ids],
    }


def contact(found: ContactPerson, default_for: list[str]) -> dict[str, Any]:
    """A contact person, from the write model (right after a command)."""
    details = found.details
    return {
        "id": str(found.id),
        "first_name": details.first_name,
        "last_name": details.last_name,
        "job_title": details.job_title,
        "email": details.email,
        "phone_numbers": plain(details.phone_numbers),
        "branch_ids": [str(b) for b in found.branch_ids],
        "default_for_branch_ids": default_for,
    }


def driver(found: Driver | DriverItem) -> dict[str, Any]:
    """A driver."""
    ident = found.driver_id if isinstance(found, DriverItem) else found.id
    return {
        "id": str(ident),
        "first_name": found.first_name,
        "last_name": found.last_name,
        "mobile": found.mobile,
        "active": found.active,
    }
