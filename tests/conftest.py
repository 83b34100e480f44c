"""Shared pytest fixtures, one section per resource."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql

from betotrace_es.application import Betotrace
from tests.builders import World, build_world
from tests.pg_cluster import configured_server_env, connect, throwaway_cluster

# --- PostgreSQL ----------------------------------------------------------------------------------
# `postgres_env` is the eventsourcing environment of a real server, one per session: the server
# named by POSTGRES_HOST and the other POSTGRES_* variables if set, else a throwaway cluster.
# Locally BETOTRACE_SKIP_POSTGRES=1 skips the tests that use it; under CI nothing is skipped.


def _in_ci() -> bool:
    return "CI" in os.environ


def _postgres_skipped() -> bool:
    return os.environ.get("BETOTRACE_SKIP_POSTGRES") == "1" and not _in_ci()


def _configured_server_env() -> dict[str, str]:
    try:
        found = configured_server_env()
    except ValueError as refused:
        pytest.fail(str(refused), pytrace=False)
    assert found is not None  # only called when POSTGRES_HOST is set
    return found


def pytest_report_header(config: pytest.Config) -> str:
    if _postgres_skipped():
        return "postgres: SKIPPED (BETOTRACE_SKIP_POSTGRES=1)"
    if os.environ.get("POSTGRES_HOST"):
        return f"postgres: configured server {os.environ['POSTGRES_HOST']} (POSTGRES_HOST)"
    return "postgres: throwaway cluster, started by the first test that needs it"


@pytest.fixture(scope="session")
def postgres_env() -> Iterator[dict[str, str]]:
    """PERSISTENCE_MODULE and POSTGRES_* settings of a real PostgreSQL server for this session."""
    if _postgres_skipped():
        pytest.skip(
            "PostgreSQL tests NOT RUN: BETOTRACE_SKIP_POSTGRES=1 is set (CI always runs them)"
        )
    if os.environ.get("POSTGRES_HOST"):
        yield _configured_server_env()
        return
    with contextlib.ExitStack() as stack:
        try:
            settings = stack.enter_context(throwaway_cluster())
        except RuntimeError as exc:
            problem = str(exc)  # failed outside the except block: no "during handling" noise
        else:
            yield settings.env()
            return
    hint = "" if _in_ci() else "\n(BETOTRACE_SKIP_POSTGRES=1 skips them locally)"
    pytest.fail(f"no PostgreSQL for the tests: {problem}{hint}", pytrace=False)


@contextlib.contextmanager
def fresh_schema(postgres_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """`postgres_env` plus POSTGRES_SCHEMA: a new empty schema, dropped afterwards."""
    schema = sql.Identifier(name := f"t_{secrets.token_hex(8)}")
    with connect(postgres_env) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
    yield {**postgres_env, "POSTGRES_SCHEMA": name}
    with connect(postgres_env) as conn:
        conn.execute("SET lock_timeout = '30s'")  # an unclosed pool would block the drop forever
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema))


@pytest.fixture
def postgres_schema_env(postgres_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """`postgres_env` plus POSTGRES_SCHEMA: a new empty schema, dropped after the test."""
    with fresh_schema(postgres_env) as env:
        yield env


# --- Applications --------------------------------------------------------------------------------
# `memory_app` for unit tests; `app` runs an integration test once on SQLite and once on PostgreSQL.


@pytest.fixture
def memory_app() -> Iterator[Betotrace]:
    """The application on the in-memory store."""
    app = Betotrace(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    """Settings of a fresh SQLite file store."""
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "events.sqlite"),
    }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Settings of a fresh store: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "events.sqlite"),
        }
    env: dict[str, str] = request.getfixturevalue("postgres_schema_env")
    return env


@pytest.fixture
def app(store_env: dict[str, str]) -> Iterator[Betotrace]:
    """The application on a fresh store of each backend."""
    application = Betotrace(env=store_env)
    yield application
    application.close()


@pytest.fixture
def pg_app(postgres_schema_env: dict[str, str]) -> Iterator[Betotrace]:
    """The application on a fresh PostgreSQL schema (tests of PostgreSQL-only behaviour)."""
    application = Betotrace(env=postgres_schema_env)
    yield application
    application.close()


@pytest.fixture
def world(app: Betotrace) -> World:
    """A supplier with a branch and a product, a customer, and users of every role."""
    return build_world(app)


@pytest.fixture
def memory_world(memory_app: Betotrace) -> World:
    """The same world on the in-memory store."""
    return build_world(memory_app)


# --- Reporting -----------------------------------------------------------------------------------
# A closing line per backend, so a CI log shows that the PostgreSQL tests really ran.


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the PostgreSQL server, through whichever fixture."""
    for item in items:
        if "postgres_env" in getattr(item, "fixturenames", ()) and "sqlite" not in item.nodeid:
            item.add_marker(pytest.mark.postgres)


def _backend_of(report: pytest.TestReport) -> str:
    if "postgres" in report.keywords:
        return "postgres"
    if "sqlite" in report.nodeid:
        return "sqlite"
    return "memory/other"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error", "xfailed"):
        for report in terminalreporter.stats.get(outcome, []):
            if isinstance(report, pytest.TestReport) and (
                report.when == "call" or outcome != "passed"
            ):
                per = counts.setdefault(_backend_of(report), {})
                per[outcome] = per.get(outcome, 0) + 1
    if counts:
        terminalreporter.section("tests per backend")
        for backend, per in sorted(counts.items()):
            terminalreporter.write_line(
                f"{backend:>13}: " + ", ".join(f"{n} {o}" for o, n in sorted(per.items()))
            )
