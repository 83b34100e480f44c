"""Settings → Contact persons: who customers call about a branch, and each branch's default."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.auth import Principal
from api.http import services
from api.web.blueprint import bp, read_own_write
from api.web.forms import text
from api.web.i18n import gettext, render
from api.web.orders_list import branch_choices
from api.web.profile_views import parsed_with_phones
from api.web.session import principal, signed_in
from betotrace_es.domain.exceptions import TransitionRefusedError, ValidationError
from betotrace_es.domain.people import ContactDetails
from betotrace_es.domain.values import PERMISSIONS, Permission

PHONE_ROWS = 2


def _supplier() -> Principal:
    who = principal()
    if not who.is_supplier:
        abort(403)
    return who


def _ids(name: str) -> list[UUID]:
    found = []
    for raw in request.form.getlist(name):
        try:
            found.append(UUID(raw))
        except ValueError:
            continue
    return found


def _details() -> ContactDetails:
    return parsed_with_phones(
        lambda phones: ContactDetails.parse(
            first_name=text("first_name"),
            last_name=text("last_name"),
            job_title=text("job_title"),
            email=text("email"),
            phone_numbers=phones,
        ),
        PHONE_ROWS,
    )


def _form() -> tuple[ContactDetails, list[UUID], list[UUID]]:
    """Details, branches and default branches; a default must be one of the ticked branches."""
    branch_ids, defaults = _ids("branch_ids"), _ids("default_for_branch_ids")
    errors: dict[str, list[str]] = {}
    if set(defaults) - set(branch_ids):  # the domain would name the branches by their ids
        errors["default_for_branch_ids"] = [
            gettext("A default contact is a contact of that branch too: tick the branch as well.")
        ]
    try:
        details = _details()
    except ValidationError as error:
        errors = {**error.errors, **errors}
    if errors:
        raise ValidationError(errors)
    return details, branch_ids, defaults


def _page(values: Any, errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    who, found = _supplier(), services()
    read_own_write()
    return render(
        "settings/contacts.html",
        contacts=found.read.settings.contacts(who.company.id),
        branches=branch_choices(who),
        may_manage=Permission.MANAGE_CATALOGUE in PERMISSIONS[who.actor.role],
        values=values,
        errors=errors,
        phone_rows=PHONE_ROWS,
    ), status


@bp.route("/settings/contacts", methods=["GET"])
@signed_in
def contacts() -> tuple[str, int]:
    """The supplier's contact persons."""
    return _page({}, {}, 200)


@bp.route("/settings/contacts", methods=["POST"])
@signed_in
def add_contact() -> Response | tuple[str, int]:
    """Add a contact person for some branches (admins)."""
    who = _supplier()
    try:
        recorded = services().app.register_contact(who.actor, *_form())
    except ValidationError as error:
        return _page(_form_values(), error.errors, 422)
    flash(gettext("The contact person is added."), "success")
    return redirect(url_for("web.contacts", p=recorded.position))


@bp.route("/settings/contacts/<uuid:contact_id>", methods=["POST"])
@signed_in
def change_contact(contact_id: UUID) -> Response | tuple[str, int]:
    """Change a contact person's details, branches and default roles (admins)."""
    who = _supplier()
    try:
        details, branch_ids, defaults = _form()
        recorded = services().app.change_contact(
            who.actor,
            contact_id,
            details=details,
            branch_ids=branch_ids,
            default_for_branch_ids=defaults,
        )
    except ValidationError as error:
        return _page({**_form_values(), "id": str(contact_id)}, error.errors, 422)
    except TransitionRefusedError:  # nothing changed
        return redirect(url_for("web.contacts"))
    flash(gettext("The contact person is saved."), "success")
    return redirect(url_for("web.contacts", p=recorded.position))


def _form_values() -> dict[str, Any]:
    values: dict[str, Any] = dict(request.form)
    values["branch_ids"] = request.form.getlist("branch_ids")
    values["default_for_branch_ids"] = request.form.getlist("default_for_branch_ids")
    return values
