"""End-to-end fixtures: the API over real HTTP, once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_schema
from tests.e2e.live import LiveApi, live_api


@pytest.fixture
def live(store_env: dict[str, str]) -> Iterator[LiveApi]:
    """The API served on 127.0.0.1 over a fresh store of each backend."""
    with live_api(store_env) as served:
        yield served


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_store_env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """A fresh store of each backend shared by a module's tests (for read-mostly suites)."""
    if request.param == "sqlite":
        folder = Path(tmp_path_factory.mktemp("store"))
        yield {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "e.db")}
        return
    with fresh_schema(request.getfixturevalue("postgres_env")) as env:
        yield env
