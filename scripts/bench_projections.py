#!/usr/bin/env python3
"""Projection benchmark: order-list rebuild next to the raw read rate, list latency 10k vs 1M.

    scripts/bench_projections.py [--orders-small N] [--orders-large N] [--companies N]
                                 [--backend postgres|sqlite] [--slice-events N]
                                 [--queries N] [--seed N] [--profile EVENTS]

Companies, products and branches are registered through the real application. Orders are
built with the real aggregate methods (``Order.request``, ``propose_reschedule``, …) on
in-memory aggregates with fixed actors, turned into stored events by ``app.mapper`` and
written in bulk (COPY on PostgreSQL, ``recorder.insert_events`` on SQLite). Each order lives
in simulated time: requested during the last year, delivered 1–60 days later, its events
appended in the order they happened (so a batch mixes many orders), events after "now" not
yet happened. Three stores (schemas or files):

small   ``--orders-small`` orders with full lives (~7.6 events each);
slice   orders with full lives, at least ``--slice-events`` events: the rebuild rate, the raw
        read rate of the same events and the runner's RSS are measured here;
large   the slice's events, then the rest of ``--orders-large`` orders with short lives: only
        the events that give the order its final row (requested, accepted, finished, …), so
        the 1M-order view is built by the real ``rebuild()`` within the time budget.

Rebuilds run in a fresh process (the runner) that samples its own RSS once a second. List
latency is measured on the views of small and large in alternating rounds. Progress goes to
stderr; the table and the checks to stdout. PostgreSQL is the server that POSTGRES_HOST and
the other POSTGRES_* variables name, else a throwaway cluster (tests/pg_cluster.py).
``--profile EVENTS`` instead profiles (cProfile) a rebuild of a store of about EVENTS events.
Method and results: docs/benchmarks-projections.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import heapq
import io
import math
import os
import platform
import pstats
import random
import resource
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib.metadata import version as package_version
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol, cast
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql
from psycopg.rows import TupleRow, tuple_row

from betotrace_es.application import Betotrace
from betotrace_es.config import store_env
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue, catalogue_id
from betotrace_es.domain.company import Company
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus, Placement, Site
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import Actor, Address, CompanyKind, Location, Party, Role
from projections.framework.rebuild import rebuild
from projections.framework.store import ViewStore
from projections.framework.wiring import open_read_side
from projections.order_list.projection import OrderListProjection
from projections.order_list.queries import OrderFilter, OrderListQueries

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_REBUILD_SHARE = 0.50  # rebuild events/s over raw read events/s: at least
TARGET_P95_MS = 10.0  # first-page p95 at the large size: at most
TARGET_GROWTH = 1.5  # first-page p95, large over small: at most
RSS_FLAT_MB = 50.0  # max RSS minus RSS once 10 % of the rebuild is done: at most
READ_PAGE = 1000  # select_notifications page for the raw read rate
LOAD_BATCH = 10_000  # stored events per bulk insert
HISTORY_DAYS = 365  # orders are requested over the last year
SAMPLE_SECONDS = 1.0  # RSS sampling interval of the runner
LATENCY_ROUNDS = 10  # latency draws are split in rounds alternating small and large
PROFILE_TOP = 30
GENERATORS = 2  # processes generating orders (PostgreSQL; SQLite has one writer)

NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def log(message: str) -> None:
    """A progress line on stderr, stamped with the time since the start."""
    print(f"[{time.time() - _t0():6.1f}s] {message}", file=sys.stderr, flush=True)


def rss_bytes() -> int:
    """This process's resident set size (VmRSS), bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def hours(value: float) -> timedelta:
    """A duration of ``value`` hours."""
    return timedelta(hours=value)


# --- the world: companies, products and branches, registered through the application ----------

CITIES = (
    ("Gent", "9000", 51.05, 3.72),
    ("Antwerpen", "2000", 51.22, 4.40),
    ("Brugge", "8000", 51.21, 3.22),
    ("Leuven", "3000", 50.88, 4.70),
    ("Hasselt", "3500", 50.93, 5.34),
    ("Mechelen", "2800", 51.03, 4.48),
    ("Kortrijk", "8500", 50.83, 3.26),
    ("Aalst", "9300", 50.94, 4.04),
    ("Namur", "5000", 50.47, 4.87),
    ("Liège", "4000", 50.63, 5.57),
)
STREETS = ("Stationsstraat", "Kerkstraat", "Nieuwstraat", "Industrieweg", "Rue de la Gare")
PRODUCTS = (
    ("C25/30-XC2-S3", "Beton C25/30 XC2 S3", "C25/30", ("XC2", "EE2"), "S3"),
    ("C30/37-XC4-S4", "Beton C30/37 XC4 S4", "C30/37", ("XC4", "XF1", "EE3"), "S4"),
    ("C20/25-XC1-S3", "Beton C20/25 XC1 S3", "C20/25", ("XC1", "EE1"), "S3"),
)
BRANCHES_PER_SUPPLIER = 3
SITES = 240
QUANTITIES = tuple(Decimal(q) for q in ("4", "6", "7.5", "8", "10", "12", "14.5", "16", "20"))


@dataclass(frozen=True)
class Customer:
    """A customer company and the user who places its orders."""

    company: Company
    actor: Actor


@dataclass(frozen=True)
class Supplier:
    """A supplier company: its planner, catalogue, branches and drivers."""

    company: Company
    actor: Actor
    catalogue: Catalogue
    branches: tuple[Branch, ...]
    products: tuple[str, ...]
    drivers: tuple[UUID, ...]


@dataclass(frozen=True)
class World:
    """Everyone who orders and delivers, with how much each trades (cumulative weights)."""

    customers: list[Customer]
    suppliers: list[Supplier]
    customer_weights: list[float]
    supplier_weights: list[float]
    sites: list[Site]
    placements: list[Placement]
    head: int  # the log position after the registrations


def belgian_vat(rng: random.Random) -> str:
    """A valid Belgian VAT number (mod-97 check digits)."""
    base = rng.randrange(10**7) + 10**7
    return f"BE{base:08d}{97 - base % 97:02d}"


def register(app: Betotrace, rng: random.Random, kind: CompanyKind, number: int) -> Actor:
    """A new company of ``kind``; returns its founding admin."""
    city = CITIES[number % len(CITIES)][0]
    name = f"{'Beton' if kind is CompanyKind.SUPPLIER else 'Bouw'} {city} {number:03d}"
    company = app.register_company(
        Actor.system(),
        kind=kind,
        legal_name=f"{name} {'NV' if kind is CompanyKind.SUPPLIER else 'BV'}",
        vat_number=belgian_vat(rng),
        admin_email=f"admin-{kind.value}-{number}-{rng.randrange(10**6)}@example.be",
        admin_profile=Profile.parse(first_name="An", last_name="Peeters", language="nl"),
        admin_password_hash="not-a-real-hash",
    ).aggregate
    return Actor(next(iter(company.members)), company.id, Role.ADMIN)


def spec(strength: str, exposure: tuple[str, ...], consistency: str) -> ProductSpec:
    """A performance-specified concrete."""
    return ProductSpec.parse(
        strength_class=strength,
        exposure_classes=list(exposure),
        consistency_class=consistency,
        dmax_mm=20,
        domain_of_use="reinforced",
        cement_type="CEM III/A 42,5 N LA",
    )


def supplier_world(app: Betotrace, rng: random.Random, number: int) -> Supplier:
    """A supplier with its products, branches (each delivering every product) and drivers."""
    admin = register(app, rng, CompanyKind.SUPPLIER, number)
    for code, name, strength, exposure, consistency in PRODUCTS:
        app.add_product(admin, code, name, spec(strength, exposure, consistency))
    codes = [code for code, *_ in PRODUCTS]
    branches = []
    for index in range(BRANCHES_PER_SUPPLIER):
        city, postal, lat, lon = CITIES[(number + index * 3) % len(CITIES)]
        branches.append(
            app.register_branch(
                admin,
                public_name=f"Centrale {city} {number:03d}-{index + 1}",
                address=Address.parse("Industrieweg", str(10 + index), postal, city),
                location=Location.parse(lat, lon),
                products=codes,
            ).aggregate
        )
    drivers = tuple(
        app.register_driver(admin, "Jef", f"Chauffeur {n}", "0470 12 34 56").aggregate.id
        for n in range(2)
    )
    assert admin.company_id is not None
    company = app.load(Company, admin.company_id, "company")
    catalogue = app.load(Catalogue, catalogue_id(admin.company_id), "catalogue")
    return Supplier(company, admin, catalogue, tuple(branches), tuple(codes), drivers)


def site_pool(rng: random.Random) -> list[Site]:
    """Construction sites across Belgian cities."""
    sites = []
    for number in range(SITES):
        city, postal, lat, lon = CITIES[rng.randrange(len(CITIES))]
        sites.append(
            Site.parse(
                name=f"Residentie {rng.choice(('Zonneveld', 'Ter Beke', 'De Linde', 'Parc'))} {number}",
                address=Address.parse(rng.choice(STREETS), str(number % 90 + 1), postal, city),
                contact_name="Jan Janssens",
                contact_phone=f"0470 {number % 90 + 10:02d} 34 56",
                location=Location.parse(lat + rng.uniform(-0.05, 0.05), lon),
                access_notes="Enter via the gate on the north side",
            )
        )
    return sites


def cumulative(count: int) -> list[float]:
    """Cumulative weights 1/sqrt(rank): a few companies trade much more than most."""
    total, out = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / math.sqrt(rank)
        out.append(total)
    return out


def build_world(app: Betotrace, companies: int, rng: random.Random) -> World:
    """Register ``companies`` customers and as many suppliers through the application."""
    customers = []
    for number in range(companies):
        actor = register(app, rng, CompanyKind.CUSTOMER, number)
        assert actor.company_id is not None
        customers.append(Customer(app.load(Company, actor.company_id, "company"), actor))
    suppliers = [supplier_world(app, rng, number) for number in range(companies)]
    placements = [
        Placement.parse(method, element, power_lines_nearby=lines)
        for method, element, lines in (
            ("pump", "floor slab", False),
            ("chute", "foundation", False),
            ("crane_bucket", "columns", True),
            ("pump", "walls", False),
        )
    ]
    head = app.recorder.max_notification_id() or 0
    weights = cumulative(companies)
    return World(customers, suppliers, weights, weights, site_pool(rng), placements, head)


# --- order lives in simulated time ----------------------------------------------------------

VARIANTS = ("agree", "counter", "decline", "cancel", "plain")
VARIANT_WEIGHTS = (0.45, 0.25, 0.15, 0.10, 0.05)


@dataclass(frozen=True)
class Step:
    """One command of an order's life: when, what, and the moment it proposes (if any)."""

    at: datetime
    kind: str
    moment: datetime | None = None


@dataclass(frozen=True)
class OrderPlan:
    """An order to request, and the commands that follow."""

    number: str
    customer: Customer
    supplier: Supplier
    branch: Branch
    product: str
    quantity: Decimal
    requested_at: datetime
    delivery_at: datetime
    site: Site
    placement: Placement
    reference: str
    steps: list[Step]


def moved(rng: random.Random, moment: datetime, at: datetime, *avoid: datetime) -> datetime:
    """A new delivery moment near ``moment``, after ``at`` (+2 h) and none of ``avoid``."""
    new = moment + timedelta(minutes=15 * rng.randint(-6 * 4, 48 * 4))
    new = max(new, at + hours(2)).replace(second=0, microsecond=0)
    while new in avoid:
        new += timedelta(minutes=15)
    return new


def negotiation(rng: random.Random, variant: str, at: datetime, delivery: datetime) -> list[Step]:
    """Until the order is planned: proposal, answer (accept, counter or decline), acceptance."""
    if variant == "plain":
        return [Step(at, "accept")]
    proposal = moved(rng, delivery, at, delivery)
    steps = [Step(at, "propose_s", proposal)]
    at += hours(rng.uniform(0.5, 20))
    if variant == "counter":
        counter = moved(rng, proposal, at, delivery, proposal)
        steps.append(Step(at, "propose_c", counter))
        return [*steps, Step(at + hours(rng.uniform(0.5, 8)), "accept_proposal_s")]
    if variant == "decline":
        steps.append(Step(at, "decline_c"))
        return [*steps, Step(at + hours(rng.uniform(0.5, 6)), "accept")]
    return [*steps, Step(at, "accept_proposal_c")]


def delivery_of(steps: list[Step], delivery: datetime) -> datetime:
    """The delivery moment once the negotiation is over."""
    moment = delivery
    for index, step in enumerate(steps):
        if step.kind.startswith("accept_proposal"):
            proposed = steps[index - 1].moment
            assert proposed is not None
            moment = proposed
    return moment


def life(rng: random.Random, requested_at: datetime, delivery: datetime) -> list[Step]:
    """The commands after the request: negotiate, plan two loads, assign drivers, finish."""
    variant = rng.choices(VARIANTS, VARIANT_WEIGHTS)[0]
    steps = negotiation(rng, variant, requested_at + hours(rng.uniform(0.5, 20)), delivery)
    moment = delivery_of(steps, delivery)
    at = max(steps[-1].at + hours(0.25), moment - hours(rng.uniform(12, 36)))
    steps.append(Step(at, "plan"))
    if variant == "cancel":
        return [*steps, Step(at + hours(rng.uniform(0.5, 6)), "cancel")]
    steps.append(Step(at + hours(0.2), "plan"))
    steps.append(Step(at + hours(0.3), "driver"))
    if variant in ("agree", "plain"):
        steps.append(Step(at + hours(0.4), "driver"))
    return [*steps, Step(max(moment, at) + hours(rng.uniform(2, 6)), "finish")]


def essential(steps: Sequence[Step]) -> list[Step]:
    """The fewest commands that leave the order in the same state (the short lives).

    Planning loads and assigning drivers change nothing in the list but the version; an
    accepted proposal becomes the requested moment (see ``OrderPlan`` of the short life).
    """
    status, pending, out = "requested", list[Step](), list[Step]()
    for step in steps:
        if step.kind.startswith("propose"):
            pending.append(step)
        elif step.kind.startswith("accept"):
            pending, status = [], status if status != "requested" else "planned"
            out = [Step(step.at, "accept")]
        elif step.kind == "decline_c":
            pending = []
        elif step.kind in ("finish", "cancel"):
            out = [Step(step.at, step.kind)] if step.kind == "cancel" else [*out, step]
            pending = []
    return [*out, *pending]


@dataclass
class Numbering:
    """Order numbers per year; each generator process counts from its own ``first``."""

    first: int = 0
    last: dict[int, int] = field(default_factory=dict)

    def next(self, moment: datetime) -> str:
        """The next number of ``moment``'s year."""
        self.last[moment.year] = self.last.get(moment.year, 0) + 1
        return f"BT-{moment.year}-{self.first + self.last[moment.year]:06d}"


def plan_order(
    rng: random.Random, world: World, requested_at: datetime, numbers: Numbering, *, full: bool
) -> OrderPlan:
    """A random order requested at ``requested_at``, with its life until now."""
    customer = rng.choices(world.customers, cum_weights=world.customer_weights)[0]
    supplier = rng.choices(world.suppliers, cum_weights=world.supplier_weights)[0]
    lead = hours(24 * min(60.0, 1 + rng.expovariate(1 / 4)))
    delivery = (requested_at + lead).replace(minute=15 * rng.randrange(4), second=0, microsecond=0)
    steps = [s for s in life(rng, requested_at, delivery) if s.at <= NOW]
    if not full:
        delivery, steps = delivery_of(steps, delivery), essential(steps)
    return OrderPlan(
        numbers.next(requested_at),
        customer,
        supplier,
        rng.choice(supplier.branches),
        rng.choice(supplier.products),
        rng.choice(QUANTITIES),
        requested_at,
        delivery,
        rng.choice(world.sites),
        rng.choice(world.placements),
        f"PO-{rng.randrange(10**5):05d}",
        steps,
    )


def order_plans(
    rng: random.Random, world: World, count: int, days: range, numbers: Numbering, *, full: bool
) -> Iterator[OrderPlan]:
    """Of ``count`` orders requested over the last year (working hours), those of ``days``."""
    for day in days:
        share = count * (day + 1) // HISTORY_DAYS - count * day // HISTORY_DAYS
        start = NOW - timedelta(days=HISTORY_DAYS - day)
        moments = sorted(start + hours(rng.uniform(6, 18)) for _ in range(share))
        for moment in moments:
            yield plan_order(rng, world, moment, numbers, full=full)


def run_step(order: Order, plan: OrderPlan, step: Step, load: list[int]) -> None:
    """Issue one command of the plan on the in-memory order, as its actor would."""
    supplier, customer = plan.supplier.actor, plan.customer.actor
    kind = step.kind
    if kind in ("propose_s", "propose_c"):
        actor = supplier if kind == "propose_s" else customer
        assert step.moment is not None
        order.propose_reschedule(actor, step.moment, "Andere truck beschikbaar", now=step.at)
    elif kind == "accept_proposal_s":
        order.accept_proposal(supplier)
    elif kind == "accept_proposal_c":
        order.accept_proposal(customer)
    elif kind == "decline_c":
        order.decline_proposal(customer, "Past niet")
    elif kind == "accept":
        order.accept(supplier)
    elif kind == "plan":
        half = (plan.quantity / 2).quantize(Decimal("0.001"))
        order.plan_delivery(supplier, half, order.delivery_at + hours(len(order.deliveries)))
    elif kind == "driver":
        load[0] += 1
        order.assign_driver(supplier, load[0], plan.supplier.drivers[load[0] % 2])
    elif kind == "finish":
        order.finish(supplier)
    else:
        order.cancel(customer, "Werf niet klaar")


def live(plan: OrderPlan) -> list[tuple[datetime, Any]]:
    """The order's events, each with the simulated moment it happened."""
    order = Order.request(
        actor=plan.customer.actor,
        number=plan.number,
        customer=plan.customer.company,
        branch=plan.branch,
        catalogue=plan.supplier.catalogue,
        product_code=plan.product,
        quantity_m3=plan.quantity,
        delivery_at=plan.delivery_at,
        placement=plan.placement,
        site=plan.site,
        customer_reference=plan.reference,
        now=plan.requested_at,
    )
    load = [0]
    for step in plan.steps:
        run_step(order, plan, step, load)
    moments = [plan.requested_at, *(step.at for step in plan.steps)]
    return list(zip(moments, order.collect_events(), strict=True))


def stored_events(app: Betotrace, plans: Iterable[OrderPlan]) -> Iterator[StoredEvent]:
    """The plans' events in the order they happened, mixed across orders, as stored events.

    Plans come in request order, so an event earlier than the current request can go out.
    """
    pending: list[tuple[datetime, int, StoredEvent]] = []
    sequence = 0
    for plan in plans:
        while pending and pending[0][0] <= plan.requested_at:
            yield heapq.heappop(pending)[2]
        for moment, event in live(plan):
            sequence += 1
            heapq.heappush(pending, (moment, sequence, app.mapper.to_stored_event(event)))
    while pending:
        yield heapq.heappop(pending)[2]


# --- backends -----------------------------------------------------------------------------------

Loader = Callable[[Sequence[StoredEvent]], None]


class Backend(Protocol):
    """What the benchmark needs of a database."""

    name: str

    def describe(self) -> str:
        """Version and settings, for the report."""
        ...

    def fresh_env(self, tag: str) -> dict[str, str]:
        """The settings of a new, empty store (a schema, a file)."""
        ...

    def loader(self, env: dict[str, str]) -> contextlib.AbstractContextManager[Loader]:
        """A function appending stored events to the store's log in bulk."""
        ...

    def copy_log(self, source: dict[str, str], target: dict[str, str], up_to: int) -> None:
        """Append the source's events up to ``up_to`` to the (empty) target's log."""
        ...

    def count(self, env: dict[str, str], up_to: int, topics: Sequence[str]) -> int:
        """How many events with these topics the log holds up to ``up_to``."""
        ...

    def analyze(self, env: dict[str, str]) -> None:
        """Refresh the planner's statistics of the events table after a bulk load."""
        ...

    def explain(self, store: ViewStore, text: str, params: Sequence[Any]) -> list[str]:
        """The executed plan of a read-model query."""
        ...

    def seq_scans(self, plan: Sequence[str]) -> list[str]:
        """The plan lines that scan the orders table in full."""
        ...


PG_EVENTS = "betotrace_events"  # "<application name>_events", as eventsourcing names it
PG_COPY = "COPY {} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
PG_COPY_LOG = (
    "INSERT INTO {} (originator_id, originator_version, topic, state) "
    "SELECT originator_id, originator_version, topic, state FROM {} "
    "WHERE notification_id <= %s ORDER BY notification_id"
)
PG_COUNT = "SELECT count(*) FROM {} WHERE notification_id <= %s AND topic = ANY(%s)"


class PostgresBackend:
    """A PostgreSQL server; every store is a new schema, all dropped at the end."""

    name = "postgres"

    def __init__(self, server: dict[str, str], origin: str) -> None:
        self.server = server
        self.origin = origin
        self.schemas: list[str] = []

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
        """Server version and settings, and the client library."""
        names = ("server_version", "fsync", "synchronous_commit", "shared_buffers", "work_mem")
        with self.connect() as conn:
            shown = [_one(conn, sql.SQL("SELECT current_setting(%s)"), (n,)) for n in names]
        settings = ", ".join(f"{n}={v}" for n, v in zip(names[1:], shown[1:], strict=True))
        where = f"{self.server['POSTGRES_HOST']}:{self.server.get('POSTGRES_PORT', '5432')}"
        return (
            f"PostgreSQL {str(shown[0]).split()[0]} at {where} ({self.origin}), {settings}; "
            f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__})"
        )

    def fresh_env(self, tag: str) -> dict[str, str]:
        """A new empty schema."""
        schema = f"bench_proj_{tag}_{secrets.token_hex(3)}"
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        self.schemas.append(schema)
        return {**self.server, "POSTGRES_SCHEMA": schema}

    def table(self, env: dict[str, str]) -> sql.Identifier:
        """The events table of a store."""
        return sql.Identifier(env["POSTGRES_SCHEMA"], PG_EVENTS)

    @contextlib.contextmanager
    def loader(self, env: dict[str, str]) -> Iterator[Loader]:
        """Binary COPY of each batch, one transaction per batch (ids follow the row order)."""
        statement = sql.SQL(PG_COPY).format(self.table(env))
        with self.connect(autocommit=False) as conn:

            def load(batch: Sequence[StoredEvent]) -> None:
                with conn.cursor() as cursor, cursor.copy(statement) as copy:
                    copy.set_types(["uuid", "int8", "text", "bytea"])
                    for event in batch:
                        copy.write_row(
                            (
                                event.originator_id,
                                event.originator_version,
                                event.topic,
                                event.state,
                            )
                        )
                conn.commit()

            yield load

    def copy_log(self, source: dict[str, str], target: dict[str, str], up_to: int) -> None:
        """INSERT … SELECT in the server, in log order."""
        statement = sql.SQL(PG_COPY_LOG).format(self.table(target), self.table(source))
        with self.connect() as conn:
            conn.execute(statement, (up_to,))

    def count(self, env: dict[str, str], up_to: int, topics: Sequence[str]) -> int:
        """count(*) of the events with these topics up to a position."""
        with self.connect() as conn:
            statement = sql.SQL(PG_COUNT).format(self.table(env))
            return int(_one(conn, statement, (up_to, list(topics))))

    def analyze(self, env: dict[str, str]) -> None:
        """VACUUM ANALYZE, as autovacuum would do soon after such a load."""
        with self.connect() as conn:
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(self.table(env)))

    def explain(self, store: ViewStore, text: str, params: Sequence[Any]) -> list[str]:
        """EXPLAIN (ANALYZE, BUFFERS) of the query, run as the list runs it."""
        rows = store.fetch("EXPLAIN (ANALYZE, BUFFERS) " + text, params)
        return [str(row["QUERY PLAN"]) for row in rows]

    def seq_scans(self, plan: Sequence[str]) -> list[str]:
        """Seq Scan nodes on an orders table."""
        return [line for line in plan if "Seq Scan" in line and "_orders" in line]

    def close(self) -> None:
        """Drop every schema this run created."""
        with self.connect() as conn:
            conn.execute("SET lock_timeout = '30s'")
            for schema in self.schemas:
                conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        self.schemas.clear()


def _one(
    conn: psycopg.Connection[TupleRow], query: sql.SQL | sql.Composed, params: Sequence[Any]
) -> Any:
    """The single value a query returns."""
    found = conn.execute(query, params).fetchone()
    assert found is not None
    return found[0]


class SqliteBackend:
    """SQLite files in a temporary directory, one per store, deleted at the end."""

    name = "sqlite"

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="betotrace-bench-proj-"))

    def describe(self) -> str:
        """Library version and where the files are."""
        return f"SQLite {sqlite3.sqlite_version}, files in {self.directory}"

    def fresh_env(self, tag: str) -> dict[str, str]:
        """A new file."""
        path = self.directory / f"{tag}-{secrets.token_hex(3)}.sqlite"
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}

    @contextlib.contextmanager
    def loader(self, env: dict[str, str]) -> Iterator[Loader]:
        """The application recorder's ``insert_events``, one transaction per batch."""
        app = Betotrace(env=store_env(env))

        def load(batch: Sequence[StoredEvent]) -> None:
            app.recorder.insert_events(list(batch))

        try:
            yield load
        finally:
            app.close()

    def copy_log(self, source: dict[str, str], target: dict[str, str], up_to: int) -> None:
        """INSERT … SELECT from the attached source file, in log order."""
        with contextlib.closing(sqlite3.connect(target["SQLITE_DBNAME"])) as conn:
            conn.execute("ATTACH DATABASE ? AS source", (source["SQLITE_DBNAME"],))
            conn.execute(
                "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                "SELECT originator_id, originator_version, topic, state FROM source.stored_events "
                "WHERE rowid <= ? ORDER BY rowid",
                (up_to,),
            )
            conn.commit()

    def count(self, env: dict[str, str], up_to: int, topics: Sequence[str]) -> int:
        """count(*) of the events with these topics up to a position."""
        marks = ", ".join("?" for _ in topics)
        with contextlib.closing(sqlite3.connect(env["SQLITE_DBNAME"])) as conn:
            query = f"SELECT count(*) FROM stored_events WHERE rowid <= ? AND topic IN ({marks})"
            return int(conn.execute(query, (up_to, *topics)).fetchone()[0])

    def analyze(self, env: dict[str, str]) -> None:
        """ANALYZE the file."""
        with contextlib.closing(sqlite3.connect(env["SQLITE_DBNAME"])) as conn:
            conn.execute("ANALYZE")

    def explain(self, store: ViewStore, text: str, params: Sequence[Any]) -> list[str]:
        """EXPLAIN QUERY PLAN (SQLite does not execute it)."""
        rows = store.fetch("EXPLAIN QUERY PLAN " + text, params)
        return [str(row["detail"]) for row in rows]

    def seq_scans(self, plan: Sequence[str]) -> list[str]:
        """Full scans of an orders table (SCAN without an index)."""
        return [line for line in plan if line.startswith("SCAN") and "_orders" in line]

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
def open_backend(name: str) -> Iterator[Backend]:
    """The chosen backend, cleaned up at the end."""
    if name == "postgres":
        with postgres_backend() as postgres:
            yield postgres
        return
    lite = SqliteBackend()
    try:
        yield lite
    finally:
        lite.close()


# --- building the stores ------------------------------------------------------------------------


@dataclass
class Store:
    """One event store with its application and its order-list view."""

    label: str
    env: dict[str, str]
    app: Betotrace
    orders: int = 0
    events: int = 0  # order events appended by this benchmark
    seconds: float = 0.0  # spent generating and appending them
    number_offset: int = 0  # order numbers of the next generator processes start here

    @property
    def head(self) -> int:
        """The last position of the log."""
        return self.app.recorder.max_notification_id() or 0


def open_store(backend: Backend, label: str) -> Store:
    """A new empty store (tables created by the application)."""
    env = store_env(backend.fresh_env(label))
    return Store(label, env, Betotrace(env=env))


@dataclass(frozen=True)
class Part:
    """What one generator process appends: its days of the year, of ``count`` orders."""

    label: str
    env: dict[str, str]
    count: int
    days: range
    seed: int
    full: bool
    first_number: int


def generate_part(backend: Backend, world: World, part: Part) -> tuple[int, int, float]:
    """Generate a part's orders and append their events in batches; (orders, events, s)."""
    started, batch, orders, events = time.perf_counter(), list[StoredEvent](), 0, 0
    app = Betotrace(env={**part.env, "CREATE_TABLE": "n"})  # for its mapper (transcodings)
    rng = random.Random(part.seed)
    plans = order_plans(
        rng, world, part.count, part.days, Numbering(part.first_number), full=part.full
    )
    with backend.loader(part.env) as load:
        for event in stored_events(app, plans):
            batch.append(event)
            if len(batch) >= LOAD_BATCH:
                load(batch)
                events, batch = events + len(batch), []
                if events % 500_000 < LOAD_BATCH:
                    log(f"  {part.label}: {events:,} events appended")
        load(batch)
        events += len(batch)
    app.close()
    orders = sum(
        part.count * (d + 1) // HISTORY_DAYS - part.count * d // HISTORY_DAYS for d in part.days
    )
    return orders, events, time.perf_counter() - started


def append_orders(
    backend: Backend, store: Store, world: World, count: int, seed: int, *, full: bool
) -> None:
    """``count`` orders, generated by GENERATORS processes (each its share of the days)."""
    started = time.perf_counter()
    workers = GENERATORS if backend.name == "postgres" else 1
    bounds = [HISTORY_DAYS * k // workers for k in range(workers + 1)]
    offset = store.number_offset
    parts = [
        Part(
            f"{store.label}/{k + 1}",
            store.env,
            count,
            range(bounds[k], bounds[k + 1]),
            seed * 100 + k,
            full,
            offset + k * 10**6,
        )
        for k in range(workers)
    ]
    store.number_offset += workers * 10**6
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(generate_part, [backend] * workers, [world] * workers, parts))
    store.orders += sum(orders for orders, _, _ in results)
    store.events += sum(events for _, events, _ in results)
    store.seconds += time.perf_counter() - started
    log(
        f"  {store.label}: {store.orders:,} orders, {store.events:,} events in {store.seconds:.0f} s"
    )


def slice_orders(events: int, world: World, seed: int) -> int:
    """How many full-life orders give at least ``events`` events (measured on a sample)."""
    rng = random.Random(seed + 7)
    sample = [
        plan_order(rng, world, NOW - timedelta(days=rng.uniform(0, 365)), Numbering(), full=True)
        for _ in range(4000)
    ]
    per_order = sum(1 + len(plan.steps) for plan in sample) / len(sample)
    return math.ceil(events / (per_order * 0.985))


@dataclass
class Stores:
    """The three stores of a run."""

    small: Store
    slice: Store
    large: Store
    world: World
    mark: int  # the large log's position where the slice's events end


def build_stores(backend: Backend, args: argparse.Namespace) -> Stores:
    """Small (full lives), slice (full lives, ≥ --slice-events) and large (slice + short lives)."""
    small = open_store(backend, "small")
    log(
        f"registering {args.companies} customers and {args.companies} suppliers (with "
        f"{BRANCHES_PER_SUPPLIER} branches each) through the application"
    )
    world = build_world(small.app, args.companies, random.Random(args.seed))
    log(f"small: {args.orders_small:,} orders with full lives")
    append_orders(backend, small, world, args.orders_small, args.seed + 1, full=True)
    part = min(args.orders_large, slice_orders(args.slice_events, world, args.seed))
    slice_store = open_store(backend, "slice")
    backend.copy_log(small.env, slice_store.env, world.head)
    log(f"slice: {part:,} orders with full lives (≥ {args.slice_events:,} events)")
    append_orders(backend, slice_store, world, part, args.seed + 2, full=True)
    large = open_store(backend, "large")
    backend.copy_log(slice_store.env, large.env, slice_store.head)
    large.orders, large.events = slice_store.orders, slice_store.events
    large.number_offset, mark = slice_store.number_offset, large.head
    rest = args.orders_large - part
    log(f"large: the slice's {part:,} orders, then {rest:,} orders with short lives")
    append_orders(backend, large, world, rest, args.seed + 3, full=False)
    for store in (small, slice_store, large):
        backend.analyze(store.env)
    return Stores(small, slice_store, large, world, mark)


# --- raw reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadRate:
    """Reading the projection's events of the log in pages of READ_PAGE."""

    events: int
    raw_seconds: float
    decoded_seconds: float
    raw_cpu: float = 0.0  # this process's CPU seconds (what the load of the machine barely moves)
    # PostgreSQL: the same events in aggregate order (the primary key's), read only, and read,
    # decoded and folded into the order list's rows in memory (no writes); None on SQLite.
    by_aggregate: tuple[float, float, float] | None = None  # (read s, fold s, fold CPU s)

    @property
    def raw_rate(self) -> float:
        """Events/s as rows (select_notifications only)."""
        return self.events / self.raw_seconds

    @property
    def decoded_rate(self) -> float:
        """Events/s decoded into domain events."""
        return self.events / self.decoded_seconds


def read_all(store: Store, topics: list[str], *, decode: bool) -> tuple[int, float, float]:
    """Page through the log with the projection's topics; (events, seconds, CPU seconds)."""
    recorder, mapper = store.app.recorder, store.app.mapper
    head, position, count = store.head, 0, 0
    started, cpu = time.perf_counter(), time.process_time()
    while position < head:
        page = recorder.select_notifications(position + 1, READ_PAGE, stop=head, topics=topics)
        if decode:
            for notification in page:
                mapper.to_domain_event(notification)
        count += len(page)
        position = page[-1].id if len(page) == READ_PAGE else head
    return count, time.perf_counter() - started, time.process_time() - cpu


def read_rate(store: Store) -> ReadRate:
    """The raw and the decoding read rate of the projection's events (a warm log: just loaded
    and vacuumed, as the rebuilds read it)."""
    topics = OrderListProjection().topics
    events, raw, raw_cpu = read_all(store, topics, decode=False)
    _, decoded, _ = read_all(store, topics, decode=True)
    log(f"  read {events:,} events: {events / raw:,.0f}/s raw, {events / decoded:,.0f}/s decoded")
    by_aggregate = None
    if isinstance(store.app.recorder, PostgresApplicationRecorder):
        read, _, _ = fold_by_aggregate(store, fold=False)
        folded, fold_cpu, count = fold_by_aggregate(store, fold=True)
        assert count == events, (count, events)
        by_aggregate = (read, folded, fold_cpu)
    return ReadRate(events, raw, decoded, raw_cpu, by_aggregate)


AGGREGATE_BATCH = 5000  # events folded together (cut at an aggregate's end)


def fold_by_aggregate(store: Store, *, fold: bool) -> tuple[float, float, int]:
    """Read the projection's events in aggregate order (PostgreSQL), optionally decoding and
    folding them into the order list's rows in memory; (seconds, CPU seconds, events).

    What a rebuild of an aggregate-local read model (every row from one aggregate's events,
    counters only added to) could do instead of replaying the log: every order's events in a
    row, its final row built once, no row read back. Measured here as the next step's
    ceiling: nothing is written.
    """
    from projections.framework.projection import Rows

    projection = OrderListProjection()
    recorder = store.app.recorder
    assert isinstance(recorder, PostgresApplicationRecorder)
    decoder = open_read_side(store.env).source.decoder
    reads, table = projection.reads, recorder.events_table_name
    query = (
        "SELECT originator_id, originator_version, topic, state FROM {} "
        "WHERE topic = ANY(%s) ORDER BY originator_id, originator_version"
    )
    count, last = 0, None
    batch: list[Any] = []

    def apply(events: list[Any]) -> None:
        rows = Rows(projection.tables, lambda _table, _keys: [], None)
        for event in events:
            projection.apply(rows, event)
        for _table, _upserts, _deletes in rows.changes():
            pass

    started, cpu = time.perf_counter(), time.process_time()
    with recorder.datastore.get_connection() as connection:
        schema = recorder.datastore.schema
        statement = sql.SQL(query).format(sql.Identifier(schema, table.split(".")[-1]))
        with (
            connection.transaction(),
            connection.cursor(name="by_aggregate", row_factory=tuple_row) as cursor,
        ):
            cursor.itersize = AGGREGATE_BATCH
            cursor.execute(statement, (projection.topics,))
            for originator_id, version, topic, state in cursor:
                count += 1
                if not fold:
                    continue
                if originator_id != last and len(batch) >= AGGREGATE_BATCH:
                    apply(batch)
                    batch = []
                last = originator_id
                stored = StoredEvent(originator_id, version, topic, state)
                batch.append(decoder.decode(stored, reads.get(topic)))
    if batch:
        apply(batch)
    return time.perf_counter() - started, time.process_time() - cpu, count


# --- rebuilds in a fresh process ------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildRun:
    """One rebuild as the runner process saw it."""

    label: str
    batch_size: int
    events: int
    seconds: float
    samples: list[tuple[float, int, int]]  # (seconds, position, RSS bytes)
    mark: tuple[float, int] | None  # (seconds, position) when the mark position was passed
    head: int
    cpu: float = 0.0  # the runner's CPU seconds (all its threads, and its part processes')
    parts: int = 0  # > 0: folded by aggregate in that many processes first
    parts_peak_rss: int = 0  # the largest RSS of a part process (bytes)

    @property
    def rate(self) -> float:
        """Events per second over the whole rebuild."""
        return self.events / self.seconds

    def rss_after(self, share: float) -> int:
        """RSS at the first sample once ``share`` of the log was processed."""
        return next(r for _, p, r in self.samples if p >= share * self.head)

    @property
    def rss_growth(self) -> int:
        """Max RSS minus RSS once 10 % was done."""
        return max(r for _, _, r in self.samples) - self.rss_after(0.10)


def runner_rebuild(
    env: dict[str, str], label: str, batch_size: int, mark: int, parts: int = 0
) -> RebuildRun:
    """Rebuild the order list in this (fresh) process, sampling RSS about once a second
    (with ``parts``: aggregate by aggregate first, in that many processes)."""
    side = open_read_side(env)
    samples: list[tuple[float, int, int]] = []
    passed: list[tuple[float, int]] = []
    started = time.perf_counter()

    def progress(position: int, head: int) -> None:
        now = time.perf_counter() - started
        if not passed and position >= mark:
            passed.append((now, position))
        if not samples or now - samples[-1][0] >= SAMPLE_SECONDS or position >= head:
            samples.append((now, position, rss_bytes()))
            if len(samples) % 15 == 0:
                log(
                    f"  {label}: {position:,} / {head:,}, {position / now:,.0f} positions/s, "
                    f"RSS {samples[-1][2] / 2**20:,.0f} MB"
                )

    gc.collect()
    samples.append((0.0, 0, rss_bytes()))
    cpu, before = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = rebuild(
        side.store,
        side.source,
        OrderListProjection(),
        batch_size=batch_size,
        progress=progress,
        parts=parts,
        environ=env if parts else None,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu + (after.ru_utime + after.ru_stime)
    cpu -= before.ru_utime + before.ru_stime
    head = samples[-1][1]
    mark_at = passed[0] if passed else None
    peak = after.ru_maxrss * 1024 if parts else 0  # kilobytes on Linux
    return RebuildRun(
        label, batch_size, result.events, result.seconds, samples, mark_at, head, cpu, parts, peak
    )


def rebuild_in_runner(store: Store, batch_size: int, mark: int = 0, parts: int = 0) -> RebuildRun:
    """A rebuild of ``store``'s order list in a new process (the runner)."""
    how = f", by aggregate in {parts} processes" if parts else ""
    label = f"rebuild {store.label} (batch {batch_size}{how})"
    log(f"{label}: {store.head:,} positions in the log")
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        run = pool.submit(runner_rebuild, store.env, label, batch_size, mark or store.head, parts)
        result = run.result()
    log(
        f"  {label}: {result.events:,} events in {result.seconds:.1f} s, "
        f"{result.rate:,.0f} events/s, RSS +{result.rss_growth / 2**20:.1f} MB after 10 %"
    )
    return result


# --- list latency -------------------------------------------------------------------------------

QUERY_KINDS: dict[str, Callable[[OrderListQueries, UUID, Party], object]] = {
    "first page": lambda q, c, s: q.orders(c, s, limit=50),
    "status planned": lambda q, c, s: q.orders(
        c, s, OrderFilter(statuses=(OrderStatus.PLANNED,)), limit=50
    ),
    "open (requested+planned)": lambda q, c, s: q.orders(
        c, s, OrderFilter(statuses=(OrderStatus.REQUESTED, OrderStatus.PLANNED)), limit=50
    ),
    "action needed by me": lambda q, c, s: q.orders(
        c, s, OrderFilter(action_needed_by_me=True), limit=50
    ),
    "counts": lambda q, c, _side: q.counts(c),
}
Draw = tuple[UUID, Party]
Timings = dict[tuple[str, str, str], list[float]]  # (size, kind, side) → seconds


def draws(world: World, count: int, rng: random.Random) -> list[Draw]:
    """``count`` random customers and ``count`` random suppliers, each with its side."""
    customers = [(c.company.id, Party.CUSTOMER) for c in rng.choices(world.customers, k=count)]
    suppliers = [(s.company.id, Party.SUPPLIER) for s in rng.choices(world.suppliers, k=count)]
    return customers + suppliers


def time_queries(queries: OrderListQueries, size: str, picks: Sequence[Draw], out: Timings) -> None:
    """Every query kind for every draw, timed."""
    for kind, query in QUERY_KINDS.items():
        for company, side in picks:
            started = time.perf_counter()
            query(queries, company, side)
            out.setdefault((size, kind, side.value), []).append(time.perf_counter() - started)


def latencies(stores: dict[str, ViewStore], picks: list[Draw]) -> Timings:
    """All query kinds on each view, in rounds that alternate which size goes first."""
    lists = {size: OrderListQueries(store) for size, store in stores.items()}
    for size, queries in lists.items():  # warm-up: plans cached, pools filled
        time_queries(queries, size, picks[:: max(1, len(picks) // 20)], {})
    out: Timings = {}
    sizes = list(lists)
    for number in range(LATENCY_ROUNDS):
        part = picks[number::LATENCY_ROUNDS]
        for size in sizes if number % 2 == 0 else reversed(sizes):
            time_queries(lists[size], size, part, out)
    return out


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class RecordingStore:
    """A view store that remembers the last query the list sent (for EXPLAIN)."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store
        self.last: tuple[str, list[Any]] = ("", [])

    def fetch(self, text: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run the query, remembering it."""
        self.last = (text, list(params))
        return self.store.fetch(text, params)


def explain_lines(backend: Backend, store: ViewStore, world: World) -> Iterator[str]:
    """The plan of each list query for the biggest customer and supplier of the large view."""
    recorder = RecordingStore(store)
    queries = OrderListQueries(cast("ViewStore", recorder))
    picks: list[Draw] = [
        (world.customers[0].company.id, Party.CUSTOMER),
        (world.suppliers[0].company.id, Party.SUPPLIER),
    ]
    for kind, query in QUERY_KINDS.items():
        for company, side in picks:
            query(queries, company, side)
            plan = backend.explain(store, *recorder.last)
            full = backend.seq_scans(plan)
            verdict = "FULL SCAN of orders: " + "; ".join(full) if full else "no full scan"
            yield f"--- {kind}, {side.value} (biggest company): {verdict}"
            if kind == "first page" or full:
                yield from (f"    {line}" for line in plan)


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Report:
    """Everything measured in one run."""

    backend: str
    description: str
    args: argparse.Namespace
    stores: Stores
    reads: ReadRate
    runs: dict[str, RebuildRun]
    slice_in_large: tuple[int, float]  # (events, seconds) of the slice part of the large rebuild
    statuses: dict[str, dict[str, int]]  # size → status → rows
    timings: Timings
    explain: list[str]
    loads: list[float] = field(default_factory=list)


def size_label(orders: int) -> str:
    """10,000 → 10k, 1,000,000 → 1M."""
    if orders >= 1_000_000 and orders % 100_000 == 0:
        return f"{orders / 1_000_000:g}M"
    return f"{orders / 1000:g}k" if orders >= 1000 else str(orders)


def view_rows(store: ViewStore) -> dict[str, int]:
    """Rows of the order-list view per status."""
    rows = store.fetch("SELECT status, count(*) AS n FROM {q}order_list_orders GROUP BY status")
    return {str(row["status"]): int(row["n"]) for row in rows}


def rebuilds(backend: Backend, stores: Stores, args: argparse.Namespace) -> Report:
    """Read rates, rebuilds in the runner, then latency and plans on the built views."""
    topics = OrderListProjection().topics
    log(f"raw read rate of the slice's order-list events (pages of {READ_PAGE})")
    reads = read_rate(stores.slice)
    runs = {"small": rebuild_in_runner(stores.small, args.batch_sizes[0])}
    for batch in args.batch_sizes[:-1]:
        runs[f"slice b{batch}"] = rebuild_in_runner(stores.slice, batch)
    if backend.name == "postgres" and args.parts > 0:
        runs["slice by aggregate"] = rebuild_in_runner(
            stores.slice, args.batch_sizes[-1], parts=args.parts
        )
    large = rebuild_in_runner(stores.large, args.batch_sizes[-1], stores.mark)
    runs["large"] = large
    assert large.mark is not None
    slice_in_large = (backend.count(stores.large.env, large.mark[1], topics), large.mark[0])
    views = {
        size_label(store.orders): open_read_side(store.env).store
        for store in (stores.small, stores.large)
    }
    statuses = {size: view_rows(view) for size, view in views.items()}
    log(f"list latency: {args.queries} customers and {args.queries} suppliers per query kind")
    timings = latencies(views, draws(stores.world, args.queries, random.Random(args.seed + 4)))
    explain = list(explain_lines(backend, views[size_label(stores.large.orders)], stores.world))
    return Report(
        backend.name,
        backend.describe(),
        args,
        stores,
        reads,
        runs,
        slice_in_large,
        statuses,
        timings,
        explain,
    )


# --- the report ---------------------------------------------------------------------------------


def verdict(passed: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if passed else "FAIL"


def store_lines(report: Report) -> Iterator[str]:
    """What each store holds."""
    stores = report.stores
    notes = {
        "small": "full lives",
        "slice": f"full lives, ≥ {report.args.slice_events:,} events",
        "large": f"the slice, then {stores.large.orders - stores.slice.orders:,} short lives",
    }
    for store in (stores.small, stores.slice, stores.large):
        per = store.events / store.orders if store.orders else 0.0
        yield (
            f"  {store.label:<6} {store.orders:>10,} orders {store.events:>11,} order events "
            f"({per:.2f}/order; {notes[store.label]}), generated and appended in "
            f"{store.seconds:.0f} s"
        )
    for size, counts in report.statuses.items():
        mix = ", ".join(f"{status} {n:,}" for status, n in sorted(counts.items()))
        yield f"  view at {size}: {sum(counts.values()):,} order rows ({mix})"


def rate_lines(report: Report) -> Iterator[str]:
    """Read rates and rebuild rates, with their shares of the read rates."""
    reads = report.reads
    yield f"  {'raw read: select_notifications, pages of 1000, no decoding':<62} {reads.raw_rate:>9,.0f} ev/s"
    yield f"  {'read + decode: … + app.mapper.to_domain_event':<62} {reads.decoded_rate:>9,.0f} ev/s"
    if reads.by_aggregate is not None:
        read, folded, fold_cpu = reads.by_aggregate
        yield (
            f"  {'(info) read in aggregate order (primary key), no decoding':<62} "
            f"{reads.events / read:>9,.0f} ev/s"
        )
        yield (
            f"  {'(info) … + decode + fold into rows in memory, nothing written':<62} "
            f"{reads.events / folded:>9,.0f} ev/s  = {reads.raw_seconds / folded:.2f}"
            f" of raw; {fold_cpu / reads.events * 1e6:.1f} µs/ev client CPU"
        )
    events, seconds = report.slice_in_large
    rows = [
        (f"rebuild batch {run.batch_size}, slice store{_by(run)}", run.rate)
        for key, run in report.runs.items()
        if key.startswith("slice")
    ]
    last = report.args.batch_sizes[-1]
    rows.append((f"rebuild batch {last}, slice part of the large rebuild", events / seconds))
    for label, rate in rows:
        yield (
            f"  {label:<62} {rate:>9,.0f} ev/s  = {rate / reads.raw_rate:.2f} of raw, "
            f"{rate / reads.decoded_rate:.2f} of decoded"
        )
    for key in ("small", "large"):
        run = report.runs[key]
        yield (
            f"  {f'(info) rebuild batch {run.batch_size}, whole {key} store ({run.events:,} ev)':<62} "
            f"{run.rate:>9,.0f} ev/s"
        )
    # CPU time of the client process per event: barely moved by other load on the machine
    # (wall-clock rates are), so runs on a busy machine can still be compared on it.
    raw_cpu = reads.raw_cpu / reads.events * 1e6
    yield f"  {'(info) client CPU, raw read':<62} {raw_cpu:>9.1f} µs/ev"
    for key, run in report.runs.items():
        if key.startswith("slice"):
            per = run.cpu / run.events * 1e6
            yield (
                f"  {f'(info) client CPU, rebuild batch {run.batch_size}, slice{_by(run)}':<62} "
                f"{per:>9.1f} µs/ev  = {per / raw_cpu:.1f} × raw read"
            )


def _by(run: RebuildRun) -> str:
    return f", by aggregate ×{run.parts}" if run.parts else ""


def rss_lines(report: Report) -> Iterator[str]:
    """The runner's RSS during each rebuild."""
    for key, run in report.runs.items():
        values = [r / 2**20 for _, _, r in run.samples]
        growth = run.rss_growth / 2**20
        yield (
            f"  {key:<10} {run.events:>10,} ev {len(values):>5} samples: min {min(values):6.1f} "
            f"max {max(values):6.1f} at-10% {run.rss_after(0.10) / 2**20:6.1f} "
            f"last {values[-1]:6.1f} MB; max − at-10% = {growth:5.1f} MB "
            f"({'flat' if growth <= RSS_FLAT_MB else 'GROWS'})"
            + (
                f"; the {run.parts} part processes' peak {run.parts_peak_rss / 2**20:.1f} MB"
                if run.parts
                else ""
            )
        )


def latency_lines(report: Report) -> Iterator[str]:
    """p50/p95 per query kind and side at both sizes, and the p95 ratio."""
    small, large = (size_label(s.orders) for s in (report.stores.small, report.stores.large))
    yield (
        f"  {'query':<26} {'side':<9} {small + ' p50':>9} {small + ' p95':>9} "
        f"{large + ' p50':>9} {large + ' p95':>9} {'p95 ratio':>9}  target"
    )
    for kind in QUERY_KINDS:
        for side in ("customer", "supplier"):
            a, b = report.timings[(small, kind, side)], report.timings[(large, kind, side)]
            p95a, p95b = percentile(a, 0.95) * 1e3, percentile(b, 0.95) * 1e3
            passed = p95b <= TARGET_P95_MS and p95b / p95a <= TARGET_GROWTH
            yield (
                f"  {kind:<26} {side:<9} {statistics.median(a) * 1e3:>9.2f} {p95a:>9.2f} "
                f"{statistics.median(b) * 1e3:>9.2f} {p95b:>9.2f} {p95b / p95a:>9.2f}  "
                f"{verdict(passed)}"
            )


def check_lines(report: Report) -> Iterator[str]:
    """The issue's targets, PASS or FAIL."""
    reads, runs = report.reads, report.runs
    events, seconds = report.slice_in_large
    best = max([events / seconds, *(r.rate for k, r in runs.items() if k.startswith("slice"))])
    share = best / reads.raw_rate
    yield (
        f"  rebuild ≥ {TARGET_REBUILD_SHARE:.0%} of the raw read rate: best rebuild "
        f"{best:,.0f} ev/s = {share:.2f} of raw ({best / reads.decoded_rate:.2f} of decoded)  "
        f"{verdict(share >= TARGET_REBUILD_SHARE)}"
    )
    small, large = (size_label(s.orders) for s in (report.stores.small, report.stores.large))
    for side in ("customer", "supplier"):
        a = percentile(report.timings[(small, "first page", side)], 0.95) * 1e3
        b = percentile(report.timings[(large, "first page", side)], 0.95) * 1e3
        yield (
            f"  first page p95 at {large} ≤ {TARGET_P95_MS:g} ms, {side}: {b:.2f} ms  "
            f"{verdict(b <= TARGET_P95_MS)}"
        )
        yield (
            f"  first page p95 {large} / {small} ≤ {TARGET_GROWTH}, {side}: {b / a:.2f}  "
            f"{verdict(b / a <= TARGET_GROWTH)}"
        )
    for key in [k for k in runs if k != "small" and not runs[k].parts]:
        growth = runs[key].rss_growth / 2**20
        yield (
            f"  runner RSS flat during the {key} rebuild ({runs[key].events:,} events): "
            f"+{growth:.1f} MB after the first 10 % (≤ {RSS_FLAT_MB:g})  "
            f"{verdict(growth <= RSS_FLAT_MB)}"
        )
    scans = [line for line in report.explain if "FULL SCAN" in line]
    yield f"  no full scan of the orders table at {large}: {len(scans)} found  {verdict(not scans)}"


def print_report(report: Report) -> None:
    """The final tables and checks on stdout."""
    print(
        f"Betotrace projection benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"Python {platform.python_version()}, eventsourcing {package_version('eventsourcing')}, "
        f"{os.cpu_count()} CPUs, load average {' → '.join(f'{x:.2f}' for x in report.loads)}"
    )
    print(f"{report.backend}: {report.description}")
    print(
        f"world: {report.args.companies} customers, {report.args.companies} suppliers × "
        f"{BRANCHES_PER_SUPPLIER} branches; orders requested over the {HISTORY_DAYS} days "
        f"before {NOW:%Y-%m-%d %H:%M} UTC"
    )
    sections: list[tuple[str, Callable[[Report], Iterator[str]]]] = [
        ("\nstores", store_lines),
        (
            f"\nread and rebuild rates ({report.reads.events:,} order-list events of the slice)",
            rate_lines,
        ),
        ("\nrunner RSS (VmRSS sampled every second in the rebuild's progress callback)", rss_lines),
        ("\norder list latency, ms (OrderListQueries on the views, limit 50)", latency_lines),
        ("\nchecks", check_lines),
    ]
    for title, lines in sections:
        print(title)
        print(*lines(report), sep="\n")
    print(f"\nplans at {size_label(report.stores.large.orders)}")
    print(*report.explain, sep="\n")
    print(f"\nTotal {time.time() - _t0():.0f} s.")


# --- profiling ----------------------------------------------------------------------------------


def profile(backend: Backend, args: argparse.Namespace) -> None:
    """cProfile of an in-process rebuild of about ``args.profile`` events (full lives)."""
    store = open_store(backend, "profile")
    world = build_world(store.app, args.companies, random.Random(args.seed))
    count = slice_orders(args.profile, world, args.seed)
    append_orders(backend, store, world, count, args.seed + 2, full=True)
    backend.analyze(store.env)
    side = open_read_side(store.env)
    profiler = cProfile.Profile()
    profiler.enable()
    result = rebuild(side.store, side.source, OrderListProjection(), batch_size=1000)
    profiler.disable()
    print(
        f"rebuild of {result.events:,} events under cProfile: {result.seconds:.1f} s "
        f"({result.events_per_second:,.0f} events/s with the profiler's overhead)"
    )
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(PROFILE_TOP)
        print(out.getvalue())
    store.app.close()


# --- main ---------------------------------------------------------------------------------------


def _t0() -> float:
    return float(os.environ.setdefault("BENCH_PROJECTIONS_T0", str(time.time())))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--orders-small", type=int, default=10_000)
    parser.add_argument("--orders-large", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=50, help="customers, and suppliers")
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument(
        "--slice-events",
        type=int,
        default=1_000_000,
        help="full-life events measured for rebuild and read rates",
    )
    parser.add_argument("--batch-sizes", default="1000,5000", help="rebuild batch sizes")
    parser.add_argument("--queries", type=int, default=200, help="draws per side and query")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--parts",
        type=int,
        default=os.cpu_count() or 1,
        help="also rebuild the slice by aggregate in this many processes (PostgreSQL; "
        "default: one per CPU; 0: not)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="EVENTS",
        help="only profile a rebuild of about EVENTS events",
    )
    args = parser.parse_args(argv)
    args.batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    if not 0 < args.orders_small < args.orders_large:
        parser.error("need 0 < --orders-small < --orders-large")
    if args.companies < 1 or args.queries < LATENCY_ROUNDS:
        parser.error(f"need --companies ≥ 1 and --queries ≥ {LATENCY_ROUNDS}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Build the stores, measure, print the report."""
    args = parse_args(argv)
    _t0()
    with open_backend(args.backend) as backend:
        if args.profile:
            profile(backend, args)
            return
        loads = [os.getloadavg()[0]]
        stores = build_stores(backend, args)
        report = rebuilds(backend, stores, args)
        report.loads = [*loads, os.getloadavg()[0]]
        for store in (stores.small, stores.slice, stores.large):
            store.app.close()
    print_report(report)


if __name__ == "__main__":
    main()
