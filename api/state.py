"""The API's own small tables beside the events: access tokens, idempotency keys, login failures.

None of this is a domain fact (an expired token or a failed login is not part of any order's
history), so it is kept in plain tables of the same database rather than in the event log.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.postgres import PostgresDatastore

TOKENS = "api_tokens"
IDEMPOTENCY = "api_idempotency"
FAILURES = "api_login_failures"

_TABLES = (
    f"CREATE TABLE IF NOT EXISTS {{q}}{TOKENS} (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
    "company_id TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)",
    f"CREATE INDEX IF NOT EXISTS {TOKENS}_user ON {{q}}{TOKENS} (user_id)",
    f"CREATE TABLE IF NOT EXISTS {{q}}{IDEMPOTENCY} (scope TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
    "status INTEGER, body TEXT, headers TEXT, created_at DOUBLE PRECISION NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {{q}}{FAILURES} (subject TEXT NOT NULL, failed_at DOUBLE PRECISION NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {FAILURES}_subject ON {{q}}{FAILURES} (subject, failed_at)",
)


@dataclass(frozen=True)
class TokenRecord:
    """Whose token it is and until when it is valid."""

    user_id: UUID
    company_id: UUID
    expires_at: float
    revoked: bool


@dataclass(frozen=True)
class Session:
    """A token and how far its company's and user's histories go now (None: no events)."""

    token: TokenRecord
    company_version: int | None
    user_version: int | None


@dataclass(frozen=True)
class StoredResponse:
    """The first response to an idempotent request (``status`` None while it runs)."""

    fingerprint: str
    status: int | None
    body: str | None
    headers: str | None  # JSON object


class ApiState:
    """Tokens, idempotency keys and login failures in the database of the events."""

    def __init__(self, factory: InfrastructureFactory[Any], events_table: str) -> None:
        self._datastore: Any = getattr(factory, "datastore", None)
        self._postgres = isinstance(self._datastore, PostgresDatastore)
        if self._datastore is None:
            msg = "the API needs SQLite or PostgreSQL (not the in-memory store)"
            raise ValueError(msg)
        schema = self._datastore.schema.replace('"', '""') if self._postgres else ""
        self._q = f'"{schema}".' if self._postgres else ""
        self._versions_sql = self._latest_versions_sql(events_table)
        with self._cursor() as cursor:
            for statement in _TABLES:
                self._execute(cursor, statement)

    # -- plumbing ---------------------------------------------------------------------------------

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self._datastore.transaction(commit=True) as cursor:
            yield cursor

    def _execute(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> None:
        text = text.replace("{q}", self._q)
        if self._postgres:
            text = text.replace("?", "%s")
        cursor.execute(text, tuple(params))

    def _one(self, text: str, params: Sequence[Any]) -> dict[str, Any] | None:
        with self._cursor() as cursor:
            self._execute(cursor, text, params)
            row = cursor.fetchone()
        return None if row is None else dict(row)

    def _run(self, text: str, params: Sequence[Any]) -> int:
        with self._cursor() as cursor:
            self._execute(cursor, text, params)
            return _rowcount(cursor)

    # -- tokens -----------------------------------------------------------------------------------

    def store_token(
        self, token_hash: str, user_id: UUID, company_id: UUID, expires_at: float
    ) -> None:
        """Remember a newly issued token (by its hash only)."""
        self._run(
            f"INSERT INTO {{q}}{TOKENS} (token_hash, user_id, company_id, expires_at) VALUES (?, ?, ?, ?)",
            [token_hash, str(user_id), str(company_id), expires_at],
        )

    def find_token(self, token_hash: str) -> TokenRecord | None:
        """The token with this hash, if it was ever issued."""
        row = self._one(
            f"SELECT user_id, company_id, expires_at, revoked FROM {{q}}{TOKENS} WHERE token_hash = ?",
            [token_hash],
        )
        if row is None:
            return None
        return TokenRecord(
            UUID(row["user_id"]),
            UUID(row["company_id"]),
            float(row["expires_at"]),
            bool(row["revoked"]),
        )

    def find_session(self, token_hash: str) -> Session | None:
        """The token with this hash and the latest versions of its company and user.

        One statement: what authenticating a request needs to know whether the principal it
        built last time for this token is still the current one.
        """
        row = self._one(
            f"SELECT t.user_id, t.company_id, t.expires_at, t.revoked, {self._versions_sql} "
            f"FROM {{q}}{TOKENS} t WHERE t.token_hash = ?",
            [token_hash],
        )
        if row is None:
            return None
        token = TokenRecord(
            UUID(row["user_id"]),
            UUID(row["company_id"]),
            float(row["expires_at"]),
            bool(row["revoked"]),
        )
        return Session(token, row["company_version"], row["user_version"])

    def _latest_versions_sql(self, events_table: str) -> str:
        if self._postgres:
            table = self._q + '"' + events_table.replace('"', '""') + '"'
            kind = self._datastore.originator_id_type
            ident = "CAST(t.{} AS uuid)" if kind == "uuid" else "t.{}"
        else:  # the library keeps SQLite's UUIDs as hex without dashes
            table, ident = events_table, "replace(t.{}, '-', '')"
        latest = (
            f"(SELECT e.originator_version FROM {table} e WHERE e.originator_id = {ident} "
            "ORDER BY e.originator_version DESC LIMIT 1)"
        )
        return (
            latest.format("company_id")
            + " AS company_version, "
            + latest.format("user_id")
            + " AS user_version"
        )

    def revoke_token(self, token_hash: str) -> None:
        """The token stops working (logout)."""
        self._run(f"UPDATE {{q}}{TOKENS} SET revoked = 1 WHERE token_hash = ?", [token_hash])

    def revoke_user_tokens(self, user_id: UUID) -> int:
        """Every token of the user stops working (deactivated); returns how many."""
        return self._run(
            f"UPDATE {{q}}{TOKENS} SET revoked = 1 WHERE user_id = ? AND revoked = 0",
            [str(user_id)],
        )

    def forget_expired_tokens(self, now: float | None = None) -> int:
        """Remove tokens that expired; returns how many."""
        cutoff = time.time() if now is None else now
        return self._run(f"DELETE FROM {{q}}{TOKENS} WHERE expires_at < ?", [cutoff])

    # -- idempotency keys -------------------------------------------------------------------------

    def reserve(self, scope: str, fingerprint: str) -> StoredResponse | None:
        """Claim ``scope`` for a first execution (None), or what the first one left."""
        with self._cursor() as cursor:
            self._execute(
                cursor,
                f"INSERT INTO {{q}}{IDEMPOTENCY} (scope, fingerprint, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (scope) DO NOTHING",
                [scope, fingerprint, time.time()],
            )
            if _rowcount(cursor) == 1:
                return None
        return self.stored(scope)

    def stored(self, scope: str) -> StoredResponse | None:
        """What is stored for ``scope``."""
        row = self._one(
            f"SELECT fingerprint, status, body, headers FROM {{q}}{IDEMPOTENCY} WHERE scope = ?",
            [scope],
        )
        if row is None:
            return None
        status = row["status"]
        return StoredResponse(
            row["fingerprint"], None if status is None else int(status), row["body"], row["headers"]
        )

    def complete(self, scope: str, status: int, body: str, headers: str) -> None:
        """Store the first execution's response for every retry."""
        self._run(
            f"UPDATE {{q}}{IDEMPOTENCY} SET status = ?, body = ?, headers = ? WHERE scope = ?",
            [status, body, headers, scope],
        )

    def release(self, scope: str) -> None:
        """Forget a reservation whose execution failed before it could answer."""
        self._run(f"DELETE FROM {{q}}{IDEMPOTENCY} WHERE scope = ? AND status IS NULL", [scope])

    # -- failed logins ----------------------------------------------------------------------------

    def record_failure(self, subjects: Sequence[str], at: float | None = None) -> None:
        """A failed login for each subject (an account, an address)."""
        moment = time.time() if at is None else at
        with self._cursor() as cursor:
            for subject in subjects:
                self._execute(
                    cursor,
                    f"INSERT INTO {{q}}{FAILURES} (subject, failed_at) VALUES (?, ?)",
                    [subject, moment],
                )

    def failures_since(self, subject: str, since: float) -> tuple[int, float | None]:
        """How many failures ``subject`` had since ``since``, and the earliest of them."""
        row = self._one(
            f"SELECT COUNT(*) AS n, MIN(failed_at) AS first FROM {{q}}{FAILURES} "
            "WHERE subject = ? AND failed_at >= ?",
            [subject, since],
        )
        assert row is not None
        first = row["first"]
        return int(row["n"]), None if first is None else float(first)

    def clear_failures(self, subject: str) -> None:
        """Forget a subject's failures (after a good login)."""
        self._run(f"DELETE FROM {{q}}{FAILURES} WHERE subject = ?", [subject])

    def forget_failures_before(self, before: float) -> None:
        """Forget everyone's failures older than ``before``."""
        self._run(f"DELETE FROM {{q}}{FAILURES} WHERE failed_at < ?", [before])


def _rowcount(cursor: Any) -> int:
    """Rows the last statement changed (the library wraps SQLite's cursor)."""
    return int(getattr(cursor, "sqlite_cursor", cursor).rowcount)
