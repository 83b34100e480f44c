#!/usr/bin/env python3
"""Event-store benchmark: order commands next to the library's ceiling and the database's limit.

    scripts/bench_store.py [--backend postgres|sqlite|both] [--seconds S]
                           [--big-events N] [--small-events N]

For each backend (PostgreSQL, then SQLite), on fresh stores:

(a) raw   single-row INSERT + COMMIT into a table shaped like the stored-events table: the limit;
(b) lib   eventsourcing's bare ``Application`` saving a new one-event aggregate: its ceiling;
    app   Betotrace order commands (request, accept, propose reschedule, accept proposal,
          finish) on fresh orders, each thread its own orders;
    load  uncached ``repository.get`` of a 10-event order in a store of 10k and of 1M events.

lib and app run with 1 and 4 threads, in alternating rounds, and so do the two load sizes: load
from other processes on the machine then hits both sides of each ratio alike. Progress goes to
stderr; the table and the checks against the targets to stdout. PostgreSQL is the server that
POSTGRES_HOST and the other POSTGRES_* variables name, else a throwaway cluster
(tests/pg_cluster.py). Method and results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, LiteralString, Protocol, TypeVar
from uuid import UUID, uuid4

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from psycopg import sql
from psycopg.rows import TupleRow

from betotrace_es.application import Betotrace
from betotrace_es.config import store_env
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.order_values import Placement, Site
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import Actor, Address, CompanyKind, Location, Role

REPO_ROOT = Path(__file__).resolve().parents[1]
THREAD_COUNTS = (1, 4)  # as measured by writes()
ROUNDS = 10  # each compared measurement runs in this many alternating slices
WARMUP_SECONDS = 0.5
FSYNC_PROBES = 20
SLOW_FSYNC_MS = 1.0  # a median fsync slower than this means the disk was slow to flush
PRODUCT_CODE = "C25/30-XC2-S3"
APP_COMMANDS = (
    "request_order",
    "accept_order",
    "propose_reschedule",
    "accept_proposal",
    "finish_order",
)
TARGET_APP_VS_LIBRARY = 0.70  # application commands/s over library saves/s: at least
TARGET_LOAD_RATIO = 1.20  # median load time, big store over small store: at most

K = TypeVar("K")
Timing = tuple[str, float]  # (operation, seconds)
Worker = Callable[[float, list[Timing]], None]  # runs operations until the deadline

_STARTED = time.perf_counter()


def log(message: str) -> None:
    """A progress line on stderr, stamped with the time since the start."""
    print(f"[{time.perf_counter() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Sample:
    """The operations of a timed run (what, how long each took), and of its rounds."""

    seconds: float
    timings: list[Timing]
    rounds: list[Sample] = field(default_factory=list)

    @classmethod
    def merge(cls, rounds: Sequence[Sample]) -> Sample:
        """The rounds of one measurement taken together."""
        timings = [timing for part in rounds for timing in part.timings]
        return cls(sum(part.seconds for part in rounds), timings, list(rounds))

    def latencies(self, kind: str | None = None) -> list[float]:
        """Sorted latencies (seconds) of all operations, or of one kind."""
        return sorted(t for k, t in self.timings if kind is None or k == kind)

    def rate(self, kind: str | None = None) -> float:
        """Operations per second of wall time."""
        return len(self.latencies(kind)) / self.seconds

    def median(self, kind: str | None = None) -> float:
        """The median latency, seconds."""
        return statistics.median(self.latencies(kind))

    def p99(self, kind: str | None = None) -> float:
        """The nearest-rank 99th percentile of the latencies, seconds."""
        values = self.latencies(kind)
        return values[max(0, math.ceil(0.99 * len(values)) - 1)]

    def spread(self) -> float:
        """How far the rounds' rates lie apart: (max - min) / overall rate."""
        rates = [part.rate() for part in self.rounds] or [self.rate()]
        return (max(rates) - min(rates)) / self.rate()


def run_threads(threads: int, seconds: float, worker: Worker) -> Sample:
    """Run ``worker`` on ``threads`` threads until ``seconds`` have passed."""
    outputs: list[list[Timing]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []

    def body(out: list[Timing]) -> None:
        try:
            worker(deadline, out)
        except BaseException as exc:  # re-raised in the main thread
            errors.append(exc)

    started = time.perf_counter()
    deadline = started + seconds
    pool = [threading.Thread(target=body, args=(out,), daemon=True) for out in outputs]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return Sample(elapsed, [timing for out in outputs for timing in out])


def compare(workers: Mapping[K, Worker], threads: int, seconds: float) -> dict[K, Sample]:
    """Warm each worker up, then run them in ROUNDS alternating slices, ``seconds`` in all each.

    The order flips every round, so a burst of load from elsewhere hits all of them alike.
    """
    for worker in workers.values():
        worker(time.perf_counter() + WARMUP_SECONDS, [])
    keys = list(workers)
    parts: dict[K, list[Sample]] = {key: [] for key in keys}
    for number in range(ROUNDS):
        for key in keys if number % 2 == 0 else reversed(keys):
            parts[key].append(run_threads(threads, seconds / ROUNDS, workers[key]))
    return {key: Sample.merge(rounds) for key, rounds in parts.items()}


def repeat(operation: Callable[[], object], name: str) -> Worker:
    """A worker that runs ``operation`` again and again, timing each call."""

    def work(deadline: float, out: list[Timing]) -> None:
        while (start := time.perf_counter()) < deadline:
            operation()
            out.append((name, time.perf_counter() - start))

    return work


# --- the library's minimal save -----------------------------------------------------------------


class Dot(Aggregate):
    """The smallest aggregate: one Created event, saved once."""


def dot_stored_event() -> StoredEvent:
    """A stored Dot.Created: the row that the raw inserts write again and again."""
    app: Application[UUID] = Application(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        return app.mapper.to_stored_event(Dot().collect_events()[0])
    finally:
        app.close()


# --- the Betotrace workload ---------------------------------------------------------------------


def in_days(days: float) -> datetime:
    """A moment ``days`` from now, timezone-aware."""
    return datetime.now(UTC) + timedelta(days=days)


@dataclass(frozen=True)
class World:
    """A supplier's branch with one product, and a planner on each side of the orders."""

    app: Betotrace
    branch_id: UUID
    supplier: Actor
    customer: Actor
    site: Site
    placement: Placement

    def request(self) -> UUID:
        """The customer requests 12.5 m³ in three days; returns the new order's id."""
        return self.app.request_order(
            self.customer,
            branch_id=self.branch_id,
            product_code=PRODUCT_CODE,
            quantity_m3="12.5",
            delivery_at=in_days(3),
            placement=self.placement,
            site=self.site,
            customer_reference="PO-4711",
        ).aggregate.id


def belgian_vat() -> str:
    """A random valid Belgian VAT number (mod-97 check digits)."""
    base = uuid4().int % 10**7 + 10**7
    return f"BE{base:08d}{97 - base % 97:02d}"


def register_company(app: Betotrace, kind: CompanyKind, name: str) -> Actor:
    """A new company of ``kind``; returns its founding admin."""
    tag = uuid4().hex[:8]
    company = app.register_company(
        Actor.system(),
        kind=kind,
        legal_name=f"{name} {tag}",
        vat_number=belgian_vat(),
        admin_email=f"admin-{tag}@{kind.value}.example.be",
        admin_profile=Profile.parse(first_name="An", last_name="Peeters", language="nl"),
        admin_password_hash="not-a-real-hash",
    ).aggregate
    return Actor(next(iter(company.members)), company.id, Role.ADMIN)


def planner(app: Betotrace, admin: Actor) -> Actor:
    """A planner invited by ``admin``, who accepted the invitation."""
    email = f"planner-{uuid4().hex[:8]}@example.be"
    user = app.invite_user(admin, email, Role.PLANNER).aggregate
    app.accept_invitation(user.id, first_name="Piet", last_name="Planner", password_hash="h")
    return Actor(user.id, admin.company_id, Role.PLANNER)


def build_world(app: Betotrace) -> World:
    """A supplier (catalogue, product, branch, planner) and a customer (planner), as in tests."""
    supplier = register_company(app, CompanyKind.SUPPLIER, "Beton NV")
    customer = register_company(app, CompanyKind.CUSTOMER, "Bouw BV")
    spec = ProductSpec.parse(
        strength_class="C25/30",
        exposure_classes=["XC2", "EE2"],
        consistency_class="S3",
        dmax_mm=20,
        domain_of_use="reinforced",
        cement_type="CEM III/A 42,5 N LA",
    )
    app.add_product(supplier, PRODUCT_CODE, "Beton C25/30 XC2 S3", spec)
    branch = app.register_branch(
        supplier,
        public_name=f"Centrale Gent {uuid4().hex[:8]}",
        address=Address.parse("Port Arthurlaan", "50", "9000", "Gent"),
        location=Location.parse(51.07, 3.73),
        products=[PRODUCT_CODE],
    ).aggregate
    site = Site.parse(
        name="Residentie Zonneveld",
        address=Address.parse("Kortrijksesteenweg", "12", "9000", "Gent"),
        contact_name="Jan Janssens",
        contact_phone="0470 12 34 56",
        location=Location.parse(51.04, 3.71),
    )
    placement = Placement.parse("pump", "floor slab", power_lines_nearby=False)
    return World(app, branch.id, planner(app, supplier), planner(app, customer), site, placement)


def order_lifecycle(world: World, out: list[Timing], deadline: float = math.inf) -> UUID:
    """Request, accept, propose a new moment (supplier), accept it (customer), finish.

    Each command is timed into ``out``; at ``deadline`` it stops, leaving the order open.
    """
    app, supplier, customer = world.app, world.supplier, world.customer
    start = time.perf_counter()
    order = world.request()
    out.append((APP_COMMANDS[0], time.perf_counter() - start))
    steps: list[Callable[[], object]] = [
        lambda: app.accept_order(supplier, order),
        lambda: app.propose_reschedule(supplier, order, in_days(5)),
        lambda: app.accept_proposal(customer, order),
        lambda: app.finish_order(supplier, order),
    ]
    for name, step in zip(APP_COMMANDS[1:], steps, strict=True):
        if (start := time.perf_counter()) >= deadline:
            break
        step()
        out.append((name, time.perf_counter() - start))
    return order


def lifecycle_worker(world: World) -> Worker:
    """A worker that takes fresh orders through their lifecycle until the deadline."""

    def work(deadline: float, out: list[Timing]) -> None:
        while time.perf_counter() < deadline:
            order_lifecycle(world, out, deadline)

    return work


def ten_event_order(world: World) -> UUID:
    """An order with 10 events: requested, accepted, then rescheduled four times."""
    app = world.app
    order = world.request()
    app.accept_order(world.supplier, order)
    for days in range(4):
        app.propose_reschedule(world.supplier, order, in_days(4 + days))
        app.accept_proposal(world.customer, order)
    return order


# --- backends -----------------------------------------------------------------------------------


def fill_plan(need: int, per: int, batch_events: int) -> Iterator[tuple[int, int]]:
    """Chunks of (aggregates, events each) that add up to exactly ``need`` events."""
    full, rest = divmod(need, per)
    step = max(1, batch_events // per)
    for done in range(0, full, step):
        yield min(step, full - done), per
    if rest:
        yield 1, rest


class Backend(Protocol):
    """What the benchmark needs of a database."""

    name: str
    flushes: bool  # known after describe(): whether commits wait for an fsync here

    def describe(self) -> str:
        """Version and settings, for the report."""
        ...

    def fresh_env(self, tag: str) -> dict[str, str]:
        """The eventsourcing settings of a new, empty store (a schema, a file)."""
        ...

    def raw_inserter(
        self, env: dict[str, str], row: StoredEvent
    ) -> contextlib.AbstractContextManager[Worker]:
        """A worker inserting copies of ``row`` (new ids), one INSERT + COMMIT each."""
        ...

    def count_events(self, env: dict[str, str]) -> int:
        """How many events the Betotrace store of ``env`` holds."""
        ...

    def fill(self, env: dict[str, str], template: Sequence[StoredEvent], need: int) -> None:
        """Add ``need`` events: copies of ``template`` under new aggregate ids."""
        ...


PG_SHOW: LiteralString = "SELECT current_setting(%s)"
PG_RAW_TABLE: LiteralString = """
CREATE TABLE {table} (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text,
    state bytea,
    notification_id bigserial,
    PRIMARY KEY (originator_id, originator_version))
WITH (autovacuum_enabled = true, autovacuum_vacuum_threshold = 100000000,
      autovacuum_vacuum_scale_factor = 0.5, autovacuum_analyze_threshold = 1000,
      autovacuum_analyze_scale_factor = 0.01)
"""
PG_RAW_INDEX: LiteralString = "CREATE UNIQUE INDEX ON {table} (notification_id ASC)"
PG_RAW_INSERT: LiteralString = (
    "INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)"
)
PG_FILL: LiteralString = """
INSERT INTO {table} (originator_id, originator_version, topic, state)
SELECT g.id, t.version, t.topic, t.state
FROM (SELECT n, gen_random_uuid() AS id FROM generate_series(1, %(aggregates)s) AS n) AS g
CROSS JOIN unnest(%(versions)s::bigint[], %(topics)s::text[], %(states)s::bytea[])
    AS t(version, topic, state)
ORDER BY g.n, t.version
"""
PG_FILL_BATCH = 100_000
PG_APP_TABLE = "betotrace_events"  # "<application name>_events", as eventsourcing names it


class PostgresBackend:
    """A PostgreSQL server; every store is a new schema, all dropped at the end."""

    name = "postgres"

    def __init__(self, server: dict[str, str], origin: str) -> None:
        self.server = server
        self.origin = origin
        self.schemas: list[str] = []
        self.flushes = False

    def connect(self, *, autocommit: bool = True) -> psycopg.Connection[TupleRow]:
        """A new connection to the server's database."""
        return psycopg.connect(
            host=self.server["POSTGRES_HOST"],
            port=int(self.server.get("POSTGRES_PORT") or 5432),
            user=self.server["POSTGRES_USER"],
            password=self.server.get("POSTGRES_PASSWORD", ""),
            dbname=self.server["POSTGRES_DBNAME"],
            autocommit=autocommit,
        )

    def describe(self) -> str:
        """Server version, where it is, its durability settings, and the client library."""
        names = ("server_version", "fsync", "synchronous_commit", "shared_buffers")
        with self.connect() as conn:
            shown = [str(_one(conn, sql.SQL(PG_SHOW), (name,))) for name in names]
        version, fsync, sync_commit, buffers = shown
        local = self.server["POSTGRES_HOST"] in ("127.0.0.1", "localhost", "::1")
        self.flushes = local and fsync == "on" and sync_commit != "off"
        where = f"{self.server['POSTGRES_HOST']}:{self.server.get('POSTGRES_PORT', '5432')}"
        return (
            f"PostgreSQL {version.split()[0]} at {where} ({self.origin}), fsync={fsync}, "
            f"synchronous_commit={sync_commit}, shared_buffers={buffers}; "
            f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__})"
        )

    def fresh_env(self, tag: str) -> dict[str, str]:
        """A new empty schema."""
        schema = f"bench_{tag}_{secrets.token_hex(4)}"
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        self.schemas.append(schema)
        return {**self.server, "POSTGRES_SCHEMA": schema}

    @contextlib.contextmanager
    def raw_inserter(self, env: dict[str, str], row: StoredEvent) -> Iterator[Worker]:
        """psycopg alone: INSERT of one row, COMMIT, on one connection."""
        table = sql.Identifier(env["POSTGRES_SCHEMA"], "raw_events")
        insert = sql.SQL(PG_RAW_INSERT).format(table=table)
        with self.connect(autocommit=False) as conn:
            conn.execute(sql.SQL(PG_RAW_TABLE).format(table=table))
            conn.execute(sql.SQL(PG_RAW_INDEX).format(table=table))
            conn.commit()

            def insert_one() -> None:
                conn.execute(insert, (uuid4(), 1, row.topic, row.state))
                conn.commit()

            yield repeat(insert_one, "insert")

    def count_events(self, env: dict[str, str]) -> int:
        """count(*) of the application's events table."""
        table = sql.Identifier(env["POSTGRES_SCHEMA"], PG_APP_TABLE)
        with self.connect() as conn:
            return int(_one(conn, sql.SQL("SELECT count(*) FROM {}").format(table)))

    def fill(self, env: dict[str, str], template: Sequence[StoredEvent], need: int) -> None:
        """Server-side INSERT … SELECT of the template rows under gen_random_uuid() ids.

        Then VACUUM ANALYZE, as autovacuum would soon after such a fill: done now, it does not
        run in the middle of the timed loads.
        """
        table = sql.Identifier(env["POSTGRES_SCHEMA"], PG_APP_TABLE)
        statement = sql.SQL(PG_FILL).format(table=table)
        done = 0
        with self.connect() as conn:
            for aggregates, per in fill_plan(need, len(template), PG_FILL_BATCH):
                rows = template[:per]
                params = {
                    "aggregates": aggregates,
                    "versions": [r.originator_version for r in rows],
                    "topics": [r.topic for r in rows],
                    "states": [r.state for r in rows],
                }
                conn.execute(statement, params)
                _fill_progress(done, done + aggregates * per, need)
                done += aggregates * per
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(table))

    def close(self) -> None:
        """Drop every schema this run created."""
        with self.connect() as conn:
            conn.execute("SET lock_timeout = '30s'")  # an unclosed pool must not hang the drop
            for schema in self.schemas:
                conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        self.schemas.clear()


def _one(
    conn: psycopg.Connection[TupleRow], query: sql.SQL | sql.Composed, params: Sequence[str] = ()
) -> Any:
    """The single value a query returns."""
    found = conn.execute(query, params).fetchone()
    assert found is not None
    return found[0]


def _fill_progress(before: int, done: int, need: int) -> None:
    if done == need or before // 200_000 != done // 200_000:
        log(f"    {done:,} of {need:,} events added")


SQLITE_RAW_TABLE = """
CREATE TABLE raw_events (
    originator_id TEXT,
    originator_version INTEGER,
    topic TEXT,
    state BLOB,
    PRIMARY KEY (originator_id, originator_version))
"""
SQLITE_FILL_BATCH = 50_000
SQLITE_APP_TABLE = "stored_events"  # SQLite table names are not prefixed with the app's name


class SqliteBackend:
    """SQLite files in a temporary directory, one per store, deleted at the end."""

    name = "sqlite"
    flushes = True  # synchronous=FULL: every commit waits for an fsync of the WAL

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="betotrace-bench-"))

    def describe(self) -> str:
        """Library version, where the files are, and the journal settings."""
        with contextlib.closing(sqlite3.connect(self.directory / "probe.sqlite")) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            synchronous = conn.execute("PRAGMA synchronous").fetchone()[0]
        level = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(synchronous, synchronous)
        return (
            f"SQLite {sqlite3.sqlite_version}, files in {self.directory}, "
            f"journal_mode=WAL, synchronous={level}"
        )

    def fresh_env(self, tag: str) -> dict[str, str]:
        """A new file."""
        path = self.directory / f"{tag}-{secrets.token_hex(4)}.sqlite"
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}

    @contextlib.contextmanager
    def raw_inserter(self, env: dict[str, str], row: StoredEvent) -> Iterator[Worker]:
        """sqlite3 alone: BEGIN, INSERT of one row, COMMIT, in WAL mode like the library."""
        conn = sqlite3.connect(env["SQLITE_DBNAME"], isolation_level=None, check_same_thread=False)
        with contextlib.closing(conn):
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(SQLITE_RAW_TABLE)
            insert = "INSERT INTO raw_events VALUES (?, ?, ?, ?)"

            def insert_one() -> None:
                conn.execute("BEGIN")
                conn.execute(insert, (uuid4().hex, 1, row.topic, row.state))
                conn.execute("COMMIT")

            yield repeat(insert_one, "insert")

    def count_events(self, env: dict[str, str]) -> int:
        """count(*) of the application's events table."""
        with contextlib.closing(sqlite3.connect(env["SQLITE_DBNAME"])) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {SQLITE_APP_TABLE}").fetchone()[0])

    def fill(self, env: dict[str, str], template: Sequence[StoredEvent], need: int) -> None:
        """Through the application recorder: ``insert_events`` of 50k stored events at a time."""
        app = Betotrace(env=store_env(env))
        try:
            done = 0
            for aggregates, per in fill_plan(need, len(template), SQLITE_FILL_BATCH):
                batch = [
                    StoredEvent(ident, row.originator_version, row.topic, row.state)
                    for ident in (uuid4() for _ in range(aggregates))
                    for row in template[:per]
                ]
                app.recorder.insert_events(batch)
                _fill_progress(done, done + len(batch), need)
                done += len(batch)
        finally:
            app.close()

    def close(self) -> None:
        """Delete the files."""
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def postgres_backend() -> Iterator[PostgresBackend]:
    """The server that POSTGRES_HOST and POSTGRES_* name, else a throwaway cluster."""
    sys.path.insert(0, str(REPO_ROOT))
    from tests.pg_cluster import CONFIGURED, server_env

    with server_env(log) as (env, origin):
        server = PostgresBackend(env, origin)
        try:
            yield server
        finally:
            if origin == CONFIGURED:  # a throwaway cluster goes whole
                server.close()


@contextlib.contextmanager
def sqlite_backend() -> Iterator[SqliteBackend]:
    """Files in a new temporary directory."""
    backend = SqliteBackend()
    try:
        yield backend
    finally:
        backend.close()


# --- the measurements ---------------------------------------------------------------------------


@dataclass
class Writes:
    """(a) raw inserts (1 client), (b) library saves and app commands by thread count."""

    raw: Sample
    library: dict[int, Sample]
    app: dict[int, Sample]


def writes(backend: Backend, seconds: float) -> Writes:
    """Raw inserts, library saves and app commands in alternating rounds, each on a new store.

    With 1 thread all three alternate; with 4 threads, the library and the app (raw is the
    single-client limit).
    """
    with contextlib.ExitStack() as stack:
        row = dot_stored_event()
        raw = stack.enter_context(backend.raw_inserter(backend.fresh_env("raw"), row))
        library: Application[UUID] = Application(env=backend.fresh_env("lib"))
        stack.callback(library.close)
        app = Betotrace(env=store_env(backend.fresh_env("app")))  # production settings
        stack.callback(app.close)
        workers = {
            "library": repeat(lambda: library.save(Dot()), "save"),
            "app": lifecycle_worker(build_world(app)),
        }
        log(f"  raw inserts, library saves, app commands: 1 thread, {seconds:g} s each")
        one = compare({"raw": raw, **workers}, 1, seconds)
        log(f"  library saves, app commands: 4 threads, {seconds:g} s each")
        four = compare(workers, 4, seconds)
    return Writes(
        one["raw"], {1: one["library"], 4: four["library"]}, {1: one["app"], 4: four["app"]}
    )


def load_store(backend: Backend, size: int, stack: contextlib.ExitStack) -> Worker:
    """A store of ``size`` events holding a 10-event order; a worker loading that order."""
    env = store_env({**backend.fresh_env(f"load{size}"), "AGGREGATE_CACHE_MAXSIZE": ""})
    app = Betotrace(env=env)
    stack.callback(app.close)
    assert app.repository.cache is None, "the loads must reach the database"
    world = build_world(app)
    template = app.recorder.select_events(order_lifecycle(world, []))
    order = ten_event_order(world)
    log(f"  filling a store to {size:,} events ({len(template)}-event orders)")
    backend.fill(env, template, size - backend.count_events(env))
    assert backend.count_events(env) == size
    assert app.repository.get(order).version == 10
    return repeat(lambda: app.repository.get(order), "load")


def load_times(backend: Backend, sizes: Sequence[int], seconds: float) -> dict[int, Sample]:
    """Uncached loads of a 10-event order, in stores of each size, alternately."""
    with contextlib.ExitStack() as stack:
        workers = {size: load_store(backend, size, stack) for size in sizes}
        log(f"  loading the 10-event order, {seconds:g} s per store size")
        return compare(workers, 1, seconds)


# --- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    """How busy the machine was: 1-minute load average, median fsync time in the temp dir."""

    load: float
    fsync_ms: float

    @classmethod
    def probe(cls) -> Machine:
        """The state now (FSYNC_PROBES fsyncs of 4 KiB)."""
        timings = []
        with tempfile.TemporaryFile() as probe:
            for _ in range(FSYNC_PROBES):
                probe.write(b"\0" * 4096)
                probe.flush()
                start = time.perf_counter()
                os.fsync(probe.fileno())
                timings.append(time.perf_counter() - start)
        return cls(os.getloadavg()[0], statistics.median(timings) * 1e3)

    def __str__(self) -> str:
        return f"load average {self.load:.2f}, fsync {self.fsync_ms:.2f} ms"


@dataclass
class Report:
    """Everything measured on one backend."""

    backend: str
    description: str
    flushes: bool  # whether each commit waits for an fsync on this machine
    machine: list[Machine]  # before and after
    raw: Sample | None = None
    library: dict[int, Sample] = field(default_factory=dict)
    app: dict[int, Sample] = field(default_factory=dict)
    loads: dict[int, Sample] = field(default_factory=dict)
    seconds: float = 0.0


def run_backend(backend: Backend, args: argparse.Namespace) -> Report:
    """All measurements on one backend, each on fresh stores."""
    started = time.perf_counter()
    description = backend.describe()
    report = Report(backend.name, description, backend.flushes, [Machine.probe()])
    log(f"{backend.name}: {report.description}")
    measured = writes(backend, args.seconds)
    report.raw, report.library, report.app = measured.raw, measured.library, measured.app
    report.loads = load_times(backend, (args.small_events, args.big_events), args.seconds)
    report.seconds = time.perf_counter() - started
    report.machine.append(Machine.probe())
    log(f"{backend.name}: done in {report.seconds:.0f} s")
    return report


HEADER = (
    f"{'backend':<9} {'measurement':<44} {'ops/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'n':>7} {'spread':>6}"
)


def row(backend: str, label: str, sample: Sample, kind: str | None = None) -> str:
    """One line of the table: rate, median and p99 latency, count, spread of the rounds."""
    spread = "" if kind else f"{sample.spread():.0%}"
    return (
        f"{backend:<9} {label:<44} {sample.rate(kind):>7,.0f} {sample.median(kind) * 1e3:>7.2f} "
        f"{sample.p99(kind) * 1e3:>7.2f} {len(sample.latencies(kind)):>7,} {spread:>6}"
    )


def table_lines(report: Report) -> Iterator[str]:
    """The rows of one backend: raw, library, app (and per command), loads."""
    name = report.backend
    if report.raw is not None:
        yield row(name, "(a) raw INSERT+COMMIT, 1 client", report.raw)
    for threads in THREAD_COUNTS:
        if threads in report.library:
            yield row(name, f"(b) library save, {threads} thread(s)", report.library[threads])
        if threads in report.app:
            yield row(name, f"app commands, {threads} thread(s)", report.app[threads])
            for command in APP_COMMANDS:
                yield row(name, f"  {command}", report.app[threads], command)
    for size, sample in report.loads.items():
        yield row(name, f"load 10-event order, {size:,} events", sample)


def check(label: str, ratios: Sequence[float], target: float, *, at_least: bool) -> str:
    """A ratio (overall first, then per round) against its target, with PASS or FAIL."""
    value, rounds = ratios[0], ratios[1:]
    passed = value >= target if at_least else value <= target
    sign = "≥" if at_least else "≤"
    spread = f"(rounds {min(rounds):.2f}–{max(rounds):.2f})" if rounds else ""
    mark = "PASS" if passed else "FAIL"
    return f"{label:<50} {value:>5.2f} {spread:<20} target {sign} {target:.2f}  {mark}"


def check_lines(report: Report) -> Iterator[str]:
    """The targets of the issue; and, for context, the library's share of the raw limit."""
    name = report.backend
    for threads in THREAD_COUNTS:
        if threads in report.app and threads in report.library:
            app, lib = report.app[threads], report.library[threads]
            ratios = [app.rate() / lib.rate()]
            ratios += [a.rate() / b.rate() for a, b in zip(app.rounds, lib.rounds, strict=True)]
            label = f"{name}: app commands / library saves, {threads} thread(s)"
            yield check(label, ratios, TARGET_APP_VS_LIBRARY, at_least=True)
    if len(report.loads) == 2:
        small, big = (report.loads[size] for size in sorted(report.loads))
        ratios = [big.median() / small.median()]
        ratios += [b.median() / s.median() for b, s in zip(big.rounds, small.rounds, strict=True)]
        label = f"{name}: load time {max(report.loads):,} / {min(report.loads):,} events"
        yield check(label, ratios, TARGET_LOAD_RATIO, at_least=False)
    if report.raw is not None and 1 in report.library:
        ratio = report.library[1].rate() / report.raw.rate()
        yield f"{f'{name}: (info) library save / raw insert, 1 client':<50} {ratio:>5.2f}"
    slowest = max(state.fsync_ms for state in report.machine)
    if report.flushes and slowest > SLOW_FSYNC_MS:
        yield (
            f"{name}: WARNING fsync took {slowest:.1f} ms (median; ~0.2 ms when the disk is "
            "idle): commits were flush-bound for part of the run, which blurs these figures"
        )


def print_report(reports: Sequence[Report], started: float) -> None:
    """The final table, the checks, and the context of the run, on stdout."""
    print(
        f"Betotrace event-store benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"Python {platform.python_version()}, eventsourcing {package_version('eventsourcing')}, "
        f"{os.cpu_count()} CPUs"
    )
    for report in reports:
        before, after = report.machine
        print(f"{report.backend}: {report.description}")
        print(f"{report.backend}: machine before: {before}; after: {after}")
    print(f"\n{HEADER}")
    for report in reports:
        print(*table_lines(report), sep="\n")
    print()
    for report in reports:
        print(*check_lines(report), sep="\n")
    spent = ", ".join(f"{r.backend} {r.seconds:.0f} s" for r in reports)
    print(f"\nTotal {time.perf_counter() - started:.0f} s ({spent}).")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement (default 5)")
    parser.add_argument(
        "--big-events", type=int, default=1_000_000, help="big store size (default 1,000,000)"
    )
    parser.add_argument(
        "--small-events", type=int, default=10_000, help="small store size (default 10,000)"
    )
    args = parser.parse_args(argv)
    if not 100 <= args.small_events < args.big_events:
        parser.error("need 100 <= --small-events < --big-events")
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the chosen backends one after the other, then print the report."""
    args = parse_args(argv)
    started = time.perf_counter()
    reports = []
    if args.backend in ("postgres", "both"):
        with postgres_backend() as postgres:
            reports.append(run_backend(postgres, args))
    if args.backend in ("sqlite", "both"):
        with sqlite_backend() as lite:
            reports.append(run_backend(lite, args))
    print_report(reports, started)


if __name__ == "__main__":
    main()
