"""The public branch directory: name, product and distance search over the events of branches."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any
from uuid import UUID

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.people import ContactDetails
from betotrace_es.domain.values import Address, Location, PhoneNumber, normalised_key
from projections.branch_directory.projection import BranchDirectoryProjection
from projections.branch_directory.queries import DirectoryQueries
from projections.framework.rebuild import rebuild
from projections.framework.runner import ProjectionRunner
from projections.framework.source import EventSource
from projections.framework.store import ViewStore
from projections.framework.wiring import view_store
from tests.builders import PRODUCT_CODE, World, a_spec

Point = tuple[float, float]

# Belgian cities (city hall, WGS84); the World's own branch is in Ghent's port at (51.07, 3.73).
CITIES: dict[str, Point] = {
    "Antwerpen": (51.2211, 4.3997),
    "Brugge": (51.2085, 3.2247),
    "Brussel": (50.8467, 4.3525),
    "Hasselt": (50.9307, 5.3378),
    "Kortrijk": (50.8276, 3.2650),
    "Leuven": (50.8789, 4.7011),
    "Luik": (50.6451, 5.5734),
    "Namen": (50.4669, 4.8675),
}


def open_store(app: Betotrace) -> ViewStore:
    """The read models' store beside the application's events."""
    return view_store(app.factory)


def great_circle_km(a: Point, b: Point) -> float:
    """Distance on a sphere of radius 6371 km (atan2 form), independent of the read model's."""
    lat1, lon1, lat2, lon2 = (math.radians(v) for v in (*a, *b))
    h = (1 - math.cos(lat2 - lat1)) / 2 + math.cos(lat1) * math.cos(lat2) * (
        1 - math.cos(lon2 - lon1)
    ) / 2
    return 2 * 6371.0 * math.atan2(math.sqrt(h), math.sqrt(1 - h))


class Directory:
    """The directory read model of one World's application, caught up on demand."""

    def __init__(self, world: World) -> None:
        self.world, self.app, self.admin = world, world.app, world.supplier_admin
        self.branch_id = world.branch_id
        self.ghent = self.app.get_branch(self.admin, self.branch_id).public_name  # World's own
        self.store = open_store(self.app)
        self.source = EventSource(self.app.recorder, self.app.mapper)
        self.projection = BranchDirectoryProjection()

    def read(self) -> DirectoryQueries:
        """The queries, after catching up with every recorded event."""
        ProjectionRunner(self.store, self.source, [self.projection]).catch_up()
        return DirectoryQueries(self.store)

    def names(self, **search: Any) -> list[str]:
        """The public names a search finds, in order."""
        return [e.public_name for e in self.read().search(**search)]

    def register(self, name: str, at: Point | None, *products: str, country: str = "BE") -> UUID:
        """A branch of the World's supplier, in the city its name ends with."""
        city = name.rsplit(maxsplit=1)[-1]
        return self.app.register_branch(
            self.admin,
            public_name=name,
            address=Address.parse("Industrieweg", "1", "1000", city, country),
            location=None if at is None else Location.parse(*at),
            products=list(products or [PRODUCT_CODE]),
        ).aggregate.id

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every view, in key order."""
        return {
            t.name: self.store.fetch(
                f"SELECT * FROM {{q}}{self.projection.name}_{t.name} ORDER BY {', '.join(t.key)}"
            )
            for t in self.projection.tables
        }


@pytest.fixture
def directory(world: World) -> Directory:
    """The directory of the World's application, on its backend."""
    return Directory(world)


def a_contact(first: str, last: str, job: str = "Verkoper") -> ContactDetails:
    """A contact person's details with one mobile number."""
    return ContactDetails.parse(
        first_name=first,
        last_name=last,
        job_title=job,
        email=f"{first.lower()}.{last.lower()}@supplier.example.be",
        phone_numbers=[PhoneNumber.parse("mobile", "0470 12 34 56")],
    )


def test_name_search_is_an_accent_and_case_insensitive_prefix_of_any_word(
    directory: Directory,
) -> None:
    directory.register("Betoncentrale Gent Haven", CITIES["Brugge"])
    directory.register("Béton Liège", CITIES["Luik"])
    directory.register("Centrale Antwerpen", CITIES["Antwerpen"])

    assert set(directory.names(text="béton")) == {"Betoncentrale Gent Haven", "Béton Liège"}
    assert set(directory.names(text="GENT")) == {"Betoncentrale Gent Haven", directory.ghent}
    assert directory.names(text="gent  HAVEN") == ["Betoncentrale Gent Haven"]
    assert directory.names(text="liege") == ["Béton Liège"]
    assert directory.names(text="ent") == []  # a prefix of a word, never the middle of one
    everything = directory.names()
    assert everything == sorted(everything, key=normalised_key)
    assert len(everything) == 4


def test_product_filter_finds_branches_that_deliver_the_code_and_shows_names(
    directory: Directory,
) -> None:
    app, admin = directory.app, directory.admin
    app.add_product(admin, "C30/37-XC4", "Beton C30/37 XC4", a_spec())
    directory.register("Centrale Brugge", CITIES["Brugge"], "C30/37-XC4")
    assert directory.names(product=PRODUCT_CODE) == [directory.ghent]
    assert directory.names(product="C30/37-XC4") == ["Centrale Brugge"]

    app.change_branch_products(admin, directory.branch_id, [PRODUCT_CODE, "C30/37-XC4"])
    app.change_product(admin, "C30/37-XC4", "Beton C30/37 XC4 vloer", a_spec())

    assert directory.names(product="C30/37-XC4") == ["Centrale Brugge", directory.ghent]
    assert directory.names(text="brugge", product=PRODUCT_CODE) == []
    entry = directory.read().get(directory.branch_id)
    assert entry is not None
    assert entry.products == [
        {"code": "C25/30-XC2-S3", "name": "Beton C25/30 XC2 S3"},
        {"code": "C30/37-XC4", "name": "Beton C30/37 XC4 vloer"},
    ]
    app.change_branch_products(admin, directory.branch_id, ["C30/37-XC4"])
    assert directory.names(product=PRODUCT_CODE) == []  # a code it no longer delivers
    app.deactivate_product(admin, "C30/37-XC4")  # no longer sold: not offered anywhere
    assert directory.names(product="C30/37-XC4") == []
    assert [e.products for e in directory.read().search(text="brugge")] == [[]]


def test_distance_search_is_nearest_first_within_the_radius(directory: Directory) -> None:
    located = {directory.ghent: (51.07, 3.73)}
    for city, at in CITIES.items():
        directory.register(f"Centrale {city}", at)
        located[f"Centrale {city}"] = at
    here = (50.95, 4.45)  # between Mechelen and Brussels
    distance = {name: great_circle_km(here, at) for name, at in located.items()}
    nearest_first = sorted(located, key=distance.__getitem__)

    found = directory.read().search(near=here)

    assert [e.public_name for e in found] == nearest_first
    assert [e.location for e in found] == [located[n] for n in nearest_first]
    assert [e.distance_km for e in found] == pytest.approx(
        [distance[n] for n in nearest_first], rel=1e-4
    )
    assert directory.names(near=here, limit=3) == nearest_first[:3]
    radius = 45.0
    assert all(abs(d - radius) > 1 for d in distance.values())  # no branch on the edge
    inside = [n for n in nearest_first if distance[n] <= radius]
    assert 2 < len(inside) < len(located)
    assert directory.names(near=here, radius_km=radius) == inside
    assert directory.names(near=here, radius_km=radius, text="namen") == []


def test_distance_search_crosses_the_antimeridian_and_the_pole(directory: Directory) -> None:
    for name, at in (
        ("Fiji Oost", (-17.0, 179.95)),
        ("Fiji West", (-17.0, -179.95)),
        ("Pool Voorkant", (89.9, 10.0)),
        ("Pool Achterkant", (89.9, -170.0)),
    ):
        directory.register(name, at, country="FJ")

    fiji = {"Fiji Oost", "Fiji West"}
    assert set(directory.names(near=(-17.0, 179.99), radius_km=30)) == fiji
    assert set(directory.names(near=(-17.0, -179.99), radius_km=30)) == fiji
    pole = {"Pool Voorkant", "Pool Achterkant"}
    assert set(directory.names(near=(89.95, 100.0), radius_km=30)) == pole


def test_branches_without_a_location_are_left_out_of_distance_searches(
    directory: Directory,
) -> None:
    unpinned = directory.register("Centrale Zonder Pin", None)
    assert [(e.public_name, e.location) for e in directory.read().search(text="zonder")] == [
        ("Centrale Zonder Pin", None)
    ]
    assert "Centrale Zonder Pin" not in directory.names(near=(51.0, 4.0))

    directory.app.relocate_branch(directory.admin, unpinned, Location.parse(51.0, 4.0))

    nearest = directory.read().search(near=(51.0, 4.0))[0]
    assert (nearest.public_name, nearest.distance_km) == ("Centrale Zonder Pin", 0.0)


def test_closed_branch_is_hidden_until_it_reopens(directory: Directory) -> None:
    app, admin, branch_id = directory.app, directory.admin, directory.branch_id
    app.close_branch(admin, branch_id)

    assert directory.names() == []
    assert directory.names(near=(51.07, 3.73)) == []
    assert directory.read().get(branch_id) is None
    assert directory.read().get(branch_id, include_closed=True) is not None

    app.reopen_branch(admin, branch_id)
    assert directory.names() == [directory.ghent]


def test_renamed_branch_is_found_under_its_new_name_only(directory: Directory) -> None:
    app, admin, branch_id = directory.app, directory.admin, directory.branch_id
    app.rename_branch(admin, branch_id, "Betonfabriek Oostende")

    assert directory.names(text="centrale") == []
    assert directory.names(text="oostende") == ["Betonfabriek Oostende"]
    entry = directory.read().get(branch_id)
    assert entry is not None
    assert entry.public_name == "Betonfabriek Oostende"
    assert entry.supplier_id == directory.world.supplier_id
    assert entry.address == asdict(Address.parse("Port Arthurlaan", "50", "9000", "Gent"))


def test_default_contact_is_shown_and_follows_every_change(directory: Directory) -> None:
    app, admin, branch_id = directory.app, directory.admin, directory.branch_id
    assert directory.read().search()[0].default_contact is None
    app.register_contact(admin, a_contact("Els", "Wouters"), [branch_id], [branch_id])
    assert directory.read().search()[0].default_contact == {
        "name": "Els Wouters",
        "job_title": "Verkoper",
        "email": "els.wouters@supplier.example.be",
        "phone_numbers": [{"label": "mobile", "number": "+32470123456"}],
    }

    tom = app.register_contact(admin, a_contact("Tom", "Maes"), [branch_id], [branch_id])
    app.change_contact(admin, tom.aggregate.id, details=a_contact("Tom", "Maes", "Planner"))
    contact = directory.read().search(text="centrale")[0].default_contact
    assert contact is not None
    assert (contact["name"], contact["job_title"]) == ("Tom Maes", "Planner")

    app.change_contact(admin, tom.aggregate.id, default_for_branch_ids=[])
    assert directory.read().search()[0].default_contact is None


def test_unusable_places_are_refused(directory: Directory) -> None:
    queries = directory.read()
    with pytest.raises(ValueError, match="near"):
        queries.search(radius_km=10)
    with pytest.raises(ValueError, match="latitude"):
        queries.search(near=(91.0, 4.0))
    with pytest.raises(ValueError, match="radius_km"):
        queries.search(near=(51.0, 4.0), radius_km=-1)


def test_rebuild_gives_identical_rows(directory: Directory) -> None:
    app, admin, branch_id = directory.app, directory.admin, directory.branch_id
    app.add_product(admin, "C30/37-XC4", "Beton C30/37 XC4", a_spec())
    for city in ("Antwerpen", "Leuven", "Namen"):
        directory.register(f"Centrale {city}", CITIES[city], PRODUCT_CODE, "C30/37-XC4")
    closed = directory.register("Centrale Zonder Pin", None)
    app.close_branch(admin, closed)
    app.rename_branch(admin, branch_id, "Betonfabriek Gent Haven")
    app.change_branch_address(admin, branch_id, Address.parse("Skaldenstraat", "7", "9042", "Gent"))
    app.relocate_branch(admin, branch_id, Location.parse(51.09, 3.76))
    app.change_branch_products(admin, branch_id, ["C30/37-XC4"])
    app.change_product(admin, PRODUCT_CODE, "Beton C25/30 vloer", a_spec())
    els = app.register_contact(admin, a_contact("Els", "Wouters"), [branch_id], [branch_id])
    app.change_contact(admin, els.aggregate.id, details=a_contact("Els", "Wouters", "Planner"))
    before = directory.read().search()
    rows = directory.rows()

    result = rebuild(directory.store, directory.source, directory.projection)

    assert result.generation == 2
    assert directory.rows() == rows
    assert DirectoryQueries(directory.store).search() == before
    assert sum(len(r) for r in rows.values()) > 10
