"""A rebuild process killed (SIGKILL) in the middle of a batch is resumed to the same view.

The rebuild keeps the rows of recent batches in memory (``RowCache``); a tiny cache here
makes it evict and read back rows all the time. What the killed process held in memory is
lost; what it committed is the truth, and the next rebuild continues from there.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from betotrace_es.application import Betotrace
from projections.framework.projection import Rows
from projections.framework.rebuild import rebuild
from projections.order_list.projection import OrderListProjection
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market, perform
from tests.integration.test_projection_runner_support import (
    caught_up_market,
    dump,
    order_projections,
    reference_dump,
    runner_for,
    separate_read_side,
)

BATCH = 4
KILLED_IN_BATCH = 5
SCRIPT = [("request", n) for n in range(8)] + [
    ("accept", 0),
    ("supplier_proposes", 1),
    ("accept_proposal", 1),
    ("customer_proposes", 2),
    ("plan_delivery", 0),
    ("decline_proposal", 2),
    ("cancel", 3),
    ("assign_driver", 0),
    ("finish", 0),
    ("supplier_proposes", 4),
]


def rebuild_and_die_mid_batch(env: dict[str, str]) -> None:
    """In a child process: rebuild with a tiny cache; SIGKILL itself while writing a batch."""
    batches = 0
    changes = Rows.changes

    def die_after_the_first_table(rows: Rows) -> Iterator[Any]:
        nonlocal batches
        batches += 1
        for number, change in enumerate(changes(rows)):
            if batches == KILLED_IN_BATCH and number == 1:  # orders written, not committed
                os.kill(os.getpid(), signal.SIGKILL)
            yield change

    Rows.changes = die_after_the_first_table  # type: ignore[method-assign,assignment]
    with separate_read_side(env) as side:
        rebuild(side.store, side.source, OrderListProjection(), batch_size=BATCH, cache_rows=3)


@pytest.fixture
def market(app: Betotrace) -> Market:
    """A marketplace with orders in every state, its views caught up."""
    return caught_up_market(app, SCRIPT)


def test_rebuild_killed_mid_batch_resumes_from_its_last_commit_to_an_identical_view(
    market: Market, store_env: dict[str, str]
) -> None:
    runner = runner_for(market.app, order_projections())
    store, projection = runner.store, OrderListProjection()
    before = dump(store, projection)

    child = multiprocessing.get_context("spawn").Process(
        target=rebuild_and_die_mid_batch, args=(store_env,)
    )
    child.start()
    child.join(timeout=120)

    assert child.exitcode == -signal.SIGKILL
    assert store.generations(projection.name) == {1: "active", 2: "building"}
    reached = store.position(projection.name, 2)
    assert reached > 0
    assert dump(store, projection) == before
    with separate_read_side(store_env) as side:
        result = rebuild(side.store, side.source, projection, batch_size=BATCH, cache_rows=3)
    assert (result.generation, result.resumed_from) == (2, reached)
    assert store.generations(projection.name) == {2: "active"}
    assert dump(store, projection) == reference_dump(store, runner.source, projection)
    perform(market, "accept", 5)
    runner.catch_up()
    assert_views_match_aggregates(market, store)
