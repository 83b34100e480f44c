"""The supplier's own branches (plants)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, make_response

from api.auth import require_supplier
from api.http import expected_version, idempotent, min_position, services, with_version
from api.openapi import ApiBlueprint
from api.pagination import by_name, list_page
from api.representations import branch
from api.schemas.common import ListQuery
from api.schemas.company import BranchIn, BranchListOut, BranchOut, BranchPatchIn
from betotrace_es.domain.values import Address, Location

blp = ApiBlueprint("branches", __name__, url_prefix="/api/branches", description="My branches")


def _address(data: dict[str, Any] | None) -> Address | None:
    return None if data is None else Address.parse(**data)


def _location(data: dict[str, Any] | None) -> Location | None:
    return None if data is None else Location.parse(data["lat"], data["lon"])


@blp.route("", methods=["GET"])
@blp.arguments(ListQuery, location="query")
@blp.response(200, BranchListOut)
@blp.problems(401, 403)
@blp.honours("X-Min-Position")
def list_branches(query: dict[str, Any]) -> dict[str, Any]:
    """My company's branches, closed ones too, by name."""
    min_position()
    principal, found = require_supplier(), services()
    ids = found.read.directory.branch_ids_of(principal.company.id)
    items = [branch(found.app.get_branch(principal.actor, i)) for i in ids]
    return list_page(items, query, by_name("public_name"), "branches")


@blp.route("", methods=["POST"])
@idempotent
@blp.arguments(BranchIn)
@blp.response(201, BranchOut)
@blp.problems(401, 403, 409, 415)
def register(body: dict[str, Any]) -> Response:
    """Register a branch under a public name unique on the platform (admins)."""
    principal = require_supplier()
    recorded = services().app.register_branch(
        principal.actor,
        public_name=body["public_name"],
        address=Address.parse(**body["address"]),
        location=_location(body.get("location")),
        products=body["products"],
    )
    response = make_response(BranchOut().dump(branch(recorded.aggregate)), 201)
    response.headers["Location"] = f"/api/branches/{recorded.aggregate.id}"
    return with_version(response, recorded.aggregate.version, recorded.position)


@blp.route("/<uuid:branch_id>", methods=["GET"])
@blp.response(200, BranchOut)
@blp.problems(401, 403, 404)
def get_branch(branch_id: UUID) -> Response:
    """One of my branches."""
    found = services().app.get_branch(require_supplier().actor, branch_id)
    return with_version(make_response(BranchOut().dump(branch(found))), found.version)


@blp.route("/<uuid:branch_id>", methods=["PATCH"])
@blp.arguments(BranchPatchIn)
@blp.response(200, BranchOut)
@blp.problems(401, 403, 404, 409, 412, 415)
@blp.honours("If-Match")
def change(body: dict[str, Any], branch_id: UUID) -> Response:
    """Rename, move, change products, close or reopen a branch (admins); If-Match honoured."""
    principal = require_supplier()
    recorded = services().app.change_branch(
        principal.actor,
        branch_id,
        public_name=body.get("public_name"),
        address=_address(body.get("address")),
        location=_location(body.get("location")),
        products=body.get("products"),
        active=body.get("active"),
        expected_version=expected_version(),
    )
    response = make_response(BranchOut().dump(branch(recorded.aggregate)))
    return with_version(response, recorded.aggregate.version, recorded.position)
