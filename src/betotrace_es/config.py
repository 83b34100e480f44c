"""Environment → eventsourcing settings: SQLite in var/ by default, PostgreSQL when configured."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

# The application's name: it decides table names and the settings prefix. Never change it.
APPLICATION_NAME = "Betotrace"
DEFAULT_VAR_DIR = "var"
DEFAULT_SQLITE_FILE = "betotrace.sqlite"

# Defaults of the embedded store (README "Configuration" documents each setting).
DEFAULTS = {"SQLITE_LOCK_TIMEOUT": "10"}


def var_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the embedded store and other local state live (``BETOTRACE_VAR_DIR``)."""
    env = os.environ if environ is None else environ
    return Path(env.get("BETOTRACE_VAR_DIR", DEFAULT_VAR_DIR))


def store_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The settings for the event store.

    With no ``PERSISTENCE_MODULE``, the store is the SQLite file ``var/betotrace.sqlite``;
    with ``PERSISTENCE_MODULE=eventsourcing.postgres`` the ``POSTGRES_*`` variables apply.
    """
    env = dict(os.environ if environ is None else environ)
    settings = {**DEFAULTS, **env}
    module = settings.get("PERSISTENCE_MODULE", "").strip()
    if module in ("", "sqlite", "eventsourcing.sqlite"):
        settings["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
        if not settings.get("SQLITE_DBNAME"):
            directory = var_dir(env)
            directory.mkdir(parents=True, exist_ok=True)
            settings["SQLITE_DBNAME"] = str(directory / DEFAULT_SQLITE_FILE)
    elif module in ("postgres", "eventsourcing.postgres"):
        settings["PERSISTENCE_MODULE"] = "eventsourcing.postgres"
        if settings.get("POSTGRES_ENABLE_DB_FUNCTIONS", "").lower() in (
            "y",
            "yes",
            "true",
            "1",
            "on",
        ):
            # Skipping the table lock makes followers of the log miss events (shared/stack.md).
            msg = "POSTGRES_ENABLE_DB_FUNCTIONS must stay off: projections would miss events"
            raise ValueError(msg)
    return settings


def backend_name(settings: Mapping[str, str]) -> str:
    """``sqlite``, ``postgres`` or ``memory``, for messages."""
    return settings.get("PERSISTENCE_MODULE", "").rsplit(".", 1)[-1].replace("popo", "memory")
