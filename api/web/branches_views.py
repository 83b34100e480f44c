"""Settings → Branches: the supplier's plants, their address, location and deliverable products."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.auth import Principal
from api.http import services
from api.web.blueprint import bp, read_own_write
from api.web.domain_messages import translated
from api.web.forms import FormError, text
from api.web.i18n import gettext, render
from api.web.session import principal, signed_in
from betotrace_es.domain.exceptions import DomainError, TransitionRefusedError, ValidationError
from betotrace_es.domain.values import PERMISSIONS, Address, Location, Permission


def _supplier() -> Principal:
    who = principal()
    if not who.is_supplier:
        abort(403)
    return who


def _location() -> Location | None:
    """The typed coordinates (both or neither); each error is shown at its own field."""
    raw = {k: text(f"location.{k}").replace(",", ".") for k in ("lat", "lon")}
    if not any(raw.values()):
        return None
    numbers: dict[str, float] = {}
    errors: dict[str, list[str]] = {}
    for name, value in raw.items():
        try:
            numbers[name] = float(value)
        except ValueError:
            errors[f"location.{name}"] = [gettext("Enter a number.") if value else "is required"]
    if errors:
        raise FormError(errors)
    return Location.parse(numbers["lat"], numbers["lon"], "location")


def _address() -> Address:
    return Address.parse(
        text("address.street"),
        text("address.number"),
        text("address.postal_code"),
        text("address.city"),
        field="address",
    )


def _fields() -> dict[str, Any]:
    """The branch's fields as the application takes them (the domain checks them)."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {
        "public_name": text("public_name"),
        "products": request.form.getlist("products"),
    }
    for name, read in (
        ("address", _address),
        ("location", _location),
    ):
        try:
            fields[name] = read()
        except (ValidationError, FormError) as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    return fields


def _page(values: Any, errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    who, found = _supplier(), services()
    read_own_write()
    branches = [
        found.app.get_branch(who.actor, b)
        for b in found.read.directory.branch_ids_of(who.company.id)
    ]
    return render(
        "settings/branches.html",
        branches=branches,
        products=found.read.settings.products(who.company.id, active_only=True),
        may_manage=Permission.MANAGE_CATALOGUE in PERMISSIONS[who.actor.role],
        values=values,
        errors=errors,
        map_tiles=found.settings.map_tiles_url,
        map_attribution=found.settings.map_attribution,
    ), status


def _form_values() -> dict[str, Any]:
    return {**request.form, "products": request.form.getlist("products")}


@bp.route("/settings/branches", methods=["GET"])
@signed_in
def branches() -> tuple[str, int]:
    """The supplier's branches."""
    return _page({}, {}, 200)


@bp.route("/settings/branches", methods=["POST"])
@signed_in
def add_branch() -> Response | tuple[str, int]:
    """Register a branch under a public name unique on the platform (admins)."""
    who = _supplier()
    try:
        recorded = services().app.register_branch(who.actor, **_fields())
    except ValidationError as error:
        return _page(_form_values(), error.errors, 422)
    flash(gettext("The branch is added."), "success")
    return redirect(url_for("web.branches", p=recorded.position))


@bp.route("/settings/branches/<uuid:branch_id>", methods=["POST"])
@signed_in
def change_branch(branch_id: UUID) -> Response | tuple[str, int]:
    """Change a branch; closing it stops new orders (admins)."""
    who = _supplier()
    try:
        recorded = services().app.change_branch(
            who.actor, branch_id, **_fields(), active=request.form.get("active") == "yes"
        )
    except ValidationError as error:
        return _page({**_form_values(), "id": str(branch_id)}, error.errors, 422)
    except TransitionRefusedError as error:
        if error.message != "nothing changed":
            flash(translated(error.message), "error")
        return redirect(url_for("web.branches"))
    except DomainError as error:
        flash(translated(error.message), "error")
        return redirect(url_for("web.branches"))
    flash(gettext("The branch is saved."), "success")
    return redirect(url_for("web.branches", p=recorded.position))
