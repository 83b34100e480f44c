"""Two runners on the same views: racing them never applies an event twice or loses one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence

import pytest

from betotrace_es.application import Betotrace
from projections.framework.projection import Projection
from projections.framework.runner import ProjectionRunner
from projections.framework.source import EventSource, Page
from projections.framework.store import PostgresViewStore
from projections.framework.wiring import ReadSide
from projections.order_list.projection import OrderListProjection
from projections.order_status.projection import OrderStatusProjection
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import build_market, in_days_at, perform
from tests.integration.test_projection_runner_support import (
    CappedSource,
    dump,
    order_projections,
    reference_dump,
    runner_for,
    separate_read_side,
)

ROUND = ("request", "accept", "supplier_proposes", "plan_delivery", "cancel", "request")


def _in_threads(*actions: Callable[[], object]) -> list[BaseException]:
    """Run the actions at the same moment, one thread each; the errors they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(actions))

    def run(action: Callable[[], object]) -> None:
        try:
            start.wait(timeout=10)
            action()
        except Exception as exc:  # collected: the test asserts on them
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a runner hung"
    return errors


@pytest.fixture
def sides(postgres_schema_env: dict[str, str]) -> Iterator[tuple[ReadSide, ReadSide]]:
    """Two read sides, each with its own store object and connection pool."""
    with (
        separate_read_side(postgres_schema_env) as one,
        separate_read_side(postgres_schema_env) as two,
    ):
        yield one, two


@pytest.mark.postgres
def test_two_runners_racing_the_same_catch_up_never_corrupt_a_view(
    pg_app: Betotrace, sides: tuple[ReadSide, ReadSide]
) -> None:
    market = build_market(pg_app)
    runners = [
        ProjectionRunner(s.store, s.source, order_projections(), batch_size=2) for s in sides
    ]
    runners[0].catch_up()
    for round_ in range(4):
        for n, action in enumerate(ROUND):
            perform(market, action, round_ + n)

        assert _in_threads(*(r.catch_up for r in runners)) == []

    assert [r.failures for r in runners] == [{}, {}]
    store, source = sides[0].store, sides[0].source
    for projection in order_projections():
        assert dump(store, projection) == reference_dump(store, source, projection)
    assert_views_match_aggregates(market, store)


@pytest.mark.postgres
def test_exclusive_lets_one_holder_at_a_time(sides: tuple[ReadSide, ReadSide]) -> None:
    one, two = (s.store for s in sides)
    assert isinstance(one, PostgresViewStore)
    assert isinstance(two, PostgresViewStore)

    with one.exclusive("order_list") as first:
        with two.exclusive("order_list") as second, one.exclusive("order_list") as third:
            assert (first, second, third) == (True, False, False)
        with two.exclusive("order_status") as other_projection:
            assert other_projection
    with two.exclusive("order_list") as after_release:
        assert after_release


def both() -> list[Projection]:
    """The two order read models the consistency check compares."""
    return [OrderListProjection(), OrderStatusProjection()]


def test_overlapping_batches_of_two_runners_are_not_applied_twice(app: Betotrace) -> None:
    market = build_market(app)
    slow = runner_for(app, both())
    slow.catch_up()
    first = market.request(0, 0, in_days_at(3)).position
    market.request(1, 1, in_days_at(4))
    fast = ProjectionRunner(slow.store, CappedSource(slow.source, first), both())

    class CommittedMeanwhile(EventSource):
        """The log as a second runner reads it: ``fast`` commits up to ``first`` before it writes."""

        def read(self, after: int, limit: int, topics: Sequence[str], head: int) -> Page:
            page = super().read(after, limit, topics, head)
            fast.catch_up()
            return page

    racing = CommittedMeanwhile(app.recorder, app.mapper)
    ProjectionRunner(slow.store, racing, both()).catch_up()

    assert_views_match_aggregates(market, slow.store)


def test_two_runners_starting_on_a_fresh_store_share_one_generation(
    app: Betotrace, store_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    perform(build_market(app), "request", 0)
    both_looked = threading.Barrier(2)

    def pausing(looked_up: Callable[[str], dict[int, str]]) -> Callable[[str], dict[int, str]]:
        paused: list[bool] = []

        def generations(name: str) -> dict[int, str]:
            found = looked_up(name)
            if not paused:  # the first look of each runner: both see "no generation yet"
                paused.append(True)
                both_looked.wait(timeout=10)
            return found

        return generations

    with separate_read_side(store_env) as one, separate_read_side(store_env) as two:
        runners = []
        for side in (one, two):
            monkeypatch.setattr(side.store, "generations", pausing(side.store.generations))
            runners.append(ProjectionRunner(side.store, side.source, [OrderListProjection()]))

        errors = _in_threads(*(r.catch_up for r in runners))

        assert errors == []
        assert one.store.generations("order_list") == {1: "active"}
