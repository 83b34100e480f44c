"""The supplier's product catalogue."""

from __future__ import annotations

from typing import Any

from api.auth import current, require_supplier
from api.http import idempotent, min_position, services
from api.openapi import ApiBlueprint
from api.pagination import list_page
from api.representations import product
from api.schemas.common import ListQuery
from api.schemas.company import ProductIn, ProductListOut, ProductOut, ProductPatchIn
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.exceptions import NotFoundError
from projections.company_settings.queries import ProductItem

blp = ApiBlueprint("products", __name__, url_prefix="/api/products", description="Catalogue")

SPEC_FIELDS = (
    "strength_class",
    "exposure_classes",
    "consistency_class",
    "dmax_mm",
    "chloride_class",
    "domain_of_use",
    "cement_type",
)


def _item(code: str) -> dict[str, Any]:
    catalogue = services().app.get_catalogue(current().company.id)
    found = catalogue.products.get(code)
    if found is None:
        raise NotFoundError(f"product {code} not found")
    return product(ProductItem(found.code, found.name, found.spec, found.active))


@blp.route("", methods=["GET"])
@blp.arguments(ListQuery, location="query")
@blp.response(200, ProductListOut)
@blp.problems(401, 403)
@blp.honours("X-Min-Position")
def list_products(query: dict[str, Any]) -> dict[str, Any]:
    """The catalogue, by code."""
    min_position()
    principal = require_supplier()
    items = [product(p) for p in services().read.settings.products(principal.company.id)]
    return list_page(items, query, lambda item: (item["code"],), "products")


@blp.route("", methods=["POST"])
@idempotent
@blp.arguments(ProductIn)
@blp.response(201, ProductOut)
@blp.problems(401, 403, 409, 415)
def add(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Add a product (admins)."""
    principal = require_supplier()
    spec = ProductSpec.parse(**{k: body[k] for k in SPEC_FIELDS})
    services().app.add_product(principal.actor, body["code"], body["name"], spec)
    code = body["code"].strip()
    return _item(code), {"Location": f"/api/products/{code}"}


@blp.route("/<path:code>", methods=["PATCH"])
@blp.arguments(ProductPatchIn)
@blp.response(200, ProductOut)
@blp.problems(401, 403, 404, 409, 415)
def change(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Change a product's name or specification, or stop or resume selling it (admins)."""
    principal = require_supplier()
    catalogue = services().app.get_catalogue(principal.company.id)
    old = catalogue.products.get(code)
    if old is None:
        raise NotFoundError(f"product {code} not found")
    spec = None
    if any(k in body for k in SPEC_FIELDS):
        current_spec = {k: getattr(old.spec, k) for k in SPEC_FIELDS}
        spec = ProductSpec.parse(
            **{**current_spec, **{k: body[k] for k in SPEC_FIELDS if k in body}}
        )
    services().app.update_product(
        principal.actor, code, name=body.get("name"), spec=spec, active=body.get("active")
    )
    return _item(code)
