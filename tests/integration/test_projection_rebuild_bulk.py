"""Bulk rebuilds: tables indexed only when readers switch over, rows written by COPY."""

from __future__ import annotations

import pytest

from betotrace_es.application import Betotrace
from projections.catalog import all_projections
from projections.framework import store as store_module
from projections.framework.projection import Projection
from projections.framework.rebuild import rebuild
from projections.framework.store import ViewStore
from projections.order_list.projection import ORDERS, OrderListProjection
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market, perform
from tests.integration.test_projection_runner_support import (
    caught_up_market,
    dump,
    order_projections,
    reference_dump,
    runner_for,
)

SCRIPT = [("request", n) for n in range(6)] + [
    ("accept", 0),
    ("supplier_proposes", 1),
    ("accept_proposal", 1),
    ("cancel", 2),
    ("finish", 0),
]


class Interrupt(KeyboardInterrupt):
    """Ctrl-C during a rebuild."""


def secondary_indexes(store: ViewStore, physical: str) -> set[str]:
    """The names of a physical table's indexes other than its primary key."""
    if store.postgres:
        rows = store.fetch(
            "SELECT indexname AS name FROM pg_indexes WHERE schemaname = ? "
            "AND tablename = ? AND indexname NOT LIKE '%pkey'",
            [store.datastore.schema, physical],  # type: ignore[attr-defined]
        )
    else:
        rows = store.fetch(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND name NOT LIKE 'sqlite_autoindex%'",
            [physical],
        )
    return {str(r["name"]) for r in rows}


def expected_indexes(store: ViewStore, projection: Projection, generation: int) -> set[str]:
    """What the orders table of a generation should have once readers may see it."""
    physical = store.physical(projection.name, generation, ORDERS.name)
    return {f"{physical}_i{number}" for number in range(len(ORDERS.indexes))}


@pytest.fixture
def market(app: Betotrace) -> Market:
    """A marketplace with a few orders in every state, its views caught up."""
    return caught_up_market(app, SCRIPT)


def test_building_generation_has_no_secondary_indexes_until_it_is_activated(
    market: Market,
) -> None:
    runner = runner_for(market.app, order_projections())
    store, projection = runner.store, OrderListProjection()
    assert secondary_indexes(store, store.physical(projection.name, 1, "orders")) == (
        expected_indexes(store, projection, 1)
    )

    def interrupt(position: int, head: int) -> None:
        raise Interrupt

    with pytest.raises(Interrupt):
        rebuild(store, runner.source, projection, batch_size=5, progress=interrupt)
    building = store.physical(projection.name, 2, "orders")
    assert store.generations(projection.name) == {1: "active", 2: "building"}
    assert secondary_indexes(store, building) == set()

    rebuild(store, runner.source, projection, batch_size=5)

    assert store.generations(projection.name) == {2: "active"}
    assert secondary_indexes(store, building) == expected_indexes(store, projection, 2)


def test_rebuild_whose_indexes_were_half_created_resumes_and_completes_them(
    market: Market,
) -> None:
    runner = runner_for(market.app, order_projections())
    store, projection = runner.store, OrderListProjection()
    before = dump(store, projection)

    seen: list[int] = []

    def interrupt_after_two_batches(position: int, head: int) -> None:
        seen.append(position)
        if len(seen) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        rebuild(
            store, runner.source, projection, batch_size=5, progress=interrupt_after_two_batches
        )
    building = store.physical(projection.name, 2, "orders")
    with store.writing() as run:  # as an activation that died after its first two indexes
        for statement in ORDERS.index_statements(building, store.qualifier)[:2]:
            run(statement, [])
    assert len(secondary_indexes(store, building)) == 2
    assert dump(store, projection) == before

    result = rebuild(store, runner.source, projection, batch_size=5)

    assert (result.generation, result.resumed_from > 0) == (2, True)
    assert secondary_indexes(store, building) == expected_indexes(store, projection, 2)
    assert dump(store, projection) == reference_dump(store, runner.source, projection)
    perform(market, "accept", 3)
    runner.catch_up()
    assert_views_match_aggregates(market, store)


def test_rows_written_in_bulk_equal_the_rows_written_one_by_one(
    market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    projections = all_projections()
    runner = runner_for(market.app, projections)
    runner.catch_up()  # batches of a few rows: one statement a row
    store = runner.store
    incremental = {p.name: dump(store, p) for p in projections}
    monkeypatch.setattr(store_module, "_COPY_ROWS", 1)  # PostgreSQL: every upsert by COPY

    for projection in projections:
        rebuild(store, runner.source, projection, batch_size=1000)

    assert {p.name: dump(store, p) for p in projections} == incremental
