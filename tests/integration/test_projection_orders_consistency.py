"""Property: after any valid commands and a catch-up, every view says what the aggregates say."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from betotrace_es.application import Betotrace
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import (
    ACTIONS,
    Market,
    build_market,
    perform,
)
from tests.integration.test_projection_runner_support import order_projections, runner_for

# "catch_up" mid-script makes the runner apply part of an order's history in one batch and the
# rest in a later one; batch sizes 1 and 3 cut scripts at every possible place.
STEPS = st.lists(
    st.tuples(st.sampled_from((*ACTIONS, "request", "catch_up")), st.integers(0, 10_000)),
    min_size=1,
    max_size=18,
)


@pytest.fixture
def market(app: Betotrace) -> Market:
    """One marketplace for all examples of a test: orders pile up from example to example."""
    return build_market(app)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batch_size=st.sampled_from([1, 3, 500]), steps=STEPS)
def test_views_equal_the_aggregates_after_any_valid_commands(
    market: Market, batch_size: int, steps: list[tuple[str, int]]
) -> None:
    runner = runner_for(market.app, order_projections(), batch_size)
    for action, n in steps:
        if action == "catch_up":
            runner.catch_up()
        else:
            perform(market, action, n)
    runner.catch_up()

    assert runner.failures == {}
    assert_views_match_aggregates(market, runner.store)


def test_views_equal_the_aggregates_after_a_script_touching_every_event(market: Market) -> None:
    script = [("request", n) for n in range(6)] + [
        ("accept", 0),
        ("supplier_proposes", 1),
        ("customer_proposes", 2),
        ("accept_proposal", 0),
        ("supplier_proposes", 3),
        ("decline_proposal", 0),
        ("plan_delivery", 3),
        ("plan_delivery", 4),
        ("assign_driver", 1),
        ("finish", 0),
        ("cancel", 1),
        ("rename_branch", 2),
    ]
    runner = runner_for(market.app, order_projections(), batch_size=3)
    for number, (action, n) in enumerate(script):
        perform(market, action, n)
        if number % 4 == 0:
            runner.catch_up()
    runner.catch_up()

    assert runner.failures == {}
    assert_views_match_aggregates(market, runner.store)
