#!/usr/bin/env python3
"""HTTP API benchmark: order endpoints next to a trivial endpoint of the same gunicorn server.

    scripts/bench_api.py [--seconds S] [--clients N] [--rounds R] [--configs 2x8,1x16]
                         [--idempotency-keys] [--external-projections [POLL]] [--external-mail]
                         [--profile [wall|cpu]]

For each server configuration (gunicorn workers x threads; default 2x8, what ``betotrace serve``
runs on PostgreSQL), on a fresh PostgreSQL schema with the demo data (``betotrace demo-data``),
the server is ``betotrace serve`` plus two benchmark-only routes, started from a wrapper module
written to a temp dir:

    ping      GET /api/bench/ping   public, ``{"ok": true}``: the framework's ceiling (same
              process, same before-request guard, error handlers and JSON provider; no store)
    whoami    GET /api/bench/whoami the same behind bearer authentication (one token lookup
              and the user's company and user from the aggregate cache): what auth costs
    save      POST /api/bench/save  public: the library's bare append of a new one-event
              aggregate (``app.events.put``; no signal, no read models, no mail): the store's
              ceiling through this server
    request   POST /api/orders      a customer planner requests a new order
    accept    POST /api/orders/{id}/accept   the supplier planner accepts one requested order
    list      GET /api/orders       the customer's first page (default limit 50, with counts)
    detail    GET /api/orders/{id}  one of the orders made here, at random

N client threads (default 8), each with its own keep-alive ``http.client`` connection and its own
tokens, run each endpoint for ``--seconds`` in all, in alternating slices: every round runs all
endpoints once, the order flipping each round, so load from elsewhere hits all of them alike.
``--profile`` runs cProfile around every request in the workers (per endpoint, wall time; the
figures are then slower) and prints, after the report, the mean time per request in each stage
and the top functions. ``--external-projections`` runs the read models in one
``scripts/run_projections.py`` process instead of in each worker (BETOTRACE_PROJECTIONS=external);
``--external-mail`` delivers the e-mail in one ``betotrace send-mail`` process instead of a thread
of each worker (BETOTRACE_MAIL_SENDER=external). Both count as server CPU.
The workers start with CREATE_TABLE=n, after the tables were made by one process (see PREPARE).
Progress goes to stderr; the table and the checks against the targets to stdout; exit status 0
whether the targets pass or not. PostgreSQL is the server that POSTGRES_HOST and the other
POSTGRES_* variables name, else a throwaway cluster (tests/pg_cluster.py). Loopback only.
Method and results: docs/benchmarks-api.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version as package_version
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # the test helpers: the cluster, the order request's body
from tests.e2e.live import order_request  # noqa: E402

HOST = "127.0.0.1"
CUSTOMER = "planner@desmet.example.be"
SUPPLIER = "planner@betoncentrale.example.be"
PASSWORD = "betotrace-demo"  # the demo data's (betotrace_es.demo.DEMO_PASSWORD)
TRIVIAL = "ping"
ENDPOINTS = ("ping", "whoami", "save", "request", "accept", "list", "detail")
LABELS = {
    "ping": "GET  /api/bench/ping (trivial)",
    "whoami": "GET  /api/bench/whoami (trivial + auth)",
    "save": "POST /api/bench/save (trivial + library save)",
    "request": "POST /api/orders",
    "accept": "POST /api/orders/{id}/accept",
    "list": "GET  /api/orders",
    "detail": "GET  /api/orders/{id}",
}
PATHS = {e: " ".join(label.split()[:2]) for e, label in LABELS.items()}  # "GET /api/orders"
PROFILE_LINES = 25  # per endpoint, with --profile
COMMANDS = ("request", "accept")  # the order commands of the throughput target
MEASURED = ("request", "accept", "list", "detail")  # the endpoints of the latency target
TARGET_COMMAND_SHARE = 0.40  # order command req/s over the trivial endpoint's: at least
TARGET_P99_MS = 50.0  # p99 of every order endpoint: at most
WARMUP_SECONDS = 1.0  # per endpoint, before the measured rounds
BOOT_TIMEOUT = 90.0  # seconds for gunicorn to answer
REQUEST_TIMEOUT = 30.0  # seconds for one request
CLK_TCK = os.sysconf("SC_CLK_TCK")

# `betotrace serve` (api.cli._serve, same gunicorn settings) with two benchmark-only routes.
WRAPPER = '''\
"""Written by scripts/bench_api.py: `betotrace serve` plus /api/bench/ping, /whoami, /save."""
import sys

from eventsourcing.domain import Aggregate, event

import api
from api.auth import current
from api.cli import _serve
from api.http import public, services


class BenchNote(Aggregate):
    """A one-event aggregate no read model knows: what the bare library save costs."""

    @event("Written")
    def __init__(self, n: int) -> None:
        self.n = n

_create_app = api.create_app


def ping():
    return {"ok": True}


def whoami():
    return {"user_id": str(current().user.id)}


def save():
    note = BenchNote(1)
    services().app.events.put(note.collect_events())
    return {"id": str(note.id)}, 201


def create_app(*args, **kwargs):
    app = _create_app(*args, **kwargs)
    app.add_url_rule("/api/bench/ping", "bench_ping", public(ping), methods=["GET"])
    app.add_url_rule("/api/bench/whoami", "bench_whoami", whoami, methods=["GET"])
    app.add_url_rule("/api/bench/save", "bench_save", public(save), methods=["POST"])
    return app


api.create_app = create_app  # what _serve's gunicorn app loads in each worker
if len(sys.argv) > 6:  # --profile DIR MODE: cProfile every request, per endpoint, dumped at exit
    import atexit
    import cProfile
    import os
    import pstats
    import re
    import threading
    import time

    _UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    _profiles = {}  # (endpoint, thread) -> Profile: cProfile sees only the thread it runs in

    def _profiled(wsgi_app):
        def profiled_app(environ, start_response):
            path = _UUID.sub("{id}", environ.get("PATH_INFO", ""))
            key = (f"{environ.get('REQUEST_METHOD')} {path}", threading.get_ident())
            profile = _profiles.get(key)
            if profile is None:
                # wall: perf_counter (waits count); cpu: this thread's CPU time only
                timer = time.thread_time if sys.argv[6] == "cpu" else time.perf_counter
                profile = _profiles[key] = cProfile.Profile(timer)
            profile.enable()
            try:
                return list(wsgi_app(environ, start_response))
            finally:
                profile.disable()

        return profiled_app

    def _dump():
        endpoints = sorted({endpoint for endpoint, _ in _profiles})
        for number, endpoint in enumerate(endpoints):
            profiles = [p for (e, _), p in _profiles.items() if e == endpoint]
            stats = pstats.Stats(*profiles)
            path = f"{sys.argv[5]}/{os.getpid()}-{number}.prof"
            stats.dump_stats(path)
            with open(path + ".name", "w") as out:
                out.write(endpoint)

    _plain_create_app = create_app

    def create_app(*args, **kwargs):
        app = _plain_create_app(*args, **kwargs)
        app.wsgi_app = _profiled(app.wsgi_app)
        atexit.register(_dump)
        return app

    api.create_app = create_app
_serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
'''

_STARTED = time.perf_counter()


def log(message: str) -> None:
    """A progress line on stderr, stamped with the time since the start."""
    print(f"[{time.perf_counter() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


# --- machine state ------------------------------------------------------------------------------


def machine_ticks() -> int:
    """Busy clock ticks of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle


def process_ticks(pids: Sequence[int]) -> int:
    """utime + stime clock ticks of the processes ``pids`` (those still alive)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total


def children(parent: int) -> list[int]:
    """The processes whose parent is ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == parent:
                    found.append(int(entry.name))
    return found


def client_seconds() -> float:
    """CPU seconds this process (the clients) has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Pids:
    """The processes measured apart: gunicorn's, and PostgreSQL's (its postmaster's children)."""

    server: list[int]
    postmaster: int | None  # None: the server runs elsewhere (not seen in /proc)

    def postgres(self) -> list[int]:
        """PostgreSQL's processes right now (backends come and go with the pools)."""
        return [] if self.postmaster is None else [self.postmaster, *children(self.postmaster)]


@dataclass
class Cpu:
    """CPU seconds used during some runs: all CPUs, the clients, gunicorn, PostgreSQL."""

    wall: float = 0.0
    machine: float = 0.0
    client: float = 0.0
    server: float = 0.0
    postgres: float = 0.0

    def add(self, other: Cpu) -> None:
        """Accumulate another run's figures."""
        self.wall += other.wall
        self.machine += other.machine
        self.client += other.client
        self.server += other.server
        self.postgres += other.postgres

    @property
    def other(self) -> float:
        """Everything else: whatever else runs on the machine (other people's tests)."""
        return max(0.0, self.machine - self.client - self.server - self.postgres)


@contextlib.contextmanager
def cpu_meter(pids: Pids, out: Cpu) -> Iterator[None]:
    """Measure the CPU time used by the machine, this process, gunicorn and PostgreSQL inside."""
    postgres = pids.postgres()
    busy0 = machine_ticks()
    client0, wall0 = client_seconds(), time.perf_counter()
    server0, postgres0 = process_ticks(pids.server), process_ticks(postgres)
    yield
    busy1 = machine_ticks()
    out.add(
        Cpu(
            time.perf_counter() - wall0,
            (busy1 - busy0) / CLK_TCK,
            client_seconds() - client0,
            (process_ticks(pids.server) - server0) / CLK_TCK,
            (process_ticks(postgres) - postgres0) / CLK_TCK,
        )
    )


# --- HTTP clients -------------------------------------------------------------------------------


class UnexpectedStatusError(RuntimeError):
    """The server answered something the workload did not expect."""


@dataclass
class Answer:
    """A response: status, the headers we use, body."""

    status: int
    location: str | None
    body: bytes


class Client:
    """One keep-alive connection to the server; reconnects when the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.reconnects = 0

    def fresh(self) -> None:
        """Open a new connection (at the start of each slice: gunicorn closes idle ones)."""
        self.connection.close()
        self.connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        self.connection.connect()
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """One request and its whole response."""
        all_headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body, all_headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed the idle connection before it read the request: send it again.
            self.reconnects += 1
            self.fresh()
            self.connection.request(method, path, body, all_headers)
            response = self.connection.getresponse()
        data = response.read()
        return Answer(response.status, response.getheader("Location"), data)

    def json(self, method: str, path: str, payload: object, token: str | None = None) -> Any:
        """A JSON request whose answer must be 2xx; the decoded body."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = self.send(method, path, json.dumps(payload).encode(), headers)
        if not 200 <= answer.status < 300:
            msg = f"{method} {path}: {answer.status} {answer.body[:300]!r}"
            raise UnexpectedStatusError(msg)
        return json.loads(answer.body)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


# --- the workload -------------------------------------------------------------------------------


@dataclass
class Shared:
    """What the clients share: the orders made so far, the ones still to accept, the errors."""

    branch_id: str
    product_code: str
    created: list[str] = field(default_factory=list)
    to_accept: deque[str] = field(default_factory=deque)
    errors: dict[str, int] = field(default_factory=dict)
    first_error: dict[str, str] = field(default_factory=dict)
    starved: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    idempotency_keys: bool = False

    def error(self, endpoint: str, detail: str) -> None:
        """Count an unexpected answer."""
        with self.lock:
            self.errors[endpoint] = self.errors.get(endpoint, 0) + 1
            self.first_error.setdefault(endpoint, detail)


@dataclass
class Session:
    """One client: its connection and its two logins."""

    client: Client
    customer: str  # bearer token of the customer planner
    supplier: str  # bearer token of the supplier planner


def order_body(shared: Shared) -> bytes:
    """A valid order request, for some moment in the next weeks."""
    when = datetime.now(UTC) + timedelta(days=3, minutes=random.randrange(30 * 24 * 60))
    return json.dumps(
        order_request(shared.branch_id, shared.product_code, when.isoformat(timespec="seconds"))
    ).encode()


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


# One call of a workload: send one request and check its answer; returns whether it was timed.
Step = Callable[[Session, Shared], bool]


def _check(answer: Answer, expected: int, shared: Shared, endpoint: str) -> bool:
    if answer.status == expected:
        return True
    shared.error(endpoint, f"{answer.status} {answer.body[:300]!r}")
    return False


def ping(session: Session, shared: Shared) -> bool:
    """The trivial endpoint."""
    _check(session.client.send("GET", "/api/bench/ping"), 200, shared, "ping")
    return True


def whoami(session: Session, shared: Shared) -> bool:
    """The trivial endpoint behind authentication."""
    answer = session.client.send("GET", "/api/bench/whoami", headers=bearer(session.customer))
    _check(answer, 200, shared, "whoami")
    return True


def save(session: Session, shared: Shared) -> bool:
    """The trivial endpoint plus the library's bare save."""
    _check(session.client.send("POST", "/api/bench/save", None), 201, shared, "save")
    return True


def request_order(session: Session, shared: Shared) -> bool:
    """A new order; its id goes to the orders to accept and to look at."""
    headers = bearer(session.customer)
    if shared.idempotency_keys:
        headers["Idempotency-Key"] = secrets.token_hex(16)
    answer = session.client.send("POST", "/api/orders", order_body(shared), headers)
    if _check(answer, 201, shared, "request") and answer.location:
        order_id = answer.location.rsplit("/", 1)[1]
        with shared.lock:
            shared.created.append(order_id)
        shared.to_accept.append(order_id)
    return True


def accept_order(session: Session, shared: Shared) -> bool:
    """The supplier accepts the oldest order not yet accepted."""
    try:
        order_id = shared.to_accept.popleft()
    except IndexError:  # cannot happen while the top-up works: counted and reported
        shared.starved += 1
        time.sleep(0.001)
        return False
    headers = bearer(session.supplier)
    answer = session.client.send("POST", f"/api/orders/{order_id}/accept", None, headers)
    _check(answer, 200, shared, "accept")
    return True


def list_orders(session: Session, shared: Shared) -> bool:
    """The customer's first page of orders."""
    answer = session.client.send("GET", "/api/orders", headers=bearer(session.customer))
    _check(answer, 200, shared, "list")
    return True


def order_detail(session: Session, shared: Shared) -> bool:
    """One of the orders made here."""
    order_id = random.choice(shared.created)
    answer = session.client.send("GET", f"/api/orders/{order_id}", headers=bearer(session.customer))
    _check(answer, 200, shared, "detail")
    return True


STEPS: dict[str, Step] = {
    "ping": ping,
    "whoami": whoami,
    "save": save,
    "request": request_order,
    "accept": accept_order,
    "list": list_orders,
    "detail": order_detail,
}


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Sample:
    """The latencies (seconds) of a timed run, and of its rounds."""

    seconds: float
    latencies: list[float]
    rounds: list[Sample] = field(default_factory=list)
    cpu: Cpu = field(default_factory=Cpu)

    @classmethod
    def merge(cls, rounds: Sequence[Sample]) -> Sample:
        """The rounds of one endpoint taken together."""
        cpu = Cpu()
        for part in rounds:
            cpu.add(part.cpu)
        latencies = sorted(t for part in rounds for t in part.latencies)
        return cls(sum(part.seconds for part in rounds), latencies, list(rounds), cpu)

    def rate(self) -> float:
        """Requests per second of wall time."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def median(self) -> float:
        """The median latency, seconds."""
        return statistics.median(self.latencies) if self.latencies else math.nan

    def p99(self) -> float:
        """The nearest-rank 99th percentile of the latencies, seconds."""
        values = sorted(self.latencies)
        return values[max(0, math.ceil(0.99 * len(values)) - 1)] if values else math.nan

    def spread(self) -> float:
        """How far the rounds' rates lie apart: (max - min) / overall rate."""
        rates = [part.rate() for part in self.rounds] or [self.rate()]
        return (max(rates) - min(rates)) / self.rate() if self.rate() else math.nan


def run_clients(
    sessions: Sequence[Session], shared: Shared, step: Step, seconds: float, pids: Pids
) -> Sample:
    """Every session sends requests of ``step`` back to back until ``seconds`` have passed."""
    outputs: list[list[float]] = [[] for _ in sessions]
    errors: list[BaseException] = []
    for session in sessions:
        session.client.fresh()
    ready = threading.Barrier(len(sessions) + 1)
    deadline = math.inf

    def body(session: Session, out: list[float]) -> None:
        try:
            ready.wait()
            while (start := time.perf_counter()) < deadline:
                if step(session, shared):
                    out.append(time.perf_counter() - start)
        except BaseException as exc:  # re-raised in the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=body, args=(s, out), daemon=True)
        for s, out in zip(sessions, outputs, strict=True)
    ]
    for thread in threads:
        thread.start()
    cpu = Cpu()
    with cpu_meter(pids, cpu):
        started = time.perf_counter()
        deadline = started + seconds
        ready.wait()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return Sample(elapsed, [t for out in outputs for t in out], cpu=cpu)


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


def group_members(pgid: int) -> list[int]:
    """The processes of the process group ``pgid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:
                    found.append(int(entry.name))
    return found


class Child:
    """A subprocess of ours in its own session (Ctrl-C reaches us only), its output to a log."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], log_path: Path) -> None:
        self.log = log_path
        pythonpath = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                list(argv),
                cwd=REPO_ROOT,
                env={**env, "PYTHONPATH": pythonpath},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL to the group if it does not end within 20 s."""
        pgid = self.process.pid
        members = group_members(pgid)  # while the leader lives, the group id is surely ours
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
                self.process.wait(timeout=10)
        for pid in set(members) & set(group_members(pgid)):  # stragglers of ours, if any
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


class Server(Child):
    """gunicorn (``betotrace serve`` + benchmark routes)."""

    def __init__(
        self,
        env: Mapping[str, str],
        workers: int,
        threads: int,
        workdir: Path,
        profile: str | None,
    ) -> None:
        self.workers, self.threads = workers, threads
        self.port = free_port()
        wrapper = workdir / "bench_wsgi.py"
        wrapper.write_text(WRAPPER)
        argv = [sys.executable, str(wrapper), HOST, str(self.port), str(workers), str(threads)]
        if profile:
            argv += [str(workdir), profile]
        super().__init__(argv, env, workdir / f"gunicorn-{workers}x{threads}.log")
        self.pids: list[int] = []

    def wait_ready(self) -> None:
        """Until every worker booted and the trivial endpoint answers."""
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"gunicorn exited with {self.process.returncode}:\n{tail(self.log)}"
                raise RuntimeError(msg)
            workers = children(self.process.pid)
            if len(workers) >= self.workers:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                    try:
                        connection.request("GET", "/api/bench/ping")
                        if connection.getresponse().status == 200:
                            self.pids = [self.process.pid, *workers]
                            return
                    finally:
                        connection.close()
            time.sleep(0.2)
        msg = f"gunicorn did not answer within {BOOT_TIMEOUT:.0f} s:\n{tail(self.log)}"
        raise RuntimeError(msg)


# --- PostgreSQL ---------------------------------------------------------------------------------


@dataclass
class Postgres:
    """A server and the schemas made on it (dropped at the end)."""

    env: dict[str, str]
    where: str
    schemas: list[str] = field(default_factory=list)

    def connect(self) -> psycopg.Connection[Any]:
        """An autocommit connection."""
        return psycopg.connect(
            host=self.env["POSTGRES_HOST"],
            port=int(self.env.get("POSTGRES_PORT") or 5432),
            user=self.env["POSTGRES_USER"],
            password=self.env.get("POSTGRES_PASSWORD", ""),
            dbname=self.env["POSTGRES_DBNAME"],
            autocommit=True,
            connect_timeout=10,
        )

    def postmaster(self) -> int | None:
        """The postmaster's pid if the server runs on this machine (parent of our backend)."""
        with self.connect() as conn:
            row = conn.execute("SELECT pg_backend_pid()").fetchone()
        with contextlib.suppress(OSError, IndexError, ValueError, TypeError):
            stat = Path(f"/proc/{row[0]}/stat").read_text()  # type: ignore[index]
            return int(stat.rsplit(")", 1)[1].split()[1])
        return None

    def describe(self) -> str:
        """Version and durability settings."""
        with self.connect() as conn:
            names = ("server_version", "fsync", "synchronous_commit", "max_connections")
            values = [
                str(conn.execute("SELECT current_setting(%s)", (n,)).fetchone()[0])  # type: ignore[index]
                for n in names
            ]
        settings = ", ".join(f"{n}={v}" for n, v in zip(names[1:], values[1:], strict=True))
        return f"PostgreSQL {values[0]} ({self.where}; {settings})"

    def fresh_env(self, tag: str) -> dict[str, str]:
        """The settings of a new, empty schema."""
        schema = f"bench_api_{tag}_{secrets.token_hex(3)}"
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        self.schemas.append(schema)
        return {**self.env, "POSTGRES_SCHEMA": schema}

    def drop_schemas(self) -> None:
        """Drop every schema made here."""
        with contextlib.suppress(psycopg.Error), self.connect() as conn:
            for schema in self.schemas:
                conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@contextlib.contextmanager
def postgres() -> Iterator[Postgres]:
    """The server that POSTGRES_HOST and POSTGRES_* name, else a throwaway cluster."""
    sys.path.insert(0, str(REPO_ROOT))
    from tests.pg_cluster import CONFIGURED, server_env

    with server_env(log) as (env, origin):
        server = Postgres(env, origin)
        try:
            yield server
        finally:
            if origin == CONFIGURED:  # a throwaway cluster goes whole
                server.drop_schemas()


# --- one configuration --------------------------------------------------------------------------


@dataclass
class Result:
    """Everything measured with one server configuration."""

    workers: int
    threads: int
    samples: dict[str, Sample]
    loads: tuple[float, float]  # 1-minute load average before and after
    cpu: Cpu
    shared: Shared
    orders: int
    reconnects: int

    @property
    def name(self) -> str:
        """``2x4``: workers x threads."""
        return f"{self.workers}x{self.threads}"

    def share(self, endpoint: str) -> float:
        """The endpoint's req/s over the trivial endpoint's."""
        return self.samples[endpoint].rate() / self.samples[TRIVIAL].rate()

    def round_shares(self, endpoint: str) -> list[float]:
        """The same ratio round by round."""
        pairs = zip(self.samples[endpoint].rounds, self.samples[TRIVIAL].rounds, strict=True)
        return [a.rate() / b.rate() for a, b in pairs if b.rate()]


def betotrace_command() -> str:
    """The ``betotrace`` console script next to this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name("betotrace")
    if beside.exists():
        return str(beside)
    found = shutil.which("betotrace")
    if found is None:
        raise SystemExit("the betotrace command is not installed (make install)")
    return found


# Opens the services once, so that the event store's, the read models' and the API's tables exist
# before gunicorn's workers start; the workers then run with CREATE_TABLE=n. Two workers creating
# them at once on PostgreSQL collide, and gunicorn halts when a worker fails to boot: on a new
# schema `CREATE TABLE IF NOT EXISTS` twins meet on a duplicate key in pg_type, and even with the
# tables there, the library's create_table fails now and then with "tuple concurrently updated".
PREPARE = "from api.services import open_services; open_services().close()"


def prepare_store(env: Mapping[str, str]) -> None:
    """``betotrace demo-data`` on the store of ``env``, then the API's tables in one process."""
    pythonpath = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    for argv in ([betotrace_command(), "demo-data"], [sys.executable, "-c", PREPARE]):
        result = subprocess.run(
            argv,
            cwd=REPO_ROOT,
            env={**env, "PYTHONPATH": pythonpath},
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{argv[-1]} failed:\n{result.stdout}{result.stderr}")


def login(client: Client, email: str) -> str:
    """A bearer token of a demo user."""
    answer = client.json("POST", "/api/auth/token", {"email": email, "password": PASSWORD})
    return str(answer["access_token"])


def open_sessions(port: int, count: int) -> tuple[list[Session], Shared]:
    """``count`` clients, each logged in as the customer and as the supplier planner."""
    sessions = []
    for _ in range(count):
        client = Client(port)
        sessions.append(Session(client, login(client, CUSTOMER), login(client, SUPPLIER)))
    first = sessions[0]
    answer = first.client.send(
        "GET", "/api/directory/branches?q=gent", headers=bearer(first.customer)
    )
    if answer.status != 200:
        raise UnexpectedStatusError(f"directory: {answer.status} {answer.body[:300]!r}")
    branch = json.loads(answer.body)["items"][0]
    return sessions, Shared(branch["id"], branch["products"][0]["code"])


def top_up(sessions: Sequence[Session], shared: Shared, need: int, pids: Pids) -> None:
    """Make sure at least ``need`` requested orders wait to be accepted (not measured)."""
    while len(shared.to_accept) < need:
        run_clients(sessions, shared, request_order, 0.25, pids)


def backlog(rate: float, seconds: float, clients: int) -> int:
    """How many orders to have waiting for an accept run of ``seconds`` at about ``rate``."""
    return math.ceil(2 * rate * seconds) + 2 * clients


def start_runner(env: Mapping[str, str], poll: float | None, log_path: Path) -> Child | None:
    """``scripts/run_projections.py --poll POLL``, if ``poll`` is given."""
    if poll is None:
        return None
    log(f"starting scripts/run_projections.py --poll {poll:g}")
    script = str(REPO_ROOT / "scripts" / "run_projections.py")
    return Child([sys.executable, script, "--poll", str(poll)], env, log_path)


def warm_up(sessions: Sequence[Session], shared: Shared, pids: Pids, name: str) -> dict[str, float]:
    """Each endpoint for WARMUP_SECONDS; their rates (to size the accept backlog)."""
    log(f"{name}: warming up, {WARMUP_SECONDS:g} s per endpoint")
    rates: dict[str, float] = {}
    n = len(sessions)
    for endpoint in ENDPOINTS:
        if endpoint == "accept":
            top_up(sessions, shared, backlog(rates["request"], WARMUP_SECONDS, n), pids)
        sample = run_clients(sessions, shared, STEPS[endpoint], WARMUP_SECONDS, pids)
        rates[endpoint] = max(sample.rate(), 1.0)
    return rates


def measured_rounds(
    sessions: Sequence[Session],
    shared: Shared,
    pids: Pids,
    args: argparse.Namespace,
    rates: dict[str, float],
    name: str,
) -> tuple[dict[str, list[Sample]], Cpu]:
    """The alternating rounds: every endpoint once per round, the order flipping each round."""
    n = len(sessions)
    slice_seconds = args.seconds / args.rounds
    parts: dict[str, list[Sample]] = {e: [] for e in ENDPOINTS}
    cpu = Cpu()
    log(f"{name}: {args.rounds} rounds of {slice_seconds:g} s per endpoint, {n} clients")
    for number in range(args.rounds):
        order = ENDPOINTS if number % 2 == 0 else tuple(reversed(ENDPOINTS))
        for endpoint in order:
            if endpoint == "accept":  # not measured: orders to accept, made beforehand
                fastest = max(rates["accept"], rates["request"])  # the highest seen so far
                top_up(sessions, shared, backlog(fastest, slice_seconds, n), pids)
            sample = run_clients(sessions, shared, STEPS[endpoint], slice_seconds, pids)
            parts[endpoint].append(sample)
            cpu.add(sample.cpu)
            rates[endpoint] = max(sample.rate(), rates[endpoint])
        done = ", ".join(f"{e} {parts[e][-1].rate():,.0f}" for e in ENDPOINTS)
        log(f"{name}: round {number + 1}/{args.rounds}: req/s {done}")
    return parts, cpu


def measure(
    pg: Postgres, workers: int, threads: int, args: argparse.Namespace, workdir: Path
) -> Result:
    """Fresh schema, demo data, gunicorn; warm-up; the alternating rounds; stop gunicorn."""
    name = f"{workers}x{threads}"
    env = {
        **os.environ,
        **pg.fresh_env(name.replace("x", "_")),
        "BETOTRACE_SECRET_KEY": secrets.token_urlsafe(32),
        "BETOTRACE_VAR_DIR": str(workdir / f"var-{name}"),
    }
    env.pop("BETOTRACE_PROJECTIONS", None)  # the default: read models in each worker
    log(f"{name}: loading the demo data, creating the API's tables")
    prepare_store(env)
    if args.external_projections is not None:  # one runner process, the workers only poll
        env["BETOTRACE_PROJECTIONS"] = "external"
    runner = start_runner(env, args.external_projections, workdir / f"projections-{name}.log")
    mailer = None
    if args.external_mail:  # one `betotrace send-mail` process; the workers only write the outbox
        env["BETOTRACE_MAIL_SENDER"] = "external"
        log("starting betotrace send-mail")
        command = [str(Path(sys.executable).with_name("betotrace")), "send-mail"]
        mailer = Child(command, env, workdir / f"send-mail-{name}.log")
    log(f"{name}: starting gunicorn, {workers} worker(s) x {threads} thread(s)")
    server = Server({**env, "CREATE_TABLE": "n"}, workers, threads, workdir, args.profile)
    sessions: list[Session] = []
    try:
        server.wait_ready()
        if runner is not None and runner.process.poll() is not None:
            msg = f"run_projections.py exited with {runner.process.returncode}:\n{tail(runner.log)}"
            raise RuntimeError(msg)
        extra = [c.process.pid for c in (runner, mailer) if c is not None]
        pids = Pids([*server.pids, *extra], pg.postmaster())
        n = args.clients
        sessions, shared = open_sessions(server.port, n)
        shared.idempotency_keys = args.idempotency_keys
        rates = warm_up(sessions, shared, pids, name)
        loads = os.getloadavg()[0]
        parts, cpu = measured_rounds(sessions, shared, pids, args, rates, name)
        samples = {e: Sample.merge(parts[e]) for e in ENDPOINTS}
        return Result(
            workers,
            threads,
            samples,
            (loads, os.getloadavg()[0]),
            cpu,
            shared,
            len(shared.created),
            sum(s.client.reconnects for s in sessions),
        )
    except Exception:
        log(f"{name}: failed; the end of the gunicorn log:\n{tail(server.log)}")
        raise
    finally:
        for session in sessions:
            session.client.close()
        log(f"{name}: stopping gunicorn")
        server.stop()
        for child in (runner, mailer):
            if child is not None:
                child.stop()


# --- the report ---------------------------------------------------------------------------------


HEADER = (
    f"{'config':<6} {'endpoint':<40} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'n':>7} "
    f"{'spread':>6} {'vs ping':>7}  {'CPU ms/req: client server   pg  other':>37}"
)


def row(config: str, label: str, sample: Sample, share: float | None) -> str:
    """One line of the table."""
    count = len(sample.latencies) or 1
    cpu = sample.cpu
    ratio = f"{share:.2f}" if share is not None else ""
    return (
        f"{config:<6} {label:<40} {sample.rate():>7,.0f} {sample.median() * 1e3:>7.2f} "
        f"{sample.p99() * 1e3:>7.2f} {len(sample.latencies):>7,} {sample.spread():>6.0%} "
        f"{ratio:>7}  {cpu.client * 1e3 / count:>18.2f} {cpu.server * 1e3 / count:>6.2f} "
        f"{cpu.postgres * 1e3 / count:>5.2f} {cpu.other * 1e3 / count:>6.2f}"
    )


def table_lines(result: Result) -> Iterator[str]:
    """The rows of one configuration."""
    for endpoint in ENDPOINTS:
        share = None if endpoint == TRIVIAL else result.share(endpoint)
        yield row(result.name, LABELS[endpoint], result.samples[endpoint], share)


def check(label: str, value: float, rounds: Sequence[float], target: float, at_least: bool) -> str:
    """A figure against its target, with PASS or FAIL."""
    passed = value >= target if at_least else value <= target
    sign = "≥" if at_least else "≤"
    spread = f"(rounds {min(rounds):.2f}–{max(rounds):.2f})" if rounds else ""
    mark = "PASS" if passed else "FAIL"
    return f"{label:<52} {value:>6.2f} {spread:<20} target {sign} {target:g}  {mark}"


def check_lines(result: Result) -> Iterator[str]:
    """The targets of the issue for one configuration."""
    for endpoint in COMMANDS:
        label = f"{result.name}: {LABELS[endpoint]} / ping req/s"
        share, rounds = result.share(endpoint), result.round_shares(endpoint)
        yield check(label, share, rounds, TARGET_COMMAND_SHARE, at_least=True)
    for endpoint in MEASURED:
        sample = result.samples[endpoint]
        rounds = [part.p99() * 1e3 for part in sample.rounds]
        label = f"{result.name}: {LABELS[endpoint]} p99 ms"
        yield check(label, sample.p99() * 1e3, rounds, TARGET_P99_MS, at_least=False)
    for endpoint in ("list", "detail", "whoami", "save"):
        label = f"{result.name}: (info) {LABELS[endpoint]} / ping"
        yield f"{label:<52} {result.share(endpoint):>6.2f}"
    if result.shared.starved:
        yield (
            f"WARNING {result.name}: accept found no order to accept {result.shared.starved} "
            "times: its rate is understated"
        )
    if result.shared.errors:
        count = sum(result.shared.errors.values())
        yield f"WARNING {result.name}: {count} unexpected answers are counted in the figures above"


def context_lines(result: Result) -> Iterator[str]:
    """Machine state and bookkeeping of one configuration."""
    cpu = result.cpu
    cores = os.cpu_count() or 1
    before, after = result.loads
    yield (
        f"{result.name}: gunicorn gthread, {result.workers} worker(s) x {result.threads} "
        f"thread(s); load average before {before:.2f}, after {after:.2f}"
    )
    if cpu.wall:
        yield (
            f"{result.name}: CPU during the measured slices: {cpu.machine / cpu.wall:.2f} of "
            f"{cores} cores busy (client {cpu.client / cpu.wall:.2f}, gunicorn "
            f"{cpu.server / cpu.wall:.2f}, PostgreSQL {cpu.postgres / cpu.wall:.2f}, "
            f"others' processes {cpu.other / cpu.wall:.2f})"
        )
    shared = result.shared
    errors = ", ".join(
        f"{k} {v} (first: {shared.first_error[k]})" for k, v in shared.errors.items()
    )
    yield (
        f"{result.name}: {result.orders:,} orders made; reconnects {result.reconnects}; "
        f"accept starved {shared.starved}; unexpected answers: {errors or 'none'}"
    )


def print_report(results: Sequence[Result], pg: str, args: argparse.Namespace) -> None:
    """The context, the table and the checks of every configuration, on stdout."""
    print(
        f"Betotrace API benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"Python {platform.python_version()}, gunicorn {package_version('gunicorn')}, "
        f"Flask {package_version('flask')}, eventsourcing {package_version('eventsourcing')}, "
        f"{os.cpu_count()} CPUs shared by clients, gunicorn and PostgreSQL"
    )
    print(pg)
    given = [f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("BETOTRACE_")]
    print(f"API settings from the environment: {', '.join(given) or 'none (the defaults)'}")
    print(
        f"{args.clients} client threads (http.client keep-alive, one process), "
        f"{args.seconds:g} s per endpoint in {args.rounds} alternating rounds"
        + (", Idempotency-Key on every POST /api/orders" if args.idempotency_keys else "")
        + (
            ""
            if args.external_projections is None
            else f"; read models in scripts/run_projections.py --poll {args.external_projections:g}"
            " (BETOTRACE_PROJECTIONS=external), not in the workers"
        )
        + (
            "; e-mail delivered by one `betotrace send-mail` process (BETOTRACE_MAIL_SENDER="
            "external), not by the workers"
            if args.external_mail
            else ""
        )
    )
    for result in results:
        print(*context_lines(result), sep="\n")
    print(f"\n{HEADER}")
    for result in results:
        print(*table_lines(result), sep="\n")
    for result in results:
        print()
        print(*check_lines(result), sep="\n")
    print(f"\nTotal {time.perf_counter() - _STARTED:.0f} s.")


def parse_configs(text: str) -> list[tuple[int, int]]:
    """``2x4,2x8`` → [(2, 4), (2, 8)]."""
    configs = []
    for part in text.split(","):
        workers, _, threads = part.strip().partition("x")
        if not (workers.isdigit() and threads.isdigit()) or not int(workers) or not int(threads):
            msg = f"a configuration is WORKERSxTHREADS, such as 2x4, not {part!r}"
            raise argparse.ArgumentTypeError(msg)
        configs.append((int(workers), int(threads)))
    return configs


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="per endpoint and configuration (default 10)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--configs",
        type=parse_configs,
        default=parse_configs("2x8"),
        help="gunicorn WORKERSxTHREADS to measure, comma-separated (default 2x8: what "
        "`betotrace serve` runs on PostgreSQL)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument(
        "--idempotency-keys",
        action="store_true",
        help="send a new Idempotency-Key with every POST /api/orders",
    )
    parser.add_argument(
        "--external-projections",
        type=float,
        nargs="?",
        const=0.2,
        metavar="POLL",
        help="read models in one scripts/run_projections.py process polling every POLL s "
        "(default 0.2, its own default) instead of in each worker; its CPU counts as server",
    )
    parser.add_argument(
        "--external-mail",
        action="store_true",
        help="deliver the e-mail in one `betotrace send-mail` process instead of in each worker "
        "(BETOTRACE_MAIL_SENDER=external); its CPU counts as server",
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="wall",
        choices=("wall", "cpu"),
        help="cProfile every request in the workers, with wall time (default) or the request "
        "thread's CPU time; prints time per stage and the top functions (figures then slower)",
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or args.rounds < 1:
        parser.error("--seconds, --clients and --rounds must be positive")
    return args


# Stages of a request in the profiles: (column, file, function); time = cumulative wall time.
STAGES = (
    ("auth", "api/auth.py", "authenticate"),
    ("token", "api/state.py", "find_token"),
    ("user+co", "api/auth.py", "_principal"),
    ("command", "betotrace_es/application/orders.py", "request_order"),
    ("command", "betotrace_es/application/orders.py", "accept_order"),
    ("ryw wait", "projections/read_side.py", "wait_until"),
    ("views", "projections/order_status/queries.py", "status"),
    ("views", "projections/order_list/queries.py", "orders"),
    ("views", "projections/order_list/queries.py", "counts"),
)
STAGE_COLUMNS = tuple(dict.fromkeys(column for column, _, _ in STAGES))


def print_profiles(workdir: Path, endpoints: Sequence[str], mode: str) -> None:
    """Per endpoint, mean wall ms per request in each stage, then the top functions; stdout."""
    import pstats

    names: dict[str, list[str]] = {}
    for marker in workdir.glob("*.prof.name"):
        names.setdefault(marker.read_text(), []).append(str(marker.with_suffix("")))
    if not names:
        log("no profile was written")
        return
    loaded = {e: pstats.Stats(*names[e], stream=sys.stdout) for e in endpoints if e in names}
    print("\nWhere the time goes (cProfile of the workers' request threads, all requests incl.")
    if mode == "cpu":
        print("warm-up and top-ups; mean CPU ms per request of the request's own thread; not in")
        print("it: gunicorn's main loop and the projection runner's thread, which are background;")
        print("ryw wait = a command waiting for the read models to show it):")
    else:
        print("warm-up and top-ups; mean wall ms per request; waits for locks, the GIL and")
        print("PostgreSQL count; ryw wait = a command waiting for the read models to show it):")
    print(f"{'endpoint':<32} {'n':>6} {'request':>8}" + "".join(f" {c:>8}" for c in STAGE_COLUMNS))
    for endpoint, stats in loaded.items():
        entries: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
        totals = dict.fromkeys(STAGE_COLUMNS, 0.0)
        requests, whole = 0, 0.0
        for (filename, _, function), (_, calls, _, cumulative, _) in entries.items():
            if filename.endswith("flask/app.py") and function == "wsgi_app":
                requests, whole = calls, cumulative
            for column, suffix, name in STAGES:
                if function == name and filename.endswith(suffix):
                    totals[column] += cumulative
        count = max(requests, 1)
        cells = "".join(f" {totals[c] * 1e3 / count:>8.1f}" for c in STAGE_COLUMNS)
        print(f"{endpoint:<32} {requests:>6} {whole * 1e3 / count:>8.1f}{cells}")
    for endpoint, stats in loaded.items():
        print(
            f"\n=== cProfile of {endpoint} in the gunicorn workers ({mode} time, all requests) ==="
        )
        stats.strip_dirs().sort_stats("cumulative").print_stats(PROFILE_LINES)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    """Measure each configuration in turn on one PostgreSQL server, then print the report."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: the finally blocks clean up
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="betotrace-bench-api-"))
    try:
        with postgres() as pg:
            description = pg.describe()
            log(description)
            for workers, threads in args.configs:
                results.append(measure(pg, workers, threads, args, workdir))
        print_report(results, description, args)
        if args.profile:
            print_profiles(workdir, [PATHS[e] for e in ENDPOINTS], args.profile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted: gunicorn stopped, schemas or cluster removed")
        sys.exit(130)
