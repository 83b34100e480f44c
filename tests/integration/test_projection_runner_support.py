"""Plumbing shared by the projection tests (this module holds no tests).

Stores and read sides on either backend, runners, whole-view dumps, clean reference builds.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import cast

from betotrace_es.application import Betotrace
from projections.framework.projection import Projection, Row
from projections.framework.rebuild import rebuild
from projections.framework.runner import ProjectionRunner
from projections.framework.source import EventSource
from projections.framework.store import ViewStore
from projections.framework.wiring import ReadSide, open_read_side, view_store
from projections.order_list.projection import OrderListProjection
from projections.order_status.projection import OrderStatusProjection
from tests.integration.test_projection_orders_support import Market, build_market, perform


def scripted_market(app: Betotrace, script: Sequence[tuple[str, int]]) -> Market:
    """A marketplace after ``script`` (see ``perform``); no read model has run yet."""
    market = build_market(app)
    for action, n in script:
        perform(market, action, n)
    return market


def caught_up_market(app: Betotrace, script: Sequence[tuple[str, int]]) -> Market:
    """A marketplace after ``script`` (see ``perform``), its order views caught up."""
    market = scripted_market(app, script)
    runner_for(app, order_projections()).catch_up()
    return market


def order_projections() -> list[Projection]:
    """The two order read models these tests are about."""
    return [OrderListProjection(), OrderStatusProjection()]


def runner_for(
    app: Betotrace, projections: Sequence[Projection], batch_size: int = 500
) -> ProjectionRunner:
    """A runner over the app's own connections."""
    source = EventSource(app.recorder, app.mapper)
    return ProjectionRunner(view_store(app.factory), source, projections, batch_size=batch_size)


@contextmanager
def separate_read_side(env: dict[str, str]) -> Iterator[ReadSide]:
    """A read side with connections of its own, as another process opens it."""
    side = open_read_side(env)
    try:
        yield side
    finally:
        side.factory.close()


class CappedSource(EventSource):
    """The log as a reader saw it when its last event was ``cap``."""

    def __init__(self, source: EventSource, cap: int) -> None:
        super().__init__(source.recorder, source.mapper)
        self.cap = cap

    def head(self) -> int:
        """Never beyond ``cap``."""
        return min(self.cap, super().head())


# -- whole views ----------------------------------------------------------------------------------


def dump(store: ViewStore, projection: Projection) -> dict[str, list[Row]]:
    """Every row of every table readers see, ordered by key."""
    return {
        table.name: store.fetch(
            f"SELECT * FROM {{q}}{projection.name}_{table.name} ORDER BY {', '.join(table.key)}"
        )
        for table in projection.tables
    }


def reference_dump(
    store: ViewStore, source: EventSource, projection: Projection
) -> dict[str, list[Row]]:
    """The rows of a clean build from the first event, in one go, under another name."""
    cls = type(projection)
    reference = cast(
        "Projection", type(f"Reference{cls.__name__}", (cls,), {"name": f"ref_{cls.name}"})()
    )
    rebuild(store, source, reference, batch_size=100_000)
    return dump(store, reference)


def table_exists(store: ViewStore, physical: str) -> bool:
    """Whether the physical table exists."""
    if store.postgres:
        rows = store.fetch("SELECT to_regclass(?)::text AS t", [store.qualifier + physical])
        return rows[0]["t"] is not None
    rows = store.fetch(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?", [physical]
    )
    return int(rows[0]["n"]) == 1
