"""Rebuilding the order list aggregate by aggregate (PostgreSQL): the log-order view, resumable."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from betotrace_es.application import Betotrace
from projections.framework import by_aggregate
from projections.framework.rebuild import rebuild
from projections.framework.runner import ProjectionRunner
from projections.framework.store import PostgresViewStore
from projections.order_list.projection import OrderListProjection
from projections.order_status.projection import OrderStatusProjection
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market, perform
from tests.integration.test_projection_rebuild import SCRIPT, Interrupt
from tests.integration.test_projection_runner_support import (
    dump,
    order_projections,
    reference_dump,
    runner_for,
    scripted_market,
    separate_read_side,
)


@pytest.fixture
def market(pg_app: Betotrace) -> Market:
    """A marketplace on PostgreSQL with a history of every kind of order event."""
    return scripted_market(pg_app, SCRIPT)


@pytest.fixture
def runner(market: Market) -> ProjectionRunner:
    """The order views, caught up."""
    runner = runner_for(market.app, order_projections())
    runner.catch_up()
    return runner


def parts_table(runner: ProjectionRunner) -> list[dict[str, Any]]:
    """The rows of the parts' progress (empty when no rebuild by aggregate is under way)."""
    return runner.store.fetch(
        f"SELECT part, last_id, done FROM {{q}}{by_aggregate.PARTS} ORDER BY part"
    )


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_rebuild_by_aggregate_gives_the_rows_of_the_log(
    market: Market, runner: ProjectionRunner, postgres_schema_env: dict[str, str], parts: int
) -> None:
    store, projection = runner.store, OrderListProjection()
    incremental = dump(store, projection)

    result = rebuild(
        store, runner.source, projection, batch_size=4, parts=parts, environ=postgres_schema_env
    )

    assert dump(store, projection) == incremental
    assert result.events == len(
        runner.source.recorder.select_notifications(1, 10_000, topics=projection.topics)
    )
    assert store.generations(projection.name) == {result.generation: "active"}
    assert parts_table(runner) == []
    perform(market, "cancel", 6)  # the rebuilt view keeps up like any other
    runner.catch_up()
    assert_views_match_aggregates(market, store)


def test_interrupted_rebuild_by_aggregate_resumes_each_part_after_its_last_commit(
    market: Market, runner: ProjectionRunner
) -> None:
    store, projection = runner.store, OrderListProjection()
    before = dump(store, projection)
    calls: list[int] = []

    def interrupt_on_the_second_batch(position: int, head: int) -> None:
        calls.append(position)
        if len(calls) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        rebuild(
            store,
            runner.source,
            projection,
            batch_size=3,
            parts=2,
            progress=interrupt_on_the_second_batch,
        )

    progress = parts_table(runner)
    assert [p["part"] for p in progress] == [0, 1]
    assert progress[0]["last_id"] is not None  # two batches of part 0 committed
    assert not any(p["done"] for p in progress)
    assert store.generations(projection.name) == {1: "active", 2: "building"}
    assert dump(store, projection) == before  # readers keep the old view

    result = rebuild(store, runner.source, projection, batch_size=3, parts=2)

    assert result.generation == 2
    assert parts_table(runner) == []
    assert dump(store, projection) == reference_dump(store, runner.source, projection)
    assert_views_match_aggregates(market, store)


def test_events_recorded_while_the_parts_fold_are_applied_after_them_in_log_order(
    market: Market, runner: ProjectionRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, projection = runner.store, OrderListProjection()
    folding = by_aggregate.run_parts

    def fold_while_commands_come_in(*args: Any, **kwargs: Any) -> None:
        for action, n in [("accept", 5), ("supplier_proposes", 6), ("request", 0)]:
            perform(market, action, n)  # after the parts' head: not theirs to fold
        folding(*args, **kwargs)

    monkeypatch.setattr(by_aggregate, "run_parts", fold_while_commands_come_in)

    rebuild(store, runner.source, projection, batch_size=4, parts=2)

    assert dump(store, projection) == reference_dump(store, runner.source, projection)
    runner.catch_up()  # the order status view
    assert_views_match_aggregates(market, store)


def test_a_read_model_that_is_not_aggregate_local_is_rebuilt_in_log_order(
    market: Market, runner: ProjectionRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, projection = runner.store, OrderStatusProjection()
    assert isinstance(store, PostgresViewStore)
    assert not by_aggregate.supported(store, projection)
    incremental = dump(store, projection)

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("folded by aggregate")

    monkeypatch.setattr(by_aggregate, "run_parts", refuse)

    rebuild(store, runner.source, projection, batch_size=4, parts=2)

    assert dump(store, projection) == incremental


def test_part_processes_leave_the_tables_to_the_coordinator(
    postgres_schema_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parts start together; each running the library's CREATE TABLE IF NOT EXISTS at the
    # same moment fails on PostgreSQL ("tuple concurrently updated") and kills a part.
    from projections.framework import wiring

    opened: list[dict[str, str]] = []

    class OpenedError(Exception):
        pass

    def record(environ: dict[str, str]) -> None:
        opened.append(environ)
        raise OpenedError

    monkeypatch.setattr(wiring, "open_read_side", record)
    part = by_aggregate.Part(0, 2, head=10, last=None, done=False)

    with pytest.raises(OpenedError):
        by_aggregate._fold_in_process(
            postgres_schema_env,
            OrderListProjection(),
            2,
            part,
            100,
            queue.SimpleQueue(),  # type: ignore[arg-type]
            os.getppid(),
        )

    [environ] = opened
    assert environ["BETOTRACE_CREATE_TABLE"] == "n"
    assert {k: v for k, v in environ.items() if k != "BETOTRACE_CREATE_TABLE"} == {
        k: v for k, v in postgres_schema_env.items() if k != "BETOTRACE_CREATE_TABLE"
    }


def rebuild_by_aggregate_and_die_on_the_first_report(env: dict[str, str], pids: str) -> None:
    """In a child process: the coordinator of a rebuild by aggregate, SIGKILLed by itself
    once a part has committed its first aggregate (after writing down its parts' pids)."""

    def die(_position: int, _head: int) -> None:
        Path(pids).write_text(" ".join(str(p.pid) for p in multiprocessing.active_children()))
        os.kill(os.getpid(), signal.SIGKILL)

    with separate_read_side(env) as side:
        rebuild(
            side.store,
            side.source,
            OrderListProjection(),
            batch_size=1,
            parts=2,
            environ=env,
            progress=die,
        )


def ended(pid: int) -> bool:
    """Whether a process (not our child) has exited: gone, or a zombie nobody reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def test_a_killed_coordinator_takes_its_part_processes_with_it_and_the_rebuild_resumes(
    market: Market,
    runner: ProjectionRunner,
    postgres_schema_env: dict[str, str],
    tmp_path: Path,
) -> None:
    for n in range(10, 90):  # enough aggregates that no part is done after its first commit
        perform(market, "request", n)
    runner.catch_up()
    store, projection = runner.store, OrderListProjection()
    before, pids = dump(store, projection), tmp_path / "pids"

    coordinator = multiprocessing.get_context("spawn").Process(
        target=rebuild_by_aggregate_and_die_on_the_first_report,
        args=(postgres_schema_env, str(pids)),
    )
    coordinator.start()
    coordinator.join(timeout=120)

    assert coordinator.exitcode == -signal.SIGKILL
    parts = [int(pid) for pid in pids.read_text().split()]
    assert len(parts) == 2
    deadline = time.monotonic() + 10
    while not all(ended(pid) for pid in parts) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(ended(pid) for pid in parts)
    stopped = parts_table(runner)
    assert len(stopped) == 2
    assert not all(p["done"] for p in stopped)  # killed with the coordinator, not finished
    time.sleep(0.3)
    assert parts_table(runner) == stopped  # nobody writes any more
    assert dump(store, projection) == before  # readers keep the old view

    result = rebuild(
        store, runner.source, projection, batch_size=5, parts=2, environ=postgres_schema_env
    )

    assert result.generation == 2
    assert parts_table(runner) == []
    assert store.generations(projection.name) == {2: "active"}
    assert dump(store, projection) == reference_dump(store, runner.source, projection)
    assert_views_match_aggregates(market, store)
