"""Environment → eventsourcing settings: SQLite in var/ by default, PostgreSQL when configured."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from eventsourcing.utils import Environment

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
    prefixed = f"{APPLICATION_NAME.upper()}_PERSISTENCE_MODULE"
    module = (settings.get(prefixed) or settings.get("PERSISTENCE_MODULE", "")).strip()
    if module in ("", "sqlite", "eventsourcing.sqlite"):
        settings["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
        if not settings.get("SQLITE_DBNAME"):
            directory = var_dir(env)
            directory.mkdir(parents=True, exist_ok=True)
            settings["SQLITE_DBNAME"] = str(directory / DEFAULT_SQLITE_FILE)
    elif module in ("postgres", "eventsourcing.postgres"):
        settings["PERSISTENCE_MODULE"] = "eventsourcing.postgres"
    refuse_unsafe_settings(Environment(APPLICATION_NAME, settings).get)
    return settings


def refuse_unsafe_settings(get: Callable[[str], str | None]) -> None:
    """Refuse settings that lose events, however they were given (plain or prefixed).

    ``get`` looks a setting up the way the event store will (eventsourcing's Environment).
    """
    value = (get("POSTGRES_ENABLE_DB_FUNCTIONS") or "").strip().lower()
    if value in ("y", "yes", "t", "true", "on", "1"):
        # Skipping the table lock makes followers of the log miss events (shared/stack.md).
        msg = "POSTGRES_ENABLE_DB_FUNCTIONS must stay off: projections would miss events"
        raise ValueError(msg)


def backend_name(settings: Mapping[str, str]) -> str:
    """``sqlite``, ``postgres`` or ``memory``, for messages."""
    return settings.get("PERSISTENCE_MODULE", "").rsplit(".", 1)[-1].replace("popo", "memory")


def positive_number(env: Mapping[str, str], name: str, default: float) -> float:
    """The number > 0 that variable ``name`` gives, else ``default``; a bad value names it."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        msg = f"{name} must be a number, not {raw!r}"
        raise ValueError(msg) from None
    if value <= 0:
        msg = f"{name} must be greater than 0"
        raise ValueError(msg)
    return value
