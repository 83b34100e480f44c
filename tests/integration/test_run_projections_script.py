"""scripts/run_projections.py, the read models' process of their own (production layout)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from betotrace_es.application import Betotrace
from projections.catalog import all_projections
from projections.framework.store import ViewStore
from tests.integration.test_projection_orders_expectations import assert_views_match_aggregates
from tests.integration.test_projection_orders_support import Market, perform
from tests.integration.test_projection_rebuild import SCRIPT
from tests.integration.test_projection_runner_support import scripted_market, separate_read_side
from tests.integration.test_rebuild_script import BrokenOrderList
from tests.scripts import REPO, load_script, run_script, script_path

WAIT = 60.0


class Runner:
    """scripts/run_projections.py in a process of its own, its log collected line by line."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(script_path("run_projections")), "--poll", "0.05", *args],
            env={**os.environ, **env},
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None or any(text in ln for ln in self.lines), self.log
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.log}"
            time.sleep(0.05)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.end()

    def end(self) -> int:
        code = self.process.wait(timeout=WAIT)
        self._reader.join(timeout=5)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code

    @property
    def log(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def runners() -> Iterator[list[Runner]]:
    """Runners started by a test; any left running is killed at the end."""
    started: list[Runner] = []
    yield started
    for runner in started:
        if runner.process.poll() is None:
            runner.process.kill()
        runner.end()


@pytest.fixture
def market(app: Betotrace) -> Market:
    """Orders in every state, on SQLite and on PostgreSQL; no read model has run yet."""
    return scripted_market(app, SCRIPT)


@pytest.fixture
def pg_market(pg_app: Betotrace) -> Market:
    """The same on PostgreSQL only."""
    return scripted_market(pg_app, SCRIPT)


def caught_up(store: ViewStore, app: Betotrace) -> bool:
    """Whether every read model's active generation has read the whole log."""
    head = app.recorder.max_notification_id() or 0
    for projection in all_projections():
        active = [g for g, s in store.generations(projection.name).items() if s == "active"]
        if not active or store.position(projection.name, active[0]) < head:
            return False
    return True


def wait_caught_up(store: ViewStore, app: Betotrace) -> None:
    deadline = time.monotonic() + WAIT
    while not caught_up(store, app):
        assert time.monotonic() < deadline, "the read models did not catch up"
        time.sleep(0.05)


def test_the_runner_keeps_every_read_model_current_and_stops_cleanly_on_sigterm(
    market: Market, store_env: dict[str, str], runners: list[Runner]
) -> None:
    runner = Runner(store_env)
    runners.append(runner)
    runner.wait_for("keeping order_list, order_status, branch_directory")
    with separate_read_side(store_env) as side:
        wait_caught_up(side.store, market.app)
        assert_views_match_aggregates(market, side.store)

        for action, n in [("accept", 5), ("supplier_proposes", 6), ("request", 40)]:
            perform(market, action, n)
        wait_caught_up(side.store, market.app)
        assert_views_match_aggregates(market, side.store)

    assert runner.stop() == 0
    assert "stopped" in runner.lines[-1]


@pytest.mark.postgres
def test_a_second_runner_stands_by_and_takes_over_when_the_first_stops(
    pg_market: Market, postgres_schema_env: dict[str, str], runners: list[Runner]
) -> None:
    market, env = pg_market, postgres_schema_env
    first = Runner(env)
    runners.append(first)
    first.wait_for("keeping order_list")
    second = Runner(env)
    runners.append(second)
    second.wait_for("another runner holds")
    assert not any("keeping" in line for line in second.lines)

    with separate_read_side(env) as side:
        perform(market, "accept", 1)
        wait_caught_up(side.store, market.app)
        assert first.stop() == 0

        second.wait_for("keeping order_list")
        for action, n in [("cancel", 2), ("request", 41)]:
            perform(market, action, n)
        wait_caught_up(side.store, market.app)
        assert_views_match_aggregates(market, side.store)

    assert second.stop() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--poll", "0"], "--poll must be more than 0 seconds"),
        (["--poll", "soon"], "argument --poll: invalid float value: 'soon'"),
        (["--batch-size", "0"], "--batch-size must be 1 or more"),
    ],
)
def test_bad_arguments_are_refused_by_name(
    sqlite_env: dict[str, str], args: list[str], message: str
) -> None:
    refused = run_script("run_projections", sqlite_env, *args, timeout=WAIT)

    assert refused.returncode == 2
    assert message in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_read_model_failing_on_an_event_is_reported_at_once_and_the_runner_exits_1(
    market: Market,
    store_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    script = load_script("run_projections")
    monkeypatch.setattr(script, "all_projections", lambda: [BrokenOrderList()])
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # leave pytest's handlers alone
    for name, value in store_env.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.INFO, logger="run_projections")

    status = script.main(["--poll", "0.01"])

    assert status == 1
    errors = [(r.name, r.getMessage()) for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2
    (reporter, failure), summary = errors
    assert reporter == "projections.framework.runner"  # at once, as it happens
    assert "projection order_list stopped at event " in failure
    assert "(Order.Accepted): ValueError: broken on purpose" in failure
    assert summary == ("run_projections", "stopped with failed read models: order_list")
