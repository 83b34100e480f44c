"""End-to-end fixtures: the API over real HTTP, once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.live import LiveApi, live_api


@pytest.fixture
def live(store_env: dict[str, str]) -> Iterator[LiveApi]:
    """The API served on 127.0.0.1 over a fresh store of each backend."""
    with live_api(store_env) as served:
        yield served
