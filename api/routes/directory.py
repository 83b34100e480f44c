"""The public branch directory: every active plant on the platform."""

from __future__ import annotations

from typing import Any

from api.auth import require_customer
from api.errors import invalid
from api.http import min_position, services
from api.openapi import ApiBlueprint
from api.pagination import decode_cursor, encode_cursor
from api.representations import directory_entry
from api.schemas.company import DirectoryOut, DirectoryQuery
from betotrace_es.domain.exceptions import NotFoundError, ValidationError
from projections.branch_directory.queries import ForeignPositionError

CURSOR_KIND = "directory"

blp = ApiBlueprint(
    "directory", __name__, url_prefix="/api/directory", description="Public branch directory"
)


def _near(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise invalid("near", "must be 'lat,lon' such as 51.05,3.72") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise invalid("near", "latitude must be within ±90 and longitude within ±180")
    return lat, lon


@blp.route("/branches", methods=["GET"])
@blp.arguments(DirectoryQuery, location="query")
@blp.response(200, DirectoryOut)
@blp.problems(401, 403)
@blp.honours("X-Min-Position")
def search(query: dict[str, Any]) -> dict[str, Any]:
    """Active branches by name prefix and product; nearest first when `near` is given
    (customers: where to order)."""
    min_position()
    require_customer()
    near = _near(query["near"])
    radius = query["radius_km"]
    if radius is not None and near is None:
        raise invalid("radius_km", "needs near=lat,lon")
    if radius is not None and not 0 < radius <= 20_000:
        raise invalid("radius_km", "must be between 0 and 20000")
    found, limit = services(), query["limit"]
    cursor = query["cursor"]
    after = None if cursor is None else decode_cursor(CURSOR_KIND, cursor)
    try:
        entries = found.read.directory.search(
            query["q"], query["product"], near, radius, limit + 1, after
        )
    except ForeignPositionError:  # a cursor of a search in the other order
        raise invalid("cursor", "is not a cursor of this search") from None
    except ValueError as error:
        raise ValidationError.single("near", str(error)) from None
    following = None
    if len(entries) > limit:  # one more than asked for: there is a next page
        entries = entries[:limit]
        following = encode_cursor(CURSOR_KIND, entries[-1].sort_key)
    names: dict[Any, str] = {}
    items = []
    for entry in entries:
        if entry.supplier_id not in names:
            try:
                names[entry.supplier_id] = found.app.get_company(entry.supplier_id).legal_name
            except NotFoundError:
                names[entry.supplier_id] = ""
        items.append(directory_entry(entry, names[entry.supplier_id]))
    return {"items": items, "next_cursor": following}
