"""The supplier's truck-mixer drivers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.auth import require_supplier
from api.http import idempotent, min_position, services
from api.openapi import ApiBlueprint
from api.pagination import by_name, list_page
from api.representations import driver
from api.schemas.common import ListQuery
from api.schemas.company import DriverIn, DriverListOut, DriverOut, DriverPatchIn
from betotrace_es.domain.values import Permission

blp = ApiBlueprint("drivers", __name__, url_prefix="/api/drivers", description="Drivers")


@blp.route("", methods=["GET"])
@blp.arguments(ListQuery, location="query")
@blp.response(200, DriverListOut)
@blp.problems(401, 403)
@blp.honours("X-Min-Position")
def list_drivers(query: dict[str, Any]) -> dict[str, Any]:
    """My company's drivers, by name."""
    min_position()
    principal = require_supplier()
    items = [driver(d) for d in services().read.settings.drivers(principal.company.id)]
    return list_page(items, query, by_name("last_name", "first_name"), "drivers")


@blp.route("", methods=["POST"])
@idempotent
@blp.arguments(DriverIn)
@blp.response(201, DriverOut)
@blp.problems(401, 403, 409, 415)
def register(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Add a driver (admins and planners)."""
    principal = require_supplier()
    found = (
        services()
        .app.register_driver(principal.actor, body["first_name"], body["last_name"], body["mobile"])
        .aggregate
    )
    return driver(found), {"Location": f"/api/drivers/{found.id}"}


@blp.route("/<uuid:driver_id>", methods=["PATCH"])
@blp.arguments(DriverPatchIn)
@blp.response(200, DriverOut)
@blp.problems(401, 403, 404, 409, 415)
def change(body: dict[str, Any], driver_id: UUID) -> dict[str, Any]:
    """Change a driver's details, or whether they can be assigned."""
    principal = require_supplier()
    app = services().app
    old = app.get_driver(principal.actor, driver_id)
    principal.actor.require(Permission.MANAGE_DRIVERS, "manage drivers")
    new = {k: body[k] for k in ("first_name", "last_name", "mobile", "active") if k in body}
    unchanged = all(getattr(old, k) == v for k, v in new.items())
    if unchanged:
        return driver(old)
    return driver(app.change_driver(principal.actor, driver_id, **new).aggregate)
