"""scripts/rebuild_projections.py as an operator runs it (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.order import Order
from projections.framework.projection import Rows, handles
from projections.order_list.projection import OrderListProjection
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market
from tests.integration.test_projection_rebuild import SCRIPT
from tests.integration.test_projection_runner_support import (
    caught_up_market,
    dump,
    order_projections,
    reference_dump,
    runner_for,
)
from tests.scripts import load_script, run_script


class BrokenOrderList(OrderListProjection):
    """The order list with a bug: it fails on every accepted order."""

    @handles(Order.Accepted)
    def order_accepted(self, rows: Rows, event: Order.Accepted) -> None:
        msg = "broken on purpose"
        raise ValueError(msg)


@pytest.fixture
def market(app: Betotrace) -> Market:
    """A marketplace with orders in every state, its views caught up."""
    return caught_up_market(app, SCRIPT)


def run_rebuild(store_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_script("rebuild_projections", store_env, *args)


@pytest.mark.parametrize("parts", ["0", "2"])
def test_the_script_rebuilds_a_read_model_to_the_rows_of_the_log_and_switches_to_it(
    market: Market, store_env: dict[str, str], parts: str
) -> None:
    runner = runner_for(market.app, order_projections())
    store, projection = runner.store, OrderListProjection()
    incremental = dump(store, projection)

    done = run_rebuild(
        store_env, "--projection", "order_list", "--batch-size", "7", "--parts", parts
    )

    assert done.returncode == 0, done.stderr
    assert "order_list: generation 2 active;" in done.stdout
    assert "order_list" in done.stderr  # the progress bar
    assert store.generations(projection.name) == {2: "active"}
    assert dump(store, projection) == incremental
    assert dump(store, projection) == reference_dump(store, runner.source, projection)
    assert_views_match_aggregates(market, store)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch-size", "0"], "--batch-size must be 1 or more"),
        (["--cache-rows", "-1"], "--cache-rows must be 0 or more"),
        (["--parts", "-2"], "--parts must be 0 or more"),
        (["--projection", "nope"], "argument --projection: invalid choice: 'nope'"),
        (["--batch-size", "many"], "argument --batch-size: invalid int value: 'many'"),
    ],
)
def test_bad_arguments_are_refused_by_name_and_change_nothing(
    market: Market, store_env: dict[str, str], args: list[str], message: str
) -> None:
    store = runner_for(market.app, order_projections()).store
    before = dump(store, OrderListProjection())

    refused = run_rebuild(store_env, *args)

    assert refused.returncode == 2
    assert message in refused.stderr
    assert "Traceback" not in refused.stderr
    assert store.generations("order_list") == {1: "active"}
    assert dump(store, OrderListProjection()) == before


@pytest.mark.parametrize("parts", ["0", "2"])
def test_a_projection_failing_on_an_event_stops_the_rebuild_with_the_event_and_the_error(
    market: Market,
    store_env: dict[str, str],
    parts: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = runner_for(market.app, order_projections()).store
    before = dump(store, OrderListProjection())
    script = load_script("rebuild_projections")
    monkeypatch.setattr(script, "all_projections", lambda: [BrokenOrderList()])
    for name, value in store_env.items():
        monkeypatch.setenv(name, value)

    status = script.main(["--batch-size", "3", "--parts", parts])

    err = capsys.readouterr().err
    assert status == 1
    assert "projection order_list stopped at event " in err
    assert "(Order.Accepted): ValueError: broken on purpose" in err
    assert "Readers keep the old view" in err
    assert "Traceback" not in err
    generations = store.generations("order_list")
    assert generations[1] == "active"  # the new one is left building, to resume
    assert set(generations.values()) <= {"active", "building"}
    assert dump(store, OrderListProjection()) == before
