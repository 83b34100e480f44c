"""The PostgreSQL test fixtures give a real server and a fresh schema per test."""

from __future__ import annotations

from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from tests.pg_cluster import connect

pytestmark = pytest.mark.postgres


def test_server_accepts_connections_and_queries(postgres_env: dict[str, str]) -> None:
    with connect(postgres_env) as conn:
        row = conn.execute("SELECT 1, current_database(), current_user").fetchone()
    assert row == (1, postgres_env["POSTGRES_DBNAME"], postgres_env["POSTGRES_USER"])


def test_each_test_gets_its_own_empty_schema(postgres_schema_env: dict[str, str]) -> None:
    schema = postgres_schema_env["POSTGRES_SCHEMA"]
    with connect(postgres_schema_env) as conn:
        found = conn.execute(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s", (schema,)
        ).fetchone()
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchone()
    assert found == (1,)
    assert tables == (0,)


def test_eventsourcing_stores_events_in_the_schema(postgres_schema_env: dict[str, str]) -> None:
    app = Application[UUID](env=postgres_schema_env)
    try:
        aggregate = Aggregate()
        app.save(aggregate)
        assert app.repository.get(aggregate.id).version == 1
    finally:
        app.close()
    with connect(postgres_schema_env) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (postgres_schema_env["POSTGRES_SCHEMA"],),
        ).fetchall()
    assert ("application_events",) in tables
