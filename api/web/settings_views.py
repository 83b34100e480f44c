"""Settings: the index of the settings screens, and the supplier's drivers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.auth import Principal
from api.http import services
from api.web.blueprint import bp, read_own_write
from api.web.forms import text
from api.web.i18n import gettext, n_, render
from api.web.session import principal, signed_in
from betotrace_es.domain.exceptions import TransitionRefusedError, ValidationError
from betotrace_es.domain.values import PERMISSIONS, Permission

DRIVER_FIELDS = ("first_name", "last_name", "mobile")


def _supplier() -> Principal:
    who = principal()
    if not who.is_supplier:
        abort(403)
    return who


def _may_manage(who: Principal) -> bool:
    return Permission.MANAGE_DRIVERS in PERMISSIONS[who.actor.role]


def _driver_form() -> dict[str, str]:
    """The driver's fields; an empty one is refused here, the rest by the domain."""
    values = {k: text(k) for k in DRIVER_FIELDS}
    missing = {k: [gettext("Required.")] for k, v in values.items() if not v}
    if missing:
        raise ValidationError(missing)
    return values


def _drivers_page(values: Any, errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    who = _supplier()
    read_own_write()
    found = services()
    return render(
        "settings/drivers.html",
        drivers=found.read.settings.drivers(who.company.id),
        may_manage=_may_manage(who),
        values=values,
        errors=errors,
        editing=request.args.get("edit", ""),
    ), status


@bp.route("/settings")
@signed_in
def settings() -> str:
    """The settings screens there are."""
    return render("settings/index.html", screens=_screens(principal()))


def _screens(who: Principal) -> list[tuple[str, str]]:
    screens = [("web.profile", n_("My profile"))]
    if who.is_supplier:
        screens.append(("web.branches", n_("Branches")))
        screens.append(("web.products", n_("Products")))
        screens.append(("web.contacts", n_("Contact persons")))
        screens.append(("web.drivers", n_("Drivers")))
    screens.append(("web.users", n_("Users")))
    return screens


@bp.route("/settings/drivers", methods=["GET"])
@signed_in
def drivers() -> tuple[str, int]:
    """The supplier's drivers; add one, or change one."""
    return _drivers_page({}, {}, 200)


@bp.route("/settings/drivers", methods=["POST"])
@signed_in
def add_driver() -> Response | tuple[str, int]:
    """Register a driver (admins and planners)."""
    who = _supplier()
    try:
        recorded = services().app.register_driver(who.actor, **_driver_form())
    except ValidationError as error:
        return _drivers_page(request.form, error.errors, 422)
    flash(gettext("The driver is added."), "success")
    return redirect(url_for("web.drivers", p=recorded.position))


@bp.route("/settings/drivers/<uuid:driver_id>", methods=["POST"])
@signed_in
def change_driver(driver_id: UUID) -> Response | tuple[str, int]:
    """Change a driver's details, or whether they can be assigned."""
    who = _supplier()
    try:
        fields = _driver_form()
        recorded = services().app.change_driver(
            who.actor, driver_id, **fields, active=request.form.get("active") == "yes"
        )
    except ValidationError as error:
        return _drivers_page({**request.form, "id": str(driver_id)}, error.errors, 422)
    except TransitionRefusedError:  # nothing changed
        return redirect(url_for("web.drivers"))
    flash(gettext("The driver is saved."), "success")
    return redirect(url_for("web.drivers", p=recorded.position))
