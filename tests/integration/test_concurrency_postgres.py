"""Commands racing on PostgreSQL: two application instances (two processes' pools), threads.

Each round releases every thread at once through a barrier; the store decides who wins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar
from uuid import UUID, uuid4

import pytest
from eventsourcing.utils import get_topic

from betotrace_es.application import Betotrace, Recorded, order_numbers
from betotrace_es.application.claims import BRANCH_NAMES
from betotrace_es.application.order_numbers import PLATFORM_ZONE
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.exceptions import (
    ConflictError,
    TransitionRefusedError,
    UniquenessError,
)
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.registry import UniqueClaim, claim_id
from betotrace_es.domain.values import Actor, Address, normalised_key
from tests.builders import PRODUCT_CODE, World, build_world

pytestmark = pytest.mark.postgres

T = TypeVar("T")
WAIT = 30.0  # seconds a thread waits for the others before the round counts as broken
ORDERS = 50


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What one thread's command did in one round: a value, or the error it raised."""

    value: T | None = None
    error: Exception | None = None

    @property
    def won(self) -> bool:
        """Whether the command was recorded."""
        return self.error is None


def race(commands: Sequence[Callable[[int], T]], rounds: int) -> list[list[Outcome[T]]]:
    """Run ``commands[i](round)`` in thread i, all threads starting each round together."""
    barrier = threading.Barrier(len(commands))
    outcomes: list[list[Outcome[T]]] = [[Outcome() for _ in commands] for _ in range(rounds)]
    broken: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            for number in range(rounds):
                barrier.wait(WAIT)
                try:
                    outcomes[number][index] = Outcome(value=commands[index](number))
                except Exception as exc:  # the outcome under test
                    outcomes[number][index] = Outcome(error=exc)
        except BaseException as exc:  # a broken barrier: report it instead of hanging
            broken.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert not any(t.is_alive() for t in threads), "a racing thread never finished"
    assert not broken, f"the race broke down: {broken!r}"
    return outcomes


def on(app: Betotrace, world: World) -> World:
    """The same companies and users, driven through another application instance."""
    return World(
        app,
        world.supplier_id,
        world.customer_id,
        world.branch_id,
        world.supplier_admin,
        world.customer_admin,
        world.actors,
    )


@pytest.fixture
def two_apps(postgres_schema_env: dict[str, str]) -> Iterator[tuple[Betotrace, Betotrace]]:
    """Two application instances on one fresh schema, each with its own connection pool."""
    first = Betotrace(env=postgres_schema_env)
    try:
        second = Betotrace(env=postgres_schema_env)
        try:
            yield first, second
        finally:
            second.close()
    finally:
        first.close()


def stored_topics(app: Betotrace, aggregate_id: UUID) -> list[tuple[int, str]]:
    """Version and topic of each stored event of an aggregate, as the store has them."""
    return [(e.originator_version, e.topic) for e in app.recorder.select_events(aggregate_id)]


def assert_exactly_one_winner(
    app: Betotrace,
    orders: list[Order],
    outcomes: list[list[Outcome[Recorded[Order]]]],
    wins: tuple[type[Order.Event], type[Order.Event]],
    loser_errors: tuple[type[Exception], ...],
) -> None:
    """One command per round was recorded, the other refused, and the store shows the winner."""
    for order, (first, second) in zip(orders, outcomes, strict=True):
        assert [first.won, second.won].count(True) == 1, (order.number, first, second)
        loser = second if first.won else first
        assert isinstance(loser.error, loser_errors), (order.number, loser.error)
        winning_event = wins[0] if first.won else wins[1]
        history = stored_topics(app, order.id)
        assert [v for v, _ in history] == list(range(1, order.version + 2)), "one event more"
        assert history[-1][1] == get_topic(winning_event)


def test_accept_and_cancel_from_the_same_version_exactly_one_is_recorded(
    two_apps: tuple[Betotrace, Betotrace],
) -> None:
    supplier_app, customer_app = two_apps
    world = build_world(supplier_app)
    orders = [world.request() for _ in range(ORDERS)]

    outcomes = race(
        [
            lambda i: supplier_app.accept_order(world.supplier, orders[i].id, expected_version=1),
            lambda i: customer_app.cancel_order(
                world.customer, orders[i].id, "rain", expected_version=1
            ),
        ],
        ORDERS,
    )

    assert_exactly_one_winner(
        supplier_app, orders, outcomes, (Order.Accepted, Order.Cancelled), (ConflictError,)
    )
    for order, (accept, _) in zip(orders, outcomes, strict=True):
        for app in two_apps:
            seen = app.get_order(world.supplier, order.id)
            expected = OrderStatus.PLANNED if accept.won else OrderStatus.CANCELLED
            assert (seen.status, seen.version) == (expected, 2)


def test_finish_and_cancel_of_a_planned_order_exactly_one_is_recorded(
    two_apps: tuple[Betotrace, Betotrace],
) -> None:
    supplier_app, customer_app = two_apps
    world = build_world(supplier_app)
    orders = [
        supplier_app.accept_order(world.supplier, world.request().id).aggregate
        for _ in range(ORDERS)
    ]

    outcomes = race(
        [
            lambda i: supplier_app.finish_order(world.supplier, orders[i].id),
            lambda i: customer_app.cancel_order(world.customer, orders[i].id, "site closed"),
        ],
        ORDERS,
    )

    assert_exactly_one_winner(
        customer_app,
        orders,
        outcomes,
        (Order.Finished, Order.Cancelled),
        (ConflictError, TransitionRefusedError),
    )


def test_accept_and_cancel_without_expected_version_serialise(
    two_apps: tuple[Betotrace, Betotrace],
) -> None:
    """Cancelling after an accept is allowed; what may never happen is a lost or torn write."""
    supplier_app, customer_app = two_apps
    world = build_world(supplier_app)
    orders = [world.request() for _ in range(ORDERS)]

    outcomes = race(
        [
            lambda i: supplier_app.accept_order(world.supplier, orders[i].id),
            lambda i: customer_app.cancel_order(world.customer, orders[i].id, "too late"),
        ],
        ORDERS,
    )

    serial_histories = {
        (True, True): [Order.Requested, Order.Accepted, Order.Cancelled],
        (True, False): [Order.Requested, Order.Accepted],
        (False, True): [Order.Requested, Order.Cancelled],
    }
    for order, (accept, cancel) in zip(orders, outcomes, strict=True):
        for refused in (accept, cancel):
            assert refused.won or isinstance(refused.error, ConflictError | TransitionRefusedError)
        expected = serial_histories[accept.won, cancel.won]
        assert stored_topics(customer_app, order.id) == [
            (version, get_topic(cls)) for version, cls in enumerate(expected, start=1)
        ]


def colliding_names(tag: str) -> list[str]:
    """Four spellings of one public name: equal up to case, accents and spacing."""
    return [
        f"Beton Gent {tag}",
        f"béton gent {tag}",
        f"BETON GENT {tag.upper()}",
        f"Béton  Gent {tag}",
    ]


def registered_branches(app: Betotrace, after: int) -> list[Branch.Registered]:
    """The Branch.Registered events recorded after notification ``after``."""
    topic = get_topic(Branch.Registered)
    found = []
    for notification in app.recorder.select_notifications(
        start=after + 1, limit=10_000, topics=[topic]
    ):
        event = app.mapper.to_domain_event(notification)
        assert isinstance(event, Branch.Registered)
        found.append(event)
    return found


def test_concurrent_registrations_of_colliding_branch_names_register_exactly_one(
    two_apps: tuple[Betotrace, Betotrace],
) -> None:
    first_app, second_app = two_apps
    world = build_world(first_app)
    rival = build_world(first_app)  # the name is unique on the whole platform
    before = first_app.recorder.max_notification_id() or 0
    rounds = 20
    tags = [f"r{n}-{uuid4().hex[:6]}" for n in range(rounds)]
    ghent = Address.parse("Port Arthurlaan", "50", "9000", "Gent")
    contenders: list[tuple[Betotrace, Actor]] = [
        (first_app, world.supplier_admin),
        (second_app, rival.supplier_admin),
        (first_app, rival.supplier_admin),
        (second_app, world.supplier_admin),
    ]

    def register(index: int) -> Callable[[int], UUID]:
        app, admin = contenders[index]

        def command(number: int) -> UUID:
            name = colliding_names(tags[number])[index]
            return app.register_branch(
                admin, public_name=name, address=ghent, products=[PRODUCT_CODE]
            ).aggregate.id

        return command

    outcomes = race([register(i) for i in range(len(contenders))], rounds)

    registered = registered_branches(first_app, before)
    assert len(registered) == rounds, "exactly one branch per round, no orphans"
    for tag, round_outcomes in zip(tags, outcomes, strict=True):
        winners = [o.value for o in round_outcomes if o.won]
        assert len(winners) == 1, round_outcomes
        for loser in (o for o in round_outcomes if not o.won):
            assert isinstance(loser.error, UniquenessError), loser.error
            assert list(loser.error.errors) == ["public_name"]
        key = normalised_key(f"Beton Gent {tag}")
        [branch] = [e for e in registered if normalised_key(e.public_name) == key]
        assert branch.originator_id == winners[0]
        assert first_app.claim_holder(BRANCH_NAMES, f"beton gent {tag}") == winners[0]
        claim_events = stored_topics(second_app, claim_id(BRANCH_NAMES, key))
        assert claim_events == [(1, get_topic(UniqueClaim.Claimed))]
    written = first_app.recorder.select_notifications(start=before + 1, limit=10_000)
    assert len(written) == 2 * rounds, "each round wrote one branch and its claim, nothing else"


def requesting(world: World, count: int) -> Callable[[int], list[str]]:
    """A command requesting ``count`` orders one after the other; returns their numbers."""

    def command(_: int) -> list[str]:
        return [world.request().number for _ in range(count)]

    return command


def test_concurrent_order_requests_get_unique_numbers_from_their_blocks(
    two_apps: tuple[Betotrace, Betotrace],
) -> None:
    first_app, second_app = two_apps
    world = build_world(first_app)
    customers = [on(first_app, world), on(second_app, world)] * 2  # 4 threads on 2 instances
    per_thread = 25
    year = datetime.now(UTC).astimezone(PLATFORM_ZONE).year

    [outcomes] = race([requesting(c, per_thread) for c in customers], rounds=1)

    assert all(o.won for o in outcomes), [o.error for o in outcomes]
    numbers = [n for o in outcomes for n in o.value or []]
    total = per_thread * len(customers)
    assert len(numbers) == total, "no request lost"
    assert len(set(numbers)) == total
    assert all(n.startswith(f"BT-{year}-") for n in numbers)
    # Each instance gives out its own blocks: at most one unused block per instance at the end.
    assert max(int(n[-6:]) for n in numbers) <= total + 2 * order_numbers.BLOCK
    for number in numbers:
        assert second_app.get_order(world.customer, number).number == number
    requested = first_app.recorder.select_notifications(
        start=1, limit=10_000, topics=[get_topic(Order.Requested)]
    )
    assert len(requested) == total


def test_order_requests_from_eight_instances_are_never_refused(
    postgres_schema_env: dict[str, str],
) -> None:
    apps = [Betotrace(env=postgres_schema_env) for _ in range(8)]  # eight worker processes
    try:
        world = build_world(apps[0])
        per_instance = 40

        [outcomes] = race([requesting(on(app, world), per_instance) for app in apps], rounds=1)

        refused = [o.error for o in outcomes if not o.won]
        assert not refused, f"{len(refused)} instances had a request refused: {refused[0]!r}"
        numbers = sorted(n for o in outcomes for n in o.value or [])
        assert len(numbers) == len(set(numbers)) == per_instance * len(apps)
    finally:
        for app in apps:
            app.close()
