#!/usr/bin/env python3
"""Keep every read model up to date, as a process of its own (production, PostgreSQL).

    scripts/run_projections.py [--poll SECONDS] [--batch-size N]

On PostgreSQL each projection is guarded by an advisory lock: a second runner started by
mistake waits as a standby instead of writing the same views. Stops on Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator

from projections.catalog import all_projections
from projections.framework.runner import ProjectionRunner
from projections.framework.store import PostgresViewStore, ViewStore
from projections.framework.wiring import open_read_side

log = logging.getLogger("run_projections")


@contextlib.contextmanager
def exclusive(store: ViewStore, names: list[str], stop: threading.Event) -> Iterator[bool]:
    """Hold every projection's advisory lock (PostgreSQL); wait as standby until free."""
    if not isinstance(store, PostgresViewStore):
        yield True
        return
    with contextlib.ExitStack() as stack:
        held: set[str] = set()
        while not stop.is_set():
            for name in names:
                if name not in held and stack.enter_context(store.exclusive(name)):
                    held.add(name)
            if held == set(names):
                yield True
                return
            log.warning("another runner holds %s; standing by", sorted(set(names) - held))
            stop.wait(5)
        yield False


def main(argv: list[str] | None = None) -> int:
    """Run until stopped; exit 1 if a projection failed on an event."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--poll", type=float, default=0.2, help="seconds between looks at the log")
    parser.add_argument("--batch-size", type=int, default=1000, help="events per transaction")
    args = parser.parse_args(argv)
    if not args.poll > 0:
        parser.error("--poll must be more than 0 seconds")
    if args.batch_size < 1:
        parser.error("--batch-size must be 1 or more")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    side = open_read_side()
    projections = all_projections()
    runner = ProjectionRunner(side.store, side.source, projections, batch_size=args.batch_size)
    stop = threading.Event()

    def halt(*_: object) -> None:  # after the batch in hand, even far behind the log
        stop.set()
        runner.stop()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, halt)
    with exclusive(side.store, [p.name for p in projections], stop) as mine:
        if not mine:
            return 0
        log.info("keeping %s up to date", ", ".join(p.name for p in projections))
        while not stop.is_set() and len(runner.failures) < len(projections):
            runner.catch_up()  # a read model failing on an event is logged at once by the runner
            stop.wait(args.poll)
    if runner.failures:
        log.error("stopped with failed read models: %s", ", ".join(sorted(runner.failures)))
        return 1
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
