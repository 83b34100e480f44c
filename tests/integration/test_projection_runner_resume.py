"""A runner that dies mid-batch or stops between batches loses nothing and applies nothing twice."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from betotrace_es.application import Betotrace
from projections.catalog import all_projections
from projections.framework.projection import Rows
from projections.framework.runner import ProjectionRunner
from projections.framework.source import EventSource, Page
from projections.framework.store import ViewStore
from projections.order_list.projection import OrderListProjection
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market, build_market, perform
from tests.integration.test_projection_runner_support import (
    CappedSource,
    dump,
    reference_dump,
    runner_for,
    separate_read_side,
)

BATCH = 3
SCRIPT = [("request", n) for n in range(8)] + [
    ("accept", 0),
    ("supplier_proposes", 1),
    ("accept_proposal", 0),
    ("plan_delivery", 2),
    ("cancel", 3),
    ("finish", 0),
]


class SimulatedCrashError(Exception):
    """The process died here."""


@pytest.fixture
def market(app: Betotrace) -> Market:
    """A marketplace whose views are caught up, then a backlog of order events."""
    market = build_market(app)
    runner_for(app, all_projections()).catch_up()
    for action, n in SCRIPT:
        perform(market, action, n)
    return market


def _position_after_batches(store: ViewStore, source: EventSource, batches: int) -> int:
    """Where the order list is after ``batches`` more full batches of the runner.

    The runner reads one page for all projections: a batch is BATCH events of any of their
    topics (all projections start at the same position here).
    """
    projection = OrderListProjection()
    start = store.position(projection.name, store.active_generation(projection))
    topics = sorted({t for p in all_projections() for t in p.topics})
    return source.read(start, batches * BATCH, topics, source.head()).read_up_to


def test_crash_in_the_middle_of_writing_a_batch_rolls_it_back_and_a_new_runner_resumes(
    market: Market, store_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = runner_for(market.app, all_projections(), batch_size=BATCH)
    expected_position = _position_after_batches(runner.store, runner.source, 2)
    calls = []
    changes = Rows.changes

    def crash_in_the_third_batch(rows: Rows) -> Iterator[Any]:
        if "counts" in rows._meta:  # only the order list has counts
            calls.append(rows)
        for number, change in enumerate(changes(rows)):
            if len(calls) == 3 and number == 1:  # the first table's rows are already written
                raise SimulatedCrashError
            yield change

    monkeypatch.setattr(Rows, "changes", crash_in_the_third_batch)
    with pytest.raises(SimulatedCrashError):
        runner.catch_up()
    monkeypatch.undo()

    projection = OrderListProjection()
    store = runner.store
    assert store.position(projection.name, store.active_generation(projection)) == expected_position
    capped = CappedSource(runner.source, expected_position)
    assert dump(store, projection) == reference_dump(store, capped, projection)

    with separate_read_side(store_env) as side:
        ProjectionRunner(side.store, side.source, all_projections(), batch_size=BATCH).catch_up()
        for each in all_projections():
            assert dump(side.store, each) == reference_dump(side.store, side.source, each)
        assert_views_match_aggregates(market, side.store)


class StoppingSource(EventSource):
    """Stops its runner once it has handed out ``pages`` pages (a clean shutdown)."""

    def __init__(self, source: EventSource, pages: int) -> None:
        super().__init__(source.recorder, source.mapper)
        self.pages = pages
        self.runner: ProjectionRunner | None = None

    def read(self, after: int, limit: int, topics: Sequence[str], head: int) -> Page:
        """The page; the runner is told to stop after the last one it may have."""
        page = super().read(after, limit, topics, head)
        self.pages -= 1
        if self.pages == 0 and self.runner is not None:
            self.runner.stop()
        return page


def test_runner_stopped_between_batches_is_resumed_by_a_new_runner(
    market: Market, store_env: dict[str, str]
) -> None:
    first = runner_for(market.app, all_projections(), batch_size=BATCH)
    source = StoppingSource(first.source, pages=2)
    runner = ProjectionRunner(first.store, source, all_projections(), batch_size=BATCH)
    source.runner = runner
    expected_position = _position_after_batches(first.store, first.source, 2)

    runner.catch_up()

    projection, store = OrderListProjection(), runner.store
    assert store.position(projection.name, store.active_generation(projection)) == expected_position
    capped = CappedSource(first.source, expected_position)
    assert dump(store, projection) == reference_dump(store, capped, projection)
    with separate_read_side(store_env) as side:
        ProjectionRunner(side.store, side.source, all_projections(), batch_size=BATCH).catch_up()
        for each in all_projections():
            assert dump(side.store, each) == reference_dump(side.store, side.source, each)
        assert_views_match_aggregates(market, side.store)
