"""A customer's new order: find a branch, pick one of its products, say when and where."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from flask import abort, flash, redirect, request, url_for
from marshmallow import ValidationError as SchemaError
from werkzeug.wrappers import Response

from api.auth import Principal
from api.http import services
from api.schemas.order_request import order_request_arguments, order_request_problems
from api.schemas.orders import OrderRequestIn
from api.web.blueprint import bp
from api.web.domain_messages import translated
from api.web.forms import FormError, flatten, local_moment, text
from api.web.i18n import BRUSSELS, gettext, n_, render
from api.web.order_page import POUR_METHODS
from api.web.session import principal, signed_in
from betotrace_es.application import Recorded
from betotrace_es.domain.exceptions import DomainError, ValidationError
from betotrace_es.domain.order import Order
from projections.branch_directory.queries import DirectoryEntry

# marshmallow's own wording, said in the UI's language.
SCHEMA_MESSAGES = {
    "Missing data for required field.": n_("Required."),
    "Not a valid number.": n_("Enter a number."),
    "Field may not be null.": n_("Required."),
    "Not a valid UUID.": n_("Choose a branch."),
    "Not a valid boolean.": n_("Answer yes or no."),
    "Not a valid string.": n_("Enter text."),
}
# Messages of marshmallow's validators with a value in them, said as the domain says them.
SCHEMA_PATTERNS = (
    (re.compile(r"^Must be one of: (?P<allowed>.+)\.$"), "must be one of {allowed}"),
    (
        re.compile(r"^Longer than maximum length (?P<count>\d+)\.$"),
        "must be at most {count} characters",
    ),
)
SITE_FIELDS = ("name", "access_notes", "contact_name", "contact_phone")
ADDRESS_FIELDS = ("street", "number", "postal_code", "city")


def _customer() -> Principal:
    who = principal()
    if who.is_supplier:
        abort(403)
    return who


def _near() -> tuple[float, float] | None:
    try:
        lat, lon = float(request.args["lat"]), float(request.args["lon"])
    except (KeyError, ValueError):
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _branches() -> list[DirectoryEntry]:
    product = request.args.get("product", "").strip() or None
    directory = services().read.directory
    return directory.search(request.args.get("q", "").strip()[:200], product, _near(), None, 20)


def _chosen(raw: str) -> DirectoryEntry | None:
    try:
        return services().read.directory.get(UUID(raw)) if raw else None
    except ValueError:
        return None


def _number(name: str) -> str:
    return text(name).replace(",", ".").replace(" ", "")


def _body() -> dict[str, Any]:
    """The form as the API's request body, so the API's schema reads it."""
    site: dict[str, Any] = {k: text(f"site.{k}") for k in SITE_FIELDS}
    site["address"] = {k: text(f"site.address.{k}") for k in ADDRESS_FIELDS}
    if text("site.location.lat") or text("site.location.lon"):
        site["location"] = {
            "lat": _number("site.location.lat"),
            "lon": _number("site.location.lon"),
        }
    body: dict[str, Any] = {
        "branch_id": text("branch_id"),
        "product_code": text("product_code"),
        "quantity_m3": _number("quantity_m3"),
        "pour_method": text("pour_method"),
        "element": text("element"),
        "site": site,
        "customer_reference": text("customer_reference"),
        "remarks": text("remarks"),
    }
    if _number("pour_rate_m3_per_h"):
        body["pour_rate_m3_per_h"] = _number("pour_rate_m3_per_h")
    if text("power_lines_nearby") in ("yes", "no"):
        body["power_lines_nearby"] = text("power_lines_nearby") == "yes"
    return body


def _filled(body: dict[str, Any]) -> dict[str, Any]:
    """The body without empty fields: an empty required field is then missing to the schema."""
    kept = {k: _filled(v) if isinstance(v, dict) else v for k, v in body.items() if v != ""}
    return {k: v for k, v in kept.items() if v != {}}


def _read(body: dict[str, Any]) -> dict[str, Any]:
    """The API's schema and the domain's rules over the body, every error in one round.

    The delivery moment is typed in Brussels time. Whatever the schema lets through is judged
    by the domain at once, so a form with several bad fields shows all of them after one send.
    """
    body = _filled(body)
    errors: dict[str, list[str]] = {}
    try:
        body["delivery_at"] = local_moment("date", "time", "delivery_at").isoformat()
    except FormError as error:
        errors.update(error.errors)
    loaded: dict[str, Any]
    try:
        loaded = OrderRequestIn().load(body)
    except SchemaError as error:
        for field, messages in flatten(error.messages).items():
            errors.setdefault(field, [_schema_message(m) for m in messages])
        loaded = error.valid_data if isinstance(error.valid_data, dict) else {}
    for field, messages in order_request_problems(loaded).items():
        errors.setdefault(field, messages)  # a field the schema refused keeps its own message
    product = loaded.get("product_code")
    branch = _chosen(text("branch_id"))
    if branch is not None and product and product not in {p["code"] for p in branch.products}:
        said = f"'{product}' is not deliverable by branch {branch.public_name}"  # the domain's
        errors.setdefault("product_code", [said])
    if errors:
        raise FormError(errors)
    return loaded


def _schema_message(message: str) -> str:
    """marshmallow's wording in the UI's language."""
    if message in SCHEMA_MESSAGES:
        return gettext(SCHEMA_MESSAGES[message])
    for pattern, domain_words in SCHEMA_PATTERNS:
        found = pattern.match(message)
        if found is not None:
            return translated(domain_words.format(**found.groupdict()))
    return message


def _request(who: Principal, body: dict[str, Any]) -> Recorded[Order]:
    """The same command, built the same way, as ``POST /api/orders``."""
    return services().app.request_order(who.actor, **order_request_arguments(body))


def _defaults(who: Principal) -> dict[str, str]:
    tomorrow = datetime.now(BRUSSELS) + timedelta(days=1)
    phones = who.user.profile.phone_numbers
    return {
        "date": tomorrow.date().isoformat(),
        "time": "07:30",
        "pour_method": "pump",
        "site.contact_name": who.user.full_name,
        "site.contact_phone": phones[0].number if phones else "",
    }


def _page(values: Any, errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    branch = _chosen(request.values.get("branch_id") or request.args.get("branch", ""))
    return render(
        "orders/new.html",
        branch=branch,
        branches=[] if branch else _branches(),
        args=request.args,
        values=values,
        errors=errors,
        pour_methods=POUR_METHODS,
    ), status


@bp.route("/orders/new", methods=["GET"])
@signed_in
def new_order() -> tuple[str, int]:
    """Find a branch (name, product, nearest first), then fill in the order."""
    who = _customer()
    return _page(_defaults(who), {}, 200)


@bp.route("/orders/new", methods=["POST"])
@signed_in
def send_order() -> Response | tuple[str, int]:
    """Request the order; the form again with every error at its field."""
    who = _customer()
    try:
        recorded = _request(who, _read(_body()))
    except (FormError, ValidationError) as error:
        return _page(request.form, error.errors, 422)
    except DomainError as error:
        return _page(request.form, {"": [error.message]}, 409)
    flash(gettext("Your order request was sent to the supplier."), "success")
    return redirect(url_for("web.order", order_id=recorded.aggregate.id, p=recorded.position))
