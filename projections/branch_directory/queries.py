"""Searching the branch directory: by name, by product, and nearest first around a point."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from projections.branch_directory.projection import name_words
from projections.framework.store import ViewStore

MAX_LIMIT = 200
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
_BOX_MARGIN = 1.000001  # the SQL box is a prefilter: never let rounding cut off a branch

_SELECT = (
    "SELECT b.*, c.first_name, c.last_name, c.job_title, c.email, c.phone_numbers "
    "FROM {q}branch_directory_branches b "
    "LEFT JOIN {q}branch_directory_contacts c ON c.contact_id = b.default_contact_id"
)
_DELIVERS = (
    "EXISTS (SELECT 1 FROM {q}branch_directory_branch_products p "
    "JOIN {q}branch_directory_product_names n ON n.supplier_id = b.supplier_id AND n.code = p.code "
    "WHERE p.branch_id = b.branch_id AND p.code = ? AND n.active = 1)"
)

Point = tuple[float, float]


class ForeignPositionError(ValueError):
    """``after`` is not the sort key of an entry of a search in this order."""


@dataclass(frozen=True)
class DirectoryEntry:
    """A branch as every customer may see it."""

    branch_id: UUID
    supplier_id: UUID
    public_name: str
    address: dict[str, str]
    location: Point | None
    products: list[dict[str, str]]  # {code, name}, by code
    default_contact: dict[str, Any] | None  # {name, job_title, email, phone_numbers}
    distance_km: float | None = None
    # Where it stands in its search's order: (name key, id), or (distance, name key, id)
    # nearest first. A next page starts after the last entry's (``search(after=...)``).
    sort_key: tuple[Any, ...] = ()


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(center: Point, radius_km: float) -> tuple[Point, list[Point]]:
    """The (lat range, lon ranges) holding every point within ``radius_km`` of ``center``.

    Two lon ranges when the box crosses the antimeridian; all longitudes when it reaches a pole.
    """
    angle = radius_km * _BOX_MARGIN / EARTH_RADIUS_KM
    lat = math.radians(center[0])
    low, high = lat - angle, lat + angle
    if low <= -math.pi / 2 or high >= math.pi / 2:
        return (math.degrees(max(low, -math.pi / 2)), math.degrees(min(high, math.pi / 2))), [
            (-180.0, 180.0)
        ]
    spread = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(lat))))
    west, east = center[1] - spread, center[1] + spread
    if west < -180.0:
        lons = [(west + 360.0, 180.0), (-180.0, east)]
    elif east > 180.0:
        lons = [(west, 180.0), (-180.0, east - 360.0)]
    else:
        lons = [(west, east)]
    return (math.degrees(low), math.degrees(high)), lons


def _check_place(near: Point | None, radius_km: float | None) -> None:
    if near is not None and not (
        all(math.isfinite(v) for v in near) and -90 <= near[0] <= 90 and -180 <= near[1] <= 180
    ):
        msg = f"near must be a latitude in [-90, 90] and a longitude in [-180, 180], not {near}"
        raise ValueError(msg)
    if radius_km is not None:
        if near is None:
            raise ValueError("radius_km needs a point to measure from (near)")
        if not math.isfinite(radius_km) or radius_km < 0:
            raise ValueError("radius_km must be a finite number ≥ 0")


class DirectoryQueries:
    """The public directory of active branches."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store
        # Byte order on both backends, so a page ends at the same branch everywhere.
        self._binary = ' COLLATE "C"' if store.postgres else ""

    def search(
        self,
        text: str = "",
        product: str | None = None,
        near: Point | None = None,
        radius_km: float | None = None,
        limit: int = 50,
        after: tuple[Any, ...] | None = None,
    ) -> list[DirectoryEntry]:
        """Active branches by name prefix and product; nearest first when ``near`` is given.

        ``after``: the ``sort_key`` of the last entry of the previous page (keyset paging: no
        repeat and no gap when branches come and go between pages).
        """
        _check_place(near, radius_km)
        limit = max(1, min(limit, MAX_LIMIT + 1))  # a page, and one more: is there a next?
        clauses: list[str] = ["b.active = ?"]
        params: list[Any] = [1]
        _name_filter(text, clauses, params)
        if product is not None:
            clauses.append(_DELIVERS)
            params.append(product.strip())
        if near is None:
            if after is not None:
                name, branch = _name_position(after)
                clauses.append(
                    f"(b.name_key{self._binary} > ? OR (b.name_key{self._binary} = ? "
                    f"AND b.branch_id{self._binary} > ?))"
                )
                params += [name, name, branch]
            rows = self.store.fetch(
                f"{_SELECT} WHERE {' AND '.join(clauses)} "
                f"ORDER BY b.name_key{self._binary}, b.branch_id{self._binary} LIMIT ?",
                [*params, limit],
            )
            return self._entries(rows, {})
        _place_filter(near, radius_km, clauses, params)
        rows = self.store.fetch(f"{_SELECT} WHERE {' AND '.join(clauses)}", params)
        distances = {r["branch_id"]: haversine_km(near, (r["lat"], r["lon"])) for r in rows}
        if radius_km is not None:
            rows = [r for r in rows if distances[r["branch_id"]] <= radius_km]
        rows.sort(key=lambda r: _near_key(r, distances))
        if after is not None:
            start = _near_position(after)
            rows = [r for r in rows if _near_key(r, distances) > start]
        return self._entries(rows[:limit], distances)

    def get(self, branch_id: UUID, *, include_closed: bool = False) -> DirectoryEntry | None:
        """One branch of the directory (a closed one only when asked for)."""
        rows = self.store.fetch(f"{_SELECT} WHERE b.branch_id = ?", [str(branch_id)])
        if not rows or (not rows[0]["active"] and not include_closed):
            return None
        return self._entries(rows, {})[0]

    def branch_ids_of(self, supplier_id: UUID) -> list[UUID]:
        """Every branch of one supplier, closed ones too, by name (its settings list)."""
        rows = self.store.fetch(
            "SELECT branch_id FROM {q}branch_directory_branches WHERE supplier_id = ? "
            f"ORDER BY name_key{self._binary}, branch_id{self._binary}",
            [str(supplier_id)],
        )
        return [UUID(r["branch_id"]) for r in rows]

    def _entries(
        self, rows: list[dict[str, Any]], distances: dict[str, float]
    ) -> list[DirectoryEntry]:
        products = self._products([r["branch_id"] for r in rows])
        return [
            _entry(r, products.get(r["branch_id"], []), distances.get(r["branch_id"])) for r in rows
        ]

    def _products(self, branch_ids: list[str]) -> dict[str, list[dict[str, str]]]:
        if not branch_ids:
            return {}
        rows = self.store.fetch(
            "SELECT p.branch_id, p.code, n.name FROM {q}branch_directory_branch_products p "
            "JOIN {q}branch_directory_branches b ON b.branch_id = p.branch_id "
            "JOIN {q}branch_directory_product_names n "
            "ON n.supplier_id = b.supplier_id AND n.code = p.code "
            f"WHERE n.active = 1 AND p.branch_id IN ({', '.join('?' for _ in branch_ids)})",
            branch_ids,
        )
        found: dict[str, list[dict[str, str]]] = {}
        for row in sorted(rows, key=lambda r: (r["branch_id"], r["code"])):
            found.setdefault(row["branch_id"], []).append(
                {"code": row["code"], "name": row["name"]}
            )
        return found


def _near_key(row: dict[str, Any], distances: dict[str, float]) -> tuple[float, str, str]:
    return (distances[row["branch_id"]], row["name_key"], row["branch_id"])


def _name_position(after: tuple[Any, ...]) -> tuple[str, str]:
    if len(after) != 2 or not all(isinstance(v, str) for v in after):
        msg = "after must be the sort key of an entry of a search by name"
        raise ForeignPositionError(msg)
    return after[0], after[1]


def _near_position(after: tuple[Any, ...]) -> tuple[float, str, str]:
    if (
        len(after) != 3
        or not isinstance(after[0], int | float)
        or isinstance(after[0], bool)
        or not all(isinstance(v, str) for v in after[1:])
    ):
        msg = "after must be the sort key of an entry of a search nearest first"
        raise ForeignPositionError(msg)
    return float(after[0]), after[1], after[2]


def _name_filter(text: str, clauses: list[str], params: list[Any]) -> None:
    """Prefix of any word of the normalised name (the first word: of the whole name)."""
    words = name_words(text)  # letters and digits only: nothing for LIKE to misread
    if words:
        clauses.append("b.name_words LIKE ?")
        params.append(f"%{words}%")


def _place_filter(
    near: Point, radius_km: float | None, clauses: list[str], params: list[Any]
) -> None:
    """Only located branches; within the radius' bounding box when there is one."""
    clauses.append("b.lat IS NOT NULL AND b.lon IS NOT NULL")
    if radius_km is None:
        return
    (south, north), lons = bounding_box(near, radius_km)
    clauses.append("b.lat BETWEEN ? AND ?")
    params += [south, north]
    clauses.append("(" + " OR ".join("b.lon BETWEEN ? AND ?" for _ in lons) + ")")
    params += [v for pair in lons for v in pair]


def _entry(
    row: dict[str, Any], products: list[dict[str, str]], distance: float | None
) -> DirectoryEntry:
    contact = None
    if row["default_contact_id"] is not None and row["email"] is not None:
        contact = {
            "name": f"{row['first_name']} {row['last_name']}",
            "job_title": row["job_title"],
            "email": row["email"],
            "phone_numbers": json.loads(row["phone_numbers"]),
        }
    located = row["lat"] is not None and row["lon"] is not None
    name_key, branch_id = row["name_key"], row["branch_id"]
    return DirectoryEntry(
        branch_id=UUID(row["branch_id"]),
        supplier_id=UUID(row["supplier_id"]),
        public_name=row["public_name"],
        address=json.loads(row["address"]),
        location=(float(row["lat"]), float(row["lon"])) if located else None,
        products=products,
        default_contact=contact,
        distance_km=distance,
        sort_key=(name_key, branch_id) if distance is None else (distance, name_key, branch_id),
    )
