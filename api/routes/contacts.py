"""The supplier's contact persons, and which branches they are (default) contact for."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.auth import require_supplier
from api.http import idempotent, min_position, services
from api.openapi import ApiBlueprint
from api.pagination import by_name, list_page
from api.representations import contact, contact_item
from api.schemas.common import ListQuery
from api.schemas.company import ContactIn, ContactListOut, ContactOut, ContactPatchIn
from betotrace_es.domain.people import ContactDetails, ContactPerson
from betotrace_es.domain.values import Actor, PhoneNumber

blp = ApiBlueprint("contacts", __name__, url_prefix="/api/contacts", description="Contact persons")


def _phones(items: list[dict[str, str]]) -> list[PhoneNumber]:
    return [PhoneNumber(p["label"], p["number"]) for p in items]


def _answer(actor: Actor, found: ContactPerson) -> dict[str, Any]:
    app = services().app
    defaults = [
        str(b) for b in found.branch_ids if app.get_branch(actor, b).default_contact_id == found.id
    ]
    return contact(found, defaults)


@blp.route("", methods=["GET"])
@blp.arguments(ListQuery, location="query")
@blp.response(200, ContactListOut)
@blp.problems(401, 403)
@blp.honours("X-Min-Position")
def list_contacts(query: dict[str, Any]) -> dict[str, Any]:
    """My company's contact persons, by name."""
    min_position()
    principal = require_supplier()
    items = [contact_item(c) for c in services().read.settings.contacts(principal.company.id)]
    return list_page(items, query, by_name("last_name", "first_name"), "contacts")


@blp.route("", methods=["POST"])
@idempotent
@blp.arguments(ContactIn)
@blp.response(201, ContactOut)
@blp.problems(401, 403, 409, 415)
def register(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Add a contact person for some branches (admins)."""
    principal = require_supplier()
    details = ContactDetails.parse(
        first_name=body["first_name"],
        last_name=body["last_name"],
        job_title=body["job_title"],
        email=body["email"],
        phone_numbers=_phones(body["phone_numbers"]),
    )
    found = (
        services()
        .app.register_contact(
            principal.actor, details, body["branch_ids"], body["default_for_branch_ids"]
        )
        .aggregate
    )
    return _answer(principal.actor, found), {"Location": f"/api/contacts/{found.id}"}


@blp.route("/<uuid:contact_id>", methods=["PATCH"])
@blp.arguments(ContactPatchIn)
@blp.response(200, ContactOut)
@blp.problems(401, 403, 404, 409, 415)
def change(body: dict[str, Any], contact_id: UUID) -> dict[str, Any]:
    """Change a contact person's details, branches or default roles (admins)."""
    principal = require_supplier()
    app = services().app
    old = app.get_contact(principal.actor, contact_id)
    details = None
    if any(k in body for k in ("first_name", "last_name", "job_title", "email", "phone_numbers")):
        current = old.details
        details = ContactDetails.parse(
            first_name=body.get("first_name", current.first_name),
            last_name=body.get("last_name", current.last_name),
            job_title=body.get("job_title", current.job_title),
            email=body.get("email", current.email),
            phone_numbers=_phones(body["phone_numbers"])
            if "phone_numbers" in body
            else current.phone_numbers,
        )
    found = app.change_contact(
        principal.actor,
        contact_id,
        details=details,
        branch_ids=body.get("branch_ids"),
        default_for_branch_ids=body.get("default_for_branch_ids"),
    ).aggregate
    return _answer(principal.actor, found)
