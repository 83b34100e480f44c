"""scripts/replay_order.py, the audit replay an operator runs (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.order import Order
from tests.integration.test_projection_orders_support import Market, build_market, perform
from tests.scripts import run_script


@pytest.fixture
def market(app: Betotrace) -> Market:
    """One order with a negotiated life: requested, proposed, counter-proposed, accepted."""
    market = build_market(app)
    for action, n in [("request", 0), ("supplier_proposes", 0), ("customer_proposes", 0)]:
        perform(market, action, n)
    return market


def replay(store_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_script("replay_order", store_env, *args)


def the_order(market: Market) -> Order:
    [order_id] = market.orders
    return market.order(order_id)


def test_the_timeline_lists_every_event_with_its_actor(
    market: Market, store_env: dict[str, str]
) -> None:
    order = the_order(market)

    done = replay(store_env, order.number)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Order {order.number} ({order.id}): {order.version} events"
    timeline = [line for line in lines if line.startswith("  v")]
    assert [line.split()[0] for line in timeline] == [f"v{v}" for v in range(1, order.version + 1)]
    assert "OrderRequested" in timeline[0]
    assert "State at version" not in done.stdout


def test_the_state_at_a_version_is_the_order_after_that_event(
    market: Market, store_env: dict[str, str]
) -> None:
    order = the_order(market)

    done = replay(store_env, str(order.id), "--at-version", "2", "--json")

    assert done.returncode == 0, done.stderr
    replayed = json.loads(done.stdout)
    assert replayed["number"] == order.number
    assert [e["version"] for e in replayed["events"]] == list(range(1, order.version + 1))
    assert replayed["events"][1]["type"] == "DeliveryRescheduleProposed"
    assert replayed["state"]["version"] == 2
    assert replayed["state"]["pending_proposal"] is not None
    assert replayed["state"]["pending_proposal"]["proposed_by"] == "supplier"


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["BT-2026-999999"], 1, "replay_order: order not found"),
        (["{number}", "--at-version", "9"], 1, "replay_order: at_version: must be between 1 and 3"),
        (["{number}", "--at", "2026-12-03T14:00"], 1, "at: must include a timezone offset"),
        (["{number}", "--at", "1999-01-01T00:00+00:00"], 1, "at: the order did not exist yet"),
        (["{number}", "--at", "soon"], 2, "argument --at: invalid fromisoformat value: 'soon'"),
    ],
)
def test_an_unknown_order_or_point_is_refused_with_a_message(
    market: Market, store_env: dict[str, str], args: list[str], status: int, message: str
) -> None:
    number = the_order(market).number

    refused = replay(store_env, *(a.format(number=number) for a in args))

    assert refused.returncode == status
    assert message in refused.stderr
    assert "Traceback" not in refused.stderr
    assert refused.stdout == ""
