"""Order numbers: BT-<year>-<6 digits>, unique, never reused, also across restarts.

Each application instance gives out numbers from blocks it reserves in the store: contiguous
within an instance, a gap of the unused rest of a block after a restart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from betotrace_es.application import Betotrace, order_numbers
from betotrace_es.domain.exceptions import ValidationError
from betotrace_es.domain.order import order_id
from betotrace_es.domain.registry import order_number_sequence_id
from tests.builders import World

NUMBER = re.compile(r"^BT-(\d{4})-(\d{6})$")


def brussels_year() -> int:
    """The platform's current year (numbers are per year in Europe/Brussels)."""
    return datetime.now(UTC).astimezone(order_numbers.PLATFORM_ZONE).year


def sequence_of(numbers: list[str]) -> list[int]:
    """The running part of each number, checking the format and the year."""
    found = []
    for number in numbers:
        match = NUMBER.fullmatch(number)
        assert match is not None, f"{number} is not BT-<year>-<6 digits>"
        assert int(match.group(1)) == brussels_year()
        found.append(int(match.group(2)))
    return found


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
def reopened(store_env: dict[str, str]) -> Iterator[Betotrace]:
    """A second application instance on the same store as `app` (a restart, another process)."""
    second = Betotrace(env=store_env)
    yield second
    second.close()


def test_numbers_are_contiguous_from_one_within_an_application(world: World) -> None:
    orders = [world.request() for _ in range(5)]

    assert sequence_of([o.number for o in orders]) == [1, 2, 3, 4, 5]
    assert all(o.id == order_id(o.number) for o in orders)


def test_refused_request_consumes_no_number_and_records_nothing(world: World) -> None:
    first = world.request()
    before = world.app.recorder.max_notification_id()

    for quantity in ("0", "-3", "1.2345", "lots"):
        with pytest.raises(ValidationError) as refused:
            world.request(quantity=quantity)
        assert "quantity_m3" in refused.value.errors
    with pytest.raises(ValidationError):
        world.request(product_code="NOT-IN-CATALOGUE")

    assert world.app.recorder.max_notification_id() == before
    assert sequence_of([first.number, world.request().number]) == [1, 2]


def test_reopened_application_continues_after_the_block_of_the_store(
    world: World, reopened: Betotrace
) -> None:
    before_restart = [world.request().number for _ in range(3)]

    after_restart = [on(reopened, world).request().number for _ in range(3)]

    block = order_numbers.BLOCK
    assert sequence_of(before_restart + after_restart) == [1, 2, 3, *range(block + 1, block + 4)]


def test_two_instances_taking_turns_never_reuse_a_number(world: World, reopened: Betotrace) -> None:
    other = on(reopened, world)
    mine, theirs = [], []
    for _ in range(4):  # each instance's remembered sequence is stale at every turn
        mine.append(world.request().number)
        theirs.append(other.request().number)

    block = order_numbers.BLOCK
    assert sequence_of(mine) == [1, 2, 3, 4]
    assert sequence_of(theirs) == [block + 1, block + 2, block + 3, block + 4]
    for number in mine + theirs:
        assert world.app.get_order(world.customer, number).number == number


def test_instances_reserving_past_each_other_keep_numbers_unique(
    world: World, reopened: Betotrace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(order_numbers, "BLOCK", 2)
    other = on(reopened, world)
    numbers = []
    for _ in range(5):  # each reservation finds the other instance's newer one first
        numbers += [world.request().number, world.request().number, other.request().number]

    assert len(set(numbers)) == len(numbers) == 15
    assert max(sequence_of(numbers)) <= 15 + 2 * 2  # at most one unused block per instance


def test_numbers_continue_after_a_sequence_snapshot_on_restart(
    world: World, reopened: Betotrace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(order_numbers, "BLOCK", 2)
    monkeypatch.setattr(order_numbers, "SNAPSHOT_EVERY", 2)
    numbers = [world.request().number for _ in range(4)]  # reservations at versions 2 and 3

    numbers += [on(reopened, world).request().number for _ in range(3)]  # versions 4 and 5

    assert sequence_of(numbers) == list(range(1, 8))
    snapshots = world.app.factory.aggregate_recorder(purpose="snapshots")
    taken = snapshots.select_events(order_number_sequence_id(brussels_year()))
    assert [s.originator_version for s in taken] == [2, 4]
