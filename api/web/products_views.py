"""Settings → Products: the supplier's catalogue with EN 206 specifications."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.auth import Principal
from api.http import services
from api.web.blueprint import bp, read_own_write
from api.web.domain_messages import translated
from api.web.forms import text
from api.web.i18n import gettext, render
from api.web.session import principal, signed_in
from betotrace_es.domain.catalogue import product_code
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.exceptions import DomainError, ValidationError
from betotrace_es.domain.values import PERMISSIONS, Permission, require_text

SPEC_TEXT = (
    "strength_class",
    "consistency_class",
    "chloride_class",
    "domain_of_use",
    "cement_type",
)
EXPOSURE_ITEM = re.compile(r"(?<=^exposure_classes)\[\d+\]$")


def _supplier() -> Principal:
    who = principal()
    if not who.is_supplier:
        abort(403)
    return who


def _spec() -> ProductSpec:
    """The specification typed in the form; the domain checks every class, all at once."""
    raw_dmax, own = text("dmax_mm"), {}
    try:
        dmax = int(raw_dmax) if raw_dmax else None
    except ValueError:
        dmax, own = None, {"dmax_mm": [gettext("Enter a number.")]}
    try:
        spec = ProductSpec.parse(
            **{k: text(k) or None for k in SPEC_TEXT},
            exposure_classes=text("exposure_classes").replace(",", " ").split(),
            dmax_mm=dmax,
        )
    except ValidationError as error:  # "exposure_classes[1]" is the one exposure classes field
        errors: dict[str, list[str]] = {}
        for field, messages in error.errors.items():
            errors.setdefault(EXPOSURE_ITEM.sub("", field), []).extend(messages)
        raise ValidationError({**errors, **own}) from None
    if own:
        raise ValidationError(own)
    return spec


def _new_product() -> tuple[str, str, ProductSpec]:
    """Code, name and specification of a new product, with every field's problems at once."""
    errors: dict[str, list[str]] = {}
    spec = ProductSpec()
    checks: dict[str, Callable[[], str]] = {
        "code": lambda: product_code(text("code")),
        "name": lambda: require_text(text("name"), "name"),
    }
    for field, check in checks.items():
        try:
            check()
        except ValidationError as error:
            errors[field] = error.errors[field]
    try:
        spec = _spec()
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    return text("code"), text("name"), spec


def _page(values: Any, errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    who, found = _supplier(), services()
    read_own_write()
    return render(
        "settings/products.html",
        products=found.read.settings.products(who.company.id),
        may_manage=Permission.MANAGE_CATALOGUE in PERMISSIONS[who.actor.role],
        values=values,
        errors=errors,
    ), status


@bp.route("/settings/products", methods=["GET"])
@signed_in
def products() -> tuple[str, int]:
    """The supplier's products."""
    return _page({}, {}, 200)


@bp.route("/settings/products", methods=["POST"])
@signed_in
def add_product() -> Response | tuple[str, int]:
    """Add a product to the catalogue (admins)."""
    who = _supplier()
    try:
        recorded = services().app.add_product(who.actor, *_new_product())
    except ValidationError as error:
        return _page(request.form, error.errors, 422)
    flash(gettext("The product is added."), "success")
    return redirect(url_for("web.products", p=recorded.position))


@bp.route("/settings/products/change", methods=["POST"])
@signed_in
def change_product() -> Response | tuple[str, int]:
    """Change a product's name, specification and whether it is sold, all or nothing (admins)."""
    who, code = _supplier(), text("code")
    try:
        recorded = services().app.update_product(
            who.actor,
            code,
            name=text("name"),
            spec=_spec(),
            active=request.form.get("active") == "yes",
        )
    except ValidationError as error:
        return _page({**request.form, "id": code}, error.errors, 422)
    except DomainError as error:
        flash(translated(error.message), "error")
        return redirect(url_for("web.products"))
    if recorded.position:
        flash(gettext("The product is saved."), "success")
    return redirect(url_for("web.products", p=recorded.position or None))
