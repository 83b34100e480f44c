"""Replay: an order taken through a full life replays to identical states at every version."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from decimal import Decimal
from typing import cast
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.domain import CanMutateProtocol, DomainEventProtocol

from betotrace_es.application import Betotrace, Recorded
from betotrace_es.domain.order import Order
from betotrace_es.domain.values import Actor
from tests.builders import World, build_world, in_days

# The spec's event names, one per command of `full_life`, with who gave it.
FULL_LIFE = [
    ("OrderRequested", "customer_planner"),
    ("DeliveryRescheduleProposed", "supplier_planner"),
    ("DeliveryRescheduleProposed", "customer_admin"),
    ("DeliveryRescheduleAccepted", "supplier_admin"),
    ("DeliveryPlanned", "supplier_planner"),
    ("DeliveryPlanned", "supplier_planner"),
    ("DriverAssigned", "supplier_admin"),
    ("DeliveryRescheduleProposed", "customer_planner"),
    ("DeliveryRescheduleDeclined", "supplier_planner"),
    ("OrderFinished", "supplier_admin"),
]
# The names `build_world` gives its users.
USER_NAMES = {
    "supplier_admin": "An Peeters",
    "supplier_planner": "Planner Supplier",
    "customer_admin": "Bart Claes",
    "customer_planner": "Planner Customer",
}


@dataclass(frozen=True)
class Life:
    """An order after its full life, and a copy of the live order after every command."""

    order_id: UUID
    number: str
    states: list[Order]  # states[v - 1] is the order at version v


def replayed(events: Iterable[DomainEventProtocol[UUID]]) -> Order | None:
    """The order folded from its stored events, starting from nothing."""

    def step(order: Order | None, stored: DomainEventProtocol[UUID]) -> Order | None:
        return cast("CanMutateProtocol[Order]", stored).mutate(order)

    return functools.reduce(step, events, None)


def full_life(world: World) -> Life:
    """Request, counter-proposals, acceptance, trucks and drivers, a declined proposal, finish."""
    app, who = world.app, world.actors
    dirk = app.register_driver(who["supplier_planner"], "Dirk", "Peeters", "0470 11 22 33")
    els = app.register_driver(who["supplier_planner"], "Els", "Maes", "0470 44 55 66")
    requested = world.request(days=5)
    order_id = requested.id
    states = [deepcopy(requested)]

    def keep(recorded: Recorded[Order]) -> None:
        states.append(deepcopy(recorded.aggregate))

    keep(app.propose_reschedule(who["supplier_planner"], order_id, in_days(6), "Onderhoud"))
    keep(app.propose_reschedule(who["customer_admin"], order_id, in_days(7), "Liever dinsdag"))
    keep(app.accept_proposal(who["supplier_admin"], order_id))
    keep(app.plan_delivery(who["supplier_planner"], order_id, "6", in_days(7), dirk.aggregate.id))
    keep(app.plan_delivery(who["supplier_planner"], order_id, "6.5"))
    keep(app.assign_driver(who["supplier_admin"], order_id, 2, els.aggregate.id))
    keep(app.propose_reschedule(who["customer_planner"], order_id, in_days(8), "Pomp later"))
    keep(app.decline_proposal(who["supplier_planner"], order_id, "Volgeboekt"))
    keep(app.finish_order(who["supplier_admin"], order_id))
    return Life(order_id, requested.number, states)


def assert_replays_like_the_live_states(app: Betotrace, life: Life) -> None:
    """At every version, the repository and a fold of the first v events give the live state."""
    events = list(app.events.get(life.order_id))
    assert [e.originator_version for e in events] == list(range(1, len(life.states) + 1))
    for version, live in enumerate(life.states, start=1):
        assert live.version == version
        assert replayed(events[:version]) == live
        assert app.repository.get(life.order_id, version=version) == live
    assert app.get_order(Actor.system(), life.order_id) == life.states[-1]


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest) -> dict[str, str]:
    """The settings of the in-memory store, then of a fresh SQLite file."""
    if request.param == "sqlite":
        env: dict[str, str] = request.getfixturevalue("sqlite_env")
        return env
    return {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture
def life_app(store: dict[str, str]) -> Iterator[Betotrace]:
    app = Betotrace(env=store)
    yield app
    app.close()


def test_the_full_life_of_an_order_goes_through_the_states_of_the_spec(
    life_app: Betotrace,
) -> None:
    life = full_life(build_world(life_app))

    seen = [
        (s.status.value, None if s.action_needed_by is None else s.action_needed_by.value)
        for s in life.states
    ]

    assert seen == [
        ("requested", "supplier"),
        ("requested", "customer"),
        ("requested", "supplier"),
        ("planned", None),
        ("planned", None),
        ("planned", None),
        ("planned", None),
        ("planned", "supplier"),
        ("planned", None),
        ("finished", None),
    ]
    counter_proposal = life.states[2].pending_proposal
    assert counter_proposal is not None
    final = life.states[-1]
    assert final.delivery_at == counter_proposal.delivery_at
    assert [(d.number, d.volume_m3) for d in final.deliveries] == [
        (1, Decimal(6)),
        (2, Decimal("6.5")),
    ]
    assert all(d.driver_id is not None for d in final.deliveries)


def test_every_version_of_a_full_life_replays_to_the_state_it_had_live(
    life_app: Betotrace,
) -> None:
    life = full_life(build_world(life_app))

    assert_replays_like_the_live_states(life_app, life)


def test_the_history_gives_the_state_at_every_version_and_at_the_moment_of_each_event(
    life_app: Betotrace,
) -> None:
    world = build_world(life_app)
    life = full_life(world)
    entries = life_app.order_history(world.customer, life.number).entries

    for version, live in enumerate(life.states, start=1):
        recorded_at = entries[version - 1].recorded_at
        # Normally `version` itself; two events recorded in the same microsecond share a moment.
        last_by_then = max(e.version for e in entries if e.recorded_at <= recorded_at)
        for party in (world.customer, world.supplier):
            at_version = life_app.order_history(party, life.number, at_version=version)
            at_moment = life_app.order_history(party, life.number, at=recorded_at)
            assert at_version.state == live
            assert at_version.state_version == version
            assert at_moment.state == life.states[last_by_then - 1]
        in_brussels = recorded_at.astimezone(ZoneInfo("Europe/Brussels"))
        by_local_time = life_app.order_history(world.supplier, life.order_id, at=in_brussels)
        assert by_local_time.state_version == last_by_then


def test_the_history_names_every_event_as_the_spec_does_with_who_did_it(
    life_app: Betotrace,
) -> None:
    world = build_world(life_app)
    life = full_life(world)
    companies = {
        world.supplier_id: life_app.get_company(world.supplier_id).legal_name,
        world.customer_id: life_app.get_company(world.customer_id).legal_name,
    }

    history = life_app.order_history(world.supplier, life.number)

    assert [(e.version, e.type) for e in history.entries] == [
        (version, name) for version, (name, _) in enumerate(FULL_LIFE, start=1)
    ]
    for entry, (_, role) in zip(history.entries, FULL_LIFE, strict=True):
        actor = world.actors[role]
        assert (entry.actor.user_id, entry.actor.name) == (actor.user_id, USER_NAMES[role])
        assert actor.company_id is not None
        assert (entry.actor.company_id, entry.actor.company) == (
            actor.company_id,
            companies[actor.company_id],
        )
    assert history.entries[2].data["message"] == "Liever dinsdag"
    assert history.entries[-1].data == {"finished_by": "supplier"}


def test_a_full_life_on_sqlite_replays_from_disk_in_a_second_application(
    sqlite_env: dict[str, str],
) -> None:
    first = Betotrace(env=sqlite_env)
    try:
        world = build_world(first)
        life = full_life(world)
    finally:
        first.close()

    second = Betotrace(env=sqlite_env)
    try:
        assert_replays_like_the_live_states(second, life)
        for version, live in enumerate(life.states, start=1):
            history = second.order_history(world.customer, life.number, at_version=version)
            assert history.state == live
    finally:
        second.close()
