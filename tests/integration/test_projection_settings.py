"""The settings lists of a company: users, contact persons, drivers and products."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.company import MemberStatus
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.people import ContactDetails, Profile
from betotrace_es.domain.values import Actor, Address, Location, PhoneNumber, Role
from projections.company_settings.projection import CompanySettingsProjection
from projections.company_settings.queries import SettingsQueries
from projections.framework.projection import Row, Rows
from projections.framework.rebuild import rebuild
from projections.framework.runner import ProjectionRunner
from projections.framework.source import EventSource
from projections.framework.store import ViewStore
from projections.framework.wiring import view_store
from tests.builders import PRODUCT_CODE, World, a_spec, build_world


def open_store(app: Betotrace) -> ViewStore:
    """The read models' store beside the application's events."""
    return view_store(app.factory)


class Settings:
    """The settings read model of one application, caught up on demand."""

    def __init__(self, app: Betotrace) -> None:
        self.store = open_store(app)
        self.source = EventSource(app.recorder, app.mapper)
        self.projection = CompanySettingsProjection()

    def read(self) -> SettingsQueries:
        """The queries, after catching up with every recorded event."""
        ProjectionRunner(self.store, self.source, [self.projection]).catch_up()
        return SettingsQueries(self.store)

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every view, in key order."""
        return {
            t.name: self.store.fetch(
                f"SELECT * FROM {{q}}{self.projection.name}_{t.name} ORDER BY {', '.join(t.key)}"
            )
            for t in self.projection.tables
        }


@pytest.fixture
def settings(world: World) -> Settings:
    """The settings read model of the World's application, on its backend."""
    return Settings(world.app)


def a_contact(first: str, last: str, job: str = "Verkoper") -> ContactDetails:
    """A contact person's details with one mobile number."""
    return ContactDetails.parse(
        first_name=first,
        last_name=last,
        job_title=job,
        email=f"{first.lower()}.{last.lower()}@supplier.example.be",
        phone_numbers=[PhoneNumber.parse("mobile", "0470 12 34 56")],
    )


def a_branch(world: World, name: str) -> UUID:
    """Another branch of the World's supplier."""
    return world.app.register_branch(
        world.supplier_admin,
        public_name=name,
        address=Address.parse("Industrieweg", "1", "3000", "Leuven"),
        location=Location.parse(50.88, 4.70),
        products=[PRODUCT_CODE],
    ).aggregate.id


def test_users_follow_invitation_acceptance_role_change_and_deactivation(
    world: World, settings: Settings
) -> None:
    app, admin = world.app, world.supplier_admin
    invited = app.invite_user(admin, "sofie@supplier.example.be", Role.PLANNER).aggregate.id
    seen = []
    for step in (
        lambda: None,
        lambda: app.accept_invitation(
            invited, first_name="Sofie", last_name="Mertens", password_hash="h"
        ),
        lambda: app.change_role(admin, invited, Role.VIEWER),
        lambda: app.deactivate_user(admin, invited),
        lambda: app.reactivate_user(admin, invited),
    ):
        step()
        user = next(u for u in settings.read().users(world.supplier_id) if u.user_id == invited)
        seen.append((user.email, user.first_name, user.role, user.status))

    mail, planner, viewer = "sofie@supplier.example.be", Role.PLANNER, Role.VIEWER
    assert seen == [
        (mail, "", planner, MemberStatus.INVITED),
        (mail, "Sofie", planner, MemberStatus.ACTIVE),
        (mail, "Sofie", viewer, MemberStatus.ACTIVE),
        (mail, "Sofie", viewer, MemberStatus.INACTIVE),
        (mail, "Sofie", viewer, MemberStatus.ACTIVE),
    ]


def test_users_are_listed_by_name_with_their_profile(world: World, settings: Settings) -> None:
    app, admin = world.app, world.supplier_admin
    invited = app.invite_user(admin, "sofie@supplier.example.be", Role.PLANNER).aggregate.id
    assert settings.read().users(world.supplier_id)[-1].user_id == invited  # no name yet: last
    app.accept_invitation(invited, first_name="Sofie", last_name="Mertens", password_hash="h")
    profile = Profile.parse(
        first_name="Sofie",
        last_name="Mertens",
        job_title="Planner",
        language="fr",
        phone_numbers=[PhoneNumber.parse("mobile", "0470 12 34 56")],
    )
    app.update_profile(Actor(invited, world.supplier_id, Role.PLANNER), profile)

    users = settings.read().users(world.supplier_id)

    assert [(u.last_name, u.first_name) for u in users] == [
        ("Mertens", "Sofie"),
        ("Peeters", "An"),
        ("Supplier", "Planner"),
        ("Supplier", "Viewer"),
    ]
    assert (users[0].job_title, users[0].language) == ("Planner", "fr")
    assert users[0].phone_numbers == (PhoneNumber("mobile", "+32470123456"),)
    founder = users[1]
    assert (founder.user_id, founder.role, founder.status) == (
        admin.user_id,
        Role.ADMIN,
        MemberStatus.ACTIVE,
    )


def test_invitation_gives_the_same_row_whichever_event_comes_first(
    world: World, settings: Settings
) -> None:
    start, projection = settings.source.head(), settings.projection
    invited = world.app.invite_user(world.supplier_admin, "jo@supplier.example.be", Role.VIEWER)
    # Company.UserInvited and User.Registered, saved in one transaction
    events = settings.source.read(start, 100, projection.topics, settings.source.head()).events
    assert len(events) == 2

    def fold(ordered: list[Any]) -> list[Row]:
        rows = Rows(projection.tables, lambda _table, _keys: [])
        for event in ordered:
            projection.apply(rows, event)
        return [
            row for table, upserts, _ in rows.changes() if table.name == "users" for row in upserts
        ]

    in_order, reversed_order = fold(events), fold(events[::-1])

    assert in_order == reversed_order
    assert len(in_order) == 1
    row = in_order[0]
    assert (row["user_id"], row["company_id"]) == (
        str(invited.aggregate.id),
        str(world.supplier_id),
    )
    assert (row["email"], row["role"], row["status"]) == (
        "jo@supplier.example.be",
        "viewer",
        "invited",
    )
    assert (row["first_name"], row["language"], row["phone_numbers"]) == ("", "nl", "[]")


def test_contacts_show_their_branches_and_the_branches_they_are_default_for(
    world: World, settings: Settings
) -> None:
    app, admin = world.app, world.supplier_admin
    ghent, leuven = world.branch_id, a_branch(world, "Centrale Leuven")
    els = app.register_contact(admin, a_contact("Els", "Wouters"), [ghent, leuven], [ghent])
    tom = app.register_contact(admin, a_contact("Tom", "Maes"), [leuven], [leuven])
    contacts = {c.last_name: c for c in settings.read().contacts(world.supplier_id)}
    assert set(contacts["Wouters"].branch_ids) == {ghent, leuven}
    assert contacts["Wouters"].default_for_branch_ids == (ghent,)
    assert contacts["Maes"].default_for_branch_ids == (leuven,)

    app.change_contact(admin, els.aggregate.id, default_for_branch_ids=[ghent, leuven])
    contacts = {c.last_name: c for c in settings.read().contacts(world.supplier_id)}
    assert set(contacts["Wouters"].default_for_branch_ids) == {ghent, leuven}
    assert contacts["Maes"].default_for_branch_ids == ()  # taken by Els

    app.change_contact(
        admin, els.aggregate.id, details=a_contact("Els", "Wouters", "Planner"), branch_ids=[leuven]
    )
    listed = settings.read().contacts(world.supplier_id)
    assert [c.contact_id for c in listed] == [tom.aggregate.id, els.aggregate.id]  # Maes, Wouters
    assert (listed[1].job_title, listed[1].branch_ids) == ("Planner", (leuven,))
    assert listed[1].default_for_branch_ids == (leuven,)  # left Ghent, so no longer its default
    assert listed[1].phone_numbers == (PhoneNumber("mobile", "+32470123456"),)


def test_drivers_carry_whether_they_can_be_assigned(world: World, settings: Settings) -> None:
    app, planner = world.app, world.supplier
    jan = app.register_driver(planner, "Jan", "Janssens", "0470 11 22 33").aggregate.id
    piet = app.register_driver(planner, "Piet", "Aerts", "0470 44 55 66").aggregate.id
    app.change_driver(planner, piet, active=False)
    app.change_driver(planner, jan, mobile="0471 99 88 77")

    every = settings.read().drivers(world.supplier_id)
    assert [(d.last_name, d.active) for d in every] == [("Aerts", False), ("Janssens", True)]
    assert every[1].mobile == "+32471998877"
    assert [d.driver_id for d in settings.read().drivers(world.supplier_id, active_only=True)] == [
        jan
    ]

    app.change_driver(planner, piet, active=True)
    assert len(settings.read().drivers(world.supplier_id, active_only=True)) == 2


def test_products_carry_their_specification_and_whether_they_are_sold(
    world: World, settings: Settings
) -> None:
    app, admin = world.app, world.supplier_admin
    app.add_product(admin, "STAB-0/4", "Stabilisé", ProductSpec())
    stronger = ProductSpec.parse(
        strength_class="C30/37", exposure_classes=["XC4", "XF1"], consistency_class="S4", dmax_mm=16
    )
    app.change_product(admin, PRODUCT_CODE, "Beton C30/37 vloer", stronger)
    app.deactivate_product(admin, "STAB-0/4")

    products = settings.read().products(world.supplier_id)
    assert [(p.code, p.name, p.active) for p in products] == [
        (PRODUCT_CODE, "Beton C30/37 vloer", True),
        ("STAB-0/4", "Stabilisé", False),
    ]
    assert products[0].spec == stronger
    assert products[1].spec == ProductSpec()
    on_sale = settings.read().products(world.supplier_id, active_only=True)
    assert [p.code for p in on_sale] == [PRODUCT_CODE]


def test_a_company_never_sees_another_companys_rows(world: World, settings: Settings) -> None:
    other = build_world(world.app)  # a second supplier with the same product code
    mine: dict[UUID, tuple[UUID, UUID]] = {}
    for w in (world, other):
        driver = w.app.register_driver(w.supplier, "Jan", "Janssens", "0470 11 22 33")
        contact = w.app.register_contact(
            w.supplier_admin, a_contact("Els", "Wouters"), [w.branch_id]
        )
        mine[w.supplier_id] = (driver.aggregate.id, contact.aggregate.id)
    queries = settings.read()

    for w in (world, other):
        for company_id in (w.supplier_id, w.customer_id):
            roster = set(w.app.get_company(company_id).members)
            assert {u.user_id for u in queries.users(company_id)} == roster
        driver_id, contact_id = mine[w.supplier_id]
        assert [d.driver_id for d in queries.drivers(w.supplier_id)] == [driver_id]
        assert [c.contact_id for c in queries.contacts(w.supplier_id)] == [contact_id]
        assert [p.code for p in queries.products(w.supplier_id)] == [PRODUCT_CODE]
        assert queries.drivers(w.customer_id) == []
        assert queries.contacts(w.customer_id) == []
    assert queries.users(uuid4()) == []


def test_rebuild_gives_identical_rows(world: World, settings: Settings) -> None:
    app, admin = world.app, world.supplier_admin
    invited = app.invite_user(admin, "jo@supplier.example.be", Role.PLANNER).aggregate.id
    app.accept_invitation(invited, first_name="Jo", last_name="Claes", password_hash="h")
    app.change_role(admin, invited, Role.VIEWER)
    app.deactivate_user(admin, invited)
    app.reactivate_user(admin, invited)
    leuven = a_branch(world, "Centrale Leuven")
    els = app.register_contact(admin, a_contact("Els", "Wouters"), [world.branch_id, leuven])
    app.change_contact(admin, els.aggregate.id, default_for_branch_ids=[leuven])
    driver = app.register_driver(admin, "Jan", "Janssens", "0470 11 22 33").aggregate.id
    app.change_driver(admin, driver, last_name="Jansen", active=False)
    app.add_product(admin, "STAB-0/4", "Stabilisé", ProductSpec())
    app.change_product(admin, PRODUCT_CODE, "Beton C25/30 vloer", a_spec())
    app.deactivate_product(admin, "STAB-0/4")
    build_world(app)
    before = settings.read().contacts(world.supplier_id)
    rows = settings.rows()

    result = rebuild(settings.store, settings.source, settings.projection)

    assert result.generation == 2
    assert settings.rows() == rows
    assert SettingsQueries(settings.store).contacts(world.supplier_id) == before
    assert sum(len(r) for r in rows.values()) > 20
