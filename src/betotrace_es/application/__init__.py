"""The Betotrace application: one event log, command handlers grouped by area."""

from __future__ import annotations

from collections.abc import Mapping

from betotrace_es.application.audit import AuditQueries
from betotrace_es.application.base import Recorded
from betotrace_es.application.people import PeopleCommands
from betotrace_es.config import store_env

__all__ = ["Betotrace", "Recorded", "open_application"]


class Betotrace(AuditQueries, PeopleCommands):
    """Every command and the audit, over one totally ordered event log."""


def open_application(environ: Mapping[str, str] | None = None) -> Betotrace:
    """The application on the configured store (SQLite in var/ when nothing is configured)."""
    return Betotrace(env=store_env(environ))
