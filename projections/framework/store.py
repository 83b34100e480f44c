"""Where read models live: tables beside the events, tracking in the same transaction.

Each projection has generations of tables (``order_list_g1_orders``, …) and readers query
stable views (``order_list_orders``) that point at the active generation. A rebuild fills a
new generation and repoints the views in one transaction, so readers never see a half-built
table. Every batch writes its rows and its tracking position in one transaction; the
single-row tracking only moves forward, so a second writer of the same positions fails
instead of applying events twice.
"""

from __future__ import annotations

import zlib
from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

import psycopg
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteTrackingRecorder, SQLiteTransaction

from projections.framework.cache import RowCache
from projections.framework.projection import Key, Projection, ProjectionFailedError, Row, Rows
from projections.framework.tables import Table

GENERATIONS = "projection_generations"
ACTIVE, BUILDING, RETIRED = "active", "building", "retired"
_CHUNK = 500
_COPY_ROWS = 64  # PostgreSQL: upserts of at least this many rows of a table go by COPY


@dataclass(frozen=True)
class Batch:
    """Events of one projection read after ``after``, to apply and track up to ``position``."""

    projection: Projection
    generation: int
    events: Sequence[DomainEventProtocol[Any]]
    position: int
    after: int
    ids: Sequence[int] = ()


def tracking_name(projection: str, generation: int) -> str:
    """The tracking key of one generation of a projection."""
    return f"{projection}:g{generation}"


class ViewStore:
    """The backend-independent part; subclasses add one database's dialect."""

    postgres: bool = False

    # -- dialect hooks ------------------------------------------------------------------------

    @abstractmethod
    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Any]:
        """A cursor in a transaction."""

    if TYPE_CHECKING:  # provided by the library's tracking recorders

        def max_tracking_id(self, application_name: str) -> int | None: ...

    @property
    @abstractmethod
    def qualifier(self) -> str:
        """What goes before a table name (the PostgreSQL schema)."""

    def _sql(self, text: str) -> Any:
        return text

    # -- statements ---------------------------------------------------------------------------

    def execute(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> None:
        """Run one statement written with ``?`` placeholders."""
        cursor.execute(self._sql(text), tuple(params))

    def fetch(self, text: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of a read-only query (``?`` placeholders, ``{q}`` before view names)."""
        with self.reading() as fetch:
            return fetch(text, params)

    @contextmanager
    def reading(self) -> Iterator[Callable[[str, Sequence[Any]], list[Row]]]:
        """A fetch function whose queries all see the same snapshot (one read transaction)."""
        with self._transaction(commit=False) as cursor:

            def fetch(text: str, params: Sequence[Any] = ()) -> list[Row]:
                self.execute(cursor, text.replace("{q}", self.qualifier), params)
                return [dict(r) for r in cursor.fetchall()]

            yield fetch

    @contextmanager
    def writing(self) -> Iterator[Callable[[str, Sequence[Any]], list[Row]]]:
        """Like ``reading``, committed at the end (for tables outside generations)."""
        with self._transaction(commit=True) as cursor:

            def run(text: str, params: Sequence[Any] = ()) -> list[Row]:
                self.execute(cursor, text.replace("{q}", self.qualifier), params)
                returns = " RETURNING " in text.upper() or text.lstrip().upper().startswith(
                    "SELECT"
                )
                return [dict(r) for r in cursor.fetchall()] if returns else []

            yield run

    def physical(self, projection: str, generation: int, table: str) -> str:
        """The physical table of a generation."""
        return f"{projection}_g{generation}_{table}"

    def view(self, projection: str, table: str) -> str:
        """The view readers query."""
        return f"{self.qualifier}{projection}_{table}"

    # -- generations --------------------------------------------------------------------------

    def generations(self, projection: str) -> dict[int, str]:
        """The generations of a projection and their status."""
        rows = self.fetch(
            f"SELECT generation, status FROM {{q}}{GENERATIONS} WHERE projection = ?", [projection]
        )
        return {int(r["generation"]): str(r["status"]) for r in rows}

    def find_active(self, projection: str) -> int | None:
        """The generation readers see, if there is one yet."""
        found = [g for g, s in self.generations(projection).items() if s == ACTIVE]
        return found[0] if found else None

    def active_generation(self, projection: Projection) -> int:
        """The generation readers see; the first one is created (once) on first use."""
        for _ in range(5):
            seen = self.generations(projection.name)
            found = [g for g, s in seen.items() if s == ACTIVE]
            if found:
                return found[0]
            try:  # the number decided on what was seen: a racing creator makes this one fail
                return self.start_generation(
                    projection, active=True, number=max(seen, default=0) + 1
                )
            except IntegrityError:  # another process created it at the same moment
                continue
        msg = f"could not find or create the active generation of {projection.name}"
        raise IntegrityError(msg)

    def start_generation(
        self, projection: Projection, *, active: bool = False, number: int | None = None
    ) -> int:
        """Create the (empty) tables of a new generation, building (or at once active).

        The generation's number (``number``, else the next one) is its primary key: two
        processes creating the same one at the same moment make one of them fail with
        IntegrityError, and nothing of its attempt stays behind.
        """
        generation = number or max(self.generations(projection.name), default=0) + 1
        with self._transaction(commit=True) as cursor:
            self.execute(
                cursor,
                f"INSERT INTO {self.qualifier}{GENERATIONS} (projection, generation, status) VALUES (?, ?, ?)",
                [projection.name, generation, BUILDING],
            )
            for table in projection.tables:  # secondary indexes: when it is activated
                physical = self.physical(projection.name, generation, table.name)
                statements = table.create_statements(
                    physical, self.qualifier, self.postgres, indexes=False
                )
                for statement in statements:
                    self.execute(cursor, statement)
            for table in projection.durable_tables:
                for statement in table.create_statements(table.name, self.qualifier, self.postgres):
                    self.execute(cursor, statement)
            if active:
                self.activate(projection, generation, cursor)
        return generation

    def activate(self, projection: Projection, generation: int, cursor: Any | None = None) -> None:
        """Point the views at ``generation`` and retire the previous one, atomically.

        A generation is built with primary keys only (each row written during a rebuild
        then updates one index, not seven); its secondary indexes are created here, in the
        switching transaction, so readers only ever see a fully indexed generation. They
        are created ``IF NOT EXISTS``: a generation that already has some (an interrupted
        activation, or one built before indexes were deferred) is completed, not refused.
        """
        if cursor is None:
            with self._transaction(commit=True) as own:
                self.activate(projection, generation, own)
            return
        q = self.qualifier
        for table in projection.tables:
            physical = self.physical(projection.name, generation, table.name)
            for statement in table.index_statements(physical, q):
                self.execute(cursor, statement)
            self._analyze(cursor, q + physical)
        self.execute(
            cursor,
            f"UPDATE {q}{GENERATIONS} SET status = ? WHERE projection = ? AND status = ?",
            [RETIRED, projection.name, ACTIVE],
        )
        self.execute(
            cursor,
            f"UPDATE {q}{GENERATIONS} SET status = ? WHERE projection = ? AND generation = ?",
            [ACTIVE, projection.name, generation],
        )
        for table in projection.tables:
            view = self.view(projection.name, table.name)
            self.execute(cursor, f"DROP VIEW IF EXISTS {view}")
            physical = self.physical(projection.name, generation, table.name)
            self.execute(cursor, f"CREATE VIEW {view} AS SELECT * FROM {q}{physical}")

    def drop_generation(self, projection: Projection, generation: int) -> None:
        """Remove a retired generation's tables."""
        with self._transaction(commit=True) as cursor:
            for table in projection.tables:
                physical = self.physical(projection.name, generation, table.name)
                self.execute(cursor, f"DROP TABLE IF EXISTS {self.qualifier}{physical}")
            self.execute(
                cursor,
                f"DELETE FROM {self.qualifier}{GENERATIONS} WHERE projection = ? AND generation = ?",
                [projection.name, generation],
            )

    def position(self, projection: str, generation: int) -> int:
        """The last notification id applied to a generation (0 before the first)."""
        return self.max_tracking_id(tracking_name(projection, generation)) or 0

    # -- writing ------------------------------------------------------------------------------

    def write_batch(
        self,
        projection: Projection,
        generation: int,
        events: Sequence[DomainEventProtocol[Any]],
        position: int,
        *,
        after: int,
        expect: str = ACTIVE,
        ids: Sequence[int] = (),
        activate: bool = False,
        cache: RowCache | None = None,
    ) -> None:
        """Apply the events read after ``after`` and move tracking to ``position``, atomically.

        Refused with IntegrityError, writing nothing, when the generation is no longer in the
        ``expect``-ed status (a rebuild switched meanwhile) or its tracking is no longer at
        ``after`` (another writer applied these events first). ``cache`` (only for the
        generation's single writer) is read before the table, and given the batch's rows
        once they are committed.
        """
        batch = Batch(projection, generation, events, position, after, ids)
        with self._transaction(commit=True) as cursor:
            rows = self._write(cursor, batch, expect, cache)
            if activate:
                self.activate(projection, generation, cursor)
        if rows is not None:
            rows.remember()

    def _upsert(
        self, cursor: Any, table: Table, target: str, values: list[tuple[Any, ...]]
    ) -> None:
        """Insert or replace these rows (tuples in column order)."""
        cursor.executemany(self._sql(table.upsert_statement(target)), values)

    def write_batches(self, batches: Sequence[Batch]) -> None:
        """Write several projections' batches (of active generations) in one transaction.

        All or nothing, as ``write_batch`` for each: one failing projection
        (ProjectionFailedError) or one lost race (IntegrityError) writes none of them.
        """
        with self._transaction(commit=True) as cursor:
            for batch in batches:
                self._write(cursor, batch, ACTIVE)

    def _write(
        self, cursor: Any, batch: Batch, expect: str, cache: RowCache | None = None
    ) -> Rows | None:
        """Apply one batch in the caller's transaction; its rows, to remember once committed."""
        projection, generation, events, ids = (
            batch.projection,
            batch.generation,
            batch.events,
            batch.ids,
        )
        self._require_status(cursor, projection.name, generation, expect)
        # Tracking first: a second writer of the same positions blocks here, then fails.
        self._advance_tracking(
            cursor, tracking_name(projection.name, generation), batch.after, batch.position
        )
        if not events:
            return None
        rows = Rows(
            projection.tables,
            lambda t, keys: self._load(cursor, projection, generation, t, keys),
            cache,
        )
        projection.prefetch(rows, events)
        for index, event in enumerate(events):
            try:
                projection.apply(rows, event)
            except Exception as exc:
                ident = ids[index] if index < len(ids) else -1
                raise ProjectionFailedError(projection.name, ident, event, exc) from exc
        for table, upserts, deletes in rows.changes():
            target = self.qualifier + self.physical(projection.name, generation, table.name)
            self.write_rows(cursor, table, target, upserts, deletes)
        for table, row in rows.emitted:
            target = self.qualifier + table.name
            values = [row[n] for n in table.column_names]
            self.execute(cursor, table.insert_new_statement(target), values)
        return rows

    def write_rows(
        self, cursor: Any, table: Table, target: str, upserts: list[Row], deletes: list[Key]
    ) -> None:
        """Delete these keys and insert or replace these rows of ``target``."""
        if deletes:
            cursor.executemany(self._sql(table.delete_statement(target)), deletes)
        if upserts:
            self._upsert(cursor, table, target, list(map(_values_of(table), upserts)))

    def add_rows(
        self, cursor: Any, table: Table, target: str, sums: list[tuple[Row, dict[str, int]]]
    ) -> None:
        """Add sums to columns of rows (each inserted as its start row plus the sums if absent)."""
        for start_row, deltas in sums:
            row = {**start_row, **{c: start_row[c] + d for c, d in deltas.items()}}
            columns = list(deltas)
            statement = table.add_statement(target, columns)
            values = [row[n] for n in table.column_names] + [deltas[c] for c in columns]
            self.execute(cursor, statement, values)

    def _require_status(self, cursor: Any, projection: str, generation: int, status: str) -> None:
        self.execute(
            cursor,
            f"SELECT status FROM {self.qualifier}{GENERATIONS} "
            f"WHERE projection = ? AND generation = ?{self._row_lock}",
            [projection, generation],
        )
        row = cursor.fetchone()
        if row is None or row["status"] != status:
            msg = f"generation {generation} of {projection} is no longer {status}"
            raise IntegrityError(msg)

    def _advance_tracking(self, cursor: Any, name: str, after: int, position: int) -> None:
        table = self.qualifier + self.tracking_table
        self.execute(
            cursor,
            f"UPDATE {table} SET notification_id = ? "
            "WHERE application_name = ? AND notification_id = ? RETURNING notification_id",
            [position, name, after],
        )
        if cursor.fetchone() is not None:
            return
        if after == 0:  # the generation's first batch: no tracking row yet (or a rival's)
            self.execute(
                cursor,
                f"INSERT INTO {table} (application_name, notification_id) VALUES (?, ?)",
                [name, position],
            )
            return
        msg = f"{name} is no longer at position {after}: another writer got there first"
        raise IntegrityError(msg)

    @property
    def _row_lock(self) -> str:
        return ""

    def _analyze(self, cursor: Any, table: str) -> None:
        """Give the planner statistics of a table filled in bulk (where that matters)."""

    @property
    @abstractmethod
    def tracking_table(self) -> str:
        """The name of the library's tracking table."""

    def _load(
        self, cursor: Any, projection: Projection, generation: int, table: Table, keys: list[Key]
    ) -> list[Row]:
        target = self.qualifier + self.physical(projection.name, generation, table.name)
        found: list[Row] = []
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            if len(table.key) == 1:
                where = f"{table.key[0]} IN ({', '.join('?' for _ in chunk)})"
                params = [k[0] for k in chunk]
            else:
                tuple_sql = "(" + ", ".join("?" for _ in table.key) + ")"
                where = f"({', '.join(table.key)}) IN ({', '.join(tuple_sql for _ in chunk)})"
                params = [v for k in chunk for v in k]
            self.execute(cursor, f"SELECT * FROM {target} WHERE {where}", params)
            found += [dict(r) for r in cursor.fetchall()]
        return found


def _values_of(table: Table) -> Callable[[Row], tuple[Any, ...]]:
    """A row's values in column order, as a tuple (by C-level item lookups)."""
    names = table.column_names
    if len(names) == 1:
        return lambda row: (row[names[0]],)
    return itemgetter(*names)


class SQLiteViewStore(ViewStore, SQLiteTrackingRecorder):
    """Read models in the SQLite file of the events."""

    def construct_create_table_statements(self) -> list[str]:
        """The library's tracking table plus the generations table."""
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {GENERATIONS} (projection TEXT, generation INTEGER, status TEXT, "
            "PRIMARY KEY (projection, generation))",
        ]

    @property
    def qualifier(self) -> str:
        """SQLite has no schemas here."""
        return ""

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Any]:
        with (
            self.datastore.get_connection(commit=commit) as connection,
            _SQLiteWriteFirstTransaction(connection, commit=commit) as cursor,
            cursor,
        ):
            yield cursor

    @property
    def tracking_table(self) -> str:
        """The library's tracking table."""
        return "tracking"


class _SQLiteWriteFirstTransaction(SQLiteTransaction):
    """A writing transaction that takes SQLite's write lock when it begins.

    The library begins every transaction deferred. A deferred transaction that reads
    before it writes (a batch checks its generation's status, then writes) fails at once
    with "database is locked" if another connection committed in between: SQLite cannot
    upgrade a stale read snapshot, and the busy timeout does not apply. ``BEGIN IMMEDIATE``
    waits for the lock (up to the busy timeout) and then reads the current state.
    """

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE" if self.commit else "BEGIN")
        return cursor


class PostgresViewStore(ViewStore, PostgresTrackingRecorder):
    """Read models in the PostgreSQL schema of the events."""

    postgres = True

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        kwargs["tracking_table_name"] = "projection_tracking"  # the factory passes its own name
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.append(
            self._sql(
                f"CREATE TABLE IF NOT EXISTS {self.qualifier}{GENERATIONS} "
                "(projection TEXT, generation BIGINT, status TEXT, PRIMARY KEY (projection, generation))"
            )
        )

    @property
    def qualifier(self) -> str:
        """The schema, quoted."""
        return '"' + self.datastore.schema.replace('"', '""') + '".'

    def _sql(self, text: str) -> Any:
        from psycopg.sql import SQL

        return SQL(cast("Any", text.replace("%", "%%").replace("?", "%s")))

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Any]:
        try:
            with self.datastore.transaction(commit=commit) as cursor:
                yield cursor
        except psycopg.IntegrityError as exc:  # the same outcome as on SQLite
            raise IntegrityError(str(exc)) from exc

    def fetch(self, text: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one read-only query, in one round trip.

        The pool's connections are in autocommit: a single statement is its own
        transaction and sees one snapshot, so the BEGIN and ROLLBACK around it (two more
        round trips, a third of a list page's time) are left out. The rows come as
        dicts already (the pool's row factory).
        """
        query = self._sql(text.replace("{q}", self.qualifier))
        with self.datastore.get_connection() as connection:
            return connection.execute(query, tuple(params)).fetchall()

    @property
    def tracking_table(self) -> str:
        """Our tracking table (the factory's name for it is the application's)."""
        return str(self.tracking_table_name)

    def _upsert(
        self, cursor: Any, table: Table, target: str, values: list[tuple[Any, ...]]
    ) -> None:
        # Many rows: a binary COPY into a temporary table and one INSERT … SELECT … ON
        # CONFLICT, instead of one statement a row (psycopg's per-statement work in Python
        # was the largest client cost of a rebuild's writes). Few rows (a live batch): the
        # statements of a pipeline are fewer round trips than creating and filling a table.
        if len(values) < _COPY_ROWS:
            super()._upsert(cursor, table, target, values)
            return
        staging = f"pg_temp.upsert_{table.name}_{zlib.crc32(repr(table).encode()):08x}"
        self.execute(cursor, table.staging_statement(staging))
        with cursor.copy(self._sql(f"COPY {staging} FROM STDIN (FORMAT BINARY)")) as copy:
            copy.set_types(table.copy_types)
            for row in values:
                copy.write_row(row)
        self.execute(cursor, table.upsert_statement(target, staging))

    def _analyze(self, cursor: Any, table: str) -> None:
        # A rebuilt generation is read at once: plan its first queries on real statistics
        # rather than wait for autovacuum (ANALYZE samples; it is cheap even at 1M rows).
        self.execute(cursor, f"ANALYZE {table}")

    @property
    def _row_lock(self) -> str:
        # Holds off a concurrent switch of generations until this batch is committed.
        return " FOR SHARE"

    def connect(self) -> psycopg.Connection[Any]:
        """A connection of its own (outside the pool), in autocommit."""
        kwargs = self.datastore.pool.kwargs  # the pool's connection settings
        given = kwargs() if callable(kwargs) else kwargs or {}
        settings = {k: v for k, v in given.items() if k != "row_factory"}
        return psycopg.Connection.connect(autocommit=True, **settings)

    @contextmanager
    def exclusive(self, projection: str) -> Iterator[bool]:
        """Hold PostgreSQL's advisory lock of a projection; yields whether it was free."""
        with self.datastore.get_connection() as conn:
            key = f"betotrace-projection:{projection}"
            row = conn.execute(
                "SELECT pg_try_advisory_lock(hashtext(%s)) AS got", (key,)
            ).fetchone()
            got = bool(row and row["got"])
            try:
                yield got
            finally:
                if got:
                    conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
