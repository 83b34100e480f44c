"""Embedded runners of several processes on one PostgreSQL store: one writes, the others follow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from betotrace_es.application import Betotrace
from projections.framework import leadership
from projections.framework.leadership import Leadership
from projections.framework.runner import ProjectionRunner
from projections.framework.store import PostgresViewStore
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market, build_market, in_days_at
from tests.integration.test_projection_runner_support import order_projections, separate_read_side


@pytest.fixture
def market(pg_app: Betotrace) -> Market:
    """A fresh marketplace."""
    return build_market(pg_app)


@pytest.fixture
def two_runners(postgres_schema_env: dict[str, str]) -> Iterator[list[ProjectionRunner]]:
    """Two runners with their own connections and leadership, as two server processes have."""
    with (
        separate_read_side(postgres_schema_env) as first,
        separate_read_side(postgres_schema_env) as second,
    ):
        runners = []
        for side in (first, second):
            assert isinstance(side.store, PostgresViewStore)
            leads = Leadership(side.store.connect)
            runners.append(
                ProjectionRunner(side.store, side.source, order_projections(), leads=leads)
            )
        yield runners
        for runner in runners:
            assert isinstance(runner.leads, Leadership)
            runner.leads.close()


def tracked(runner: ProjectionRunner) -> list[int]:
    """The positions the store holds for the runner's projections."""
    store = runner.store
    return [store.position(p.name, store.active_generation(p)) for p in runner.projections]


def test_only_the_leading_runner_writes_and_the_follower_reads_its_positions(
    market: Market, two_runners: list[ProjectionRunner]
) -> None:
    leader, follower = two_runners
    assert leader.leads()
    assert not follower.leads()
    recorded = market.request(0, 0, in_days_at(3))

    follower.catch_up()
    assert max(tracked(follower)) < recorded.position  # the follower wrote nothing
    assert not follower.wait_until(recorded.position, timeout=0.1)

    leader.catch_up()
    assert follower.wait_until(recorded.position, timeout=5)  # it polls the leader's positions
    assert tracked(follower) == [recorded.position] * 2
    assert_views_match_aggregates(market, follower.store)


def test_a_follower_takes_over_when_the_leader_is_gone(
    market: Market, two_runners: list[ProjectionRunner], monkeypatch: pytest.MonkeyPatch
) -> None:
    leader, follower = two_runners
    assert leader.leads()
    assert not follower.leads()
    recorded = market.request(0, 0, in_days_at(3))

    assert isinstance(leader.leads, Leadership)
    leader.leads.close()  # the process ended: its connection, and the lock, are gone
    monkeypatch.setattr(leadership, "RETRY_SECONDS", 0.0)

    follower.catch_up()
    assert follower.leads()
    assert tracked(follower) == [recorded.position] * 2
    assert_views_match_aggregates(market, follower.store)
    assert not leader.leads()  # and the old one, back, follows


def test_a_leader_whose_connection_broke_gives_up_the_lead(
    two_runners: list[ProjectionRunner], monkeypatch: pytest.MonkeyPatch
) -> None:
    leader, follower = two_runners
    assert leader.leads()
    assert isinstance(leader.leads, Leadership)
    connection = leader.leads._connection
    assert connection is not None
    connection.close()  # as if the server dropped it
    monkeypatch.setattr(leadership, "CHECK_SECONDS", 0.0)
    monkeypatch.setattr(leadership, "RETRY_SECONDS", 0.0)

    assert follower.leads()
    assert not leader.leads()
