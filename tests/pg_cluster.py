"""A throwaway PostgreSQL cluster for tests: initdb in a temp dir, served on 127.0.0.1:<free port>.

`python -m tests.pg_cluster` starts one by hand and prints the `export POSTGRES_...` lines.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import pwd
import secrets
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

SUPERUSER = "betotrace"
TEST_DBNAME = "betotrace_test"
# Durability off: a test cluster is thrown away, and this makes commits several times faster.
SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
)
_START_ATTEMPTS = 3  # a free port picked by us can be taken by someone else before the server binds


@dataclass(frozen=True)
class PostgresSettings:
    """Where a PostgreSQL server is and how to log in to it."""

    host: str
    port: int
    user: str
    password: str
    dbname: str

    def env(self) -> dict[str, str]:
        """The environment that makes eventsourcing use this server."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_DBNAME": self.dbname,
        }


def connect(env: Mapping[str, str], dbname: str | None = None) -> psycopg.Connection[TupleRow]:
    """An autocommit connection to the server described by `env` (POSTGRES_* variables)."""
    return psycopg.connect(
        host=env["POSTGRES_HOST"],
        port=int(env.get("POSTGRES_PORT") or 5432),
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD", ""),
        dbname=dbname or env["POSTGRES_DBNAME"],
        autocommit=True,
        connect_timeout=10,
    )


def find_bindir() -> Path:
    """PG_BIN, else the newest /usr/lib/postgresql/*/bin, else `pg_config --bindir`."""
    if override := os.environ.get("PG_BIN"):
        if not (Path(override) / "initdb").is_file():
            raise RuntimeError(f"PG_BIN={override} has no initdb in it")
        return Path(override)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version_key)
    if found:
        return found[-1].parent
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(out.stdout.strip())
        if out.returncode == 0 and (bindir / "initdb").is_file():
            return bindir
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the server "
        "(Debian: apt-get install postgresql) or set PG_BIN to the directory holding them"
    )


def _version_key(initdb: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in initdb.parent.parent.name.split("."))
    except ValueError:
        return (-1,)


def _as_root() -> bool:
    return os.geteuid() == 0


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a server tool; as root, as the `postgres` user, since initdb refuses to run as root."""
    if _as_root():
        argv = ["runuser", "-u", "postgres", "--", *argv]
    try:
        return subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"could not run {shlex.join(argv)}: {exc}") from exc


def _give_to_postgres(path: Path) -> None:
    if _as_root():
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError(
                "running as root needs the 'postgres' system user (the postgresql package "
                "creates it) because initdb refuses to run as root"
            ) from None
        os.chown(path, user.pw_uid, user.pw_gid)


def _temp_base() -> str:
    """A temp dir parent that the `postgres` user can reach (TMPDIR may be under /root)."""
    base = Path(tempfile.gettempdir()).resolve()
    if not _as_root() or all(p.stat().st_mode & stat.S_IXOTH for p in (base, *base.parents)):
        return str(base)
    return "/tmp"


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no server log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _initdb(bindir: Path, root: Path, data: Path, password: str) -> None:
    pwfile = root / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    _give_to_postgres(pwfile)
    argv = [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile", str(pwfile)]
    argv += ["--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8"]
    try:
        result = _run([*argv, "--locale=C.UTF-8"], cwd=root)
        if result.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            result = _run([*argv, "--no-locale"], cwd=root)
    finally:
        pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed:\n{result.stdout}{result.stderr}")


def _start(bindir: Path, root: Path, data: Path, log: Path) -> int:
    for _ in range(_START_ATTEMPTS):
        port = _free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {shlex.quote(str(root))} "
        argv = [str(bindir / "pg_ctl"), "-w", "-t", "60", "-D", str(data)]
        result = _run([*argv, "-o", options + SERVER_OPTIONS, "-l", str(log), "start"], cwd=root)
        if result.returncode == 0:
            return port
        if "could not bind" not in _tail(log):
            break
    raise RuntimeError(
        f"PostgreSQL did not start: {result.stdout}{result.stderr}\n"
        f"--- tail of the server log {log} ---\n{_tail(log)}"
    )


def _stop(bindir: Path, root: Path, data: Path) -> None:
    """Stop the server (immediate mode: its data is thrown away) and remove its directory."""
    pidfile = data / "postmaster.pid"
    if pidfile.exists():
        argv = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
        with contextlib.suppress(RuntimeError):
            _run(argv, cwd=root)
    if pidfile.exists():  # pg_ctl failed: signal the postmaster directly (SIGQUIT = immediate)
        with contextlib.suppress(OSError, ValueError, IndexError):
            os.kill(int(pidfile.read_text().split()[0]), signal.SIGQUIT)
    shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[PostgresSettings]:
    """Start a new PostgreSQL cluster with a database `betotrace_test`; remove it on exit."""
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="betotrace-pg-", dir=_temp_base()))
    data, log = root / "data", root / "server.log"
    stop = functools.partial(_stop, bindir, root, data)
    atexit.register(stop)  # safety net if the with-block is never left normally
    try:
        _give_to_postgres(root)
        password = secrets.token_urlsafe(24)
        _initdb(bindir, root, data, password)
        port = _start(bindir, root, data, log)
        settings = PostgresSettings("127.0.0.1", port, SUPERUSER, password, TEST_DBNAME)
        try:
            with connect(settings.env(), dbname="postgres") as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEST_DBNAME)))
        except psycopg.Error as exc:
            raise RuntimeError(
                f"could not create {TEST_DBNAME}: {exc}\n--- tail of {log} ---\n{_tail(log)}"
            ) from exc
        yield settings
    finally:
        atexit.unregister(stop)
        stop()


CONFIGURED = "POSTGRES_HOST"  # where a server named by the environment comes from
THROWAWAY = "throwaway cluster"


def configured_server_env(environ: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """The settings of the server that POSTGRES_HOST and POSTGRES_* name (None: not set).

    A half configuration is refused with ValueError naming what is missing.
    """
    environ = os.environ if environ is None else environ
    if not environ.get("POSTGRES_HOST"):
        return None
    missing = [name for name in ("POSTGRES_USER", "POSTGRES_DBNAME") if not environ.get(name)]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        msg = f"POSTGRES_HOST is set but {' and '.join(missing)} {verb} not"
        raise ValueError(msg)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_HOST": environ["POSTGRES_HOST"],
        "POSTGRES_PORT": environ.get("POSTGRES_PORT") or "5432",
        "POSTGRES_USER": environ["POSTGRES_USER"],
        "POSTGRES_PASSWORD": environ.get("POSTGRES_PASSWORD", ""),
        "POSTGRES_DBNAME": environ["POSTGRES_DBNAME"],
    }


@contextlib.contextmanager
def server_env(say: Callable[[str], object] = print) -> Iterator[tuple[dict[str, str], str]]:
    """The configured server, else a throwaway cluster: its settings and where it came from.

    For scripts: a half configuration ends the process (SystemExit) before anything starts.
    """
    try:
        configured = configured_server_env()
    except ValueError as refused:
        raise SystemExit(str(refused)) from None
    if configured is not None:
        yield configured, CONFIGURED
        return
    say("starting a throwaway PostgreSQL cluster")
    with throwaway_cluster() as settings:
        yield settings.env(), THROWAWAY


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Start a cluster, print its settings as shell exports, and keep it until Ctrl-C."""
    signal.signal(signal.SIGTERM, _interrupt)
    with throwaway_cluster() as settings:
        for key, value in settings.env().items():
            sys.stdout.write(f"export {key}={shlex.quote(value)}\n")
        sys.stdout.flush()
        sys.stderr.write("PostgreSQL is running; Ctrl-C stops it and deletes its data.\n")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
