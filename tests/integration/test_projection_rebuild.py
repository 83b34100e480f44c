"""Rebuilding a read model: same rows as the incremental one, resumable, readers never left empty."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from betotrace_es.application import Betotrace
from projections.framework.rebuild import rebuild
from projections.framework.runner import ProjectionRunner
from projections.framework.source import EventSource, Page
from projections.framework.store import ViewStore
from projections.order_list.projection import OrderListProjection
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market, build_market, perform
from tests.integration.test_projection_runner_support import (
    dump,
    order_projections,
    reference_dump,
    runner_for,
    table_exists,
)

SCRIPT = [("request", n) for n in range(10)] + [
    ("accept", 0),
    ("supplier_proposes", 1),
    ("customer_proposes", 2),
    ("accept_proposal", 3),
    ("decline_proposal", 0),
    ("plan_delivery", 1),
    ("assign_driver", 2),
    ("rename_branch", 1),
    ("finish", 0),
    ("cancel", 4),
    ("supplier_proposes", 5),
]


@pytest.fixture
def market(app: Betotrace) -> Market:
    """A marketplace with a history of every kind of order event."""
    return build_market(app)


@pytest.fixture
def runner(market: Market) -> ProjectionRunner:
    """A runner with small batches over the marketplace's log."""
    return runner_for(market.app, order_projections(), batch_size=2)


def _physical_tables(store: ViewStore, name: str, generation: int) -> list[str]:
    projection = next(p for p in order_projections() if p.name == name)
    return [store.physical(name, generation, t.name) for t in projection.tables]


def test_rebuild_gives_the_rows_the_runner_maintained_and_drops_the_old_generation(
    market: Market, runner: ProjectionRunner
) -> None:
    for action, n in SCRIPT:
        perform(market, action, n)
        runner.catch_up()
    store = runner.store

    for projection in order_projections():
        incremental = dump(store, projection)
        (old,) = store.generations(projection.name)

        result = rebuild(store, runner.source, projection, batch_size=7)

        assert result.generation == old + 1
        assert result.resumed_from == 0
        assert dump(store, projection) == incremental
        assert store.generations(projection.name) == {result.generation: "active"}
        assert not any(
            table_exists(store, t) for t in _physical_tables(store, projection.name, old)
        )
        assert all(
            table_exists(store, t)
            for t in _physical_tables(store, projection.name, result.generation)
        )

    perform(market, "cancel", 7)
    runner.catch_up()
    assert_views_match_aggregates(market, store)


class Interrupt(KeyboardInterrupt):
    """Ctrl-C during a rebuild."""


def test_interrupted_rebuild_resumes_its_generation_while_readers_keep_the_old_one(
    market: Market, runner: ProjectionRunner
) -> None:
    for action, n in SCRIPT:
        perform(market, action, n)
    runner.catch_up()
    store, projection = runner.store, OrderListProjection()
    before = dump(store, projection)
    reached: list[int] = []

    def interrupt_after_two_batches(position: int, head: int) -> None:
        reached.append(position)
        if len(reached) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        rebuild(
            store, runner.source, projection, batch_size=5, progress=interrupt_after_two_batches
        )

    assert store.generations(projection.name) == {1: "active", 2: "building"}
    assert store.position(projection.name, 2) == reached[-1]
    assert dump(store, projection) == before
    perform(market, "accept", 3)
    runner.catch_up()
    assert_views_match_aggregates(market, store)

    result = rebuild(store, runner.source, projection, batch_size=5)

    assert (result.generation, result.resumed_from) == (2, reached[-1])
    assert result.resumed_from > 0
    assert store.generations(projection.name) == {2: "active"}
    assert dump(store, projection) == reference_dump(store, runner.source, projection)
    assert_views_match_aggregates(market, store)


class RebuildingSource(EventSource):
    """Hands out one page, then lets a whole rebuild run before the runner writes it."""

    def __init__(self, source: EventSource, store: ViewStore) -> None:
        super().__init__(source.recorder, source.mapper)
        self.store = store
        self.rebuilt = False

    def read(self, after: int, limit: int, topics: Sequence[str], head: int) -> Page:
        """The page, read before the rebuild switched the views."""
        page = super().read(after, limit, topics, head)
        if not self.rebuilt:
            self.rebuilt = True
            rebuild(self.store, EventSource(self.recorder, self.mapper), OrderListProjection())
        return page


def test_runner_catching_up_while_a_rebuild_switches_generations_moves_to_the_new_one(
    market: Market, runner: ProjectionRunner
) -> None:
    runner.catch_up()
    for action, n in SCRIPT:
        perform(market, action, n)
    source = RebuildingSource(runner.source, runner.store)
    racing = ProjectionRunner(runner.store, source, [OrderListProjection()], batch_size=2)

    racing.catch_up()

    assert racing.failures == {}
    assert source.rebuilt
    assert dump(runner.store, OrderListProjection()) == reference_dump(
        runner.store, runner.source, OrderListProjection()
    )
