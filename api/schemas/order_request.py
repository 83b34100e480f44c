"""An order request, from the API's loaded body to the application's command arguments.

Shared by ``POST /api/orders`` and the web's new-order form, so both apply the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from betotrace_es.domain.exceptions import ValidationError
from betotrace_es.domain.order import request_field_problems
from betotrace_es.domain.order_values import Placement, Site
from betotrace_es.domain.values import Address, Location

T = TypeVar("T")


def order_request_arguments(body: dict[str, Any]) -> dict[str, Any]:
    """The arguments of ``Betotrace.request_order`` from a loaded ``OrderRequestIn`` (API and web).

    The placement and every part of the site are checked; one error names each field refused.
    """
    arguments, errors = _arguments_of(body)
    if errors:
        raise ValidationError(errors)
    return arguments


def order_request_problems(body: Mapping[str, Any]) -> dict[str, list[str]]:
    """The domain's objections to the parts of a request present in ``body``, all at once.

    ``body`` may be partly loaded (what the schema let through): the web shows these next to the
    schema's own errors in one round. What is missing is not judged here.
    """
    errors = _arguments_of(body)[1]
    plain = {k: body[k] for k in PLAIN_FIELDS if k in body}
    for field, messages in request_field_problems(plain).items():
        errors.setdefault(field, messages)
    return errors


PLAIN_FIELDS = ("quantity_m3", "delivery_at", "pour_rate_m3_per_h", "customer_reference", "remarks")
ADDRESS_PARTS = ("street", "number", "postal_code", "city")
# Stands in for an address that did not parse while the rest of the site is checked.
NO_ADDRESS = Address("", "", "", "")


def _arguments_of(body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The command's arguments, and the problems of each part that is present."""
    errors: dict[str, list[str]] = {}

    def attempt(parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except ValidationError as error:
            errors.update(error.errors)
            return None

    site: Mapping[str, Any] = body.get("site") or {}
    raw_address: Mapping[str, Any] = site.get("address") or {}
    location = site.get("location")
    placement = attempt(
        lambda: Placement.parse(
            body.get("pour_method", ""),
            body.get("element", ""),
            cast("bool", body.get("power_lines_nearby")),  # the domain says if it is not one
        )
    )
    address = attempt(
        lambda: Address.parse(
            **{k: raw_address.get(k, "") for k in ADDRESS_PARTS},
            country=raw_address.get("country", "BE"),
            field="site.address",
        )
    )
    where = None
    if location is not None and "lat" in location and "lon" in location:
        where = attempt(lambda: Location.parse(location["lat"], location["lon"], "site.location"))
    checked_site = attempt(
        lambda: Site.parse(
            name=site.get("name", ""),
            address=address or NO_ADDRESS,
            location=where,
            access_notes=site.get("access_notes", ""),
            contact_name=site.get("contact_name", ""),
            contact_phone=site.get("contact_phone", ""),
        )
    )
    return {
        "branch_id": body.get("branch_id"),
        "product_code": body.get("product_code"),
        "quantity_m3": body.get("quantity_m3"),
        "delivery_at": body.get("delivery_at"),
        "pour_rate_m3_per_h": body.get("pour_rate_m3_per_h"),
        "placement": placement,
        "site": checked_site,
        "customer_reference": body.get("customer_reference", ""),
        "remarks": body.get("remarks", ""),
    }, errors
